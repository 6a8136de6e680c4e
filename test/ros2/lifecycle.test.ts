/**
 * `ros2 lifecycle` (ros2lifecycle, rclpy) against a ros2ts LifecycleNode, over each RMW of a real
 * ROS 2 Jazzy: `nodes` finds it, `get` reads its state, `list` its transitions, `set` drives it
 * through configure, activate, deactivate, cleanup and shutdown, running its handlers.
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/lifecycle.test.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleNode, type LifecycleState } from '../../src/lifecycle/index.js';
import { Context } from '../../src/nodes/context.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { available, type Finished, Processes, RMWS, type Rmw, skipUnlessAvailable } from './real-ros2.js';

const FILE = 'test/ros2/lifecycle.test.ts';
/** Domains of their own (other test/ros2 files use 31 to 35). */
const DOMAINS: Record<Rmw, number> = { rmw_fastrtps_cpp: 46, rmw_cyclonedds_cpp: 47 };
const CLI_MS = 30_000;
/**
 * The commands ask a ROS 2 daemon, started first, for the graph. Without one (or before it is up)
 * each command discovers the graph afresh for `--spin-time` (0.5 s by default), and on this loaded
 * 2-core machine one `get` in several over Fast DDS saw the node's services too late even with 2 s
 * ("Node not found", while a `service list` just before listed them).
 */
const DAEMON_MS = 20_000;

skipUnlessAvailable('ros2 lifecycle on a ros2ts LifecycleNode');

const procs = new Processes();
afterEach(() => procs.stopAll());

describe.runIf(available).each(RMWS)('ros2 lifecycle over %s', (rmw) => {
  const domain = DOMAINS[rmw];
  let context: Context;
  let managed: LifecycleNode;
  const calls: string[] = [];
  const record = (name: string) => (previous: LifecycleState) => {
    calls.push(`${name}(${previous.label})`);
    return 'success' as const;
  };

  beforeAll(async () => {
    assertSandboxed(FILE);
    const started = await procs.run(rmw, domain, 'ros2 daemon start', CLI_MS);
    expect(started.code, started.out).toBe(0);
    context = await Context.create({ discovery: { domainId: domain } });
    managed = new LifecycleNode(context, 'managed_talker', {
      ...quiet,
      onConfigure: record('onConfigure'),
      onActivate: record('onActivate'),
      onDeactivate: record('onDeactivate'),
      onCleanup: record('onCleanup'),
      onShutdown: record('onShutdown'),
    });
  }, 60_000);
  afterAll(async () => {
    await procs.run(rmw, domain, 'ros2 daemon stop', CLI_MS);
    await context?.shutdown();
  });

  const ros2 = (args: string): Promise<Finished> => procs.run(rmw, domain, `ros2 ${args}`, CLI_MS);
  const ok = async (args: string): Promise<string> => {
    const r = await ros2(args);
    expect(r.code, `ros2 ${args}: ${r.out}`).toBe(0);
    return r.out;
  };

  it(
    'nodes, get, list and set drive it through every primary state',
    async () => {
      // Once the daemon has discovered the node.
      const start = Date.now();
      let nodes = '';
      while (nodes !== '/managed_talker\n' && Date.now() - start < DAEMON_MS)
        nodes = await ok('lifecycle nodes');
      expect(nodes).toBe('/managed_talker\n');
      expect(await ok(`lifecycle get /managed_talker`)).toBe('unconfigured [1]\n');
      expect(await ok(`lifecycle list /managed_talker`)).toBe(
        '- configure [1]\n\tStart: unconfigured\n\tGoal: configuring\n' +
          '- shutdown [5]\n\tStart: unconfigured\n\tGoal: shuttingdown\n',
      );
      expect(await ok(`lifecycle set /managed_talker configure`)).toBe('Transitioning successful\n');
      expect(await ok(`lifecycle get /managed_talker`)).toBe('inactive [2]\n');
      expect(managed.currentState.label).toBe('inactive');
      // By id, as `set` also accepts.
      expect(await ok(`lifecycle set /managed_talker 3`)).toBe('Transitioning successful\n');
      expect(await ok(`lifecycle get /managed_talker`)).toBe('active [3]\n');
      const refused = await ros2(`lifecycle set /managed_talker configure`);
      expect(refused.out).toContain(
        'Unknown transition requested, available ones are:\n- deactivate [4]\n- shutdown [7]',
      );
      expect(await ok(`lifecycle set /managed_talker deactivate`)).toBe('Transitioning successful\n');
      expect(await ok(`lifecycle set /managed_talker cleanup`)).toBe('Transitioning successful\n');
      expect(await ok(`lifecycle set /managed_talker shutdown`)).toBe('Transitioning successful\n');
      expect(await ok(`lifecycle get /managed_talker`)).toBe('finalized [4]\n');
      expect(calls).toEqual([
        'onConfigure(unconfigured)',
        'onActivate(inactive)',
        'onDeactivate(active)',
        'onCleanup(inactive)',
        'onShutdown(unconfigured)',
      ]);
    },
    8 * CLI_MS,
  );
});
