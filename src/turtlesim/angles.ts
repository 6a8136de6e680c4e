/** turtlesim's angles: its own PI (turtle.hpp) and normalizeAngle (turtle.cpp). */

/** turtlesim's own PI (turtle.hpp), deliberately not Math.PI: normalizeAngle wraps at this value. */
// biome-ignore lint/suspicious/noApproximativeNumericConstant: turtlesim's truncated constant, on purpose
export const TURTLESIM_PI = 3.14159265;
const TWO_PI = 2.0 * TURTLESIM_PI;

/** turtle.cpp's normalizeAngle, with its PI: into [-PI, PI). */
export function normalizeAngle(angle: number): number {
  return angle - TWO_PI * Math.floor((angle + TURTLESIM_PI) / TWO_PI);
}
