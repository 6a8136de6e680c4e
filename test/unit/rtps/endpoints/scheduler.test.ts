import { describe, expect, it } from 'vitest';
import { type Clock, FakeClock, type TimerHandle } from '../../../../src/rtps/clock.js';
import { type Pollable, Scheduler } from '../../../../src/rtps/endpoints/scheduler.js';

/** A FakeClock with setImmediate: immediates run only when the test calls `runImmediates`. */
class ImmediateClock implements Clock {
  readonly fake = new FakeClock(0);
  private queue: { cb: () => void; cancelled: boolean }[] = [];
  immediates = 0;
  timeouts = 0;
  now(): number {
    return this.fake.now();
  }
  setTimeout(cb: () => void, ms: number): TimerHandle {
    this.timeouts++;
    return this.fake.setTimeout(cb, ms);
  }
  clearTimeout(h: TimerHandle): void {
    const q = this.queue.find((e) => (e as unknown) === h);
    if (q) q.cancelled = true;
    else this.fake.clearTimeout(h);
  }
  setImmediate(cb: () => void): TimerHandle {
    this.immediates++;
    const e = { cb, cancelled: false };
    this.queue.push(e);
    return e as unknown as TimerHandle;
  }
  runImmediates(): void {
    const q = this.queue;
    this.queue = [];
    for (const e of q) if (!e.cancelled) e.cb();
  }
}

class Member implements Pollable {
  polls: number[] = [];
  constructor(
    public due: number | undefined,
    private readonly stayDue = false,
  ) {}
  nextDeadline(): number | undefined {
    return this.due;
  }
  poll(now: number): void {
    this.polls.push(now);
    if (!this.stayDue) this.due = undefined;
  }
}

describe('Scheduler', () => {
  it('runs a deadline that is due now on setImmediate, not on a timer', () => {
    const clock = new ImmediateClock();
    const s = new Scheduler(clock);
    const m = new Member(undefined);
    s.add(m);
    m.due = 0;
    s.reschedule();
    expect(clock.immediates).toBe(1);
    clock.runImmediates();
    expect(m.polls).toEqual([0]);
  });

  it('keeps the timer armed for a later deadline while an immediate runs what is due now', () => {
    const clock = new ImmediateClock();
    const s = new Scheduler(clock);
    const later = new Member(100);
    const now = new Member(undefined);
    s.add(later);
    s.add(now);
    expect(clock.timeouts).toBe(1);
    now.due = 0; // e.g. a reader owes an ACKNACK at once
    s.reschedule(0);
    expect(clock.immediates).toBe(1);
    clock.runImmediates();
    expect(now.polls).toEqual([0]);
    // The timer armed for 100 still is: no Node timer made again after every immediate.
    expect(clock.timeouts).toBe(1);
    expect(clock.fake.pending).toBe(1);
    clock.fake.advance(100);
    expect(later.polls).toEqual([100]);
    expect(now.polls).toEqual([0]);
  });

  it('runs a later deadline on the clock timer', () => {
    const clock = new ImmediateClock();
    const s = new Scheduler(clock);
    const m = new Member(5);
    s.add(m);
    expect(clock.immediates).toBe(0);
    clock.fake.advance(4);
    expect(m.polls).toEqual([]);
    clock.fake.advance(1);
    expect(m.polls).toEqual([5]);
  });

  it('never takes setImmediate twice in a row for a member that stays due (no event-loop spin)', () => {
    const clock = new ImmediateClock();
    const s = new Scheduler(clock);
    const m = new Member(0, true);
    s.add(m);
    clock.runImmediates();
    expect(m.polls).toEqual([0]);
    expect(clock.immediates).toBe(1); // re-armed on a 0 ms timer, not another immediate
    clock.runImmediates();
    expect(m.polls).toEqual([0]);
    clock.fake.advance(1);
    expect(m.polls.length).toBe(2);
    s.stop();
  });

  it('falls back to a 0 ms timer on a clock without setImmediate', () => {
    const clock = new FakeClock(0);
    const s = new Scheduler(clock);
    const m = new Member(0);
    s.add(m);
    clock.advance(0);
    expect(m.polls).toEqual([0]);
  });

  it("skips the walk over every member when a member's own deadline comes after the armed one", () => {
    const clock = new FakeClock(0);
    const s = new Scheduler(clock);
    let walks = 0;
    const counted = (m: Member): Pollable => ({
      nextDeadline: () => {
        walks++;
        return m.nextDeadline();
      },
      poll: (now) => m.poll(now),
    });
    const early = new Member(10);
    const late = new Member(undefined);
    s.add(counted(early));
    s.add(counted(late));
    walks = 0;
    late.due = 50;
    s.reschedule(50); // later than the armed 10: no walk
    s.reschedule(Number.POSITIVE_INFINITY); // none: no walk
    expect(walks).toBe(0);
    late.due = 5;
    s.reschedule(5); // earlier: re-armed for it
    expect(walks).toBe(2);
    clock.advance(5);
    expect(late.polls).toEqual([5]);
    clock.advance(5);
    expect(early.polls).toEqual([10]);
  });
});
