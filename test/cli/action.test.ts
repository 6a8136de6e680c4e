/**
 * `ros2ts action list|info|type|send_goal` as a user runs them (`node dist/src/cli/main.js`,
 * compiled first), against ros2ts action servers made here (a Fibonacci server and turtlesim),
 * inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/cli/action.test.ts
 *
 * Expected outputs are ros2action's (Jazzy `verb/*.py`) for the same graph, line for line.
 * Domain 18.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionClient, ActionServer, Context } from '../../src/index.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

const DOMAIN = 18;
const discovery = { domainId: DOMAIN, range: 'localhost' as const, staticPeers: [] };
const quiet = { logSink: () => {} };
const cli = cliRunner(DOMAIN);
const start = (args: readonly string[]) => cli.start(args);
const ros2ts = cli.run;
const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const yamlList = (values: readonly number[]) => values.map((v) => `- ${v}`);

// --- the graph the commands look at ---

let context: Context;
let sim: TurtlesimHandle;
const goalIds: string[] = [];
const cancels: string[] = [];
/** The Fibonacci server's pause between numbers (ms). */
let stepMs = 50;

beforeAll(async () => {
  assertSandboxed('test/cli/action.test.ts');
  const build = buildDist();
  context = await Context.create({ discovery });
  const server = context.createNode('fib_server', quiet);
  // The tutorial's server, quicker: refuses negative orders, aborts beyond 46 (int32 overflow).
  new ActionServer(server, 'example_interfaces/action/Fibonacci', 'fibonacci', {
    onGoal: (g) => (g.goal.order < 0 ? 'reject' : 'accept'),
    onCancel: (g) => {
      cancels.push(g.goalIdHex);
      return 'accept';
    },
    execute: async (goal) => {
      goalIds.push(goal.goalIdHex.replaceAll('-', ''));
      if (goal.goal.order > 46) {
        goal.abort({ sequence: [] });
        return;
      }
      const sequence = [0, 1];
      for (let i = 1; i < goal.goal.order; i++) {
        await sleep(stepMs, undefined, { signal: goal.signal }).catch(() => {});
        if (goal.isCancelRequested) {
          goal.canceled({ sequence });
          return;
        }
        sequence.push(sequence[i]! + sequence[i - 1]!);
        goal.publishFeedback({ sequence });
      }
      return { sequence };
    },
  });
  const watcher = context.createNode('watcher', { ...quiet, namespace: '/demo' });
  new ActionClient(watcher, 'example_interfaces/action/Fibonacci', '/fibonacci');
  sim = startTurtlesim(context, { nodeOptions: { ...quiet, enableRosout: false } });
  await build;
}, 180_000);

afterEach(() => cli.killChildren());

afterAll(async () => {
  await sim?.stop();
  await context?.shutdown();
});

describe('ros2ts action: reading the graph', () => {
  it('list (-t, -c), type, info (-t, -c) as ros2 action prints them', async () => {
    // Three at a time: eight new participants at once on a loaded 2-core machine starve discovery.
    const [list, listT, count] = await Promise.all([
      ros2ts('action', 'list'),
      ros2ts('action', 'list', '-t'),
      ros2ts('action', 'list', '-c'),
    ]);
    const [type, missing, info] = await Promise.all([
      ros2ts('action', 'type', '/turtle1/rotate_absolute'),
      ros2ts('action', 'type', '/nope'),
      ros2ts('action', 'info', '/fibonacci'),
    ]);
    const [infoT, infoC] = await Promise.all([
      ros2ts('action', 'info', 'fibonacci', '-t'),
      ros2ts('action', 'info', '/fibonacci', '--count'),
    ]);
    expect(listT).toMatchObject({
      code: 0,
      stderr: '',
      stdout: lines(
        '/fibonacci [example_interfaces/action/Fibonacci]',
        '/turtle1/rotate_absolute [turtlesim/action/RotateAbsolute]',
      ),
    });
    expect(list.stdout).toBe(lines('/fibonacci', '/turtle1/rotate_absolute'));
    expect(count.stdout).toBe('2\n');
    expect(type).toMatchObject({ code: 0, stdout: 'turtlesim/action/RotateAbsolute\n' });
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(info).toMatchObject({
      code: 0,
      stdout: lines(
        'Action: /fibonacci',
        'Action clients: 1',
        '    /demo/watcher',
        'Action servers: 1',
        '    /fib_server',
      ),
    });
    expect(infoT.stdout).toBe(
      lines(
        'Action: fibonacci',
        'Action clients: 1',
        '    /demo/watcher [example_interfaces/action/Fibonacci]',
        'Action servers: 1',
        '    /fib_server [example_interfaces/action/Fibonacci]',
      ),
    );
    expect(infoC.stdout).toBe(lines('Action: /fibonacci', 'Action clients: 1', 'Action servers: 1'));
    const bad = await ros2ts('action', 'info', 'bad name');
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toBe('');
  });
});

describe('ros2ts action send_goal', () => {
  it('prints the goal, its id, each feedback with -f, the result and the status', async () => {
    stepMs = 50;
    const r = await ros2ts(
      'action',
      'send_goal',
      '/fibonacci',
      'example_interfaces/action/Fibonacci',
      '{order: 5}',
      '--feedback',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = goalIds.at(-1)!;
    const feedback = (values: number[]) => ['Feedback:', `    sequence:`, ...yamlList(values), ''];
    expect(r.stdout).toBe(
      lines(
        'Waiting for an action server to become available...',
        'Sending goal:',
        '     order: 5',
        '',
        `Goal accepted with ID: ${id}`,
        '',
        ...feedback([0, 1, 1]),
        ...feedback([0, 1, 1, 2]),
        ...feedback([0, 1, 1, 2, 3]),
        ...feedback([0, 1, 1, 2, 3, 5]),
        'Result:',
        '    sequence:',
        ...yamlList([0, 1, 1, 2, 3, 5]),
        '',
        'Goal finished with status: SUCCEEDED',
      ),
    );
    expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('without -f prints no feedback; a rejected goal and an aborted one exit 0 as ros2 does', async () => {
    const [plain, rejected, aborted] = await Promise.all([
      ros2ts('action', 'send_goal', 'fibonacci', 'example_interfaces/Fibonacci', 'order: 3'),
      ros2ts('action', 'send_goal', '/fibonacci', 'example_interfaces/action/Fibonacci', '{order: -1}'),
      ros2ts('action', 'send_goal', '/fibonacci', 'example_interfaces/action/Fibonacci', '{order: 50}'),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('Feedback:');
    expect(plain.stdout).toMatch(
      /\nGoal accepted with ID: [0-9a-f]{32}\n\nResult:\n {4}sequence:\n- 0\n- 1\n- 1\n- 2\n\nGoal finished with status: SUCCEEDED\n$/,
    );
    expect(rejected).toMatchObject({
      code: 0,
      stdout: lines(
        'Waiting for an action server to become available...',
        'Sending goal:',
        '     order: -1',
        '',
        'Goal was rejected.',
      ),
    });
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(/\nResult:\n {4}sequence: \[\]\n\nGoal finished with status: ABORTED\n$/);
  });

  it('Ctrl+C cancels the goal, then prints the result it ended with', async () => {
    stepMs = 300;
    const run = start([
      'action',
      'send_goal',
      '/fibonacci',
      'example_interfaces/action/Fibonacci',
      '{order: 40}',
      '-f',
    ]);
    await until(() => run.stdout().includes('Feedback:'), 10_000, 'the first feedback');
    // Meanwhile the command's node is a client of the action, named as ros2cli names it.
    const info = await ros2ts('action', 'info', '/fibonacci');
    expect(info.stdout).toContain('    /_ros2cli_send_goal_example_interfaces_action_Fibonacci\n');
    const cancelsBefore = cancels.length;
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cancels.length).toBe(cancelsBefore + 1);
    expect(cancels.at(-1)!.replaceAll('-', '')).toBe(goalIds.at(-1));
    expect(r.stdout).toMatch(
      /\nCanceling goal\.\.\.\nGoal canceled\.\nResult:\n {4}sequence:\n(- \d+\n)+\nGoal finished with status: CANCELED\n$/,
    );
  });

  it('turns turtlesim turtle1 with rotate_absolute', async () => {
    const r = await ros2ts(
      'action',
      'send_goal',
      '/turtle1/rotate_absolute',
      'turtlesim/action/RotateAbsolute',
      '{theta: 1.57}',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Waiting for an action server to become available\.\.\.\nSending goal:\n {5}theta: 1\.57\n\nGoal accepted with ID: [0-9a-f]{32}\n\nResult:\n {4}delta: -1\.5\d+\n\nGoal finished with status: SUCCEEDED\n$/,
    );
    expect(Math.abs(sim.world.turtle('turtle1')!.pose.theta - 1.57)).toBeLessThan(0.02);
  });

  it('refuses bad types and values on stderr with exit code 1, and gives up after --timeout', async () => {
    const [badType, service, field, absent] = await Promise.all([
      ros2ts('action', 'send_goal', '/fibonacci', 'example_interfaces/action/Nope', '{}'),
      ros2ts('action', 'send_goal', '/fibonacci', 'turtlesim/srv/Spawn'),
      ros2ts('action', 'send_goal', '/fibonacci', 'example_interfaces/action/Fibonacci', '{ordre: 3}'),
      ros2ts('action', 'send_goal', '/absent', 'example_interfaces/action/Fibonacci', '--timeout', '0.5'),
    ]);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toMatch(/^The passed action type is invalid: no definition of /);
    expect(service).toMatchObject({
      code: 1,
      stderr:
        "The passed action type is invalid: 'turtlesim/srv/Spawn' is not of the form 'package/action/Name'\n",
    });
    expect(field).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "Failed to populate message fields: example_interfaces/action/Fibonacci_Goal has no field 'ordre'; its fields are: order\n",
    });
    expect(absent).toMatchObject({
      code: 1,
      stdout: 'Waiting for an action server to become available...\n',
    });
    expect(absent.stderr).toMatch(/^action server \/absent did not become available within 0\.5 s/);
  });
});
