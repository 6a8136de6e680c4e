/**
 * Actions across the boundary with a real ROS 2 (Jazzy), over each RMW (issue 12):
 *
 *   (a) the real `ros2 action list -t / info / send_goal -f` against the ros2ts turtlesim's
 *       /turtle1/rotate_absolute;
 *   (b) a ros2ts ActionClient turning the real turtlesim's turtle1 (and cancelling a second goal);
 *   (c) a ros2ts ActionClient against the real rclcpp and rclpy Fibonacci servers (the examples
 *       of ros2/examples), a goal to its end and a canceled one;
 *   (d) the real rclcpp and rclpy Fibonacci clients (and their cancelling variants) against the
 *       ros2ts server of examples/fibonacci_action_server.ts.
 *
 * Runs when ROS2_SETUP names a ROS 2 installation's setup.bash, inside scripts/netns-run:
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/actions.test.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionClient, CancelReturnCode, goalStatusName } from '../../src/actions/index.js';
import { Context } from '../../src/nodes/context.js';
import type { Node } from '../../src/nodes/node.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import {
  angleDiff,
  available,
  dist,
  ensureBuilt,
  PoseWatch,
  Processes,
  RMWS,
  type Rmw,
  ROS2TS,
  skipUnlessAvailable,
  within,
} from './real-ros2.js';

const FILE = 'test/ros2/actions.test.ts';
/** Domains of their own (tutorial.test.ts uses 31, first-contact.test.ts 32 and 33). */
const DOMAINS: Record<Rmw, number> = { rmw_fastrtps_cpp: 34, rmw_cyclonedds_cpp: 35 };
const CLI_MS = 30_000;
/** turtlesim ends a rotation within 0.02 rad of the goal. */
const HEADING_TOLERANCE = 0.03;
const FIBONACCI_10 = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];

skipUnlessAvailable('actions against a real ROS 2');

const procs = new Processes();
afterEach(() => procs.stopAll());

/** Each value is no larger than the one before (feedback of a turn towards its goal). */
const nonIncreasing = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x <= xs[i - 1]! + 1e-6);

describe.runIf(available).each(RMWS)('actions against a real ROS 2 over %s', (rmw) => {
  const domain = DOMAINS[rmw];
  let context: Context;
  let node: Node;

  beforeAll(async () => {
    assertSandboxed(FILE);
    ensureBuilt();
    context = await Context.create({ discovery: { domainId: domain } });
    node = context.createNode('actions_test', quiet);
  }, 180_000);
  afterAll(async () => {
    // `ros2 action list/info` have no --no-daemon: the first one started a daemon on this domain.
    await procs.run(rmw, domain, 'ros2 daemon stop', CLI_MS);
    await context?.shutdown();
  }, CLI_MS);

  it('(a) ros2 action list -t, info and send_goal -f turn the ros2ts turtlesim', async () => {
    const sim = procs.start(rmw, domain, `${ROS2TS} run turtlesim turtlesim_node --no-web`);
    const poses = new PoseWatch(node, '/turtle1/pose');
    try {
      expect(await within(20_000, () => poses.poses.length > 0), sim.out()).toBe(true);

      // `ros2 action list` has no --no-daemon: the daemon it starts answers with what it has seen
      // so far, which right after its start can be nothing (seen over Fast DDS). Ask again, a few times.
      let list = await procs.run(rmw, domain, 'ros2 action list -t', CLI_MS);
      for (let i = 0; i < 5 && list.code === 0 && !list.out.includes('/turtle1/rotate_absolute'); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        list = await procs.run(rmw, domain, 'ros2 action list -t', CLI_MS);
      }
      expect(list.code, list.out).toBe(0);
      expect(list.out).toContain('/turtle1/rotate_absolute [turtlesim/action/RotateAbsolute]\n');

      // The daemon may know the action's endpoints before the node they belong to (its
      // ros_discovery_info), and then counts no server: ask again, as for the list.
      const serves = (out: string) => out.includes('Action servers: 1\n');
      let info = await procs.run(rmw, domain, 'ros2 action info /turtle1/rotate_absolute', CLI_MS);
      for (let i = 0; i < 5 && info.code === 0 && !serves(info.out); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        info = await procs.run(rmw, domain, 'ros2 action info /turtle1/rotate_absolute', CLI_MS);
      }
      expect(info.code, info.out).toBe(0);
      expect(info.out).toContain(
        'Action: /turtle1/rotate_absolute\nAction clients: 0\nAction servers: 1\n    /turtlesim\n',
      );

      const goal = await procs.run(
        rmw,
        domain,
        'ros2 action send_goal -f /turtle1/rotate_absolute turtlesim/action/RotateAbsolute "{theta: 1.57}"',
        CLI_MS,
      );
      expect(goal.code, goal.out).toBe(0);
      expect(goal.out).toMatch(/^Goal accepted with ID: [0-9a-f]{32}$/m);
      const remaining = [...goal.out.matchAll(/^Feedback:\n {4}remaining: (\S+)$/gm)].map((m) =>
        Number(m[1]),
      );
      // 1.57 rad at 1 rad/s, one feedback per 16 ms update: about a hundred.
      expect(remaining.length, goal.out).toBeGreaterThan(20);
      expect(remaining[0]).toBeGreaterThan(1.4);
      expect(nonIncreasing(remaining), remaining.join(' ')).toBe(true);
      const delta = goal.out.match(/^Result:\n {4}delta: (\S+)$/m);
      expect(delta, goal.out).not.toBeNull();
      // The start heading (0) minus the final one.
      expect(Number(delta![1])).toBeCloseTo(-1.57, 1);
      expect(goal.out).toContain('Goal finished with status: SUCCEEDED');
      const heading = (await poses.still(5_000))?.theta ?? Number.NaN;
      expect(Math.abs(angleDiff(heading, 1.57)), `heading ${heading}`).toBeLessThan(HEADING_TOLERANCE);
    } finally {
      poses.destroy();
    }
  }, 120_000);

  it("(b) a ros2ts ActionClient turns the real turtlesim's turtle1 with rotate_absolute, and cancels", async () => {
    const sim = procs.start(rmw, domain, 'ros2 run turtlesim turtlesim_node');
    const poses = new PoseWatch(node, '/turtle1/pose');
    const client = new ActionClient(node, 'turtlesim/action/RotateAbsolute', '/turtle1/rotate_absolute');
    try {
      expect(await within(20_000, () => poses.poses.length > 0), sim.out()).toBe(true);
      await client.waitForServer({ timeout: 20_000 });

      const remaining: number[] = [];
      const goal = await client.sendGoal({ theta: 1.57 }, { onFeedback: (f) => remaining.push(f.remaining) });
      const done = await goal.result;
      expect(goalStatusName(done.status)).toBe('SUCCEEDED');
      expect(remaining.length).toBeGreaterThan(20);
      expect(remaining[0]).toBeGreaterThan(1.4);
      expect(nonIncreasing(remaining), remaining.join(' ')).toBe(true);
      expect(done.result.delta).toBeCloseTo(-1.57, 1);
      const heading = (await poses.still(5_000))?.theta ?? Number.NaN;
      expect(Math.abs(angleDiff(heading, 1.57)), `heading ${heading}`).toBeLessThan(HEADING_TOLERANCE);

      // A turn of 2.57 rad (2.6 s) clockwise, canceled at its first feedback.
      let firstFeedback: () => void = () => {};
      const fed = new Promise<void>((r) => (firstFeedback = r));
      const second = await client.sendGoal({ theta: -1.0 }, { onFeedback: () => firstFeedback() });
      await fed;
      const cancel = await second.cancel();
      expect(cancel.returnCode).toBe(CancelReturnCode.ERROR_NONE);
      expect(cancel.goalsCanceling.map((g) => g.goalIdHex)).toEqual([second.goalIdHex]);
      const canceled = await second.result;
      expect(goalStatusName(canceled.status)).toBe('CANCELED');
      const stopped = (await poses.still(5_000))?.theta ?? Number.NaN;
      // Stopped on the way: turned clockwise from 1.57, far from -1.0.
      expect(stopped).toBeLessThan(1.57 - 0.01);
      expect(Math.abs(angleDiff(stopped, -1.0)), `heading ${stopped}`).toBeGreaterThan(0.5);
      expect(sim.out()).toContain('Rotation goal canceled');
    } finally {
      client.destroy();
      poses.destroy();
    }
  }, 120_000);

  describe.each([
    ['rclcpp', 'examples_rclcpp_minimal_action_server action_server_member_functions', true],
    ['rclpy', 'examples_rclpy_minimal_action_server server', false],
  ] as const)(
    '(c) a ros2ts ActionClient against the real %s Fibonacci server',
    (_lang, executable, keepsOnCancel) => {
      it('feedback in order, the sequence as result; a canceled goal ends CANCELED', async () => {
        // The examples' own name: a remap (`-r fibonacci:=other`) does not reach an action's topics and
        // services in Jazzy (checked: the server still offers /fibonacci/_action/*). One server runs at a
        // time; the previous test's is stopped (and leaves the graph) before this one starts.
        const action = 'fibonacci';
        const server = procs.start(rmw, domain, `ros2 run ${executable}`);
        const client = new ActionClient(node, 'example_interfaces/action/Fibonacci', action);
        try {
          await client.waitForServer({ timeout: 20_000 }).catch((e: unknown) => {
            throw new Error(`${(e as Error).message}; server output: ${server.out()}`);
          });
          const feedback: number[][] = [];
          const goal = await client.sendGoal(
            { order: 5 },
            { onFeedback: (f) => feedback.push(Array.from(f.sequence)) },
          );
          const done = await goal.result;
          expect(goalStatusName(done.status), server.out()).toBe('SUCCEEDED');
          expect(feedback).toEqual([3, 4, 5, 6].map((n) => FIBONACCI_10.slice(0, n)));
          expect(Array.from(done.result.sequence)).toEqual(FIBONACCI_10.slice(0, 6));

          const seen: number[][] = [];
          let secondFeedback: () => void = () => {};
          const fed = new Promise<void>((r) => (secondFeedback = r));
          const long = await client.sendGoal(
            { order: 10 },
            {
              onFeedback: (f) => {
                seen.push(Array.from(f.sequence));
                if (seen.length === 2) secondFeedback();
              },
            },
          );
          await fed;
          const cancel = await long.cancel();
          expect(cancel.returnCode).toBe(CancelReturnCode.ERROR_NONE);
          expect(cancel.goalsCanceling.map((g) => g.goalIdHex)).toEqual([long.goalIdHex]);
          const canceled = await long.result;
          expect(goalStatusName(canceled.status), server.out()).toBe('CANCELED');
          const partial = Array.from(canceled.result.sequence);
          // rclcpp's example returns the sequence so far; rclpy's an empty result.
          if (keepsOnCancel) {
            expect(partial.length).toBeGreaterThanOrEqual(4);
            expect(partial).toEqual(FIBONACCI_10.slice(0, partial.length));
          } else {
            expect(partial).toEqual([]);
          }
          expect(seen).toEqual(seen.map((_, i) => FIBONACCI_10.slice(0, i + 3)));
        } finally {
          client.destroy();
        }
      }, 90_000);
    },
  );

  it('(d) the real rclcpp and rclpy Fibonacci clients get their results and cancel against the ros2ts server', async () => {
    const server = procs.start(rmw, domain, `node ${dist('examples/fibonacci_action_server.js')}`);
    expect(
      await within(20_000, () => server.out().includes('fibonacci action server ready')),
      server.out(),
    ).toBe(true);

    const [cpp, py] = await Promise.all([
      procs.run(
        rmw,
        domain,
        'ros2 run examples_rclcpp_minimal_action_client action_client_member_functions',
        40_000,
      ),
      procs.run(rmw, domain, 'ros2 run examples_rclpy_minimal_action_client client', 40_000),
    ]);
    expect(cpp.code, cpp.out).toBe(0);
    expect(cpp.out).toContain('Goal accepted by server, waiting for result');
    const cppFeedback = [...cpp.out.matchAll(/Next number in sequence received: (\d+)$/gm)].map((m) =>
      Number(m[1]),
    );
    expect(cppFeedback, cpp.out).toEqual(FIBONACCI_10.slice(2));
    const cppResult = cpp.out.slice(cpp.out.indexOf('Result received'));
    expect(
      [...cppResult.matchAll(/\[minimal_action_client\]: (\d+)$/gm)].map((m) => Number(m[1])),
      cpp.out,
    ).toEqual(FIBONACCI_10);

    expect(py.out).toContain('Goal accepted :)');
    const pyFeedback = [...py.out.matchAll(/Received feedback: array\('i', \[([\d, ]+)\]\)$/gm)].map(
      (m) => m[1],
    );
    expect(pyFeedback, py.out).toEqual(
      [3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => FIBONACCI_10.slice(0, n).join(', ')),
    );
    expect(py.out).toContain(`Goal succeeded! Result: array('i', [${FIBONACCI_10.join(', ')}])`);

    const [cppCancel, pyCancel] = await Promise.all([
      procs.run(
        rmw,
        domain,
        'ros2 run examples_rclcpp_minimal_action_client action_client_not_composable_with_cancel',
        40_000,
      ),
      procs.run(rmw, domain, 'ros2 run examples_rclpy_minimal_action_client client_cancel', 40_000),
    ]);
    // The rclcpp example gives up waiting after 3 s, cancels, and exits 1 on the CANCELED result.
    expect(cppCancel.out).toContain('canceling goal');
    expect(cppCancel.out).toContain('goal is being canceled');
    expect(cppCancel.out).toContain('Goal was canceled');
    expect(cppCancel.code, cppCancel.out).toBe(1);
    // The rclpy example cancels after 2 s and reports the cancel response.
    expect(pyCancel.out).toContain('Canceling goal');
    expect(pyCancel.out).toContain('Goal successfully canceled');
    expect(server.out().match(/Received request to cancel goal/g)?.length, server.out()).toBe(2);
    expect(server.out().match(/Goal canceled/g)?.length, server.out()).toBe(2);
  }, 120_000);
});
