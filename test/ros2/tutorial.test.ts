/**
 * The services tutorial across the boundary with a real ROS 2 (Jazzy): the `ros2` CLI (rclpy)
 * and turtlesim (rclcpp) against ros2ts nodes, over each RMW. Runs when ROS2_SETUP names a ROS 2
 * installation's setup.bash (Debian 12 has no ROS 2 package: build Jazzy from source outside the
 * repo, see the README), inside the private network namespace like every socket test; without
 * it every test here is skipped, and says so.
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

const SETUP = process.env['ROS2_SETUP'];
const RMWS = ['rmw_fastrtps_cpp', 'rmw_cyclonedds_cpp'] as const;
const root = join(import.meta.dirname, '..', '..');
const DOMAIN = 31;
const available = SETUP !== undefined && existsSync(SETUP);
const why = SETUP === undefined ? 'ROS2_SETUP is not set' : `ROS2_SETUP=${SETUP} does not exist`;

if (!available) {
  describe('real ROS 2', () => {
    it.skip(`skipped: no ROS 2 installation (${why}); these tests have not run`, () => {});
  });
}

const children: ChildProcess[] = [];
const contexts: Context[] = [];
afterEach(async () => {
  // Whole process groups: `ros2 run` starts the node as a child of its own.
  const gone = children.splice(0).map((c) => {
    const exited = new Promise((r) => c.once('exit', r));
    if (c.exitCode === null && c.pid !== undefined) process.kill(-c.pid, 'SIGINT');
    return Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]).then(() => {
      if (c.pid !== undefined)
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          // already gone
        }
    });
  });
  await Promise.all([...gone, ...contexts.splice(0).map((c) => c.shutdown())]);
});

function rosEnv(rmw: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RMW_IMPLEMENTATION: rmw,
    ROS_DOMAIN_ID: String(DOMAIN),
    QT_QPA_PLATFORM: 'offscreen',
  };
}

/** Runs a shell command with ROS 2 sourced; resolves with its output when it exits. */
function ros(
  rmw: string,
  command: string,
  timeoutMs = 30_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `source "${SETUP}" && ${command}`], { env: rosEnv(rmw) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Starts a long-running ROS 2 or ros2ts process (killed after the test). */
function background(rmw: string, command: string): { out: () => string } {
  const child = spawn('bash', ['-c', `source "${SETUP}" && exec ${command}`], {
    env: rosEnv(rmw),
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { out: () => out };
}

describe.runIf(available).each(RMWS)('real ROS 2 over %s', (rmw) => {
  beforeAll(() => {
    assertSandboxed('test/ros2/tutorial.test.ts');
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }, 120_000);

  it('ros2 node list, service list -t and service call see and call the ros2ts draw_circle server', async () => {
    background(rmw, `node ${join(root, 'dist/examples/my_service_server.js')}`);
    const list = await ros(rmw, 'sleep 2; ros2 node list --no-daemon --spin-time 3');
    expect(list.out).toContain('/my_service_server');
    const services = await ros(rmw, 'ros2 service list -t --no-daemon --spin-time 3');
    expect(services.out).toContain('/draw_circle [std_srvs/srv/Trigger]');
    expect(services.out).toContain('/my_service_server/get_parameters [rcl_interfaces/srv/GetParameters]');
    const call = await ros(rmw, 'ros2 service call /draw_circle std_srvs/srv/Trigger');
    expect(call.code, call.out).toBe(0);
    expect(call.out).toContain(
      "response:\nstd_srvs.srv.Trigger_Response(success=True, message='Started drawing a circle!')",
    );
    const params = await ros(rmw, 'ros2 param list /my_service_server --no-daemon --spin-time 3');
    expect(params.out).toContain('use_sim_time');
  }, 90_000);

  it('a ros2ts client spawns a turtle in the real turtlesim and reads its pose', async () => {
    const sim = background(rmw, 'ros2 run turtlesim turtlesim_node');
    await until(() => sim.out().includes('Spawning turtle [turtle1]'), 20_000, 'turtlesim to start');
    const spawned = await ros(rmw, `node ${join(root, 'dist/examples/spawn_turtle.js')} --timeout 20000`);
    expect(spawned.code, spawned.out).toBe(0);
    expect(spawned.out).toContain('spawned foxy_turtle');
    const context = await Context.create({ discovery: { domainId: DOMAIN } });
    contexts.push(context);
    const poses: number[] = [];
    context
      .createNode('pose_reader', { logSink: () => {} })
      .createSubscription('turtlesim/msg/Pose', '/foxy_turtle/pose', (p) => poses.push(p.x));
    await until(() => poses.length > 0, 20_000, 'a pose of foxy_turtle');
    expect(poses[0]).toBeCloseTo(2, 3);
  }, 90_000);

  it('the real ros2 CLI drives the ros2ts turtlesim: service call /spawn, topic pub cmd_vel', async () => {
    const sim = background(
      rmw,
      `node ${join(root, 'dist/src/cli/main.js')} run turtlesim turtlesim_node --no-web`,
    );
    await until(
      () => sim.out().includes('Spawning turtle [turtle1]'),
      20_000,
      'the ros2ts turtlesim to start',
    );
    const spawn = await ros(
      rmw,
      `ros2 service call /spawn turtlesim/srv/Spawn "{x: 2, y: 2, theta: 0, name: 'foxy_turtle'}"`,
    );
    expect(spawn.code, spawn.out).toBe(0);
    expect(spawn.out, spawn.out).toContain("turtlesim.srv.Spawn_Response(name='foxy_turtle')");
    const context = await Context.create({ discovery: { domainId: DOMAIN } });
    contexts.push(context);
    const speeds: number[] = [];
    context
      .createNode('pose_reader', { logSink: () => {} })
      .createSubscription('turtlesim/msg/Pose', '/turtle1/pose', (p) => speeds.push(p.angular_velocity));
    const pub = await ros(
      rmw,
      'ros2 topic pub -t 3 -w 1 /turtle1/cmd_vel geometry_msgs/msg/Twist "{linear: {x: 2.0}, angular: {z: 1.8}}"',
    );
    expect(pub.code, pub.out).toBe(0);
    await until(() => speeds.some((v) => Math.abs(v - 1.8) < 1e-5), 20_000, 'turtle1 to turn at 1.8 rad/s');
  }, 90_000);

  it('the tutorial server drives the real turtlesim', async () => {
    const sim = background(rmw, 'ros2 run turtlesim turtlesim_node');
    await until(() => sim.out().includes('Spawning turtle [turtle1]'), 20_000, 'turtlesim to start');
    background(rmw, `node ${join(root, 'dist/examples/my_service_server.js')}`);
    const client = await ros(rmw, `node ${join(root, 'dist/examples/my_service_client.js')} --timeout 20000`);
    expect(client.code, client.out).toBe(0);
    const context = await Context.create({ discovery: { domainId: DOMAIN } });
    contexts.push(context);
    const speeds: number[] = [];
    context
      .createNode('pose_reader', { logSink: () => {} })
      .createSubscription('turtlesim/msg/Pose', '/turtle1/pose', (p) => speeds.push(p.linear_velocity));
    await until(() => speeds.some((v) => Math.abs(v - 0.5) < 1e-6), 20_000, 'turtle1 to move at 0.5 m/s');
  }, 90_000);
});
