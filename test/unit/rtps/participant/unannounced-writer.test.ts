/**
 * The race of issue 11 on the in-memory bus with simulated time: a short-lived writer's SEDP
 * announcement reaches our metatraffic port after its first DATA reaches our user port (two
 * sockets read in either order), and the writer goes away without another HEARTBEAT. The reader
 * must still get the sample. And what is held for such writers stays bounded against a peer
 * that lies.
 */
import { describe, expect, it } from 'vitest';
import type { FakeClock } from '../../../../src/rtps/clock.js';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import { rtpsPorts } from '../../../../src/rtps/transport/ports.js';
import type { DatagramHandler, ReceiveChannel, Transport } from '../../../../src/rtps/transport/transport.js';
import { encodeMessage } from '../../../../src/rtps/wire/message.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const TOPIC = {
  topicName: 'rt/turtle1/cmd_vel',
  typeName: 'geometry_msgs::msg::dds_::Twist_',
  qos: RELIABLE,
};

/** A transport whose datagrams to one port are handed over `delayMs` late while `delayMs` > 0. */
function slowPort(
  inner: Transport,
  port: number,
  clock: FakeClock,
): { transport: Transport; delayMs: number } {
  const control = { transport: inner, delayMs: 0 };
  control.transport = {
    get stats() {
      return inner.stats;
    },
    openMulticast: (group, p) => inner.openMulticast(group, p),
    send: (data, to) => inner.send(data, to),
    close: () => inner.close(),
    openUnicast: async (p): Promise<ReceiveChannel> => {
      const channel = await inner.openUnicast(p);
      if (channel.port !== port) return channel;
      return {
        port: channel.port,
        close: () => channel.close(),
        onDatagram: (handler: DatagramHandler) =>
          channel.onDatagram((data, from) => {
            if (control.delayMs === 0) handler(data, from);
            else clock.setTimeout(() => handler(data, from), control.delayMs);
          }),
      };
    },
  };
  return control;
}

async function world() {
  const { clock, bus, run, participant } = simulatedBus();
  // The reader's participant is alone on its address: participant id 0.
  let slow: ReturnType<typeof slowPort> | undefined;
  const reader = await participant('10.0.0.1', {}, (t) => {
    slow = slowPort(t, rtpsPorts(0, 0).metatrafficUnicast, clock);
    return slow.transport;
  });
  const writer = await participant('10.0.0.2');
  return { clock, bus, slow: slow!, reader, writer, run };
}

describe('a writer whose data comes before its announcement', () => {
  it('still delivers the first sample of a short-lived writer', async () => {
    const { slow, reader, writer, run } = await world();
    const got: number[] = [];
    reader.createReader(TOPIC, (s) => got.push(s.payload![4]!));
    await run(500); // the participants know each other
    slow.delayMs = 20; // from now on the reader's metatraffic socket is read 20 ms late
    const w = writer.createWriter(TOPIC, { depth: 10 });
    for (let t = 0; t < 50 && w.matchedReaders.length === 0; t++) await run(1);
    expect(w.matchedReaders.length).toBe(1);
    w.write(new Uint8Array([0, 1, 0, 0, 42, 0, 0, 0]));
    await run(2);
    // Gone before any HEARTBEAT or resend, as `ros2 topic pub --once` is (its goodbye comes
    // on the same delayed metatraffic socket).
    await writer.close({ goodbye: false });
    await run(100);
    expect(got).toEqual([42]);
    expect(reader.earlyArrivals.held).toBe(0);
    expect(reader.earlyArrivals.released).toBeGreaterThanOrEqual(1); // the DATA, and HEARTBEATs with it
    await reader.close();
  });

  it('holds nothing for a known writer that matched none of our readers', async () => {
    const { reader, writer, run } = await world();
    reader.createReader(TOPIC, () => {});
    const w = writer.createWriter({ ...TOPIC, topicName: 'rt/other' }, { depth: 10 });
    await run(500);
    for (let i = 0; i < 5; i++) w.write(new Uint8Array([0, 1, 0, 0, i, 0, 0, 0]));
    await run(50);
    expect(reader.earlyArrivals).toEqual({ held: 0, bytes: 0, released: 0 });
    await Promise.all([reader.close(), writer.close()]);
  });

  it('bounds what a known participant can make it hold, and lets it expire', async () => {
    const { bus, reader, writer, run } = await world();
    reader.createReader(TOPIC, () => {});
    await run(500);
    const forger = bus.transport('10.0.0.9');
    // 10,000 DATA of 1 KB from writers the participant never announces, in its name.
    for (let i = 0; i < 10_000; i++) {
      forger.send(
        encodeMessage({
          header: { version: [2, 3], vendorId: [1, 15], guidPrefix: writer.guidPrefix },
          submessages: [
            {
              kind: 'DATA',
              flags: 0x05,
              extraFlags: 0,
              readerId: 0,
              writerId: ((i + 1) << 8) | 0x03,
              writerSN: 1,
              payload: new Uint8Array(1024),
            },
          ],
        }),
        { address: '10.0.0.1', port: rtpsPorts(0, 0).userUnicast },
      );
    }
    await run(5);
    const held = reader.earlyArrivals;
    expect(held.held).toBeGreaterThan(0);
    expect(held.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(reader.drops.counts.get('early-arrival-over-budget')).toBe(10_000 - held.held);
    await run(3_100);
    expect(reader.earlyArrivals.held).toBe(0);
    expect(reader.drops.counts.get('early-arrival-expired')).toBe(held.held);
    await Promise.all([reader.close(), writer.close(), forger.close()]);
  });
});
