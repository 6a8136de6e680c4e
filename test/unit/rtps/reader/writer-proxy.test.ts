import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReceivedSample, WriterProxy } from '../../../../src/rtps/reader/writer-proxy.js';
import { makeSet, setMembers } from '../../../../src/rtps/wire/number-sets.js';

const s = (sn: number): ReceivedSample => ({ sn });
const sns = (xs: readonly ReceivedSample[]) => xs.map((x) => x.sn);

describe('reliable WriterProxy', () => {
  it('delivers in order, buffers what comes early, drops duplicates', () => {
    const p = new WriterProxy();
    expect(sns(p.onData(s(2)))).toEqual([]);
    expect(sns(p.onData(s(3)))).toEqual([]);
    expect(sns(p.onData(s(1)))).toEqual([1, 2, 3]);
    expect(sns(p.onData(s(2)))).toEqual([]);
    expect(p.expected).toBe(4);
  });

  it('answers a HEARTBEAT with an ACKNACK naming what is missing, after the response delay', () => {
    const p = new WriterProxy({ reliable: true, maxBuffered: 100, heartbeatResponseDelayMs: 5 });
    p.onData(s(1));
    p.onData(s(3));
    p.onHeartbeat(1, 5, 1, true, 1000);
    expect(p.nextDeadline()).toBe(1005);
    expect(p.poll(1004)).toBeUndefined();
    const ack = p.poll(1005)!;
    expect(ack.readerSNState.base).toBe(2);
    expect(setMembers(ack.readerSNState)).toEqual([2, 4, 5]);
    expect(ack.final).toBe(false);
    expect(p.nextDeadline()).toBeUndefined();
  });

  it('acknowledges positively when asked and nothing is missing; ignores stale HEARTBEATs', () => {
    const p = new WriterProxy();
    p.onData(s(1));
    p.onHeartbeat(1, 1, 7, false, 0);
    const ack = p.poll(100)!;
    expect(ack).toMatchObject({ final: true, readerSNState: { base: 2, numBits: 0 } });
    p.onHeartbeat(1, 9, 7, false, 0); // same count: ignored
    expect(p.nextDeadline()).toBeUndefined();
  });

  it('answers a HEARTBEAT that asks, with nothing missing, at once (as Cyclone does), not after the delay', () => {
    // A writer whose window is full waits for this ACKNACK: 5 ms per window capped throughput.
    const p = new WriterProxy({ reliable: true, maxBuffered: 100, heartbeatResponseDelayMs: 5 });
    p.onData(s(1), 1000);
    p.onData(s(2), 1000);
    p.onHeartbeat(1, 2, 1, false, 1000);
    expect(p.nextDeadline()).toBe(1000);
    expect(p.poll(1000)).toMatchObject({ final: true, readerSNState: { base: 3, numBits: 0 } });
    // A final HEARTBEAT with nothing missing asks for nothing.
    p.onHeartbeat(1, 2, 2, true, 1001);
    expect(p.nextDeadline()).toBeUndefined();
    // A pending NACK's delay is cut short too once the hole is filled and the writer asks.
    p.onData(s(4), 1002);
    expect(p.nextDeadline()).toBe(1007);
    p.onData(s(3), 1003);
    p.onHeartbeat(1, 4, 3, false, 1003);
    expect(p.nextDeadline()).toBe(1003);
  });

  it('skips what the writer no longer has (HEARTBEAT firstSN) and what it GAPs', () => {
    const p = new WriterProxy();
    p.onData(s(5));
    expect(sns(p.onHeartbeat(5, 6, 1, true, 0))).toEqual([5]); // 1..4 are gone
    expect(p.expected).toBe(6);
    p.onData(s(8));
    expect(sns(p.onGap(6, makeSet(7, [7])))).toEqual([8]); // 6 (range) and 7 (set) irrelevant
    expect(p.expected).toBe(9);
  });

  it('bounds what it buffers; what it could not keep is asked for again', () => {
    const p = new WriterProxy({ reliable: true, maxBuffered: 2, heartbeatResponseDelayMs: 0 });
    for (const sn of [2, 3, 4, 5]) p.onData(s(sn));
    expect(p.bufferedCount).toBe(2);
    p.onHeartbeat(1, 5, 1, true, 0);
    expect(setMembers(p.poll(0)!.readerSNState)).toEqual([1, 4, 5]);
  });

  it('delivers every sample exactly once and in order, whatever the arrival order, duplicates and gaps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 30 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1_000_000 })),
        (n, gapped, noise) => {
          const gaps = new Set(gapped.filter((g) => g <= n));
          const arrivals: number[] = [];
          for (let sn = 1; sn <= n; sn++) if (!gaps.has(sn)) arrivals.push(sn, sn); // everything twice
          const it = noise[Symbol.iterator]();
          for (let i = arrivals.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
          }
          const p = new WriterProxy({ reliable: true, maxBuffered: 10_000, heartbeatResponseDelayMs: 0 });
          const delivered: number[] = [];
          for (const g of gaps) delivered.push(...sns(p.onGap(g, makeSet(g + 1, []))));
          for (const sn of arrivals) delivered.push(...sns(p.onData(s(sn))));
          expect(delivered).toEqual(Array.from({ length: n }, (_, i) => i + 1).filter((x) => !gaps.has(x)));
          expect(p.expected).toBe(n + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('best-effort WriterProxy', () => {
  it('delivers only what is newer than the last delivered, never asks again', () => {
    const p = new WriterProxy({ reliable: false, maxBuffered: 0, heartbeatResponseDelayMs: 0 });
    expect(sns(p.onData(s(2)))).toEqual([2]);
    expect(sns(p.onData(s(1)))).toEqual([]);
    expect(sns(p.onData(s(5)))).toEqual([5]);
    p.onHeartbeat(1, 9, 1, false, 0);
    expect(p.nextDeadline()).toBeUndefined();
  });
});

describe('WriterProxy preemptive ACKNACK', () => {
  it('asks a newly matched reliable writer for a HEARTBEAT at once (non-final), then acks normally', () => {
    const p = new WriterProxy({ reliable: true, maxBuffered: 16, heartbeatResponseDelayMs: 5 });
    p.requestPreemptiveAck(100);
    expect(p.nextDeadline()).toBe(100);
    const plan = p.poll(100);
    expect(plan).toMatchObject({ final: false, count: 1 });
    expect(plan?.readerSNState.base).toBe(1);
    p.onHeartbeat(1, 0, 1, false, 200);
    expect(p.poll(205)?.final).toBe(true);
  });

  it('sends nothing preemptive for a best-effort writer', () => {
    const p = new WriterProxy({ reliable: false, maxBuffered: 16, heartbeatResponseDelayMs: 5 });
    p.requestPreemptiveAck(100);
    expect(p.nextDeadline()).toBeUndefined();
  });
});

describe('WriterProxy hole detection', () => {
  it('asks for what is missing when a sample arrives past a hole, without waiting for a HEARTBEAT', () => {
    const p = new WriterProxy({ reliable: true, maxBuffered: 16, heartbeatResponseDelayMs: 5 });
    const sample = (sn: number) => ({ sn, littleEndian: true, payload: new Uint8Array([sn]) });
    expect(p.onData(sample(2), 100)).toEqual([]);
    expect(p.nextDeadline()).toBe(105);
    const plan = p.poll(105);
    expect(plan && setMembers(plan.readerSNState)).toEqual([1]);
    expect(p.onData(sample(1), 110).map((s) => s.sn)).toEqual([1, 2]);
    expect(p.nextDeadline()).toBeUndefined();
  });
});
