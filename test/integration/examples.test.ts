/**
 * The tutorial's examples as a user runs them (`node dist/examples/<name>.js`, each its own
 * process), against each other and against ros2ts nodes made here, inside the loopback-only
 * namespace. The examples are compiled first, as `npm install` does.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionClient, GoalStatus } from '../../src/index.js';
import { Context } from '../../src/nodes/context.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

const root = join(import.meta.dirname, '..', '..');
const env = { ...process.env, ROS_DOMAIN_ID: '9', ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST' };
const discovery = { domainId: 9, range: 'localhost' as const, staticPeers: [] };

beforeAll(() => {
  assertSandboxed('test/integration/examples.test.ts');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}, 120_000);

interface Run {
  readonly child: ChildProcess;
  readonly out: string[];
  exited: Promise<number | null>;
}

const running: Run[] = [];
const contexts: Context[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
  await Promise.all(contexts.splice(0).map((c) => c.shutdown()));
});

function run(example: string, ...args: string[]): Run {
  const child = spawn(process.execPath, [join(root, 'dist/examples', `${example}.js`), ...args], {
    env,
    cwd: root,
  });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const r = { child, out, exited };
  running.push(r);
  return r;
}

describe('npm start: the tutorial as a story', () => {
  it('starts turtlesim, spawns foxy_turtle, runs draw_circle and its client, turns turtle1 with rotate_absolute, serves the picture, and Ctrl+C ends it all', async () => {
    const child = spawn(process.execPath, [join(root, 'dist/scripts/tutorial.js')], { env, cwd: root });
    const out: string[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    running.push({ child, out, exited });
    // The circle alone takes 12.6 s.
    await until(() => /watch it at (\S+)/.test(out.join('')), 60_000, 'the story to reach its end');
    const text = out.join('');
    expect(text).toContain("turtlesim.srv.Spawn_Response(name='foxy_turtle')");
    expect(text).toMatch(/\/spawn \[turtlesim\/srv\/Spawn\]/);
    expect(text).toContain("Result: success=true, message='Started drawing a circle!'");
    // The rotation: feedback folded onto one line each, counting down, then the result.
    const remaining = [...text.matchAll(/\[action send_goal\] Feedback: remaining: (-?[\d.e-]+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(remaining.length).toBeGreaterThan(10);
    expect(remaining.at(-1)!).toBeLessThan(0.02);
    expect(text).toMatch(/\[action send_goal\] Result:\n {2}\[action send_goal\] {5}delta: -?[\d.]+\n/);
    expect(text).toContain('[action send_goal] Goal finished with status: SUCCEEDED');
    expect(text).toContain('Rotation goal completed successfully');
    const url = text.match(/watch it at (\S+)/)![1]!;
    const state = (await (await fetch(new URL('state.json', url))).json()) as {
      turtles: { name: string; theta: number }[];
    };
    expect(state.turtles.map((t) => t.name).sort()).toEqual(['foxy_turtle', 'turtle1']);
    const turtle1 = state.turtles.find((t) => t.name === 'turtle1')!;
    expect(Math.abs(turtle1.theta - 1.57)).toBeLessThan(0.02);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  }, 90_000);
});

describe('the tutorial examples', () => {
  it('my_service_client calls my_service_server, which then drives turtle1/cmd_vel; both exit cleanly', async () => {
    const context = await Context.create({ discovery });
    contexts.push(context);
    const twists: [number, number][] = [];
    context
      .createNode('turtle_watcher', { logSink: () => {} })
      .createSubscription('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', (t) =>
        twists.push([t.linear.x, t.angular.z]),
      );
    const server = run('my_service_server');
    const client = run('my_service_client', '--timeout', '10000');
    expect(await client.exited).toBe(0);
    expect(client.out.join('')).toContain("Result: success=true, message='Started drawing a circle!'");
    await until(() => twists.length >= 2, 5000, 'two Twist messages');
    expect(twists[0]).toEqual([0.5, 0.5]);
    expect(server.out.join('')).toMatch(
      /\[INFO\] \[\d+\.\d{9}\] \[my_service_server\]: Received request to draw a circle!/,
    );
    const started = Date.now();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 30_000);

  it('my_service_client gives up after its timeout when no server runs, naming the service', async () => {
    const started = Date.now();
    const client = run('my_service_client', '--timeout', '500');
    expect(await client.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(client.out.join('')).toContain('service /draw_circle is not available after 500 ms');
  }, 15_000);

  it('spawn_turtle calls /spawn and prints the name the server returns', async () => {
    const context = await Context.create({ discovery });
    contexts.push(context);
    const requests: unknown[] = [];
    context
      .createNode('turtlesim', { logSink: () => {} })
      .createService('turtlesim/srv/Spawn', '/spawn', (req) => {
        requests.push(req);
        return { name: req.name };
      });
    const spawner = run('spawn_turtle', '--timeout', '10000');
    expect(await spawner.exited).toBe(0);
    expect(spawner.out.join('')).toContain('spawned foxy_turtle');
    expect(requests).toEqual([{ x: 2, y: 2, theta: 0, name: 'foxy_turtle' }]);
  }, 30_000);
});

describe('the actions tutorial examples', () => {
  it('fibonacci_action_client sends order 10 to fibonacci_action_server: feedback each second, then the result', async () => {
    const server = run('fibonacci_action_server');
    const started = Date.now();
    const client = run('fibonacci_action_client', '--timeout', '10000');
    expect(await client.exited).toBe(0);
    const took = Date.now() - started;
    const out = client.out.join('');
    expect(out).toMatch(/\[INFO\] \[\d+\.\d{9}\] \[fibonacci_action_client\]: Goal accepted :\)/);
    const fib = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    const feedback = [...out.matchAll(/Received feedback: (array\('i', \[[\d, ]*\]\))/g)].map((m) => m[1]);
    const partial = Array.from({ length: 9 }, (_, i) => fib.slice(0, i + 3));
    expect(feedback).toEqual(partial.map((p) => `array('i', [${p.join(', ')}])`));
    expect(out).toContain(`Result: array('i', [${fib.join(', ')}])`);
    // Nine numbers, a second each (the last sleep comes before the result).
    expect(took).toBeGreaterThan(8500);
    const serverOut = server.out.join('');
    expect(serverOut).toMatch(/\[INFO\] \[\d+\.\d{9}\] \[fibonacci_action_server\]: Executing goal\.\.\./);
    expect(serverOut).toContain("Feedback: array('i', [0, 1, 1])");
    expect(serverOut).toContain(`Feedback: array('i', [${fib.join(', ')}])`);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  }, 40_000);

  it('fibonacci_action_server accepts a cancel request and ends the goal CANCELED with the numbers so far', async () => {
    const context = await Context.create({ discovery });
    contexts.push(context);
    const server = run('fibonacci_action_server');
    const node = context.createNode('canceler', { logSink: () => {} });
    const client = new ActionClient(node, 'example_interfaces/action/Fibonacci', '/fibonacci');
    await client.waitForServer({ timeout: 10_000 });
    const feedback: number[][] = [];
    const goal = await client.sendGoal({ order: 10 }, { onFeedback: (f) => feedback.push([...f.sequence]) });
    await until(() => feedback.length >= 1, 5000, 'the first feedback');
    const started = Date.now();
    await goal.cancel({ timeout: 5000 });
    const { status, result } = await goal.result;
    expect(status).toBe(GoalStatus.CANCELED);
    // At once: the server's one-second wait is cut short.
    expect(Date.now() - started).toBeLessThan(900);
    expect([...result.sequence]).toEqual(feedback.at(-1));
    // The server's log comes through its stdout pipe, which may lag the result that came by UDP.
    await until(() => server.out.join('').includes('Goal canceled'), 2000, "the server's 'Goal canceled'");
    expect(server.out.join('')).toContain('Received request to cancel goal');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('fibonacci_action_client gives up after its timeout when no server runs, naming the action; ros2ts run starts it', async () => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        join(root, 'dist/src/cli/main.js'),
        'run',
        'ros2ts_examples',
        'fibonacci_action_client',
        '--timeout',
        '500',
      ],
      { env, cwd: root },
    );
    const out: string[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    running.push({ child, out, exited });
    expect(await exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out.join('')).toContain('action server /fibonacci is not available after 500 ms');
  }, 15_000);
});
