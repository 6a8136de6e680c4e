/**
 * turtlesim's web page in a real (headless) Chromium: the canvas shows the world, a Twist moves
 * the turtle and the picture follows. Needs Debian's chromium at /usr/bin/chromium (skipped
 * without it) and opens sockets, so it runs in the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/browser/turtlesim-page.test.ts
 *
 * Leaves a screenshot in test-artifacts/turtlesim.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/index.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { startTurtlesimWeb, type TurtlesimWeb } from '../../src/turtlesim/web.js';
import { WORLD_CENTER } from '../../src/turtlesim/world.js';
import { chromiumSkipNote, haveChromium, launchHeadlessChromium } from '../support/chromium.js';
import { assertSandboxed } from '../support/sandbox.js';

const ARTIFACT_DIR = 'test-artifacts';

const discovery = { domainId: 12, range: 'localhost' as const, staticPeers: [] };
const quiet = { logSink: () => {} };

interface PageView {
  frames: number;
  segments: number;
  turtles: { name: string; x: number; y: number; theta: number; linearVelocity: number }[];
}

async function until<T>(
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The page's view of the world (the script runs in the page, where `window.turtlesim` lives). */
function view(page: Page): Promise<PageView> {
  return page.evaluate(
    `(() => { const v = window.turtlesim; return { frames: v.frames, segments: v.segments,
      turtles: v.state ? v.state.turtles : [] }; })()`,
  );
}

/** One canvas pixel, and a digest of all of them. */
function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    `Array.from(document.getElementById('world').getContext('2d').getImageData(${x}, ${y}, 1, 1).data)`,
  );
}
/** How many canvas pixels are exactly this colour. */
function count(page: Page, [r, g, b]: readonly number[]): Promise<number> {
  return page.evaluate(`(() => {
    const d = document.getElementById('world').getContext('2d').getImageData(0, 0, 500, 500).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === ${r} && d[i + 1] === ${g} && d[i + 2] === ${b}) n++;
    return n;
  })()`);
}
function canvasDigest(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const d = document.getElementById('world').getContext('2d').getImageData(0, 0, 500, 500).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i++) { h ^= d[i]; h = Math.imul(h, 16777619) >>> 0; }
    return h.toString(16);
  })()`);
}

describe.skipIf(!haveChromium)(`turtlesim web page in Chromium${chromiumSkipNote}`, () => {
  let sim: Context;
  let driver: Context;
  let turtlesim: TurtlesimHandle;
  let web: TurtlesimWeb;
  let browser: Browser;

  beforeAll(async () => {
    assertSandboxed('test/browser/turtlesim-page.test.ts');
    [sim, driver] = await Promise.all([Context.create({ discovery }), Context.create({ discovery })]);
    turtlesim = startTurtlesim(sim, { nodeOptions: quiet });
    web = await startTurtlesimWeb(turtlesim);
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await turtlesim?.stop();
    await Promise.all([sim?.shutdown(), driver?.shutdown()]);
  });

  it('serves a PNG snapshot and refuses foreign Host headers', async () => {
    const png = Buffer.from(await (await fetch(`${web.url}snapshot.png`)).arrayBuffer());
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    // fetch cannot set Host; node:http can.
    const status = await new Promise<number>((resolve, reject) => {
      request(web.url, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('draws the world, and a Twist moves the turtle on the canvas', async () => {
    const page = await browser.newPage({ viewport: { width: 560, height: 640 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(web.url);

    const first = await until(
      () => view(page),
      (v) => v.frames > 0 && v.turtles.length === 1,
      10_000,
      'a frame',
    );
    expect(first.turtles[0]!.name).toBe('turtle1');
    expect(first.turtles[0]!.x).toBeCloseTo(WORLD_CENTER, 5);
    // Background in a corner, the turtle's shell in the middle.
    expect(await pixel(page, 2, 2)).toEqual([69, 86, 255, 255]);
    expect(await pixel(page, 249, 249)).not.toEqual([69, 86, 255, 255]);
    const before = await canvasDigest(page);

    const node = driver.createNode('teleop', quiet);
    const cmd = node.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', 7);
    await until(
      async () => cmd.subscriptionCount,
      (n) => n === 1,
      10_000,
      'cmd_vel to match',
    );
    cmd.publish({ linear: { x: 3 }, angular: { z: 1.5 } });

    const moved = await until(
      () => view(page),
      (v) => (v.turtles[0]?.theta ?? 0) > 0.5 && v.segments > 10,
      10_000,
      'the turtle to move on the page',
    );
    expect(moved.turtles[0]!.y).toBeGreaterThan(WORLD_CENTER);
    // The page agrees with the simulation (within a frame or two of motion).
    const real = turtlesim.world.turtle('turtle1')!.pose;
    expect(Math.abs(moved.turtles[0]!.x - real.x)).toBeLessThan(0.5);
    expect(await canvasDigest(page)).not.toBe(before);
    // The command lasts 1 s; then the trail, in the default pen colour (179, 184, 255), is an arc
    // (3 m on an idle machine; shorter when the machine is loaded, as the simulation's 16 ms
    // ticks fall behind the wall clock that ends the command, as in turtlesim).
    await until(
      () => view(page),
      (v) => v.turtles[0]?.linearVelocity === 0,
      5000,
      'the turtle to stop',
    );
    expect(await count(page, [179, 184, 255])).toBeGreaterThan(20);

    await mkdir(ARTIFACT_DIR, { recursive: true });
    await page.screenshot({ path: `${ARTIFACT_DIR}/turtlesim.png` });
    expect(existsSync(`${ARTIFACT_DIR}/turtlesim.png`)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
