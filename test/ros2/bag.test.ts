/**
 * Bags between ros2ts and a real ROS 2 Jazzy's rosbag2 (MCAP storage), over rmw_fastrtps_cpp:
 * the real turtlesim's pose recorded by `ros2ts bag record` is read by `ros2 bag info` and played
 * by `ros2 bag play` to a ros2ts subscription; a bag `ros2 bag record -s mcap` wrote is described
 * by `ros2ts bag info` exactly as `ros2 bag info` describes it. Needs rosbag2 in the installation
 * (ros2bag, rosbag2_storage_mcap); skipped, saying so, without it.
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/bag.test.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';
import { available, ensureBuilt, type Finished, Processes, ROS2TS, SETUP } from './real-ros2.js';

const FILE = 'test/ros2/bag.test.ts';
const RMW = 'rmw_fastrtps_cpp';
/** A domain of its own (other test/ros2 files use 31 to 35 and 46 to 51). */
const DOMAIN = 52;
const CLI_MS = 30_000;
const RECORD_MS = 5_000;
/** rosbag2's CLI verb, where the installation has it (an isolated or a merged colcon install). */
const hasRosbag2 =
  available &&
  (existsSync(join(dirname(SETUP!), 'ros2bag')) || existsSync(join(dirname(SETUP!), 'share', 'ros2bag')));

if (!hasRosbag2)
  describe('bags with a real rosbag2', () => {
    it.skip(`skipped: no ROS 2 installation with rosbag2 (ROS2_SETUP=${SETUP ?? 'unset'}); these tests have not run`, () => {});
  });

describe.runIf(hasRosbag2)('bags with a real rosbag2 (Jazzy, MCAP)', () => {
  const procs = new Processes();
  let dir: string;

  beforeAll(async () => {
    assertSandboxed(FILE);
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ros2-bag-'));
    procs.start(RMW, DOMAIN, 'ros2 run turtlesim turtlesim_node');
  }, 60_000);
  afterAll(async () => {
    await procs.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (command: string): Promise<Finished> => procs.run(RMW, DOMAIN, command, CLI_MS);
  /** Records with `command` (a recorder that stops on Ctrl+C) for RECORD_MS once it says so. */
  async function record(command: string, ready: RegExp): Promise<Finished> {
    const r = procs.start(RMW, DOMAIN, command);
    await until(() => ready.test(r.out()), 20_000, `${command} to start recording`);
    await new Promise((resolve) => setTimeout(resolve, RECORD_MS));
    return procs.stop(r, 10_000);
  }

  it('ros2 bag info and ros2 bag play read what ros2ts bag record wrote', async () => {
    const ours = join(dir, 'ours');
    const rec = await record(`${ROS2TS} bag record -o ${ours} /turtle1/pose`, /Recording\.\.\./);
    expect(rec.out).toMatch(/Recording stopped: \d+ messages/);
    const count = Number(/Recording stopped: (\d+) messages/.exec(rec.out)![1]);
    expect(count).toBeGreaterThan(50); // turtlesim publishes its pose at ~62 Hz

    const info = await run(`ros2 bag info ${ours}`);
    expect(info.code, info.out).toBe(0);
    expect(info.out).toContain(
      `Topic: /turtle1/pose | Type: turtlesim/msg/Pose | Count: ${count} | Serialization Format: cdr`,
    );
    expect((await run(`${ROS2TS} bag info ${ours}`)).out).toBe(info.out);

    // Played into a ros2ts subscription on a topic of its own (no turtlesim pose mixed in).
    const context = await Context.create({ discovery: { domainId: DOMAIN } });
    try {
      const node = context.createNode('bag_listener', quiet);
      const got: number[] = [];
      node.createSubscription('turtlesim/msg/Pose', '/replayed_pose', (p) => got.push(p.x));
      const play = procs.start(RMW, DOMAIN, `ros2 bag play ${ours} --remap /turtle1/pose:=/replayed_pose`);
      // Jazzy's ros2 bag play starts before subscriptions match and loses the first messages to
      // any late subscriber (rclpy's too): most, not all, must arrive.
      await until(() => got.length > count / 2, 20_000, 'the replayed poses');
      await play.exited;
      expect(got.every((x) => x > 0 && x < 11.1)).toBe(true);
    } finally {
      await context.shutdown();
    }
  }, 120_000);

  it('ros2ts bag info describes a bag ros2 bag record wrote exactly as ros2 bag info does', async () => {
    const theirs = join(dir, 'theirs');
    const rec = await record(`ros2 bag record -s mcap -o ${theirs} /turtle1/pose`, /Recording\.\.\./);
    expect(existsSync(join(theirs, 'metadata.yaml')), rec.out).toBe(true);
    const info = await run(`ros2 bag info ${theirs}`);
    expect(info.code, info.out).toBe(0);
    expect((await run(`${ROS2TS} bag info ${theirs}`)).out).toBe(info.out);
  }, 120_000);
});
