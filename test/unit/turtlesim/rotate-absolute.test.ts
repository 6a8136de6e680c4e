/**
 * The rotate_absolute action in the world, against turtlesim's `Turtle::update` and callbacks
 * (ros/ros_tutorials turtlesim/src/turtle.cpp, 1.8.x), with explicit dt and clock: no sockets.
 */
import { describe, expect, it } from 'vitest';
import { ROTATION_TOLERANCE, rotationStep } from '../../../src/turtlesim/rotate-absolute.js';
import {
  normalizeAngle,
  type RotationGoal,
  type RotationOutcome,
  TURTLESIM_PI,
  TurtleWorld,
  UPDATE_DT,
  UPDATE_PERIOD_MS,
  WORLD_CENTER,
  type WorldLogLevel,
} from '../../../src/turtlesim/world.js';

function world() {
  const logs: [WorldLogLevel, string][] = [];
  const w = new TurtleWorld({ random: () => 0, log: (level, message) => logs.push([level, message]) });
  logs.length = 0; // turtle1's spawn line
  return { w, logs };
}

class Goal implements RotationGoal {
  readonly feedbacks: number[] = [];
  end: { outcome: RotationOutcome; delta: number } | undefined;
  ends = 0;
  feedback(remaining: number): void {
    expect(this.end).toBeUndefined();
    this.feedbacks.push(remaining);
  }
  ended(outcome: RotationOutcome, delta: number): void {
    this.ends++;
    this.end = { outcome, delta };
  }
}

/** Steps until `goal` ends (at most `max` steps); returns the number of steps and the clock. */
function runUntilEnded(w: TurtleWorld, goal: Goal, t0 = 0, max = 1000): { steps: number; now: number } {
  let now = t0;
  for (let steps = 1; steps <= max; steps++) {
    w.step(UPDATE_DT, now);
    if (goal.end) return { steps, now };
    now += UPDATE_PERIOD_MS;
  }
  throw new Error(`the goal did not end in ${max} steps`);
}

const theta = (w: TurtleWorld, name = 'turtle1') => w.turtle(name)!.pose.theta;

describe('rotationStep (one update of a goal)', () => {
  it('turns at +-1 rad/s the short way round, and stops within 0.02 rad', () => {
    expect(rotationStep(1, 0, 0)).toEqual({ remaining: 1, delta: 0, reached: false, angular: 1 });
    expect(rotationStep(-1, 0, 0)).toMatchObject({ remaining: -1, angular: -1 });
    // Across the wrap: from 3 to -3 is 0.283 rad counter-clockwise, not 6 rad clockwise.
    const across = rotationStep(-3, 3, 3);
    expect(across.remaining).toBeCloseTo(normalizeAngle(-6), 6);
    expect(across.remaining).toBeGreaterThan(0);
    expect(across.angular).toBe(1);
    // The goal's theta is normalized first: 2*pi + 1 is 1.
    expect(rotationStep(2 * TURTLESIM_PI + 1, 0, 0).remaining).toBeCloseTo(1, 9);
    expect(rotationStep(1, 0, 1 - ROTATION_TOLERANCE + 1e-4)).toMatchObject({ reached: true, angular: 0 });
    expect(rotationStep(1, 0, 1 - ROTATION_TOLERANCE - 1e-4).reached).toBe(false);
  });

  it('reports delta as start minus current heading (negative for a counter-clockwise turn), in float', () => {
    const s = rotationStep(2, 0.25, 1.5);
    expect(s.delta).toBe(Math.fround(0.25 - 1.5));
    expect(rotationStep(0, -3, 3).delta).toBeCloseTo(normalizeAngle(-6), 6);
    // The heading is rounded to float before it is compared: turtlesim's static_cast<float>.
    const orient = 0.1 + 1e-9;
    expect(rotationStep(1, 0, orient).remaining).toBe(1 - Math.fround(orient));
  });
});

describe('rotate_absolute in the world', () => {
  it('rotates turtle1 to 1.57 at 1 rad/s, with feedback every update, then succeeds and stops', () => {
    const { w, logs } = world();
    const goal = new Goal();
    const target = Math.fround(1.57); // the goal's float32
    w.rotateAbsolute('turtle1', target, goal);
    expect(w.isRotating('turtle1')).toBe(true);
    const { steps, now } = runUntilEnded(w, goal);
    // Update k sees the heading k * 0.016 and stops at the first within 0.02 of 1.57.
    const last = Math.ceil((target - ROTATION_TOLERANCE) / UPDATE_DT);
    expect(steps).toBe(last + 1);
    expect(goal.feedbacks).toHaveLength(last + 1);
    expect(goal.feedbacks[0]).toBe(target);
    for (let k = 0; k <= last; k++) {
      expect(goal.feedbacks[k]).toBeCloseTo(target - k * UPDATE_DT, 5);
    }
    expect(goal.end!.outcome).toBe('succeeded');
    expect(goal.end!.delta).toBeCloseTo(-last * UPDATE_DT, 5);
    expect(theta(w)).toBeCloseTo(last * UPDATE_DT, 9);
    expect(logs).toEqual([['info', 'Rotation goal completed successfully']]);
    expect(w.isRotating('turtle1')).toBe(false);
    // It turned on the spot, and stopped.
    const p = w.turtle('turtle1')!.pose;
    expect([p.x, p.y, p.angularVelocity, p.linearVelocity]).toEqual([WORLD_CENTER, WORLD_CENTER, 0, 0]);
    w.step(UPDATE_DT, now + UPDATE_PERIOD_MS);
    expect(theta(w)).toBeCloseTo(last * UPDATE_DT, 9);
    expect(goal.ends).toBe(1);
  });

  it('turns clockwise to a heading on the right, and the short way across +-pi', () => {
    const { w } = world();
    const right = new Goal();
    w.rotateAbsolute('turtle1', -0.5, right);
    w.step(UPDATE_DT, 0);
    expect(w.turtle('turtle1')!.pose.angularVelocity).toBe(-1);
    runUntilEnded(w, right);
    expect(right.end!.outcome).toBe('succeeded');
    expect(Math.abs(theta(w) + 0.5)).toBeLessThan(ROTATION_TOLERANCE);
    expect(right.end!.delta).toBeGreaterThan(0.45);

    const { w: w2 } = world();
    w2.teleportAbsolute('turtle1', WORLD_CENTER, WORLD_CENTER, 3);
    w2.step(UPDATE_DT, 0);
    const across = new Goal();
    w2.rotateAbsolute('turtle1', -3, across);
    const { steps } = runUntilEnded(w2, across);
    // 0.283 rad counter-clockwise at 0.016 rad per update.
    expect(steps).toBeLessThan(20);
    expect(Math.abs(normalizeAngle(theta(w2) + 3))).toBeLessThan(ROTATION_TOLERANCE);
  });

  it('keeps turning past the 1 s command timeout: the goal counts as a fresh command', () => {
    const { w } = world();
    const goal = new Goal();
    w.rotateAbsolute('turtle1', 3, goal);
    const { now } = runUntilEnded(w, goal);
    expect(now).toBeGreaterThan(2500);
    expect(goal.end!.outcome).toBe('succeeded');
    expect(Math.abs(theta(w) - 3)).toBeLessThan(ROTATION_TOLERANCE);
  });

  it('a goal already reached succeeds at the first update, after one feedback', () => {
    const { w } = world();
    const goal = new Goal();
    w.rotateAbsolute('turtle1', 0.01, goal);
    expect(runUntilEnded(w, goal).steps).toBe(1);
    expect(goal.feedbacks).toEqual([0.01]);
    expect(goal.end).toEqual({ outcome: 'succeeded', delta: 0 });
  });

  it('a new goal aborts the running one with its delta so far, and starts from the heading reached', () => {
    const { w, logs } = world();
    const first = new Goal();
    w.rotateAbsolute('turtle1', 2, first);
    for (let i = 0; i < 10; i++) w.step(UPDATE_DT, i * UPDATE_PERIOD_MS);
    const reached = theta(w);
    const second = new Goal();
    w.rotateAbsolute('turtle1', 0, second);
    expect(first.end!.outcome).toBe('aborted');
    // The delta of the last update (heading 9 * 0.016), not of the heading now.
    expect(first.end!.delta).toBeCloseTo(-9 * UPDATE_DT, 6);
    expect(logs).toEqual([
      ['warn', 'Rotation goal received before a previous goal finished. Aborting previous goal'],
    ]);
    runUntilEnded(w, second, 10 * UPDATE_PERIOD_MS);
    expect(second.end!.outcome).toBe('succeeded');
    expect(second.feedbacks[0]).toBeCloseTo(-reached, 6);
    // Its delta counts from where it began.
    expect(second.end!.delta).toBeCloseTo(reached - theta(w), 5);
    expect(first.ends).toBe(1);
  });

  it('a cmd_vel aborts the goal with turtlesim warning, and the command then drives the turtle', () => {
    const { w, logs } = world();
    const goal = new Goal();
    w.rotateAbsolute('turtle1', 1, goal);
    for (let i = 0; i < 5; i++) w.step(UPDATE_DT, i * UPDATE_PERIOD_MS);
    w.command('turtle1', { linear: 1, angular: 0 }, 100);
    expect(goal.end!.outcome).toBe('aborted');
    expect(goal.end!.delta).toBeCloseTo(-4 * UPDATE_DT, 6);
    expect(logs).toEqual([['warn', 'Velocity command received during rotation goal. Aborting goal']]);
    const before = theta(w);
    w.step(UPDATE_DT, 116);
    const p = w.turtle('turtle1')!.pose;
    expect(p.theta).toBe(before);
    expect(p.x).toBeGreaterThan(WORLD_CENTER);
    expect(goal.feedbacks).toHaveLength(5);
    // No goal: a command logs nothing.
    w.command('turtle1', { linear: 0, angular: 0 }, 120);
    expect(logs).toHaveLength(1);
  });

  it('a cancel ends the goal CANCELED at the next update, with no feedback then, and stops the turtle', () => {
    const { w, logs } = world();
    const goal = new Goal();
    w.rotateAbsolute('turtle1', -2, goal);
    for (let i = 0; i < 3; i++) w.step(UPDATE_DT, i * UPDATE_PERIOD_MS);
    w.cancelRotation('turtle1', new Goal()); // another goal's cancel: nothing
    w.cancelRotation('turtle1', goal);
    expect(goal.end).toBeUndefined();
    const before = theta(w);
    w.step(UPDATE_DT, 3 * UPDATE_PERIOD_MS);
    expect(goal.end).toEqual({ outcome: 'canceled', delta: expect.closeTo(2 * UPDATE_DT, 6) });
    expect(goal.feedbacks).toHaveLength(3);
    expect(logs).toEqual([['info', 'Rotation goal canceled']]);
    const p = w.turtle('turtle1')!.pose;
    expect(p.theta).toBe(before);
    expect(p.angularVelocity).toBe(0);
  });

  it('each turtle has its own goal; a killed turtle goal is dropped without an end', () => {
    const { w } = world();
    w.spawn('t2', 2, 2, 0, 0);
    const a = new Goal();
    const b = new Goal();
    w.rotateAbsolute('turtle1', 1, a);
    w.rotateAbsolute('t2', -1, b);
    w.step(UPDATE_DT, 0);
    w.step(UPDATE_DT, UPDATE_PERIOD_MS);
    expect(theta(w)).toBeCloseTo(2 * UPDATE_DT, 9);
    expect(theta(w, 't2')).toBeCloseTo(-2 * UPDATE_DT, 9);
    w.kill('t2');
    runUntilEnded(w, a, 2 * UPDATE_PERIOD_MS);
    expect(a.end!.outcome).toBe('succeeded');
    expect(b.end).toBeUndefined();
    expect(b.feedbacks).toHaveLength(2);
    // forgetRotation drops a goal silently, and leaves the velocity it had.
    const c = new Goal();
    w.rotateAbsolute('turtle1', -1, c);
    w.step(UPDATE_DT, 10_000);
    w.forgetRotation('turtle1', c);
    expect(w.isRotating('turtle1')).toBe(false);
    expect(c.end).toBeUndefined();
    expect(() => w.rotateAbsolute('nobody', 1, new Goal())).toThrow('no turtle named [nobody]');
  });
});
