/**
 * Lies in a matched writer's name (issue 13), against the reader's pure state machine and the
 * wire's validity rules: an invalid HEARTBEAT/GAP/ACKNACK/NACK_FRAG/HEARTBEAT_FRAG is refused
 * at parse with a counted reason; a valid but implausible skip (2^40), or a count of 2^31 - 1,
 * only delays the real writer's samples until its next HEARTBEAT, and none is lost.
 */
import { describe, expect, it } from 'vitest';
import { isNewCount } from '../../../../src/rtps/counts.js';
import { type ReceivedSample, WriterProxy } from '../../../../src/rtps/reader/writer-proxy.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { encodeMessage, parseMessage } from '../../../../src/rtps/wire/message.js';
import { makeSet, setMembers } from '../../../../src/rtps/wire/number-sets.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';

const s = (sn: number): ReceivedSample => ({ sn });
const sns = (xs: readonly ReceivedSample[]) => xs.map((x) => x.sn);
const HUGE = 2 ** 40;

function parsed(sub: Submessage): { kinds: string[]; drops: DropCounter } {
  const drops = new DropCounter();
  const bytes = encodeMessage({
    header: { version: [2, 3], vendorId: [1, 15], guidPrefix: new Uint8Array(12).fill(7) },
    submessages: [
      sub,
      { kind: 'HEARTBEAT', flags: 1, readerId: 0, writerId: 0x103, firstSN: 1, lastSN: 1, count: 1 },
    ],
  });
  const m = parseMessage(bytes, drops);
  return { kinds: m?.submessages.map((x) => x.kind) ?? [], drops };
}

describe('invalid control submessages are refused at parse (RTPS 8.3.7)', () => {
  const base = { flags: 1, readerId: 0x104, writerId: 0x103 } as const;
  const cases: [string, Submessage][] = [
    ['HEARTBEAT firstSN > lastSN + 1', { ...base, kind: 'HEARTBEAT', firstSN: HUGE, lastSN: 5, count: 9 }],
    ['HEARTBEAT firstSN 0', { ...base, kind: 'HEARTBEAT', firstSN: 0, lastSN: 5, count: 9 }],
    ['GAP gapStart 0', { ...base, kind: 'GAP', gapStart: 0, gapList: makeSet(10, []) }],
    ['GAP gapList base 0', { ...base, kind: 'GAP', gapStart: 1, gapList: makeSet(0, []) }],
    [
      'HEARTBEAT_FRAG lastFragmentNum 0',
      { ...base, kind: 'HEARTBEAT_FRAG', writerSN: 1, lastFragmentNum: 0, count: 1 },
    ],
    [
      'NACK_FRAG writerSN 0',
      { ...base, kind: 'NACK_FRAG', writerSN: 0, fragmentNumberState: makeSet(1, [1]), count: 1 },
    ],
    ['ACKNACK base -1', { ...base, kind: 'ACKNACK', readerSNState: makeSet(-1, []), count: 1 }],
    // Past 2^53 numbers are not exact: a skip to 2^62 never ended (the soak's garbage found it).
    ['HEARTBEAT at 2^62', { ...base, kind: 'HEARTBEAT', firstSN: 2 ** 62, lastSN: 2 ** 62, count: 9 }],
    ['GAP up to 2^62', { ...base, kind: 'GAP', gapStart: 1, gapList: makeSet(2 ** 62, []) }],
    ['ACKNACK base 2^62', { ...base, kind: 'ACKNACK', readerSNState: makeSet(2 ** 62, []), count: 1 }],
  ];
  it.each(cases)('%s: dropped with the rest of its message, counted', (_, sub) => {
    const { kinds, drops } = parsed(sub);
    expect(kinds).toEqual([]);
    expect(drops.counts.get('invalid-sequence-numbers')).toBe(1);
  });

  it("accepts Fast DDS's preemptive ACKNACK with base 0, and an empty HEARTBEAT (first = last + 1)", () => {
    expect(parsed({ ...base, kind: 'ACKNACK', readerSNState: makeSet(0, []), count: 1 }).kinds).toEqual([
      'ACKNACK',
      'HEARTBEAT',
    ]);
    expect(parsed({ ...base, kind: 'HEARTBEAT', firstSN: 6, lastSN: 5, count: 1 }).kinds).toEqual([
      'HEARTBEAT',
      'HEARTBEAT',
    ]);
  });
});

describe('a reader after a valid but forged skip', () => {
  it("a HEARTBEAT claiming 2^40: the real writer's next sample undoes the skip, and nothing is lost", () => {
    const p = new WriterProxy();
    expect(sns(p.onData(s(1)))).toEqual([1]);
    p.onHeartbeat(HUGE, HUGE, 2 ** 31 - 1, false, 0); // forged: count and numbers
    expect(p.expected).toBe(HUGE);
    // The real writer still sends 2: what was said gone is not, so the skip was a lie.
    expect(sns(p.onData(s(2)))).toEqual([2]);
    expect(p.contradictions).toBe(1);
    expect(sns(p.onData(s(3)))).toEqual([3]);
    // Its next HEARTBEAT (a small count) agrees with what we have: nothing to ask for.
    expect(sns(p.onHeartbeat(1, 3, 5, false, 10))).toEqual([]);
    expect(p.expected).toBe(4);
    expect(setMembers(p.poll(100)!.readerSNState)).toEqual([]);
  });

  it('a stream of forged HEARTBEATs between the real samples loses none of them', () => {
    const p = new WriterProxy();
    const got: number[] = [];
    for (let sn = 1; sn <= 200; sn++) {
      p.onHeartbeat(HUGE + sn, HUGE + sn, 2 ** 31 - 1 - sn, false, sn); // each a fresh lie
      got.push(...sns(p.onData(s(sn))));
    }
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('a GAP declaring everything irrelevant: the same', () => {
    const p = new WriterProxy();
    p.onData(s(1));
    p.onGap(2, makeSet(HUGE, []));
    expect(p.expected).toBe(HUGE);
    p.onHeartbeat(1, 4, 1, false, 0);
    expect(p.expected).toBe(2);
    expect(sns([...p.onData(s(3)), ...p.onData(s(2)), ...p.onData(s(4))])).toEqual([2, 3, 4]);
  });

  it('a real skip is not undone: HEARTBEATs above it agree with it', () => {
    const p = new WriterProxy();
    p.onData(s(1));
    p.onHeartbeat(100, 110, 1, false, 0); // KEEP_LAST: 2..99 are gone
    expect(p.expected).toBe(100);
    p.onHeartbeat(100, 111, 2, false, 0);
    expect(p.contradictions).toBe(0);
    expect(p.expected).toBe(100);
  });

  it('a best-effort reader ignores GAPs', () => {
    const p = new WriterProxy({ reliable: false, maxBuffered: 10, heartbeatResponseDelayMs: 0 });
    p.onData(s(1));
    p.onGap(2, makeSet(HUGE, []));
    expect(sns(p.onData(s(2)))).toEqual([2]);
  });
});

describe('counts', () => {
  it("news is a higher count, or one so far below the last that the last was not this sender's", () => {
    expect(isNewCount(2, 1)).toBe(true);
    expect(isNewCount(1, 1)).toBe(false);
    expect(isNewCount(1, 5)).toBe(false); // reordered
    expect(isNewCount(1, 2 ** 31 - 1)).toBe(true); // after a forged count
    expect(isNewCount(1, Number.NEGATIVE_INFINITY)).toBe(true);
  });
});
