/**
 * turtlesim's world as a pure simulation: no sockets, no timers, no clock of its own. The numbers
 * and the order of operations are those of ROS 2 Jazzy's turtlesim (ros/ros_tutorials,
 * `turtlesim/src/turtle_frame.cpp` and `turtle.cpp`, 1.8.x):
 *
 * - The window is 500x500 px and a metre is the height of a turtle image, 45 px, so the world is
 *   (500 - 1) / 45 = 11.088889 m (a C++ float) wide and high; turtle1 starts at its centre.
 * - Every 16 ms each turtle (in name order, a std::map) is updated with dt = 0.016 s, however long
 *   the tick really took: queued teleports first, then velocities are zeroed if the last cmd_vel
 *   is more than 1 s old, then `theta += w*dt` (normalized to [-pi, pi) with turtlesim's PI =
 *   3.14159265) and the position moves along the new heading, then it is clamped to the window with
 *   the warning "Oh no! I hit the wall! (Clamping from [x=.., y=..])" (window coordinates: y
 *   grows downwards), then pose and colour sensor are published, then the pen draws the move.
 * - A `rotate_absolute` goal (see rotate-absolute.ts) is updated after the teleports and before
 *   the command timeout: feedback each update, then success within 0.02 rad, turning at 1 rad/s
 *   meanwhile (which counts as a fresh command). A cmd_vel, or a new goal, aborts a running goal,
 *   with turtlesim's warnings; a cancel takes effect at the next update, and stops the turtle.
 * - The colour sensor reads the pixel under the turtle in the path image only (not the background):
 *   ROS 2's turtlesim clears that image to transparent white, so untouched ground reads 255,255,255.
 *
 * Internally positions are kept as turtlesim keeps them, in window metres with y downwards
 * (`sx`, `sy`); poses are reported with y upwards. Trails are kept twice: as line segments (for
 * drawing elsewhere) and rasterized into a 500x500 path image (for the colour sensor and PNGs).
 */

import { normalizeAngle } from './angles.js';
import { rotationStep } from './rotate-absolute.js';

export { normalizeAngle, TURTLESIM_PI } from './angles.js';

/** Window size in pixels. */
export const WINDOW_PX = 500;
/** Pixels per metre: the height of turtlesim's turtle images. */
export const METER_PX = 45;
/** World width and height in metres: `(width() - 1) / meter_`, a float. */
export const WORLD_SIZE = Math.fround((WINDOW_PX - 1) / METER_PX);
/** The centre, where turtle1 is spawned: `width_in_meters_ / 2.0`, passed on as a float. */
export const WORLD_CENTER = Math.fround(WORLD_SIZE / 2);
/** The update timer's interval; dt of every step is this in seconds. */
export const UPDATE_PERIOD_MS = 16;
export const UPDATE_DT = 0.001 * UPDATE_PERIOD_MS;
/** Velocities are zeroed when the last cmd_vel is older than this (strictly). */
export const COMMAND_TIMEOUT_MS = 1000;
/** How many turtle images turtlesim picks from at random (ardent..rolling). */
export const TURTLE_IMAGE_COUNT = 10;

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export const DEFAULT_BACKGROUND: Rgb = Object.freeze({ r: 0x45, g: 0x56, b: 0xff });

export interface Pen extends Rgb {
  readonly width: number;
  readonly off: boolean;
}

export const DEFAULT_PEN: Pen = Object.freeze({ r: 0xb3, g: 0xb8, b: 0xff, width: 3, off: false });

/** turtlesim/msg/Pose: y upwards, theta in [-pi, pi). */
export interface Pose {
  readonly x: number;
  readonly y: number;
  readonly theta: number;
  readonly linearVelocity: number;
  readonly angularVelocity: number;
}

/** A line the pen drew, in world metres (y upwards), with the pen's colour and width in pixels. */
export interface TrailSegment extends Rgb {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly width: number;
}

export interface TurtleState {
  readonly name: string;
  readonly pose: Pose;
  readonly pen: Pen;
  /** Which of turtlesim's turtle images it got (0..9, at random as turtlesim does). */
  readonly image: number;
  /** When the last cmd_vel arrived (ms, the clock the caller steps with). */
  readonly lastCommandMs: number;
}

/** What one step publishes for one turtle. */
export interface TurtleUpdate {
  readonly name: string;
  readonly pose: Pose;
  readonly color: Rgb;
}

export type WorldLogLevel = 'info' | 'warn' | 'error';

export interface WorldEvents {
  /** turtlesim's log lines, word for word. */
  log?(level: WorldLogLevel, message: string): void;
  turtleAdded?(name: string): void;
  turtleRemoved?(name: string): void;
  /** The path image was cleared (clear, reset). */
  cleared?(): void;
}

export interface WorldOptions extends WorldEvents {
  /** For the turtle image index; default Math.random. */
  readonly random?: () => number;
  /** The time a spawned turtle's last command is set to (ms); default 0. Used by the constructor's turtle1 too. */
  readonly nowMs?: number;
}

/** A request turtlesim refuses; `message` is turtlesim's log line for it. */
export class TurtlesimError extends Error {
  override readonly name = 'TurtlesimError';
}

export interface Twist2 {
  /** linear.x */
  readonly linear: number;
  /** linear.y; used only when the world is told the turtles are holonomic. */
  readonly lateral?: number;
  /** angular.z */
  readonly angular: number;
}

/** How a rotation goal ended. */
export type RotationOutcome = 'succeeded' | 'canceled' | 'aborted';

/**
 * The listener of one `rotate_absolute` goal: the world calls it from `step` and `command` (and
 * from `rotateAbsolute`, for the goal it preempts).
 */
export interface RotationGoal {
  /** Each update while the goal runs: the angle still to turn (the action's feedback). */
  feedback(remaining: number): void;
  /** The goal ended; `delta` is the result (start heading minus heading at the last update). */
  ended(outcome: RotationOutcome, delta: number): void;
}

interface ActiveRotation {
  readonly goal: RotationGoal;
  readonly theta: number;
  readonly startOrient: number;
  /** The result so far: 0 until the first update. */
  delta: number;
  canceling: boolean;
}

type Teleport =
  | { readonly relative: true; readonly linear: number; readonly angular: number }
  | { readonly relative: false; readonly x: number; readonly y: number; readonly theta: number };

class Turtle {
  sx: number;
  sy: number;
  theta: number;
  linX = 0;
  linY = 0;
  ang = 0;
  pen: Pen = DEFAULT_PEN;
  teleports: Teleport[] = [];
  rotation: ActiveRotation | undefined;

  constructor(
    readonly name: string,
    x: number,
    y: number,
    theta: number,
    readonly image: number,
    public lastCommandMs: number,
  ) {
    this.sx = x;
    // QPointF(x, height_in_meters_ - y): float minus float, in float.
    this.sy = Math.fround(WORLD_SIZE - y);
    this.theta = theta;
  }

  pose(): Pose {
    return {
      x: this.sx,
      y: WORLD_SIZE - this.sy,
      theta: this.theta,
      linearVelocity: Math.sqrt(this.linX * this.linX + this.linY * this.linY),
      angularVelocity: this.ang,
    };
  }
}

/** C printf's `%f` (glibc spellings of the special values). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0.000000' : v.toFixed(6);
}

export class TurtleWorld {
  /** The path image: RGBA, WINDOW_PX square, row-major, y downwards. */
  readonly path = new Uint8ClampedArray(WINDOW_PX * WINDOW_PX * 4);
  private readonly turtles = new Map<string, Turtle>();
  private idCounter = 0;
  private readonly random: () => number;
  private readonly events: WorldEvents;
  private readonly trail: TrailSegment[] = [];
  private generation = 0;

  /** A world with turtle1 at the centre, as turtlesim starts. */
  constructor(options: WorldOptions = {}) {
    this.random = options.random ?? Math.random;
    this.events = options;
    this.clearPath();
    this.spawn('', WORLD_CENTER, WORLD_CENTER, 0, options.nowMs ?? 0);
  }

  // --- reading ---

  get names(): string[] {
    return [...this.turtles.keys()].sort();
  }

  has(name: string): boolean {
    return this.turtles.has(name);
  }

  turtle(name: string): TurtleState | undefined {
    const t = this.turtles.get(name);
    return t && { name, pose: t.pose(), pen: t.pen, image: t.image, lastCommandMs: t.lastCommandMs };
  }

  /** Every turtle, in name order. */
  list(): TurtleState[] {
    return this.names.map((n) => this.turtle(n)!);
  }

  /** Trail segments drawn since the last clear, oldest first. */
  get segments(): readonly TrailSegment[] {
    return this.trail;
  }

  /** Counts clears: segment indices restart from 0 when it changes. */
  get clearCount(): number {
    return this.generation;
  }

  /** The path image pixel at window pixel (px, py), y downwards. */
  pathPixel(px: number, py: number): { r: number; g: number; b: number; a: number } {
    // QImage::pixel outside the image: 0.
    if (!(px >= 0 && px < WINDOW_PX && py >= 0 && py < WINDOW_PX)) return { r: 0, g: 0, b: 0, a: 0 };
    const i = (py * WINDOW_PX + px) * 4;
    const p = this.path;
    return { r: p[i]!, g: p[i + 1]!, b: p[i + 2]!, a: p[i + 3]! };
  }

  /** What the colour sensor of `name` reads now. */
  colorUnder(name: string): Rgb {
    const t = this.get(name);
    // path_image.pixel((pos_ * meter_).toPoint()): qRound of each coordinate.
    const { r, g, b } = this.pathPixel(qRound(t.sx * METER_PX), qRound(t.sy * METER_PX));
    return { r, g, b };
  }

  // --- turtlesim's services ---

  /**
   * /spawn: an empty name gets `turtle<N>` from a counter (skipping taken names); the turtle is
   * not clamped until the next step. Throws TurtlesimError "A turtle named [name] already exists".
   */
  spawn(name: string, x: number, y: number, theta: number, nowMs: number): string {
    let real = name;
    if (real === '') {
      do real = `turtle${++this.idCounter}`;
      while (this.turtles.has(real));
    } else if (this.turtles.has(real)) {
      throw new TurtlesimError(`A turtle named [${name}] already exists`);
    }
    const image = Math.floor(this.random() * TURTLE_IMAGE_COUNT) % TURTLE_IMAGE_COUNT;
    const turtle = new Turtle(real, x, y, theta, image, nowMs);
    // The listener makes the turtle's topics and services; if it cannot, there is no turtle.
    this.events.turtleAdded?.(real);
    this.turtles.set(real, turtle);
    this.log(
      'info',
      `Spawning turtle [${real}] at x=[${formatFloat(x)}], y=[${formatFloat(y)}], theta=[${formatFloat(theta)}]`,
    );
    return real;
  }

  /**
   * /kill. Throws TurtlesimError "Tried to kill turtle [name], which does not exist". A rotation
   * goal of the turtle is dropped with it, unended: its action server goes with the turtle.
   */
  kill(name: string): void {
    if (!this.turtles.delete(name)) {
      throw new TurtlesimError(`Tried to kill turtle [${name}], which does not exist`);
    }
    this.events.turtleRemoved?.(name);
  }

  /** /clear: wipes the path image (the turtles stay). */
  clear(): void {
    this.log('info', 'Clearing turtlesim.');
    this.clearPath();
  }

  /** /reset: every turtle goes, the name counter restarts, turtle1 is spawned at the centre, the path is wiped. */
  reset(nowMs: number): void {
    this.log('info', 'Resetting turtlesim.');
    for (const name of this.names) {
      this.turtles.delete(name);
      this.events.turtleRemoved?.(name);
    }
    this.idCounter = 0;
    this.spawn('', WORLD_CENTER, WORLD_CENTER, 0, nowMs);
    this.clearPath();
  }

  // --- per-turtle services and topics ---

  /** /<t>/set_pen: `off` lifts the pen and keeps its colour; width 0 means QPen's default, 1. */
  setPen(name: string, pen: { r: number; g: number; b: number; width: number; off: number | boolean }): void {
    const t = this.get(name);
    if (pen.off) {
      t.pen = { ...t.pen, off: true };
      return;
    }
    t.pen = { r: pen.r, g: pen.g, b: pen.b, width: pen.width !== 0 ? pen.width : 1, off: false };
  }

  /** /<t>/teleport_absolute, applied at the next step (y is capped at the top edge, as turtlesim does). */
  teleportAbsolute(name: string, x: number, y: number, theta: number): void {
    this.get(name).teleports.push({ relative: false, x, y, theta });
  }

  /** /<t>/teleport_relative: turn by `angular`, then move `linear` along the new heading, at the next step. */
  teleportRelative(name: string, linear: number, angular: number): void {
    this.get(name).teleports.push({ relative: true, linear, angular });
  }

  /**
   * /<t>/cmd_vel: velocities that hold until the next command or for COMMAND_TIMEOUT_MS. A
   * running rotation goal is aborted (with its delta so far).
   */
  command(name: string, twist: Twist2, nowMs: number, holonomic = false): void {
    const t = this.get(name);
    t.lastCommandMs = nowMs;
    t.linX = twist.linear;
    if (holonomic) t.linY = twist.lateral ?? 0;
    t.ang = twist.angular;
    const running = t.rotation;
    if (running) {
      this.log('warn', 'Velocity command received during rotation goal. Aborting goal');
      t.rotation = undefined;
      running.goal.ended('aborted', running.delta);
    }
  }

  // --- the rotate_absolute action ---

  /**
   * /<t>/rotate_absolute: an accepted goal to turn to `theta`, from the heading the turtle has
   * now. A goal still running is aborted first (with its delta so far).
   */
  rotateAbsolute(name: string, theta: number, goal: RotationGoal): void {
    const t = this.get(name);
    const previous = t.rotation;
    if (previous) {
      this.log('warn', 'Rotation goal received before a previous goal finished. Aborting previous goal');
      t.rotation = undefined;
      previous.goal.ended('aborted', previous.delta);
    }
    t.rotation = { goal, theta, startOrient: t.theta, delta: 0, canceling: false };
  }

  /** A cancel request was accepted for `goal`: it ends CANCELED at the next update. */
  cancelRotation(name: string, goal: RotationGoal): void {
    const r = this.turtles.get(name)?.rotation;
    if (r?.goal === goal) r.canceling = true;
  }

  /** Drops `goal` without ending it (its action server went away); the turtle keeps its velocities. */
  forgetRotation(name: string, goal: RotationGoal): void {
    const t = this.turtles.get(name);
    if (t?.rotation?.goal === goal) t.rotation = undefined;
  }

  /** Whether `name` has a rotation goal running. */
  isRotating(name: string): boolean {
    return this.turtles.get(name)?.rotation !== undefined;
  }

  // --- time ---

  /** One update of every turtle (turtlesim passes dt = UPDATE_DT); returns what it publishes. */
  step(dt: number, nowMs: number): TurtleUpdate[] {
    return this.names.map((name) => this.update(this.turtles.get(name)!, dt, nowMs));
  }

  private update(t: Turtle, dt: number, nowMs: number): TurtleUpdate {
    for (const req of t.teleports) {
      const oldX = t.sx;
      const oldY = t.sy;
      if (req.relative) {
        t.theta += req.angular;
        t.sx += Math.cos(t.theta) * req.linear;
        t.sy += -Math.sin(t.theta) * req.linear;
      } else {
        t.sx = req.x;
        t.sy = Math.max(0, WORLD_SIZE - req.y);
        t.theta = req.theta;
      }
      if (!t.pen.off) this.draw(t, oldX, oldY);
    }
    t.teleports = [];

    this.updateRotation(t, nowMs);

    if (nowMs - t.lastCommandMs > COMMAND_TIMEOUT_MS) {
      t.linX = 0;
      t.linY = 0;
      t.ang = 0;
    }

    const oldX = t.sx;
    const oldY = t.sy;
    t.theta = normalizeAngle(t.theta + t.ang * dt);
    t.sx += Math.cos(t.theta) * t.linX * dt - Math.sin(t.theta) * t.linY * dt;
    t.sy -= Math.cos(t.theta) * t.linY * dt + Math.sin(t.theta) * t.linX * dt;

    if (t.sx < 0 || t.sx > WORLD_SIZE || t.sy < 0 || t.sy > WORLD_SIZE) {
      this.log(
        'warn',
        `Oh no! I hit the wall! (Clamping from [x=${formatFloat(t.sx)}, y=${formatFloat(t.sy)}])`,
      );
    }
    t.sx = Math.min(Math.max(t.sx, 0), WORLD_SIZE);
    t.sy = Math.min(Math.max(t.sy, 0), WORLD_SIZE);

    const update: TurtleUpdate = { name: t.name, pose: t.pose(), color: this.colorUnder(t.name) };
    if ((t.sx !== oldX || t.sy !== oldY) && !t.pen.off) this.draw(t, oldX, oldY);
    return update;
  }

  private updateRotation(t: Turtle, nowMs: number): void {
    const r = t.rotation;
    if (!r) return;
    if (r.canceling) {
      this.log('info', 'Rotation goal canceled');
      t.rotation = undefined;
      this.stop(t);
      r.goal.ended('canceled', r.delta);
      return;
    }
    const step = rotationStep(r.theta, r.startOrient, t.theta);
    r.delta = step.delta;
    r.goal.feedback(step.remaining);
    // The listener may have ended the goal (a cmd_vel, a new goal, a kill) while being told.
    if (t.rotation !== r) return;
    if (step.reached) {
      this.log('info', 'Rotation goal completed successfully');
      t.rotation = undefined;
      this.stop(t);
      r.goal.ended('succeeded', r.delta);
      return;
    }
    t.linX = 0;
    t.linY = 0;
    t.ang = step.angular;
    t.lastCommandMs = nowMs;
  }

  private stop(t: Turtle): void {
    t.linX = 0;
    t.linY = 0;
    t.ang = 0;
  }

  // --- the pen ---

  /** A line from the old position to the turtle's, in its pen, on the path image and the trail. */
  private draw(t: Turtle, oldX: number, oldY: number): void {
    const { r, g, b, width } = t.pen;
    this.trail.push({ x1: oldX, y1: WORLD_SIZE - oldY, x2: t.sx, y2: WORLD_SIZE - t.sy, r, g, b, width });
    rasterizeLine(
      this.path,
      oldX * METER_PX,
      oldY * METER_PX,
      t.sx * METER_PX,
      t.sy * METER_PX,
      width,
      r,
      g,
      b,
    );
  }

  private clearPath(): void {
    // path_image_.fill(qRgba(255, 255, 255, 0)): transparent white.
    const p = this.path;
    for (let i = 0; i < p.length; i += 4) {
      p[i] = 255;
      p[i + 1] = 255;
      p[i + 2] = 255;
      p[i + 3] = 0;
    }
    this.trail.length = 0;
    this.generation++;
    this.events.cleared?.();
  }

  private get(name: string): Turtle {
    const t = this.turtles.get(name);
    if (!t) throw new TurtlesimError(`no turtle named [${name}]`);
    return t;
  }

  private log(level: WorldLogLevel, message: string): void {
    this.events.log?.(level, message);
  }
}

/** Qt's qRound for the coordinates turtlesim uses. */
function qRound(v: number): number {
  return v >= 0 ? Math.floor(v + 0.5) : Math.ceil(v - 0.5);
}

/**
 * A pen stroke as Qt's aliased raster engine draws it with a square cap: every pixel whose
 * centre lies in the rectangle around the line, widened by half the pen width on each side and
 * at each end. (Qt's exact pixel rules at the rectangle's edges may differ by a pixel.)
 */
export function rasterizeLine(
  image: Uint8ClampedArray,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  width: number,
  r: number,
  g: number,
  b: number,
): void {
  const half = Math.max(width, 1) / 2;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  const ux = len > 0 ? dx / len : 1;
  const uy = len > 0 ? dy / len : 0;
  const reach = half * Math.SQRT2;
  const minX = Math.max(0, Math.floor(Math.min(x1, x2) - reach));
  const maxX = Math.min(WINDOW_PX - 1, Math.ceil(Math.max(x1, x2) + reach));
  const minY = Math.max(0, Math.floor(Math.min(y1, y2) - reach));
  const maxY = Math.min(WINDOW_PX - 1, Math.ceil(Math.max(y1, y2) + reach));
  for (let py = minY; py <= maxY; py++) {
    for (let px = minX; px <= maxX; px++) {
      const cx = px + 0.5 - x1;
      const cy = py + 0.5 - y1;
      const along = cx * ux + cy * uy;
      const across = Math.abs(cx * uy - cy * ux);
      if (along < -half || along > len + half || across > half) continue;
      const i = (py * WINDOW_PX + px) * 4;
      image[i] = r;
      image[i + 1] = g;
      image[i + 2] = b;
      image[i + 3] = 255;
    }
  }
}
