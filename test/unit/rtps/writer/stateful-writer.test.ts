import { describe, expect, it } from 'vitest';
import { WriterHistory } from '../../../../src/rtps/writer/history.js';
import {
  type MatchedReader,
  StatefulWriter,
  type WriterAction,
} from '../../../../src/rtps/writer/stateful-writer.js';

const payload = new Uint8Array([0, 1, 0, 0]);
const VOLATILE: MatchedReader = { reliable: true, transientLocal: false };
const TRANSIENT_LOCAL: MatchedReader = { reliable: true, transientLocal: true };
const BEST_EFFORT: MatchedReader = { reliable: false, transientLocal: false };
const BEST_EFFORT_DURABLE: MatchedReader = { reliable: false, transientLocal: true };
const kinds = (a: WriterAction[]) =>
  a.map((x) =>
    x.kind === 'data'
      ? `data ${x.change.sn}`
      : x.kind === 'gap'
        ? `gap ${x.from}-${x.to}`
        : `hb ${x.firstSN}-${x.lastSN}${x.final ? ' F' : ''}`,
  );

describe('WriterHistory', () => {
  it('keeps the last n changes', () => {
    const h = new WriterHistory({ kind: 'keep-last', depth: 2 });
    for (let i = 0; i < 3; i++) h.add({ payload, timestampMs: i });
    expect([h.firstSN, h.lastSN, h.size]).toEqual([2, 3, 2]);
    expect(h.get(1)).toBeUndefined();
  });

  it('refuses a KEEP_ALL write past its limit', () => {
    const h = new WriterHistory({ kind: 'keep-all' }, 2);
    h.add({ payload, timestampMs: 0 });
    h.add({ payload, timestampMs: 0 });
    expect(() => h.add({ payload, timestampMs: 0 })).toThrow('KEEP_ALL history holds 2');
  });
});

describe('StatefulWriter', () => {
  it('sends each write to every reader and piggy-backs a HEARTBEAT', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }));
    w.addReader('r1', VOLATILE, 0);
    expect(kinds(w.write({ payload, timestampMs: 0 }, 0).actions)).toEqual(['data 1', 'hb 1-1']);
  });

  it('asks for an ACKNACK after a lone write and every 16 KiB, once until answered or 5 ms passed', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 8 }));
    w.addReader('r1', VOLATILE, 0);
    const large = new Uint8Array(6 * 1024);
    const hb = (now: number) => kinds(w.write({ payload: large, timestampMs: now }, now).actions)[1];
    expect(hb(100)).toBe('hb 1-1'); // lone: asks
    w.onAckNack('r1', 2, [], 1, 100.5);
    expect(hb(101)).toBe('hb 1-2 F'); // a stream: announces, does not ask
    expect(hb(102)).toBe('hb 1-3 F');
    expect(hb(103)).toBe('hb 1-4'); // 18 KiB since it asked: asks
    expect(hb(104)).toBe('hb 1-5 F');
    expect(hb(105)).toBe('hb 1-6 F'); // 18 KiB again, but the last request stands
    expect(hb(108)).toBe('hb 1-7'); // no answer for 5 ms: asks again
    w.onAckNack('r1', 8, [], 2, 108.5);
    expect(hb(109)).toBe('hb 1-8 F');
    expect(hb(110)).toBe('hb 2-9 F');
    expect(hb(111)).toBe('hb 3-10'); // 18 KiB since, the last one answered: asks at once
    expect(hb(300)).toBe('hb 4-11'); // lone again (history keeps 8)
  });

  it('sends a final HEARTBEAT with a write only 1 ms after the last one; one that asks, always', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-all' }, 8));
    w.addReader('r1', VOLATILE, 0);
    const write = (now: number) => kinds(w.write({ payload, timestampMs: now }, now).actions);
    expect(write(100)).toEqual(['data 1', 'hb 1-1']); // lone: asks
    w.onAckNack('r1', 2, [], 1, 100.1);
    expect(write(100.2)).toEqual(['data 2']);
    expect(write(100.9)).toEqual(['data 3']);
    expect(write(101)).toEqual(['data 4', 'hb 2-4 F']);
    expect(write(101.5)).toEqual(['data 5', 'hb 2-5']); // 4 of 8 unacknowledged: asks
    expect(write(101.6)).toEqual(['data 6']);
    // What the skipped HEARTBEATs would have said, the periodic one says.
    expect(kinds(w.poll(200.1))).toEqual(['hb 2-6']);
  });

  it('does not ask in a stream of small KEEP_LAST samples (a service): the periodic HEARTBEAT does', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }));
    w.addReader('r1', VOLATILE, 0);
    const hb = (now: number) => kinds(w.write({ payload, timestampMs: now }, now).actions)[1];
    expect(hb(100)).toBe('hb 1-1'); // lone: asks
    w.onAckNack('r1', 2, [], 1, 100.1);
    const beats: string[] = [];
    for (let i = 2; i <= 600; i++) {
      const beat = hb(100 + i / 10);
      if (beat !== undefined) beats.push(beat);
    }
    // 60 ms of writes, though all 10 in history are unacknowledged: one final HEARTBEAT a ms.
    expect(beats.length).toBeGreaterThanOrEqual(55);
    expect(beats.every((b) => b.endsWith(' F'))).toBe(true);
    expect(kinds(w.poll(200.1))).toEqual(['hb 591-600']); // within a period of the first write: asks
  });

  it('asks at half the history of a KEEP_ALL writer whatever the sample size (it would block)', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-all' }, 8));
    w.addReader('r1', VOLATILE, 0);
    const hb = (now: number) => kinds(w.write({ payload, timestampMs: now }, now).actions)[1];
    expect(hb(100)).toBe('hb 1-1');
    w.onAckNack('r1', 2, [], 1, 100.1);
    // (KEEP_ALL drops what every reader acknowledged: the history starts at 2.)
    expect(hb(101)).toBe('hb 2-2 F');
    expect(hb(102)).toBe('hb 2-3 F');
    expect(hb(103)).toBe('hb 2-4 F');
    expect(hb(104)).toBe('hb 2-5'); // 4 of 8 unacknowledged
  });

  it('resends what an ACKNACK requests after the response delay, and GAPs what history lost', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 2 }), {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 5,
    });
    w.addReader('r1', VOLATILE, 0);
    for (let i = 0; i < 4; i++) w.write({ payload, timestampMs: 0 }, 0);
    w.onAckNack('r1', 1, [1, 2, 3, 4], 1, 10);
    expect(w.poll(14)).toEqual([]);
    expect(kinds(w.poll(15))).toEqual(['gap 1-2', 'data 3', 'data 4', 'hb 3-4 F']);
    w.onAckNack('r1', 5, [], 2, 20);
    expect(w.allAcknowledged()).toBe(true);
  });

  it('sends periodic HEARTBEATs only while something is unacknowledged', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }));
    w.addReader('r1', VOLATILE, 0);
    w.write({ payload, timestampMs: 0 }, 0);
    expect(w.nextDeadline()).toBe(100);
    expect(kinds(w.poll(100))).toEqual(['hb 1-1']);
    w.onAckNack('r1', 2, [], 1, 150);
    expect(w.poll(200)).toEqual([]);
    expect(w.nextDeadline()).toBeUndefined();
  });

  it("answers a reader's first ACKNACK with a HEARTBEAT at once, so it knows where the stream starts", () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }));
    w.addReader('r1', VOLATILE, 0);
    // A pre-emptive ACKNACK (base 1, nothing missing) from a reader that only now knows us.
    w.onAckNack('r1', 1, [], 1, 30);
    expect(w.nextDeadline()).toBe(30);
    expect(kinds(w.poll(30))).toEqual(['hb 1-0 F']);
    // Only the first: later ones wait for the period.
    w.onAckNack('r1', 1, [], 2, 40);
    expect(w.poll(40)).toEqual([]);
  });

  it('gives a late-joining TRANSIENT_LOCAL reader what history holds, and a VOLATILE one a GAP for it', () => {
    const h = new WriterHistory({ kind: 'keep-last', depth: 2 });
    const w = new StatefulWriter(h, {
      reliable: true,
      transientLocal: true,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 0,
    });
    for (let i = 0; i < 3; i++) w.write({ payload, timestampMs: 0 }, 0);
    expect(kinds(w.addReader('late', TRANSIENT_LOCAL, 0))).toEqual(['data 2', 'data 3', 'gap 1-1', 'hb 2-3']);
    const v = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 2 }));
    v.write({ payload, timestampMs: 0 }, 0);
    // The HEARTBEAT announces 1, so the GAP must say 1 is not for it, or it would wait for it.
    expect(kinds(v.addReader('late', VOLATILE, 0))).toEqual(['gap 1-1', 'hb 1-1']);
    v.onAckNack('late', 1, [], 1, 0); // it has nothing to acknowledge: 1 was before its time
    expect(v.allAcknowledged()).toBe(true);
  });

  it('answers a VOLATILE reader asking for changes from before its time with a GAP', () => {
    const v = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }), {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 0,
    });
    v.write({ payload, timestampMs: 0 }, 0);
    v.write({ payload, timestampMs: 0 }, 0);
    v.addReader('late', VOLATILE, 0);
    v.write({ payload, timestampMs: 0 }, 0);
    // It lost the first GAP and the new change: it asks for all three.
    v.onAckNack('late', 1, [1, 2, 3], 2, 0);
    expect(kinds(v.poll(1)).filter((k) => !k.startsWith('hb'))).toEqual(['gap 1-2', 'data 3']);
  });

  it('drops KEEP_ALL changes once every reliable reader acknowledged them', () => {
    const h = new WriterHistory({ kind: 'keep-all' }, 10);
    const w = new StatefulWriter(h);
    w.addReader('a', VOLATILE, 0);
    w.addReader('b', VOLATILE, 0);
    for (let i = 0; i < 3; i++) w.write({ payload, timestampMs: 0 }, 0);
    w.onAckNack('a', 4, [], 1, 0);
    expect(h.size).toBe(3);
    w.onAckNack('b', 3, [], 1, 0);
    expect([h.size, h.firstSN]).toEqual([1, 3]);
  });
});

describe('StatefulWriter TRANSIENT_LOCAL: the history goes only to readers that ask for it', () => {
  /** A TRANSIENT_LOCAL writer whose KEEP_LAST(2) history holds 2 and 3 (1 was evicted). */
  function durableWriter() {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 2 }), {
      reliable: true,
      transientLocal: true,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 0,
    });
    for (let i = 0; i < 3; i++) w.write({ payload, timestampMs: 0 }, 0);
    return w;
  }

  it('starts a VOLATILE reader after the last change: a GAP for the history, nothing to wait for', () => {
    const w = durableWriter();
    expect(kinds(w.addReader('late', VOLATILE, 0))).toEqual(['gap 1-3', 'hb 2-3']);
    // Nothing before it is owed, so nothing holds back acknowledgement (or flow control).
    expect(w.allAcknowledged()).toBe(true);
    expect(w.unacknowledgedCount()).toBe(0);
    // It lost the GAP and asks for the history anyway: a GAP again, never the samples.
    w.onAckNack('late', 1, [1, 2, 3], 1, 0);
    expect(kinds(w.poll(0))).toEqual(['gap 1-3', 'hb 2-3 F']);
    // What is written after it came is its own.
    expect(kinds(w.write({ payload, timestampMs: 0 }, 0).actions)).toEqual(['data 4', 'hb 3-4 F']);
  });

  it('sends a BEST_EFFORT VOLATILE reader nothing of the history', () => {
    const w = durableWriter();
    expect(w.addReader('late', BEST_EFFORT, 0)).toEqual([]);
  });

  it('sends a BEST_EFFORT TRANSIENT_LOCAL reader nothing of the history, only what comes after', () => {
    // Fast DDS StatefulWriter::matched_reader_add and Cyclone writer_add_(local_)connection give
    // history to reliable readers only (issue 14).
    const w = durableWriter();
    expect(w.addReader('late', BEST_EFFORT_DURABLE, 0)).toEqual([]);
    expect(kinds(w.write({ payload, timestampMs: 0 }, 0).actions)).toEqual(['data 4']);
  });

  it('keeps a KEEP_ALL history for TRANSIENT_LOCAL readers yet to come after VOLATILE ones acknowledge', () => {
    const h = new WriterHistory({ kind: 'keep-all' }, 10);
    const w = new StatefulWriter(h, {
      reliable: true,
      transientLocal: true,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 0,
    });
    w.addReader('v', VOLATILE, 0);
    for (let i = 0; i < 3; i++) w.write({ payload, timestampMs: 0 }, 0);
    w.onAckNack('v', 4, [], 1, 0);
    expect(h.size).toBe(3);
    expect(kinds(w.addReader('late', TRANSIENT_LOCAL, 0))).toEqual(['data 1', 'data 2', 'data 3', 'hb 1-3']);
  });
});

describe('StatefulWriter directed writes (service replies)', () => {
  const options = { reliable: true, transientLocal: false, heartbeatPeriodMs: 100, nackResponseDelayMs: 5 };
  const targets = (a: WriterAction[]) =>
    a.map((x) =>
      x.kind === 'data'
        ? `data ${x.change.sn} ${x.readers.join(',')}`
        : x.kind === 'gap'
          ? `gap ${x.reader} ${x.from}-${x.to}`
          : 'hb',
    );

  it('sends a change only to its readers and a GAP to the other reliable ones', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }), options);
    w.addReader('a', VOLATILE, 0);
    w.addReader('b', VOLATILE, 0);
    w.addReader('c', BEST_EFFORT, 0);
    const { actions } = w.write({ payload, timestampMs: 0, readers: new Set(['a']) }, 0);
    expect(targets(actions)).toEqual(['data 1 a', 'gap b 1-1', 'hb']);
  });

  it('answers a NACK for a change meant for someone else with a GAP', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }), options);
    w.addReader('a', VOLATILE, 0);
    w.addReader('b', VOLATILE, 0);
    w.write({ payload, timestampMs: 0, readers: new Set(['a']) }, 0);
    w.write({ payload, timestampMs: 0 }, 0);
    w.onAckNack('b', 1, [1, 2], 1, 0);
    expect(
      targets(w.poll(10))
        .filter((t) => t !== 'hb')
        .sort(),
    ).toEqual(['data 2 b', 'gap b 1-1']);
  });

  it('gives a late TRANSIENT_LOCAL reader a GAP for changes directed elsewhere', () => {
    const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 10 }), {
      ...options,
      transientLocal: true,
    });
    w.addReader('a', VOLATILE, 0);
    w.write({ payload, timestampMs: 0, readers: new Set(['a']) }, 0);
    w.write({ payload, timestampMs: 0 }, 0);
    expect(targets(w.addReader('late', TRANSIENT_LOCAL, 1))).toEqual(['gap late 1-1', 'data 2 late', 'hb']);
  });
});
