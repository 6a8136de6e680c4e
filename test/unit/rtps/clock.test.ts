import { describe, expect, it } from 'vitest';
import { FakeClock, realClock, type TimerHandle } from '../../../src/rtps/clock.js';
import { mulberry32 } from '../../../src/rtps/transport/prng.js';

describe('FakeClock', () => {
  it('fires due timers in due order, then creation order, each at its due time', () => {
    const clock = new FakeClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`d@${clock.now()}`), 31);
    clock.advance(30);
    expect(log).toEqual(['a@1010', 'b@1010', 'c@1030']);
    expect(clock.now()).toBe(1030);
    expect(clock.pending).toBe(1);
    expect(clock.nextDue()).toBe(1031);
    clock.advance(1);
    expect(log.at(-1)).toBe('d@1031');
    expect(clock.pending).toBe(0);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('fires timers that callbacks schedule during advance when they fall due in the span', () => {
    const clock = new FakeClock();
    const log: number[] = [];
    const tick = () => {
      log.push(clock.now());
      clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    clock.setTimeout(() => clock.setTimeout(() => log.push(-clock.now()), 0), 15);
    clock.advance(35);
    expect(log).toEqual([10, -15, 20, 30]);
    expect(clock.now()).toBe(35);
    expect(clock.pending).toBe(1); // the next tick, at 40
  });

  it('does not fire cleared timers, and clearing twice or after firing is harmless', () => {
    const clock = new FakeClock();
    let fired = 0;
    const a = clock.setTimeout(() => fired++, 5);
    const b = clock.setTimeout(() => fired++, 5);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    expect(clock.pending).toBe(1);
    clock.advance(5);
    expect(fired).toBe(1);
    clock.clearTimeout(b);
    expect(clock.pending).toBe(0);
  });

  it('lets a callback cancel a later timer due at the same instant', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    let second: TimerHandle | undefined;
    clock.setTimeout(() => {
      log.push('first');
      clock.clearTimeout(second!);
    }, 10);
    second = clock.setTimeout(() => log.push('second'), 10);
    clock.advance(10);
    expect(log).toEqual(['first']);
  });

  it('treats negative and NaN delays as 0 and rejects moving backwards', () => {
    const clock = new FakeClock(50);
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.now()), -5);
    clock.setTimeout(() => log.push(clock.now()), Number.NaN);
    clock.advance(0);
    expect(log).toEqual([50, 50]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advanceTo(49)).toThrow(RangeError);
  });

  it('stops at a throwing callback, keeping the rest pending', () => {
    const clock = new FakeClock();
    let later = false;
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => {
      later = true;
    }, 20);
    expect(() => clock.advance(100)).toThrow('boom');
    expect(clock.now()).toBe(10);
    expect(later).toBe(false);
    clock.advance(10);
    expect(later).toBe(true);
  });

  it('runAll settles everything, and refuses to spin forever on a self-rearming timer', () => {
    const clock = new FakeClock();
    const log: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => log.push(clock.now()), 500), 100);
    clock.runAll();
    expect(log).toEqual([600]);
    const rearm = () => clock.setTimeout(rearm, 1);
    rearm();
    expect(() => clock.runAll(50)).toThrow(/after firing 50/);
  });

  it('orders many timers exactly as a stable sort by due time would', () => {
    const clock = new FakeClock();
    const random = mulberry32(7);
    const expected: { due: number; id: number }[] = [];
    const fired: number[] = [];
    const cancelled = new Set<number>();
    const handles: TimerHandle[] = [];
    for (let id = 0; id < 2000; id++) {
      const due = Math.floor(random() * 300);
      expected.push({ due, id });
      handles.push(clock.setTimeout(() => fired.push(id), due));
    }
    for (let id = 0; id < 2000; id += 7) {
      clock.clearTimeout(handles[id]!);
      cancelled.add(id);
    }
    clock.advance(300);
    const order = expected
      .filter((t) => !cancelled.has(t.id))
      .sort((a, b) => a.due - b.due)
      .map((t) => t.id);
    expect(fired).toEqual(order);
  });
});

describe('realClock', () => {
  it('is monotonic, fires timers, and cancels them', async () => {
    const t0 = realClock.now();
    const fired: string[] = [];
    const cancelled = realClock.setTimeout(() => fired.push('cancelled'), 5);
    realClock.setTimeout(() => fired.push('kept'), 5);
    realClock.clearTimeout(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toEqual(['kept']);
    expect(realClock.now()).toBeGreaterThanOrEqual(t0 + 5);
  });

  it("keeps its immediates ref'd: Node blocks in poll past unref'd ones, until the next I/O", () => {
    // (In a plain process with only a far ref'd timer, an unref'd setImmediate set from a timer
    // callback ran ~1.5 s later, when that timer came; a ref'd one in 0.3 ms. The scheduler's
    // "due now" work, ACKNACK answers and Discovery Server announcements among it, went through it.)
    const handle = realClock.setImmediate!(() => {});
    expect((handle as unknown as { immediate: NodeJS.Immediate }).immediate.hasRef()).toBe(true);
    realClock.clearTimeout(handle);
  });

  it('never keeps the process alive: its timers are unref-ed', () => {
    const handle = realClock.setTimeout(() => {}, 60_000);
    expect((handle as unknown as NodeJS.Timeout).hasRef()).toBe(false);
    realClock.clearTimeout(handle);
  });
});
