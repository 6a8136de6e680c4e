/**
 * turtlesim's `<turtle>/rotate_absolute` action over UDP, driven by an ActionClient in another
 * context (another participant, as another process would be), inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/turtlesim-action.test.ts
 *
 * Behaviour and log lines are turtlesim's (ros/ros_tutorials turtlesim/src/turtle.cpp, 1.8.x).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionClient,
  ActionServerUnavailableError,
  Context,
  GoalStatus,
  type LogRecord,
  type Node,
} from '../../src/index.js';
import { ROTATION_TOLERANCE } from '../../src/turtlesim/rotate-absolute.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { UPDATE_DT } from '../../src/turtlesim/world.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/turtlesim-action.test.ts'));

const discovery = { domainId: 17, range: 'localhost' as const, staticPeers: [] };
const open: Context[] = [];
const sims: TurtlesimHandle[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

const TYPE = 'turtlesim/action/RotateAbsolute';

async function setup() {
  const [a, b] = await Promise.all([Context.create({ discovery }), Context.create({ discovery })]);
  open.push(a, b);
  const logs: LogRecord[] = [];
  const sim = startTurtlesim(a, { nodeOptions: { logSink: (r) => logs.push(r), enableRosout: false } });
  sims.push(sim);
  const client = b.createNode('turtle_driver', { logSink: () => {} });
  return { sim, client, logs, messages: () => logs.map((r) => r.message) };
}

async function rotateClient(node: Node, turtle = 'turtle1') {
  const client = new ActionClient(node, TYPE, `/${turtle}/rotate_absolute`);
  await client.waitForServer({ timeout: 10_000 });
  return client;
}

const heading = (sim: TurtlesimHandle, name = 'turtle1') => sim.world.turtle(name)!.pose.theta;

describe('turtlesim rotate_absolute over UDP', () => {
  it('turns turtle1 to 1.57 at 1 rad/s, with feedback each update, and answers the angle turned', async () => {
    const { sim, client, messages } = await setup();
    await until(
      () => client.getActionServerNamesAndTypesByNode('turtlesim', '/').length > 0,
      10_000,
      'the action server of /turtlesim in the graph',
    );
    expect(client.getActionServerNamesAndTypesByNode('turtlesim', '/')).toEqual([
      expect.objectContaining({ name: '/turtle1/rotate_absolute', types: [TYPE] }),
    ]);
    expect(client.getActionNamesAndTypes()).toEqual([
      expect.objectContaining({ name: '/turtle1/rotate_absolute', types: [TYPE] }),
    ]);
    const action = await rotateClient(client);
    const remaining: number[] = [];
    const started = Date.now();
    const goal = await action.sendGoal(
      { theta: 1.57 },
      { timeout: 5000, onFeedback: (fb) => remaining.push(fb.remaining) },
    );
    const { status, result } = await goal.result;
    const took = Date.now() - started;
    expect(status).toBe(GoalStatus.SUCCEEDED);
    const theta = heading(sim);
    expect(Math.abs(theta - 1.57)).toBeLessThan(ROTATION_TOLERANCE);
    // delta is start minus end heading, in float32.
    expect(result.delta).toBeCloseTo(-theta, 5);
    // ~98 updates of 16 ms: 1.57 rad at 1 rad/s.
    expect(took).toBeGreaterThan(1200);
    expect(took).toBeLessThan(6000);
    expect(messages()).toContain('Rotation goal completed successfully');
    // Feedback every update (best effort over loopback: nearly all of them), counting down.
    expect(remaining.length).toBeGreaterThan(0.8 * (1.57 / UPDATE_DT));
    for (let i = 1; i < remaining.length; i++) expect(remaining[i]!).toBeLessThan(remaining[i - 1]!);
    expect(remaining[0]!).toBeGreaterThan(1.4);
    expect(remaining.at(-1)!).toBeLessThan(ROTATION_TOLERANCE);
    expect(sim.world.turtle('turtle1')!.pose.angularVelocity).toBe(0);
  });

  it('a new goal aborts the running one, with turtlesim warning; the new one succeeds', async () => {
    const { sim, client, messages } = await setup();
    const action = await rotateClient(client);
    const first = await action.sendGoal({ theta: 3 }, { timeout: 5000 });
    await until(() => heading(sim) > 0.3, 5000, 'the first rotation to get going');
    const second = await action.sendGoal({ theta: -0.5 }, { timeout: 5000 });
    const r1 = await first.result;
    expect(r1.status).toBe(GoalStatus.ABORTED);
    // The delta of the last update before the second goal came: a counter-clockwise turn, negative.
    expect(r1.result.delta).toBeLessThan(-0.25);
    expect(messages()).toContain(
      'Rotation goal received before a previous goal finished. Aborting previous goal',
    );
    const r2 = await second.result;
    expect(r2.status).toBe(GoalStatus.SUCCEEDED);
    expect(Math.abs(heading(sim) + 0.5)).toBeLessThan(ROTATION_TOLERANCE);
    expect(r2.result.delta).toBeGreaterThan(0.5);
  });

  it('a cmd_vel aborts the goal with turtlesim warning, and then drives the turtle', async () => {
    const { sim, client, messages } = await setup();
    const action = await rotateClient(client);
    const cmd = client.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', 7);
    await until(() => cmd.subscriptionCount === 1, 5000, 'cmd_vel to match');
    const goal = await action.sendGoal({ theta: 3 }, { timeout: 5000 });
    await until(() => heading(sim) > 0.2, 5000, 'the rotation to get going');
    cmd.publish({ linear: { x: 1 } });
    const { status } = await goal.result;
    expect(status).toBe(GoalStatus.ABORTED);
    expect(messages()).toContain('Velocity command received during rotation goal. Aborting goal');
    await until(() => sim.world.turtle('turtle1')!.pose.linearVelocity === 1, 2000, 'the command to apply');
    expect(sim.world.turtle('turtle1')!.pose.angularVelocity).toBe(0);
  });

  it('a cancel request is accepted: the goal ends CANCELED at the next update and the turtle stops', async () => {
    const { sim, client, messages } = await setup();
    const action = await rotateClient(client);
    const goal = await action.sendGoal({ theta: -3 }, { timeout: 5000 });
    await until(() => heading(sim) < -0.3, 5000, 'the rotation to get going');
    const cancel = await goal.cancel({ timeout: 5000 });
    expect(cancel.goalsCanceling.map((g) => g.goalIdHex)).toEqual([goal.goalIdHex]);
    const { status, result } = await goal.result;
    expect(status).toBe(GoalStatus.CANCELED);
    expect(messages()).toContain('Rotation goal canceled');
    // The delta of the update before the cancel took effect.
    expect(result.delta).toBeGreaterThan(0.25);
    const stopped = heading(sim);
    expect(sim.world.turtle('turtle1')!.pose.angularVelocity).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(heading(sim)).toBe(stopped);
  });

  it('a spawned turtle gets its own action; a killed one takes it away, ending its running goal', async () => {
    const { sim, client } = await setup();
    const spawn = client.createClient('turtlesim/srv/Spawn', '/spawn');
    const kill = client.createClient('turtlesim/srv/Kill', '/kill');
    await Promise.all([spawn.waitForService({ timeout: 10_000 }), kill.waitForService({ timeout: 10_000 })]);
    await spawn.call({ x: 2, y: 2, theta: 0, name: 'leo' }, { timeout: 5000 });
    const action = await rotateClient(client, 'leo');
    const goal = await action.sendGoal({ theta: 3 }, { timeout: 5000 });
    await until(() => heading(sim, 'leo') > 0.1, 5000, 'leo to turn');
    expect(heading(sim)).toBe(0);
    await kill.call({ name: 'leo' }, { timeout: 5000 });
    await expect(goal.result).rejects.toThrow(ActionServerUnavailableError);
    const served = () => client.getActionServerNamesAndTypesByNode('turtlesim', '/').map((x) => x.name);
    await until(
      () => !served().includes('/leo/rotate_absolute'),
      5000,
      '/leo/rotate_absolute to leave the graph',
    );
    expect(served()).toEqual(['/turtle1/rotate_absolute']);
    // Our client is all that is left of it.
    expect(client.getActionClientNamesAndTypesByNode('turtle_driver', '/').map((x) => x.name)).toEqual([
      '/leo/rotate_absolute',
    ]);
    expect(sim.world.names).toEqual(['turtle1']);
  });
});
