/**
 * First contact with a real ROS 2 (Jazzy), over each RMW (issue 11): the first sample or request
 * of a short-lived peer must get through, 20 times in a row, in both directions.
 *
 *   (a) `ros2 topic pub --once` (rclpy: a new participant that publishes once a subscription
 *       matches and exits 0.1 s later) turns the ros2ts turtlesim;
 *   (b) `ros2 param list --no-daemon` (a fresh rcl client) lists the parameters of a ros2ts node
 *       started just before, asked as soon as the graph shows it;
 *   (c) `ros2ts topic pub --once` turns the real turtlesim;
 *   (d) `ros2ts service call` gets its answer from a real rclcpp service started just before.
 *
 * Runs when ROS2_SETUP names a ROS 2 installation's setup.bash, inside scripts/netns-run:
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/first-contact.test.ts
 *
 * Each case prints its count per RMW ("rmw_fastrtps_cpp: topic pub --once -> ros2ts turtlesim
 * moved 20/20") before asserting it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import type { Node } from '../../src/nodes/node.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import {
  angleDiff,
  available,
  dist,
  ensureBuilt,
  type Finished,
  PoseWatch,
  Processes,
  RMWS,
  type Rmw,
  ROS2TS,
  skipUnlessAvailable,
  tally,
  within,
} from './real-ros2.js';

const FILE = 'test/ros2/first-contact.test.ts';
/** Domains of their own (tutorial.test.ts uses 31, actions.test.ts 34 and 35). */
const DOMAINS: Record<Rmw, number> = { rmw_fastrtps_cpp: 32, rmw_cyclonedds_cpp: 33 };
const TRIES = 20;
/** Bounds one step of a try (a process to finish, a node to show up): past it the try fails. */
const TRY_MS = 15_000;
/** Bounds a case: every step is bounded, this only has to be above their sum. */
const CASE_MS = TRIES * 3 * TRY_MS;
/** How long the turtle may take to show a command whose publisher has exited. */
const SETTLE_MS = 1_500;
const TWIST = '/turtle1/cmd_vel geometry_msgs/msg/Twist "{angular: {z: 1.0}}"';

skipUnlessAvailable('first contact with a real ROS 2');

const procs = new Processes();
afterEach(() => procs.stopAll());

const tail = (r: Finished) => r.out.trim().split('\n').slice(-3).join(' | ');
const failure = (r: Finished) =>
  r.timedOut ? `timed out after ${r.ms} ms: ${tail(r)}` : `exit ${r.code}: ${tail(r)}`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe.runIf(available).each(RMWS)('first contact over %s', (rmw) => {
  const domain = DOMAINS[rmw];
  let context: Context;
  let node: Node;

  beforeAll(async () => {
    assertSandboxed(FILE);
    ensureBuilt();
    context = await Context.create({ discovery: { domainId: domain } });
    node = context.createNode('first_contact_watch', quiet);
  }, 180_000);
  afterAll(() => context?.shutdown());

  const hasNode = (name: string) => node.getNodeNames().some((n) => n.name === name && n.namespace === '/');

  function report(what: string, results: readonly (string | true)[], ms: readonly number[]): void {
    console.log(
      `${rmw}: ${what} ${tally(results)} (median ${median(ms)} ms a try, slowest ${Math.max(...ms)} ms)`,
    );
    expect(tally(results)).toBe(`${TRIES}/${TRIES}`);
  }

  /**
   * Publishes one `{angular: {z: 1.0}}` per try with `command` (a process that exits after it) and
   * checks that the turtle turned: a pose at 1 rad/s and a heading that moved. Each try waits for
   * the turtle to stand still first (a command lasts 1 s), so no try is credited with another's.
   */
  async function turnTries(
    poses: PoseWatch,
    command: string,
  ): Promise<{ results: (string | true)[]; ms: number[] }> {
    const results: (string | true)[] = [];
    const ms: number[] = [];
    for (let i = 0; i < TRIES; i++) {
      const before = await poses.still(TRY_MS);
      if (!before) {
        results.push('the turtle did not stand still');
        continue;
      }
      const from = poses.poses.length;
      const r = await procs.run(rmw, domain, command, TRY_MS);
      ms.push(r.ms);
      if (r.code !== 0) {
        results.push(failure(r));
        continue;
      }
      const after = () => poses.poses.slice(from);
      const turned = await within(
        SETTLE_MS,
        () =>
          after().some((p) => Math.abs(p.angularVelocity - 1) < 1e-6) &&
          after().some((p) => Math.abs(angleDiff(p.theta, before.theta)) > 0.05),
      );
      results.push(turned || `the turtle did not turn (publisher exited 0 after ${r.ms} ms)`);
    }
    return { results, ms };
  }

  it(
    '(a) ros2 topic pub --once turns the ros2ts turtlesim, 20 of 20',
    async () => {
      const sim = procs.start(rmw, domain, `${ROS2TS} run turtlesim turtlesim_node --no-web`);
      const poses = new PoseWatch(node, '/turtle1/pose');
      expect(await within(TRY_MS, () => poses.poses.length > 0), sim.out()).toBe(true);
      const { results, ms } = await turnTries(poses, `ros2 topic pub --once ${TWIST}`).finally(() =>
        poses.destroy(),
      );
      report('topic pub --once -> ros2ts turtlesim moved', results, ms);
    },
    CASE_MS,
  );

  it(
    '(b) ros2 param list --no-daemon lists use_sim_time of a ros2ts node asked as soon as it shows, as often as of an rclcpp node',
    async () => {
      // ros2cli's DirectNode discovers for 0.5 s only: on a loaded machine it misses real rclcpp
      // nodes too (measured 2026-12-02: 4 of 8 for examples_rclcpp_minimal_service, 8 of 8 for a
      // ros2ts node, same minutes). So an rclcpp node started the same way, in the same tries,
      // is the bar; 20 of 20 is asked when it makes 20 of 20.
      const tries = async (node: string, command: string) => {
        // The previous try's node must have left the graph, or this try could ask before its own is up.
        if (!(await within(TRY_MS, () => !hasNode(node))))
          return `the previous ${node} is still in the graph`;
        const server = procs.start(rmw, domain, command);
        try {
          if (!(await within(TRY_MS, () => hasNode(node))))
            return `${node} did not show in the graph: ${server.out()}`;
          const r = await procs.run(rmw, domain, `ros2 param list --no-daemon /${node}`, TRY_MS);
          return r.code === 0 && /^ {2}use_sim_time$/m.test(r.out) ? true : failure(r);
        } finally {
          await procs.stop(server);
        }
      };
      const ours: (string | true)[] = [];
      const theirs: (string | true)[] = [];
      for (let i = 0; i < TRIES; i++) {
        ours.push(await tries('my_service_server', `node ${dist('examples/my_service_server.js')}`));
        theirs.push(await tries('minimal_service', 'ros2 run examples_rclcpp_minimal_service service_main'));
      }
      console.log(
        `${rmw}: param list --no-daemon -> fresh ros2ts node ${tally(ours)}; fresh rclcpp node ${tally(theirs)}`,
      );
      const count = (r: readonly (string | true)[]) => r.filter((x) => x === true).length;
      expect(count(ours)).toBeGreaterThanOrEqual(count(theirs));
    },
    CASE_MS,
  );

  it(
    '(c) ros2ts topic pub --once turns the real turtlesim, 20 of 20',
    async () => {
      const sim = procs.start(rmw, domain, 'ros2 run turtlesim turtlesim_node');
      const poses = new PoseWatch(node, '/turtle1/pose');
      expect(await within(TRY_MS, () => poses.poses.length > 0), sim.out()).toBe(true);
      const { results, ms } = await turnTries(poses, `${ROS2TS} topic pub --once ${TWIST}`).finally(() =>
        poses.destroy(),
      );
      report('ros2ts topic pub --once -> real turtlesim moved', results, ms);
    },
    CASE_MS,
  );

  it(
    '(d) ros2ts service call gets the answer of a real rclcpp service started just before, 20 of 20',
    async () => {
      const results: (string | true)[] = [];
      const ms: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        if (!(await within(TRY_MS, () => !hasNode('minimal_service')))) {
          results.push('the previous minimal_service is still in the graph');
          continue;
        }
        const server = procs.start(rmw, domain, 'ros2 run examples_rclcpp_minimal_service service_main');
        if (!(await within(TRY_MS, () => hasNode('minimal_service')))) {
          results.push(`minimal_service did not show in the graph: ${server.out()}`);
          await procs.stop(server);
          continue;
        }
        const r = await procs.run(
          rmw,
          domain,
          `${ROS2TS} service call /add_two_ints example_interfaces/srv/AddTwoInts "{a: ${i}, b: 1000}" --timeout 10`,
          TRY_MS,
        );
        ms.push(r.ms);
        const answered = r.out.includes(`example_interfaces.srv.AddTwoInts_Response(sum=${i + 1000})`);
        results.push(r.code === 0 && answered ? true : failure(r));
        await procs.stop(server);
      }
      report('ros2ts service call -> fresh rclcpp add_two_ints answered', results, ms);
    },
    CASE_MS,
  );
});
