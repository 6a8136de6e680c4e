/**
 * turtlesim on the ROS graph, driven by a client node in another context (another participant,
 * as another process would be), over UDP inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/turtlesim.test.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context, type LogRecord, ServiceCallTimeoutError } from '../../src/index.js';
import { runTurtlesimNode } from '../../src/turtlesim/main.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { WORLD_CENTER } from '../../src/turtlesim/world.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/turtlesim.test.ts'));

const discovery = { domainId: 11, range: 'localhost' as const, staticPeers: [] };
const open: Context[] = [];
const sims: TurtlesimHandle[] = [];
async function context(): Promise<Context> {
  const c = await Context.create({ discovery });
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});
const quiet = { logSink: () => {} };

async function setup() {
  const [a, b] = await Promise.all([context(), context()]);
  const logs: LogRecord[] = [];
  const sim = startTurtlesim(a, { nodeOptions: { logSink: (r) => logs.push(r), enableRosout: false } });
  sims.push(sim);
  const client = b.createNode('turtle_driver', quiet);
  return { sim, client, logs, messages: () => logs.map((r) => r.message) };
}

describe('turtlesim over UDP', () => {
  it('spawns and kills turtles with turtlesim names, errors and topics', async () => {
    const { sim, client, messages } = await setup();
    expect(messages()).toEqual([
      'Starting turtlesim with node name /turtlesim',
      'Spawning turtle [turtle1] at x=[5.544445], y=[5.544445], theta=[0.000000]',
    ]);
    const spawn = client.createClient('turtlesim/srv/Spawn', '/spawn');
    const kill = client.createClient('turtlesim/srv/Kill', '/kill');
    await Promise.all([spawn.waitForService({ timeout: 10_000 }), kill.waitForService({ timeout: 10_000 })]);

    expect(await spawn.call({ x: 2, y: 3, theta: 0.5, name: '' }, { timeout: 5000 })).toEqual({
      name: 'turtle2',
    });
    expect(messages()).toContain('Spawning turtle [turtle2] at x=[2.000000], y=[3.000000], theta=[0.500000]');
    expect(sim.world.names).toEqual(['turtle1', 'turtle2']);
    await until(() => client.countPublishers('/turtle2/pose') === 1, 5000, '/turtle2/pose in the graph');

    // A name in use: turtlesim answers with an empty name and logs the error.
    expect(await spawn.call({ x: 1, y: 1, theta: 0, name: 'turtle2' }, { timeout: 5000 })).toEqual({
      name: '',
    });
    expect(messages()).toContain('A turtle named [turtle2] already exists');

    await kill.call({ name: 'turtle2' }, { timeout: 5000 });
    expect(sim.world.names).toEqual(['turtle1']);
    await until(
      () => client.countPublishers('/turtle2/pose') === 0,
      5000,
      '/turtle2/pose to leave the graph',
    );
    expect(client.getServiceNamesAndTypes().map((s) => s.name)).not.toContain('/turtle2/set_pen');

    await kill.call({ name: 'turtle2' }, { timeout: 5000 });
    expect(messages()).toContain('Tried to kill turtle [turtle2], which does not exist');
  });

  it('teleports turtle1, drives it with cmd_vel and publishes its pose and colour', async () => {
    const { client, sim } = await setup();
    let last: { x: number; y: number; theta: number; linear_velocity: number } | undefined;
    let color: { r: number; g: number; b: number } | undefined;
    client.createSubscription(
      'turtlesim/msg/Pose',
      '/turtle1/pose',
      (m) => {
        last = m;
      },
      7,
    );
    client.createSubscription(
      'turtlesim/msg/Color',
      '/turtle1/color_sensor',
      (m) => {
        color = m;
      },
      7,
    );
    await until(() => last !== undefined && color !== undefined, 10_000, 'the first pose and colour');
    expect(last!.x).toBeCloseTo(WORLD_CENTER, 5);
    expect(color).toEqual({ r: 255, g: 255, b: 255 });

    const teleport = client.createClient('turtlesim/srv/TeleportAbsolute', '/turtle1/teleport_absolute');
    await teleport.waitForService({ timeout: 10_000 });
    await teleport.call({ x: 3, y: 4, theta: 0 }, { timeout: 5000 });
    await until(() => Math.abs(last!.x - 3) < 1e-5 && Math.abs(last!.y - 4) < 1e-5, 5000, 'the teleport');

    const setPen = client.createClient('turtlesim/srv/SetPen', '/turtle1/set_pen');
    await setPen.waitForService({ timeout: 10_000 });
    await setPen.call({ r: 255, g: 0, b: 0, width: 4, off: 0 }, { timeout: 5000 });

    const cmd = client.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', 7);
    await until(() => cmd.subscriptionCount === 1, 5000, 'cmd_vel to match');
    cmd.publish({ linear: { x: 2 }, angular: { z: 0 } });
    await until(() => last!.x > 3.5, 5000, 'the turtle to move');
    expect(last!.y).toBeCloseTo(4, 5);
    expect(last!.linear_velocity).toBe(2);
    await until(() => color!.r === 255 && color!.g === 0, 5000, 'the colour sensor to see the red trail');
    // The command lasts 1 s: 2 m/s for ~1 s from x = 3.
    await until(() => last!.linear_velocity === 0, 5000, 'the command to expire');
    expect(last!.x).toBeGreaterThan(4.5);
    expect(last!.x).toBeLessThan(5.3);
    expect(sim.world.segments.length).toBeGreaterThan(10);

    const reset = client.createClient('std_srvs/srv/Empty', '/reset');
    await reset.waitForService({ timeout: 10_000 });
    await reset.call({}, { timeout: 5000 });
    await until(() => Math.abs(last!.x - WORLD_CENTER) < 1e-5, 5000, 'turtle1 back at the centre');
    expect(sim.world.segments).toHaveLength(0);
  });
});

describe('turtlesim parameters', () => {
  it('declares background_r/g/b and holonomic as turtlesim does, and uses them', async () => {
    const { sim, client } = await setup();
    const p = sim.node.parameters;
    expect(p.describe(['background_r'])[0]).toMatchObject({
      type: 'integer',
      description: 'Red channel of the background color',
      integerRange: { fromValue: 0n, toValue: 255n, step: 1n },
    });
    expect(sim.getBackground()).toEqual({ r: 69, g: 86, b: 255 });
    expect(p.set([{ name: 'background_r', value: { type: 'integer', value: 300 } }])[0]!.successful).toBe(
      false,
    );
    expect(p.set([{ name: 'background_r', value: { type: 'integer', value: 0 } }])[0]!.successful).toBe(true);
    expect(sim.getBackground()).toEqual({ r: 0, g: 86, b: 255 });

    // holonomic: linear.y moves the turtle sideways only when set.
    let y = 0;
    client.createSubscription(
      'turtlesim/msg/Pose',
      '/turtle1/pose',
      (m) => {
        y = m.y;
      },
      7,
    );
    const cmd = client.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', 7);
    await until(() => cmd.subscriptionCount === 1 && y !== 0, 10_000, 'cmd_vel and pose to match');
    expect(p.set([{ name: 'holonomic', value: true }])[0]!.successful).toBe(true);
    cmd.publish({ linear: { y: 2 } });
    await until(() => y > WORLD_CENTER + 0.5, 5000, 'a sideways move');
    expect(sim.world.turtle('turtle1')!.pose.x).toBeCloseTo(WORLD_CENTER, 5);
  });

  it('rejects an invalid spawn name without a response, and logs why', async () => {
    const { client, sim, messages } = await setup();
    const spawn = client.createClient('turtlesim/srv/Spawn', '/spawn');
    await spawn.waitForService({ timeout: 10_000 });
    await expect(spawn.call({ x: 1, y: 1, theta: 0, name: 'bad name' }, { timeout: 1500 })).rejects.toThrow(
      ServiceCallTimeoutError,
    );
    expect(messages().some((m) => m.startsWith('Cannot spawn turtle [bad name]: '))).toBe(true);
    expect(sim.world.names).toEqual(['turtle1']);
  });
});

describe('runTurtlesimNode', () => {
  it('serves the page, and writes the picture on stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'turtlesim-'));
    try {
      const file = join(dir, 'out.png');
      const stop = new AbortController();
      const lines: string[] = [];
      let url: string | undefined;
      const done = runTurtlesimNode(['--png', file, '--ros-args', '-p', 'background_g:=0', '-r', 'x:=y'], {
        signal: stop.signal,
        print: (l) => lines.push(l),
        context: { discovery },
        logSink: () => {},
        onStarted: (info) => {
          url = info.url;
        },
      });
      await until(() => url !== undefined, 10_000, 'turtlesim to start');
      expect(lines).toEqual([`turtlesim window: ${url}`]);
      const page = await fetch(url!);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<canvas id="world"');
      // The -p override reached the background.
      const state = (await (await fetch(`${url}state.json`)).json()) as { background: unknown };
      expect(state.background).toEqual({ r: 69, g: 0, b: 255 });
      stop.abort();
      expect(await done).toBe(0);
      const png = await readFile(file);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(lines.at(-1)).toBe(`turtlesim picture written to ${file}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad options with the usage', async () => {
    const lines: string[] = [];
    expect(await runTurtlesimNode(['--bogus'], { print: (l) => lines.push(l) })).toBe(2);
    expect(lines[0]).toMatch(/^turtlesim_node: .*--bogus/);
    expect(await runTurtlesimNode(['--port', 'x'], { print: (l) => lines.push(l) })).toBe(2);
    expect(await runTurtlesimNode(['-h'], { print: (l) => lines.push(l) })).toBe(0);
    expect(lines.at(-1)).toMatch(/^Usage: turtlesim_node/);
  });
});
