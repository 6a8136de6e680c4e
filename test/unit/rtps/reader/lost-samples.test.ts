/**
 * Samples a WriterProxy counts as lost (rmw's message_lost), as Fast DDS 2.14 counts them:
 * best-effort sequence holes after the first sample, reliable HEARTBEAT firstSN skips after the
 * first HEARTBEAT, never a GAP. Then the real StatefulWriter against a proxy: a sample directed
 * to another reader is not lost, one the history evicted before this reader got it is.
 */
import { describe, expect, it } from 'vitest';
import { type ReceivedSample, WriterProxy } from '../../../../src/rtps/reader/writer-proxy.js';
import { makeSet } from '../../../../src/rtps/wire/number-sets.js';
import { WriterHistory } from '../../../../src/rtps/writer/history.js';
import { StatefulWriter, type WriterAction } from '../../../../src/rtps/writer/stateful-writer.js';

const s = (sn: number): ReceivedSample => ({ sn });
const sns = (xs: readonly ReceivedSample[]) => xs.map((x) => x.sn);
const reliable = () => new WriterProxy({ reliable: true, maxBuffered: 64, heartbeatResponseDelayMs: 5 });
/** A GAP of [from, to]. */
const gap = (p: WriterProxy, from: number, to: number) => p.onGap(from, makeSet(to + 1, [], 0));

describe('best-effort lost samples', () => {
  it('counts the numbers skipped between two samples, none before the first or for old ones', () => {
    const p = new WriterProxy({ reliable: false, maxBuffered: 0, heartbeatResponseDelayMs: 0 });
    expect(sns(p.onData(s(5)))).toEqual([5]); // matched late: 1-4 were not ours to lose
    expect(p.takeLost()).toBe(0);
    p.onData(s(6));
    expect(p.takeLost()).toBe(0);
    expect(sns(p.onData(s(9)))).toEqual([9]);
    expect(p.takeLost()).toBe(2);
    expect(p.takeLost()).toBe(0); // taken
    expect(sns(p.onData(s(8)))).toEqual([]); // late, dropped, already counted
    p.onData(s(10));
    expect(p.takeLost()).toBe(0);
    // A best-effort reader ignores HEARTBEATs and GAPs (Fast DDS StatelessReader does too).
    p.onHeartbeat(20, 30, 1, true, 0);
    gap(p, 11, 15);
    expect(p.takeLost()).toBe(0);
  });

  it('clamps one hole to 2^31 - 1, as Fast DDS clamps it to int32', () => {
    const p = new WriterProxy({ reliable: false, maxBuffered: 0, heartbeatResponseDelayMs: 0 });
    p.onData(s(1));
    p.onData(s(2 ** 53 - 1));
    expect(p.takeLost()).toBe(2 ** 31 - 1);
  });
});

describe('reliable lost samples', () => {
  it('counts what a HEARTBEAT firstSN moves past without our having it', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    expect(sns(p.onData(s(1)))).toEqual([1]);
    p.onData(s(4));
    p.onData(s(5));
    // The writer no longer has 2 and 3 (KEEP_LAST moved on): lost, and 4, 5 come out.
    expect(sns(p.onHeartbeat(4, 5, 2, true, 0))).toEqual([4, 5]);
    expect(p.takeLost()).toBe(2);
    expect(sns(p.onData(s(6)))).toEqual([6]);
    expect(p.takeLost()).toBe(0);
  });

  it('does not count what the first HEARTBEAT skips: it was written before we matched', () => {
    const p = reliable();
    p.onHeartbeat(10, 12, 1, false, 0);
    expect(p.expected).toBe(10);
    expect(sns(p.onData(s(10)))).toEqual([10]);
    expect(p.takeLost()).toBe(0);
  });

  it('never counts a GAP, whether the sample was for another reader or evicted', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    p.onData(s(1));
    gap(p, 2, 2); // a service reply to another client
    expect(sns(p.onData(s(3)))).toEqual([3]);
    p.onData(s(5));
    gap(p, 4, 4); // the answer to our NACK of 4: the history no longer has it (Fast DDS: irrelevant)
    expect(p.expected).toBe(6);
    p.onHeartbeat(6, 6, 2, true, 0);
    expect(p.takeLost()).toBe(0);
  });

  it('counts only the numbers of a skip that no GAP declared irrelevant', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    p.onData(s(1));
    p.onGap(3, makeSet(4, [6], 7)); // 3 and 6 are not for us
    p.onData(s(8));
    // 2, 4, 5 and 7 are gone: 4 lost, 2 irrelevant.
    expect(sns(p.onHeartbeat(8, 8, 2, true, 0))).toEqual([8]);
    expect(p.takeLost()).toBe(4);
  });

  it('counts a buffered sample a skip drops undelivered', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    p.onData(s(1));
    p.onData(s(3)); // waits for 2
    p.onData(s(6));
    // Only 6 comes out: 2-5 are counted, 3 among them.
    expect(sns(p.onHeartbeat(6, 6, 2, true, 0))).toEqual([6]);
    expect(p.takeLost()).toBe(4);
  });

  it('counts a skip only once something past it is delivered: a forged HEARTBEAT counts nothing', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    p.onData(s(1));
    // Forged in the writer's name: everything up to 2^53 - 2 is gone.
    p.onHeartbeat(2 ** 53 - 1, 2 ** 53 - 1, 2, true, 0);
    expect(p.takeLost()).toBe(0);
    // The real writer goes on: the skip was a lie, taken back, and nothing was lost.
    expect(sns(p.onData(s(2)))).toEqual([2]);
    expect(p.takeLost()).toBe(0);
    expect(p.contradictions).toBe(1);
    // A real skip later is still counted once, when the sample past it comes.
    p.onHeartbeat(4, 4, 3, true, 0);
    expect(p.takeLost()).toBe(0);
    expect(sns(p.onData(s(4)))).toEqual([4]);
    expect(p.takeLost()).toBe(1);
  });

  it('bounds what forged numbers count, with no memory per number', () => {
    const p = reliable();
    p.onHeartbeat(1, 1, 1, true, 0);
    p.onData(s(1));
    p.onHeartbeat(2 ** 53 - 2, 2 ** 53 - 1, 2, true, 0);
    expect(sns(p.onData(s(2 ** 53 - 2)))).toEqual([2 ** 53 - 2]);
    expect(p.takeLost()).toBe(2 ** 31 - 1);
    expect(p.bufferedCount).toBe(0);
  });
});

describe('lost samples from the real StatefulWriter', () => {
  /** A writer with readers 'a' (the proxy) and 'b', KEEP_LAST(depth); `drop` loses DATA to 'a'. */
  function pair(depth: number) {
    const writer = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth }), {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 5,
    });
    const proxy = reliable();
    const delivered: number[] = [];
    const state = { drop: false, now: 0 };
    const toA = (actions: readonly WriterAction[]) => {
      for (const a of actions) {
        if (a.kind === 'data' && a.readers.includes('a') && !state.drop)
          delivered.push(...sns(proxy.onData({ sn: a.change.sn }, state.now)));
        else if (a.kind === 'gap' && a.reader === 'a') delivered.push(...sns(gap(proxy, a.from, a.to)));
        else if (a.kind === 'heartbeat' && a.readers.includes('a'))
          delivered.push(...sns(proxy.onHeartbeat(a.firstSN, a.lastSN, a.count, a.final, state.now)));
      }
    };
    toA(writer.addReader('a', { reliable: true, transientLocal: false }, 0));
    toA(writer.addReader('b', { reliable: true, transientLocal: false }, 0));
    // A millisecond apart: each write carries a HEARTBEAT (StatefulWriter sends one a ms at most).
    const write = (readers?: string[]) => {
      state.now += 1;
      toA(
        writer.write(
          { payload: new Uint8Array(4), timestampMs: state.now, readers: readers && new Set(readers) },
          state.now,
        ).actions,
      );
    };
    return { writer, proxy, delivered, state, write, toA };
  }

  it('does not count samples directed to another reader (a service reply to another client)', () => {
    const { proxy, delivered, write } = pair(2);
    write(['a']);
    write(['b']);
    write(['b']);
    write(['a']);
    write(); // the history (depth 2) evicted the ones for b long ago
    expect(delivered).toEqual([1, 4, 5]);
    expect(proxy.takeLost()).toBe(0);
  });

  it('counts samples the history evicted before this reader got them', () => {
    const { proxy, delivered, state, write } = pair(2);
    write();
    state.drop = true;
    write(); // 2, 3 and 4 never reach us; the HEARTBEAT after 4 says the history (depth 2)
    write(); // no longer has 2,
    write();
    state.drop = false;
    write(); // the one after 5 that 3 is gone too; 5 waits for 4, still there to ask for.
    expect(delivered).toEqual([1]);
    expect(proxy.takeLost()).toBe(0); // nothing past the skips delivered yet
    write(); // 6 evicts 4: 5 and 6 come out, 2-4 lost
    expect(delivered).toEqual([1, 5, 6]);
    expect(proxy.takeLost()).toBe(3);
  });
});
