/**
 * The world against turtlesim's update equations (turtle.cpp, turtle_frame.cpp), with explicit
 * dt and clock: no real time.
 */
import { describe, expect, it } from 'vitest';
import {
  COMMAND_TIMEOUT_MS,
  DEFAULT_PEN,
  formatFloat,
  normalizeAngle,
  TurtlesimError,
  TurtleWorld,
  UPDATE_DT,
  UPDATE_PERIOD_MS,
  WORLD_CENTER,
  WORLD_SIZE,
  type WorldLogLevel,
} from '../../../src/turtlesim/world.js';

function world() {
  const logs: [WorldLogLevel, string][] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const w = new TurtleWorld({
    random: () => 0,
    log: (level, message) => logs.push([level, message]),
    turtleAdded: (n) => added.push(n),
    turtleRemoved: (n) => removed.push(n),
  });
  return { w, logs, added, removed };
}

/** Steps `n` times at turtlesim's rate, the clock starting at `t0`; returns the last updates. */
function run(w: TurtleWorld, n: number, t0 = 0) {
  let last = w.step(UPDATE_DT, t0);
  for (let i = 1; i < n; i++) last = w.step(UPDATE_DT, t0 + i * UPDATE_PERIOD_MS);
  return last;
}

// biome-ignore lint/suspicious/noApproximativeNumericConstant: turtle.hpp's PI, on purpose
const TURTLESIM_PI = 3.14159265;

const pose = (w: TurtleWorld, name = 'turtle1') => w.turtle(name)!.pose;

describe('turtlesim world constants', () => {
  it('is 11.088889 m square with turtle1 at the centre, logged as turtlesim does', () => {
    const { w, logs, added } = world();
    expect(WORLD_SIZE).toBe(Math.fround(499 / 45));
    expect(WORLD_SIZE.toFixed(6)).toBe('11.088889');
    expect(w.names).toEqual(['turtle1']);
    expect(added).toEqual(['turtle1']);
    expect(pose(w)).toEqual({
      x: WORLD_CENTER,
      y: WORLD_CENTER,
      theta: 0,
      linearVelocity: 0,
      angularVelocity: 0,
    });
    expect(logs).toEqual([
      ['info', 'Spawning turtle [turtle1] at x=[5.544445], y=[5.544445], theta=[0.000000]'],
    ]);
    expect(w.turtle('turtle1')!.pen).toEqual(DEFAULT_PEN);
    expect(DEFAULT_PEN).toEqual({ r: 179, g: 184, b: 255, width: 3, off: false });
  });

  it('normalizes angles into [-pi, pi) with turtlesim PI = 3.14159265', () => {
    expect(normalizeAngle(0)).toBe(0);
    expect(normalizeAngle(TURTLESIM_PI)).toBeCloseTo(-TURTLESIM_PI, 12);
    expect(normalizeAngle(-TURTLESIM_PI)).toBeCloseTo(-TURTLESIM_PI, 12);
    expect(normalizeAngle(4)).toBeCloseTo(4 - 2 * TURTLESIM_PI, 12);
    expect([0.5, -0, Number.NaN, -Infinity, 5.5444446].map(formatFloat)).toEqual([
      '0.500000',
      '-0.000000',
      'nan',
      '-inf',
      '5.544445',
    ]);
    // Math.PI is just above turtlesim's PI, so it wraps.
    expect(normalizeAngle(Math.PI)).toBeLessThan(0);
  });
});

describe('kinematics', () => {
  it('moves along the heading it has after turning, each step dt = 0.016 s', () => {
    const { w } = world();
    const v = 2;
    const omega = 1.8;
    w.command('turtle1', { linear: v, angular: omega }, 0);
    const n = 50;
    const updates = run(w, n);
    // theta_k = k*w*dt; x += cos(theta_k) v dt; y += sin(theta_k) v dt (the turned heading, then the move).
    let x = WORLD_CENTER;
    let y = WORLD_CENTER;
    for (let k = 1; k <= n; k++) {
      x += Math.cos(k * omega * UPDATE_DT) * v * UPDATE_DT;
      y += Math.sin(k * omega * UPDATE_DT) * v * UPDATE_DT;
    }
    const p = pose(w);
    expect(p.x).toBeCloseTo(x, 9);
    expect(p.y).toBeCloseTo(y, 9);
    expect(p.theta).toBeCloseTo(n * omega * UPDATE_DT, 12);
    expect(p.linearVelocity).toBe(v);
    expect(p.angularVelocity).toBe(omega);
    expect(updates).toEqual([{ name: 'turtle1', pose: p, color: expect.any(Object) }]);
  });

  it('goes straight at 1 m/s: 62.5 steps are 1 m', () => {
    const { w } = world();
    // Keep commanding so the velocity never expires.
    for (let i = 0; i < 125; i++) {
      w.command('turtle1', { linear: 1, angular: 0 }, i * 8);
      if (i % 2 === 1) w.step(UPDATE_DT, i * 8);
    }
    expect(pose(w).x).toBeCloseTo(WORLD_CENTER + 62 * 0.016, 9);
    expect(pose(w).y).toBe(WORLD_CENTER);
  });

  it('ignores linear.y unless holonomic', () => {
    const { w } = world();
    w.command('turtle1', { linear: 0, lateral: 1, angular: 0 }, 0);
    w.step(UPDATE_DT, 0);
    expect(pose(w).y).toBe(WORLD_CENTER);
    w.command('turtle1', { linear: 0, lateral: 1, angular: 0 }, 0, true);
    w.step(UPDATE_DT, 0);
    expect(pose(w).y).toBeCloseTo(WORLD_CENTER + 0.016, 9);
    expect(pose(w).x).toBeCloseTo(WORLD_CENTER, 12);
    expect(pose(w).linearVelocity).toBe(1);
  });

  it('stops when the last command is more than 1 s old', () => {
    const { w } = world();
    w.command('turtle1', { linear: 1, angular: 0.5 }, 1000);
    w.step(UPDATE_DT, 1000 + COMMAND_TIMEOUT_MS); // exactly 1 s: still moving
    const moved = pose(w);
    expect(moved.x).toBeGreaterThan(WORLD_CENTER);
    expect(moved.linearVelocity).toBe(1);
    w.step(UPDATE_DT, 1000 + COMMAND_TIMEOUT_MS + 1);
    expect(pose(w)).toEqual({ ...moved, linearVelocity: 0, angularVelocity: 0 });
  });

  it('clamps at the walls with turtlesim warning in window coordinates (y down)', () => {
    const { w, logs } = world();
    w.teleportAbsolute('turtle1', 11, 5, 0);
    w.command('turtle1', { linear: 10, angular: 0 }, 0);
    w.step(UPDATE_DT, 0);
    expect(pose(w).x).toBe(WORLD_SIZE);
    expect(pose(w).y).toBeCloseTo(5, 12);
    expect(logs.at(-1)).toEqual([
      'warn',
      `Oh no! I hit the wall! (Clamping from [x=11.160000, y=${(WORLD_SIZE - 5).toFixed(6)}])`,
    ]);
    w.teleportAbsolute('turtle1', 3, 0.05, -Math.PI / 2);
    w.step(UPDATE_DT, 0);
    expect(pose(w).y).toBeCloseTo(0, 12);
    expect(logs.at(-1)![1]).toMatch(/^Oh no! I hit the wall! \(Clamping from \[x=3\.\d{6}, y=11\.\d{6}\]\)$/);
  });
});

describe('teleports', () => {
  it('teleport_absolute applies at the next step, caps y at the top, normalizes theta', () => {
    const { w } = world();
    w.teleportAbsolute('turtle1', 1, 2, 4);
    expect(pose(w).x).toBe(WORLD_CENTER);
    w.step(UPDATE_DT, 0);
    expect(pose(w)).toMatchObject({ x: 1, theta: normalizeAngle(4) });
    expect(pose(w).y).toBeCloseTo(2, 12);
    w.teleportAbsolute('turtle1', 2, 20, 0);
    w.step(UPDATE_DT, 0);
    expect(pose(w).y).toBe(WORLD_SIZE);
  });

  it('teleport_relative turns first, then moves along the new heading; requests apply in order', () => {
    const { w } = world();
    w.teleportRelative('turtle1', 1, Math.PI / 2);
    w.teleportRelative('turtle1', 2, 0);
    w.step(UPDATE_DT, 0);
    expect(pose(w).x).toBeCloseTo(WORLD_CENTER, 9);
    expect(pose(w).y).toBeCloseTo(WORLD_CENTER + 3, 9);
    expect(pose(w).theta).toBeCloseTo(Math.PI / 2, 12);
    // Both moves drew, pen on.
    expect(w.segments).toHaveLength(2);
  });
});

describe('pen, trails and the colour sensor', () => {
  it('draws what the turtle moves in its pen; the sensor reads the path image only', () => {
    const { w } = world();
    expect(w.colorUnder('turtle1')).toEqual({ r: 255, g: 255, b: 255 });
    w.setPen('turtle1', { r: 255, g: 0, b: 0, width: 5, off: 0 });
    w.command('turtle1', { linear: 1, angular: 0 }, 0);
    const first = w.step(UPDATE_DT, 0);
    // The sensor is read before this step's line is drawn.
    expect(first[0]!.color).toEqual({ r: 255, g: 255, b: 255 });
    const second = w.step(UPDATE_DT, 16);
    expect(second[0]!.color).toEqual({ r: 255, g: 0, b: 0 });
    expect(w.segments).toHaveLength(2);
    expect(w.segments[0]).toMatchObject({ x1: WORLD_CENTER, r: 255, g: 0, b: 0, width: 5 });
    expect(w.segments[0]!.x2).toBeCloseTo(WORLD_CENTER + 0.016, 9);
    expect(w.segments[0]!.y1).toBeCloseTo(WORLD_CENTER, 9);
  });

  it('pen off keeps the colour and draws nothing; width 0 is width 1', () => {
    const { w } = world();
    w.setPen('turtle1', { r: 1, g: 2, b: 3, width: 9, off: 1 });
    expect(w.turtle('turtle1')!.pen).toEqual({ ...DEFAULT_PEN, off: true });
    w.command('turtle1', { linear: 1, angular: 0 }, 0);
    w.step(UPDATE_DT, 0);
    expect(w.segments).toHaveLength(0);
    w.setPen('turtle1', { r: 1, g: 2, b: 3, width: 0, off: 0 });
    expect(w.turtle('turtle1')!.pen).toEqual({ r: 1, g: 2, b: 3, width: 1, off: false });
  });

  it('turning on the spot draws nothing', () => {
    const { w } = world();
    w.command('turtle1', { linear: 0, angular: 1 }, 0);
    run(w, 10);
    expect(w.segments).toHaveLength(0);
  });

  it('clear wipes trails, keeps turtles', () => {
    const { w, logs } = world();
    w.teleportAbsolute('turtle1', 1, 1, 0);
    w.step(UPDATE_DT, 0);
    expect(w.segments).toHaveLength(1);
    const gen = w.clearCount;
    w.clear();
    expect(logs.at(-1)).toEqual(['info', 'Clearing turtlesim.']);
    expect(w.segments).toHaveLength(0);
    expect(w.clearCount).toBe(gen + 1);
    expect(w.pathPixel(45, 449)).toEqual({ r: 255, g: 255, b: 255, a: 0 });
    expect(pose(w).x).toBe(1);
  });
});

describe('spawn, kill, reset', () => {
  it('names turtles turtleN from a counter, skipping taken names', () => {
    const { w, logs } = world();
    expect(w.spawn('turtle2', 1, 1, 0, 0)).toBe('turtle2');
    expect(w.spawn('', 2, 3, 0.5, 0)).toBe('turtle3');
    expect(logs.at(-1)).toEqual([
      'info',
      'Spawning turtle [turtle3] at x=[2.000000], y=[3.000000], theta=[0.500000]',
    ]);
    expect(w.spawn('', 2, 3, 0, 0)).toBe('turtle4');
    expect(w.names).toEqual(['turtle1', 'turtle2', 'turtle3', 'turtle4']);
    expect(pose(w, 'turtle3')).toMatchObject({ x: 2, theta: 0.5 });
    expect(pose(w, 'turtle3').y).toBeCloseTo(3, 6);
  });

  it('refuses a name in use with turtlesim text', () => {
    const { w } = world();
    expect(() => w.spawn('turtle1', 1, 1, 0, 0)).toThrow(
      new TurtlesimError('A turtle named [turtle1] already exists'),
    );
  });

  it('kills a turtle; an unknown one is an error with turtlesim text', () => {
    const { w, removed } = world();
    w.spawn('leo', 1, 1, 0, 0);
    w.kill('leo');
    expect(removed).toEqual(['leo']);
    expect(w.has('leo')).toBe(false);
    expect(() => w.kill('leo')).toThrow(
      new TurtlesimError('Tried to kill turtle [leo], which does not exist'),
    );
    w.kill('turtle1');
    expect(w.names).toEqual([]);
    expect(w.step(UPDATE_DT, 0)).toEqual([]);
  });

  it('reset removes every turtle, restarts the counter, respawns turtle1, clears', () => {
    const { w, logs, removed } = world();
    w.spawn('', 1, 1, 0, 0);
    w.spawn('x', 1, 1, 0, 0);
    w.teleportAbsolute('turtle1', 1, 1, 0);
    w.step(UPDATE_DT, 0);
    w.reset(0);
    expect(removed).toEqual(['turtle1', 'turtle2', 'x']);
    expect(logs.slice(-2)).toEqual([
      ['info', 'Resetting turtlesim.'],
      ['info', 'Spawning turtle [turtle1] at x=[5.544445], y=[5.544445], theta=[0.000000]'],
    ]);
    expect(w.names).toEqual(['turtle1']);
    expect(pose(w).x).toBe(WORLD_CENTER);
    expect(w.segments).toHaveLength(0);
    expect(w.spawn('', 1, 1, 0, 0)).toBe('turtle2');
  });

  it('a turtle whose topics cannot be made is not added', () => {
    const w = new TurtleWorld({
      turtleAdded: (n) => {
        if (n === 'bad') throw new Error('no');
      },
    });
    expect(() => w.spawn('bad', 1, 1, 0, 0)).toThrow('no');
    expect(w.names).toEqual(['turtle1']);
  });

  it('a spawned turtle starts unclamped and is clamped at the next step', () => {
    const { w, logs } = world();
    w.spawn('out', -1, 5, 0, 0);
    expect(pose(w, 'out').x).toBe(-1);
    expect(w.colorUnder('out')).toEqual({ r: 0, g: 0, b: 0 });
    w.step(UPDATE_DT, 0);
    expect(pose(w, 'out').x).toBe(0);
    expect(logs.at(-1)![1]).toMatch(/^Oh no! I hit the wall! \(Clamping from \[x=-1\.000000, /);
  });
});
