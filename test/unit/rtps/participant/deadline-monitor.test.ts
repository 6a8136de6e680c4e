/**
 * The deadline and liveliness-lease watches of a participant, on its one Scheduler timer and a
 * FakeClock: armed by the first activity, missed each period while idle (a deadline) or once until
 * the next activity (a MANUAL_BY_TOPIC lease), moved on by activity without a timer per sample.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { Scheduler } from '../../../../src/rtps/endpoints/scheduler.js';
import { DeadlineMonitor } from '../../../../src/rtps/participant/deadline-monitor.js';

function monitor() {
  const clock = new FakeClock(1000);
  const scheduler = new Scheduler(clock);
  const deadlines = new DeadlineMonitor(clock, scheduler.reschedule);
  scheduler.add(deadlines);
  return { clock, deadlines };
}

describe('DeadlineMonitor', () => {
  it('starts a watch at its first activity, then misses every period while nothing comes', () => {
    const { clock, deadlines } = monitor();
    const missed: number[] = [];
    const start = clock.now();
    const w = deadlines.watch(100, true, () => missed.push(clock.now() - start));
    clock.advance(1000);
    expect(missed).toEqual([]);
    w.activity();
    clock.advance(350);
    expect(missed).toEqual([1100, 1200, 1300]);
  });

  it('moves the deadline on with each activity, timed from the last one', () => {
    const { clock, deadlines } = monitor();
    const missed: number[] = [];
    const start = clock.now();
    const w = deadlines.watch(100, true, () => missed.push(clock.now() - start));
    for (let i = 0; i < 10; i++) {
      w.activity();
      clock.advance(60);
    }
    expect(missed).toEqual([]);
    // Last activity at 540: due at 640, then every 100 ms from the miss.
    clock.advance(200);
    expect(missed).toEqual([640, 740]);
    w.activity(); // at 800
    clock.advance(99);
    expect(missed).toEqual([640, 740]);
    clock.advance(1);
    expect(missed).toEqual([640, 740, 900]);
  });

  it('misses a lease once, and again only after new activity lets it lapse again', () => {
    const { clock, deadlines } = monitor();
    const lost: number[] = [];
    const start = clock.now();
    const w = deadlines.watch(200, false, () => lost.push(clock.now() - start));
    w.activity();
    clock.advance(1000);
    expect(lost).toEqual([200]);
    w.activity(); // at 1000
    clock.advance(150);
    w.activity(); // at 1150
    clock.advance(1000);
    expect(lost).toEqual([200, 1350]);
  });

  it('stops a cancelled watch, and keeps a zero period from spinning', () => {
    const { clock, deadlines } = monitor();
    let a = 0;
    let b = 0;
    const wa = deadlines.watch(50, true, () => a++);
    const wb = deadlines.watch(0, true, () => b++);
    wa.activity();
    wb.activity();
    clock.advance(120);
    expect(a).toBe(2);
    expect(b).toBe(120);
    wa.cancel();
    wb.cancel();
    clock.advance(1000);
    expect(a).toBe(2);
    expect(b).toBe(120);
    expect(clock.pending).toBe(0);
  });
});
