/** The context's one deadline timer (src/nodes/deadlines.ts), on a FakeClock. */
import { describe, expect, it } from 'vitest';
import { DeadlineQueue, type Expiring } from '../../../src/nodes/deadlines.js';
import { FakeClock } from '../../../src/rtps/clock.js';

class Entry implements Expiring {
  waiting = true;
  expiredAt: number | undefined;
  constructor(
    readonly deadline: number,
    private readonly clock: FakeClock,
    private readonly onExpire: () => void = () => {},
  ) {}
  expire(): void {
    this.expiredAt = this.clock.now();
    this.waiting = false;
    this.onExpire();
  }
}

function setup() {
  const clock = new FakeClock(1000);
  const queue = new DeadlineQueue(clock);
  const entry = (inMs: number, onExpire?: () => void) => {
    const e = new Entry(clock.now() + inMs, clock, onExpire);
    queue.add(e);
    return e;
  };
  return { clock, queue, entry };
}

describe('DeadlineQueue', () => {
  it('expires each entry at its deadline, earliest first, whatever the order they came in', () => {
    const { clock, entry } = setup();
    const order: string[] = [];
    const late = entry(300, () => order.push('late'));
    const early = entry(100, () => order.push('early'));
    const middle = entry(200, () => order.push('middle'));
    clock.advance(99);
    expect(order).toEqual([]);
    clock.advance(1);
    expect(early.expiredAt).toBe(1100);
    clock.advance(200);
    expect(order).toEqual(['early', 'middle', 'late']);
    expect([middle.expiredAt, late.expiredAt]).toEqual([1200, 1300]);
  });

  it('never expires an entry that settled first', () => {
    const { clock, entry } = setup();
    const settled = entry(100);
    const other = entry(150);
    settled.waiting = false;
    clock.advance(1000);
    expect(settled.expiredAt).toBeUndefined();
    expect(other.expiredAt).toBe(1150);
  });

  it('keeps one clock timer for many entries, re-armed only for an earlier deadline', () => {
    const { clock, queue, entry } = setup();
    for (let i = 0; i < 1000; i++) entry(5000 + i);
    expect(clock.pending).toBe(1);
    expect(queue.nextExpiry).toBe(6000);
    entry(10);
    expect(clock.pending).toBe(1);
    expect(queue.nextExpiry).toBe(1010);
  });

  it('skips entries settled meanwhile when it re-arms, so a stream of answered calls costs one wake per timeout', () => {
    const { clock, queue, entry } = setup();
    let wakes = 0;
    const original = clock.setTimeout.bind(clock);
    clock.setTimeout = (cb, ms) =>
      original(() => {
        wakes++;
        cb();
      }, ms);
    // A call every ms, each answered 1 ms later, each with a 1 s timeout, for 10 s.
    let previous: Entry | undefined;
    for (let t = 0; t < 10_000; t++) {
      if (previous) previous.waiting = false;
      previous = entry(1000);
      clock.advance(1);
    }
    expect(wakes).toBeGreaterThan(5);
    expect(wakes).toBeLessThanOrEqual(11);
    expect(queue.size).toBeLessThan(2100);
  });

  it('compacts settled entries: the heap stays about twice what still waits', () => {
    const { queue, entry } = setup();
    const live = Array.from({ length: 100 }, () => entry(60_000));
    for (let i = 0; i < 100_000; i++) entry(30_000).waiting = false;
    expect(queue.size).toBeLessThanOrEqual(2 * live.length + 64);
  });

  it('takes entries that an expiry adds, and ignores Infinity', () => {
    const { clock, queue, entry } = setup();
    let chained: Entry | undefined;
    entry(100, () => {
      chained = entry(50);
    });
    queue.add(new Entry(Number.POSITIVE_INFINITY, clock));
    expect(queue.size).toBe(1);
    clock.advance(100);
    expect(chained?.expiredAt).toBeUndefined();
    clock.advance(50);
    expect(chained?.expiredAt).toBe(1150);
    expect(clock.pending).toBe(0);
  });

  it('stops its timer and expires nothing once closed', () => {
    const { clock, queue, entry } = setup();
    const e = entry(100);
    queue.close();
    expect(clock.pending).toBe(0);
    clock.advance(1000);
    expect(e.expiredAt).toBeUndefined();
    entry(10);
    expect(clock.pending).toBe(0);
  });
});
