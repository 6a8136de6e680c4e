/**
 * A LocalWriter and a LocalReader on two hosts of the in-memory bus, through the
 * fault-injecting transport (loss, duplication, delay, reordering both ways), in simulated time:
 * every sample, large fragmented ones included, is delivered once, in order, intact.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { type DeliveredSample, LocalReader } from '../../../../src/rtps/endpoints/local-reader.js';
import { LocalWriter } from '../../../../src/rtps/endpoints/local-writer.js';
import { createOutbox, type Outbox } from '../../../../src/rtps/endpoints/outbox.js';
import { Scheduler } from '../../../../src/rtps/endpoints/scheduler.js';
import { receiveMessage } from '../../../../src/rtps/message-receiver.js';
import { FaultTransport } from '../../../../src/rtps/transport/fault-transport.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';
import type { Transport } from '../../../../src/rtps/transport/transport.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';

const prefixA = new Uint8Array(12).fill(0xa);
const prefixB = new Uint8Array(12).fill(0xb);
const WRITER = { prefix: prefixA, entityId: 0x00000103 };
const READER = { prefix: prefixB, entityId: 0x00000104 };

function outbox(t: Transport, prefix: Uint8Array, maxDatagramSize: number): Outbox {
  return createOutbox(
    { version: [2, 3], vendorId: [1, 0xf7], guidPrefix: prefix },
    maxDatagramSize,
    (d, to) => {
      for (const l of to) t.send(d, l);
    },
  );
}

function payloadOf(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = 0;
  b[1] = 1;
  for (let k = 4; k < size; k += 97) b[k] = (i * 31 + k) & 0xff;
  b[size - 1] = i & 0xff;
  return b;
}

async function run(samples: number, loss: number, seed: number, sampleMemory: () => void = () => {}) {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  const faults = { drop: loss, duplicate: loss, delay: loss, delayMs: [1, 20] as const, reorder: loss };
  const ta = new FaultTransport(bus.transport('10.0.0.1'), { seed, clock, send: faults });
  const tb = new FaultTransport(bus.transport('10.0.0.2'), { seed: seed + 1, clock, send: faults });
  const ca = await ta.openUnicast(7411);
  const cb = await tb.openUnicast(7413);
  const sa = new Scheduler(clock);
  const sb = new Scheduler(clock);
  const writer = new LocalWriter(
    WRITER,
    {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 50,
      nackResponseDelayMs: 2,
      history: { kind: 'keep-last', depth: 32 },
    },
    outbox(ta, prefixA, 16_000),
    clock,
    sa.reschedule,
  );
  // Checked on arrival and not kept, so memory measures the protocol state, not this test.
  const got: number[] = [];
  let corrupt = 0;
  const sizeOf = (i: number) => (i % 50 === 0 ? 40_000 : 64); // every 50th sample is fragmented
  const check = (s: DeliveredSample) => {
    got.push(s.sn);
    if (Buffer.compare(Buffer.from(s.payload!), Buffer.from(payloadOf(s.sn, sizeOf(s.sn)))) !== 0) corrupt++;
  };
  const reader = new LocalReader(
    READER,
    { reliable: true, heartbeatResponseDelayMs: 3 },
    outbox(tb, prefixB, 16_000),
    clock,
    check,
    sb.reschedule,
  );
  sa.add(writer);
  sb.add(reader);
  writer.matchReader({ guid: READER, locators: [{ address: '10.0.0.2', port: 7413 }], reliable: true });
  reader.matchWriter({ guid: WRITER, locators: [{ address: '10.0.0.1', port: 7411 }], reliable: true });
  const drops = new DropCounter();
  ca.onDatagram((d) => {
    const m = parseMessage(d, drops);
    if (m)
      receiveMessage(m, prefixA, {
        onAckNack: (ctx, s) => writer.onAckNack(ctx.sourceGuidPrefix, s),
        onNackFrag: (ctx, s) => writer.onNackFrag(ctx.sourceGuidPrefix, s),
      });
  });
  cb.onDatagram((d) => {
    const m = parseMessage(d, drops);
    if (m)
      receiveMessage(m, prefixB, {
        onData: (ctx, s) => reader.onData(ctx, s),
        onDataFrag: (ctx, s) => reader.onDataFrag(ctx, s),
        onHeartbeat: (ctx, s) => reader.onHeartbeat(ctx, s),
        onHeartbeatFrag: (ctx, s) => reader.onHeartbeatFrag(ctx, s),
        onGap: (ctx, s) => reader.onGap(ctx, s),
      });
  });
  let written = 0;
  while (got.length < samples && clock.now() < 600_000) {
    while (written < samples && writer.unacknowledgedCount() < 32) {
      written++;
      writer.write(payloadOf(written, sizeOf(written)));
    }
    clock.advance(1);
    if (clock.now() % 1000 === 0) sampleMemory();
    await Promise.resolve();
  }
  await Promise.all([ta.close(), tb.close()]);
  return { got, corrupt, drops, historySize: writer.history.size };
}

describe('writer and reader over a lossy link', () => {
  it('delivers 3,000 samples (every 50th fragmented) exactly once, in order, intact, with 20% loss, duplication, delay and reordering', async () => {
    const { got, corrupt, drops } = await run(3000, 0.2, 7);
    expect(got.length).toBe(3000);
    expect(got.every((sn, i) => sn === i + 1)).toBe(true);
    expect(corrupt).toBe(0);
    expect(drops.total).toBe(0);
  });

  it('delivers 100,000 samples the same way with memory bounded', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const { got, corrupt, historySize } = await run(100_000, 0.2, 11, () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    });
    expect(got.length).toBe(100_000);
    expect(got.every((sn, i) => sn === i + 1)).toBe(true);
    expect(corrupt).toBe(0);
    expect(historySize).toBeLessThanOrEqual(32);
    // The sequence numbers this test keeps are under 1 MB; the protocol state must stay small too.
    expect(peak - heapBefore).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
