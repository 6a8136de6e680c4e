/**
 * Whole participants (discovery included) over the fault-injecting transport on the in-memory
 * bus, simulated time: 20% loss, duplication, delay and reordering in both directions, on
 * discovery traffic as on data. They still discover each other, match, and a reliable reader
 * gets every sample (some fragmented) exactly once and in order.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import { RtpsParticipant } from '../../../../src/rtps/participant/participant.js';
import { FaultTransport } from '../../../../src/rtps/transport/fault-transport.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };

describe('participants over a lossy network', () => {
  it('discover, match and deliver 100,000 samples (every 100th fragmented) exactly once, in order', async () => {
    const clock = new FakeClock();
    const bus = new MemoryBus({ clock, latencyMs: 1 });
    const faults = { drop: 0.2, duplicate: 0.2, delay: 0.2, delayMs: [1, 20] as const, reorder: 0.2 };
    const transports: FaultTransport[] = [];
    const make = (address: string, seed: number) =>
      RtpsParticipant.create({
        transport:
          transports[
            transports.push(
              new FaultTransport(bus.transport(address), { seed, clock, send: faults, receive: faults }),
            ) - 1
          ]!,
        clock,
        announceAddresses: [address],
        maxDatagramSize: 16_000,
        discovery: { domainId: 0, range: 'subnet', staticPeers: [] },
      });
    const a = await make('10.0.0.1', 1);
    const b = await make('10.0.0.2', 2);
    const got: number[] = [];
    let corrupt = 0;
    const sizeOf = (i: number) => (i % 100 === 0 ? 50_000 : 32);
    b.createReader({ topicName: 'rt/lossy', typeName: 'T', qos: RELIABLE }, (s) => {
      const p = s.payload!;
      const i = p[4]! | (p[5]! << 8) | (p[6]! << 16);
      got.push(i);
      if (p.length !== sizeOf(i) || p[p.length - 1] !== (i & 0xff)) corrupt++;
    });
    const w = a.createWriter({ topicName: 'rt/lossy', typeName: 'T', qos: RELIABLE }, { depth: 64 });
    const step = async () => {
      clock.advance(1);
      await Promise.resolve();
    };
    while (w.matchedReaders.length === 0 && clock.now() < 60_000) await step();
    expect(w.matchedReaders.length).toBe(1);
    const n = 100_000;
    let written = 0;
    while (got.length < n && clock.now() < 3_600_000) {
      while (written < n && w.endpoint.unacknowledgedCount() < 64) {
        written++;
        const p = new Uint8Array(sizeOf(written));
        p[1] = 1;
        p[4] = written & 0xff;
        p[5] = (written >> 8) & 0xff;
        p[6] = (written >> 16) & 0xff;
        p[p.length - 1] = written & 0xff;
        w.write(p);
      }
      await step();
    }
    expect(got.length).toBe(n);
    expect(got.every((x, i) => x === i + 1)).toBe(true);
    expect(corrupt).toBe(0);
    // The faults really happened, on both sides and in both directions.
    for (const t of transports) {
      expect(t.stats.faults.send.dropped).toBeGreaterThan(1000);
      expect(t.stats.faults.receive.dropped).toBeGreaterThan(1000);
    }
    await Promise.all([a.close(), b.close()]);
  }, 120_000);
});
