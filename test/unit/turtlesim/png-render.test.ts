import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../../src/turtlesim/png.js';
import { RIM_COLOR, renderWorld, SHELL_COLORS } from '../../../src/turtlesim/render.js';
import {
  DEFAULT_BACKGROUND,
  METER_PX,
  TurtleWorld,
  UPDATE_DT,
  WORLD_SIZE,
} from '../../../src/turtlesim/world.js';

/** Reads back what encodePng writes: chunks with their CRCs, and the unfiltered pixels. */
function decodePng(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; body: Buffer }[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const body = png.subarray(o + 8, o + 8 + len);
    expect(png.readUInt32BE(o + 8 + len)).toBe(crc32(png.subarray(o + 4, o + 8 + len)));
    chunks.push({ type, body });
    o += 12 + len;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = chunks[0]!.body;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  const raw = inflateSync(chunks[1]!.body);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    data.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, data };
}

describe('png', () => {
  it('crc32 is the standard one', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('encodes RGBA pixels that read back', () => {
    const data = new Uint8Array([
      255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    const png = encodePng({ width: 3, height: 2, data });
    expect(decodePng(png)).toEqual({ width: 3, height: 2, data });
  });

  it('refuses a size that does not match the data', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(12) })).toThrow(RangeError);
  });
});

describe('render', () => {
  it('draws background, trails and the turtle where turtlesim would', () => {
    const w = new TurtleWorld({ random: () => 0 });
    w.setPen('turtle1', { r: 255, g: 0, b: 0, width: 3, off: 0 });
    w.teleportAbsolute('turtle1', 1, 1, 0);
    w.step(UPDATE_DT, 0);
    const { width, height, data } = decodePng(encodePng(renderWorld(w, DEFAULT_BACKGROUND)));
    expect([width, height]).toEqual([500, 500]);
    const px = (x: number, y: number) => [...data.subarray((y * 500 + x) * 4, (y * 500 + x) * 4 + 4)];
    expect(px(499, 0)).toEqual([69, 86, 255, 255]);
    // The turtle at (1, 1) m: window pixel (45, 449); shell in the middle, rim around it.
    const cx = Math.floor(1 * METER_PX);
    const cy = Math.floor((WORLD_SIZE - 1) * METER_PX);
    const shell = SHELL_COLORS[0]!;
    expect(px(cx, cy)).toEqual([shell.r, shell.g, shell.b, 255]);
    expect(px(cx, cy - 12)).toEqual([RIM_COLOR.r, RIM_COLOR.g, RIM_COLOR.b, 255]);
    // The teleport's line from the centre to (1, 1), halfway, is red.
    const mx = Math.floor(((5.544445 + 1) / 2) * METER_PX);
    const my = Math.floor((WORLD_SIZE - (5.544445 + 1) / 2) * METER_PX);
    expect(px(mx, my)).toEqual([255, 0, 0, 255]);
  });
});
