/**
 * `ros2ts bridge` in a real (headless) Chromium, against a ros2ts turtlesim: the bridge page shows
 * the graph and a topic's latest message; and roslib 2.x's browser build (its ES module from
 * node_modules, its dependencies mapped by an import map to their files there, served by a small
 * HTTP server in this test) subscribes, publishes, calls a service and lists topics through the
 * bridge. Needs Debian's chromium at /usr/bin/chromium (skipped without it) and opens sockets:
 *
 *   scripts/netns-run npx vitest run test/browser/bridge-page.test.ts
 *
 * Leaves a screenshot in test-artifacts/bridge-page.png.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { Context } from '../../src/index.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { chromiumSkipNote, haveChromium, launchHeadlessChromium } from '../support/chromium.js';
import { assertSandboxed } from '../support/sandbox.js';

const ARTIFACT_DIR = 'test-artifacts';
const discovery = { domainId: 13, range: 'localhost' as const, staticPeers: [] };
const quiet = { logSink: () => {} };

/**
 * roslib's own importmap.js maps its dependencies to unpkg; here each maps to the same package's
 * browser ES module in node_modules (eventemitter3's index.mjs wraps CommonJS, so its ESM build).
 */
const IMPORTS: Record<string, string> = {
  roslib: 'roslib/dist/RosLib.js',
  bson: 'bson/lib/bson.mjs',
  cbor2: 'cbor2/lib/index.js',
  '@cto.af/wtf8': '@cto.af/wtf8/lib/index.js',
  eventemitter3: 'eventemitter3/dist/eventemitter3.esm.js',
  'fast-png': 'fast-png/lib/index.js',
  fflate: 'fflate/esm/browser.js',
  iobuffer: 'iobuffer/lib/iobuffer.js',
  uuid: 'uuid/dist/index.js',
};
/** The package of a path in node_modules: its first segment, two for a scoped one. */
const packageOf = (path: string) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/');
const PACKAGES = new Set(Object.values(IMPORTS).map(packageOf));

const ROSLIB_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>roslib</title>
<script type="importmap">${JSON.stringify({
  imports: Object.fromEntries(Object.entries(IMPORTS).map(([k, v]) => [k, `/node_modules/${v}`])),
})}</script>
<script type="module">
import * as ROSLIB from 'roslib';
window.ROSLIB = ROSLIB;
</script></head><body></body></html>`;

/** Serves the page above and the files of the packages it maps, nothing else. */
async function serveRoslib(): Promise<{ url: string; server: Server }> {
  const root = join(process.cwd(), 'node_modules');
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(ROSLIB_PAGE);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const rel = normalize(decodeURIComponent(path.replace(/^\/node_modules\//, '')));
    const servable =
      path.startsWith('/node_modules/') &&
      PACKAGES.has(packageOf(rel)) &&
      !rel.includes('..') &&
      /\.m?js$/.test(rel);
    if (!servable) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string) {
  const start = Date.now();
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  topic: string;
  type: string;
  hz: string;
}
function rows(page: Page): Promise<Row[]> {
  return page.evaluate(`Array.from(document.querySelectorAll('#topics tr')).map((r) => ({
    topic: r.dataset.topic, hz: r.cells[1].textContent, type: r.cells[2].textContent }))`);
}
const text = (page: Page, id: string): Promise<string> =>
  page.evaluate(`document.getElementById(${JSON.stringify(id)}).textContent`);

function status(url: string, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe.skipIf(!haveChromium)(`ros2ts bridge in Chromium${chromiumSkipNote}`, () => {
  let simContext: Context;
  let bridgeContext: Context;
  let sim: TurtlesimHandle;
  let bridge: BridgeHandle;
  let browser: Browser;
  let pageUrl: string;

  beforeAll(async () => {
    assertSandboxed('test/browser/bridge-page.test.ts');
    [simContext, bridgeContext] = await Promise.all([
      Context.create({ discovery }),
      Context.create({ discovery }),
    ]);
    sim = startTurtlesim(simContext, { nodeOptions: { ...quiet, enableRosout: false } });
    bridge = await startBridge(bridgeContext, { port: 0, protocol: 'rosbridge' });
    pageUrl = `http://127.0.0.1:${bridge.port}/`;
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await sim?.stop();
    await Promise.all([simContext?.shutdown(), bridgeContext?.shutdown()]);
  });

  it('serves the page with a strict CSP and refuses rebound Host names', async () => {
    const res = await fetch(pageUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    const body = await res.text();
    // Self-contained: no script, style or link fetched from anywhere.
    expect(body).not.toMatch(/<script[^>]+src=|<link|https?:\/\//);
    expect(await status(pageUrl, 'evil.example')).toBe(421);
    expect(await status(pageUrl, `evil.example:${bridge.port}`)).toBe(421);
    expect(await status(pageUrl, `localhost:${bridge.port}`)).toBe(200);
    expect(await status(`${pageUrl}nothing`, `127.0.0.1:${bridge.port}`)).toBe(404);
  });

  it('shows the graph live with rates, and a topic latest message on a click', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pageUrl);
    const seen = await until(
      () => rows(page),
      (r) => r.some((x) => x.topic === '/turtle1/pose' && Number(x.hz) > 0),
      15_000,
      'the pose topic with a rate on the page',
    );
    const pose = seen.find((x) => x.topic === '/turtle1/pose') as Row;
    expect(pose.type).toBe('turtlesim/msg/Pose');
    // turtlesim publishes its pose every 16 ms (62.5 Hz); a loaded machine lowers what arrives.
    expect(Number(pose.hz)).toBeGreaterThan(20);
    expect(Number(pose.hz)).toBeLessThan(80);
    expect(await text(page, 'services')).toContain('/spawn');
    expect(await text(page, 'nodes')).toContain('/turtlesim');

    await page.click('tr[data-topic="/turtle1/pose"]');
    const shown = await until(
      () => text(page, 'message'),
      (t) => t.startsWith('{'),
      10_000,
      'the latest pose',
    );
    const msg = JSON.parse(shown) as { x: number; y: number; theta: number };
    expect(msg.x).toBeCloseTo(sim.world.turtle('turtle1')?.pose.x ?? Number.NaN, 3);
    expect(await text(page, 'selected')).toBe('/turtle1/pose');

    await mkdir(ARTIFACT_DIR, { recursive: true });
    await page.screenshot({ path: `${ARTIFACT_DIR}/bridge-page.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("drives the turtle with roslib's browser build through the bridge", async () => {
    const { url, server } = await serveRoslib();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(url);
      await page
        .waitForFunction('window.ROSLIB !== undefined', undefined, { timeout: 10_000 })
        .catch((e: Error) => {
          throw new Error(`roslib did not load: ${errors.join('; ') || e.message}`);
        });
      const startX = sim.world.turtle('turtle1')?.pose.x ?? Number.NaN;
      const result = (await page.evaluate(`(async () => {
          const ros = new ROSLIB.Ros({});
          await new Promise((resolve, reject) => {
            ros.on('connection', resolve);
            ros.on('error', reject);
            ros.connect('ws://127.0.0.1:${bridge.port}');
          });
          const poses = [];
          const pose = new ROSLIB.Topic({ ros, name: '/turtle1/pose', messageType: 'turtlesim/msg/Pose' });
          pose.subscribe((m) => poses.push(m));
          const cmd = new ROSLIB.Topic({ ros, name: '/turtle1/cmd_vel', messageType: 'geometry_msgs/msg/Twist' });
          const wait = (ms) => new Promise((r) => setTimeout(r, ms));
          for (let i = 0; i < 100 && poses.length === 0; i++) await wait(50);
          const first = poses[poses.length - 1];
          for (let i = 0; i < 20; i++) {
            cmd.publish({ linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
            await wait(50);
          }
          for (let i = 0; i < 100 && !(poses[poses.length - 1].x > first.x + 0.5); i++) await wait(50);
          const last = poses[poses.length - 1];
          const spawn = new ROSLIB.Service({ ros, name: '/spawn', serviceType: 'turtlesim/srv/Spawn' });
          const spawned = await new Promise((resolve, reject) =>
            spawn.callService({ x: 2, y: 3, theta: 0, name: 'browser_turtle' }, resolve, reject));
          const topics = await new Promise((resolve, reject) => ros.getTopics(resolve, reject));
          pose.unsubscribe();
          ros.close();
          return { count: poses.length, first, last, spawned, topics };
        })()`)) as {
        count: number;
        first: { x: number };
        last: { x: number };
        spawned: { name: string };
        topics: { topics: string[]; types: string[] };
      };
      expect(result.count).toBeGreaterThan(0);
      expect(result.first.x).toBeCloseTo(startX, 1);
      expect(result.last.x).toBeGreaterThan(result.first.x + 0.5);
      expect(result.spawned).toEqual({ name: 'browser_turtle' });
      expect(sim.world.names).toContain('browser_turtle');
      const i = result.topics.topics.indexOf('/turtle1/cmd_vel');
      expect(i).toBeGreaterThanOrEqual(0);
      expect(result.topics.types[i]).toBe('geometry_msgs/msg/Twist');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
