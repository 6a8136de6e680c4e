/**
 * Draws a turtlesim world into an RGBA raster the size of turtlesim's window: the background
 * colour, the path image over it (turtlesim's paintEvent order), then each turtle. turtlesim paints
 * its PNG turtle images; ours are drawn from TURTLE_SHAPE (shell, head, legs, tail, pointing along
 * the heading), which the web page draws the same way on its canvas.
 */
import type { RgbaImage } from './png.js';
import { METER_PX, type Rgb, type TurtleState, type TurtleWorld, WINDOW_PX, WORLD_SIZE } from './world.js';

/** One disc or ellipse of a turtle, in pixels in the turtle's frame: `ahead` along the heading, `left` to its left. */
export interface ShapePart {
  readonly ahead: number;
  readonly left: number;
  readonly rx: number;
  readonly ry: number;
  readonly paint: 'skin' | 'rim' | 'shell';
}

/** Drawn in this order. The turtle is about as big as turtlesim's 45 px images. */
export const TURTLE_SHAPE: readonly ShapePart[] = [
  { ahead: 8, left: 10, rx: 4.5, ry: 4.5, paint: 'skin' },
  { ahead: 8, left: -10, rx: 4.5, ry: 4.5, paint: 'skin' },
  { ahead: -8, left: 10, rx: 4.5, ry: 4.5, paint: 'skin' },
  { ahead: -8, left: -10, rx: 4.5, ry: 4.5, paint: 'skin' },
  { ahead: -14, left: 0, rx: 3, ry: 2.5, paint: 'skin' },
  { ahead: 16, left: 0, rx: 6, ry: 5, paint: 'skin' },
  { ahead: 0, left: 0, rx: 14, ry: 12, paint: 'rim' },
  { ahead: 0, left: 0, rx: 11.5, ry: 9.5, paint: 'shell' },
];

/** Shell colours, one per turtlesim turtle image (its `image` index). */
export const SHELL_COLORS: readonly Rgb[] = [
  { r: 0x2e, g: 0x8b, b: 0x57 },
  { r: 0xd2, g: 0x8c, b: 0x2d },
  { r: 0x8e, g: 0x44, b: 0xad },
  { r: 0x27, g: 0x80, b: 0xb9 },
  { r: 0xc0, g: 0x39, b: 0x2b },
  { r: 0x16, g: 0xa0, b: 0x85 },
  { r: 0x7f, g: 0x8c, b: 0x8d },
  { r: 0xf3, g: 0x9c, b: 0x12 },
  { r: 0x6d, g: 0x4c, b: 0x41 },
  { r: 0x2c, g: 0x3e, b: 0x50 },
];
export const SKIN_COLOR: Rgb = { r: 0x8f, g: 0xbc, b: 0x5a };
export const RIM_COLOR: Rgb = { r: 0x1e, g: 0x1e, b: 0x1e };

export function paintOf(part: ShapePart, image: number): Rgb {
  if (part.paint === 'skin') return SKIN_COLOR;
  if (part.paint === 'rim') return RIM_COLOR;
  return SHELL_COLORS[image % SHELL_COLORS.length]!;
}

/** The picture turtlesim's window would show (with our turtle drawings). */
export function renderWorld(world: TurtleWorld, background: Rgb): RgbaImage {
  const data = new Uint8ClampedArray(WINDOW_PX * WINDOW_PX * 4);
  const path = world.path;
  for (let i = 0; i < data.length; i += 4) {
    const drawn = path[i + 3]! !== 0;
    data[i] = drawn ? path[i]! : background.r;
    data[i + 1] = drawn ? path[i + 1]! : background.g;
    data[i + 2] = drawn ? path[i + 2]! : background.b;
    data[i + 3] = 255;
  }
  for (const t of world.list()) drawTurtle(data, t);
  return { width: WINDOW_PX, height: WINDOW_PX, data };
}

function drawTurtle(data: Uint8ClampedArray, t: TurtleState): void {
  const cx = t.pose.x * METER_PX;
  const cy = (WORLD_SIZE - t.pose.y) * METER_PX;
  // Forward and left in window pixels (y downwards).
  const fx = Math.cos(t.pose.theta);
  const fy = -Math.sin(t.pose.theta);
  const lx = fy;
  const ly = -fx;
  for (const part of TURTLE_SHAPE) {
    const { r, g, b } = paintOf(part, t.image);
    const px0 = cx + part.ahead * fx + part.left * lx;
    const py0 = cy + part.ahead * fy + part.left * ly;
    const reach = Math.max(part.rx, part.ry);
    const minX = Math.max(0, Math.floor(px0 - reach));
    const maxX = Math.min(WINDOW_PX - 1, Math.ceil(px0 + reach));
    const minY = Math.max(0, Math.floor(py0 - reach));
    const maxY = Math.min(WINDOW_PX - 1, Math.ceil(py0 + reach));
    for (let y = minY; y <= maxY; y++) {
      for (let x = minX; x <= maxX; x++) {
        const dx = x + 0.5 - px0;
        const dy = y + 0.5 - py0;
        const a = (dx * fx + dy * fy) / part.rx;
        const l = (dx * lx + dy * ly) / part.ry;
        if (a * a + l * l > 1) continue;
        const i = (y * WINDOW_PX + x) * 4;
        data[i] = r;
        data[i + 1] = g;
        data[i + 2] = b;
      }
    }
  }
}
