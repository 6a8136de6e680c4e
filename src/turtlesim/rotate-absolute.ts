/**
 * One update of a `rotate_absolute` goal (turtlesim/action/RotateAbsolute), as ROS 2 Jazzy's
 * turtlesim computes it in `Turtle::update` (ros/ros_tutorials `turtlesim/src/turtle.cpp`, 1.8.x):
 *
 * - the target is the goal's theta normalized into [-PI, PI);
 * - `remaining = normalize(target - (float)orient)`: the feedback of this update;
 * - `delta = normalize((float)(start - orient))`: the result so far. It is the start heading
 *   minus the current one, so a counter-clockwise turn gives a negative delta, as turtlesim's does;
 * - the goal is reached when `|normalize((float)orient - target)| < 0.02`; otherwise the turtle
 *   turns at 1 rad/s towards the target (-1 when remaining is negative), with no linear speed.
 *
 * The `(float)` casts are turtlesim's: orient is a double, the casts round it to single precision.
 */
import { normalizeAngle } from './angles.js';

/** The angular speed of a rotation, rad/s. */
export const ROTATION_SPEED = 1.0;
/** A goal is reached when the heading is closer than this to the target (rad). */
export const ROTATION_TOLERANCE = 0.02;

export interface RotationStep {
  /** The feedback: the angle still to turn, in [-PI, PI). */
  readonly remaining: number;
  /** The result so far: start heading minus current heading, in [-PI, PI). */
  readonly delta: number;
  /** The heading is within ROTATION_TOLERANCE of the target: the goal succeeds now. */
  readonly reached: boolean;
  /** The angular velocity to turn with until the next update (0 once reached). */
  readonly angular: number;
}

/** One update of a goal towards `goalTheta`, begun at heading `startOrient`, the turtle now at `orient`. */
export function rotationStep(goalTheta: number, startOrient: number, orient: number): RotationStep {
  const target = normalizeAngle(goalTheta);
  const remaining = normalizeAngle(target - Math.fround(orient));
  const delta = normalizeAngle(Math.fround(startOrient - orient));
  const reached = Math.abs(normalizeAngle(Math.fround(orient) - target)) < ROTATION_TOLERANCE;
  const angular = reached ? 0 : remaining < 0 ? -ROTATION_SPEED : ROTATION_SPEED;
  return { remaining, delta, reached, angular };
}
