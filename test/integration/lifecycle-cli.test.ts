/**
 * `ros2ts lifecycle nodes|get|list|set` (the compiled binary) against a ros2ts LifecycleNode, with
 * ros2lifecycle's (Jazzy) output and exit codes, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/lifecycle-cli.test.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallbackResult, LifecycleNode } from '../../src/lifecycle/index.js';
import { Context } from '../../src/nodes/context.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';

const DOMAIN = 45;
const cli = cliRunner(DOMAIN);
const ros2ts = cli.run;

let context: Context;
let managed: LifecycleNode;
let activation: CallbackResult = 'failure';

beforeAll(async () => {
  assertSandboxed('test/integration/lifecycle-cli.test.ts');
  const build = buildDist();
  context = await Context.create({ discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] } });
  managed = new LifecycleNode(context, 'camera', {
    ...quiet,
    namespace: '/robot',
    onActivate: () => activation,
  });
  // Hidden: by its name, and by its namespace (whose services are hidden, so ros2lifecycle's
  // get_node_names does not count them without --include-hidden-nodes).
  new LifecycleNode(context, '_hidden_camera', quiet);
  new LifecycleNode(context, 'lidar', { ...quiet, namespace: '/_private' });
  // Not a lifecycle node: the verbs do not list it.
  context.createNode('plain', quiet);
  await build;
}, 120_000);
afterEach(() => cli.killChildren());
afterAll(() => context?.shutdown());

/** ros2lifecycle's test/test_cli.py (jazzy) ALL_LIFECYCLE_NODE_TRANSITIONS: `list -a` of an rclcpp node. */
const ALL_LIFECYCLE_NODE_TRANSITIONS = [
  ['configure', 1, 'unconfigured', 'configuring'],
  ['transition_success', 10, 'configuring', 'inactive'],
  ['transition_failure', 11, 'configuring', 'unconfigured'],
  ['transition_error', 12, 'configuring', 'errorprocessing'],
  ['cleanup', 2, 'inactive', 'cleaningup'],
  ['transition_success', 20, 'cleaningup', 'unconfigured'],
  ['transition_failure', 21, 'cleaningup', 'inactive'],
  ['transition_error', 22, 'cleaningup', 'errorprocessing'],
  ['activate', 3, 'inactive', 'activating'],
  ['transition_success', 30, 'activating', 'active'],
  ['transition_failure', 31, 'activating', 'inactive'],
  ['transition_error', 32, 'activating', 'errorprocessing'],
  ['deactivate', 4, 'active', 'deactivating'],
  ['transition_success', 40, 'deactivating', 'inactive'],
  ['transition_failure', 41, 'deactivating', 'active'],
  ['transition_error', 42, 'deactivating', 'errorprocessing'],
  ['shutdown', 5, 'unconfigured', 'shuttingdown'],
  ['shutdown', 6, 'inactive', 'shuttingdown'],
  ['shutdown', 7, 'active', 'shuttingdown'],
  ['transition_success', 50, 'shuttingdown', 'finalized'],
  ['transition_failure', 51, 'shuttingdown', 'finalized'],
  ['transition_error', 52, 'shuttingdown', 'errorprocessing'],
  ['transition_success', 60, 'errorprocessing', 'unconfigured'],
  ['transition_failure', 61, 'errorprocessing', 'finalized'],
  ['transition_error', 62, 'errorprocessing', 'finalized'],
]
  .map(([label, id, start, goal]) => `- ${label} [${id}]\n\tStart: ${start}\n\tGoal: ${goal}\n`)
  .join('');

describe('ros2ts lifecycle', () => {
  it('nodes lists only the nodes with a lifecycle', async () => {
    expect(await ros2ts('lifecycle', 'nodes')).toMatchObject({ code: 0, stdout: '/robot/camera\n' });
    expect(await ros2ts('lifecycle', 'nodes', '-c')).toMatchObject({ code: 0, stdout: '1\n' });
  });

  it('get, list, set through a refused and an accepted transition', async () => {
    expect(await ros2ts('lifecycle', 'get', '/robot/camera')).toMatchObject({
      code: 0,
      stdout: 'unconfigured [1]\n',
    });
    expect(await ros2ts('lifecycle', 'get', '/plain')).toMatchObject({ code: 1, stderr: 'Node not found\n' });
    expect((await ros2ts('lifecycle', 'list', 'robot/camera')).stdout).toBe(
      '- configure [1]\n\tStart: unconfigured\n\tGoal: configuring\n' +
        '- shutdown [5]\n\tStart: unconfigured\n\tGoal: shuttingdown\n',
    );
    expect(await ros2ts('lifecycle', 'list', '/robot/camera', '--all')).toMatchObject({
      code: 0,
      stdout: ALL_LIFECYCLE_NODE_TRANSITIONS,
    });

    expect(await ros2ts('lifecycle', 'set', '/robot/camera', 'activate')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Unknown transition requested, available ones are:\n- configure [1]\n- shutdown [5]\n',
    });
    expect(await ros2ts('lifecycle', 'set', '/robot/camera', 'configure')).toMatchObject({
      code: 0,
      stdout: 'Transitioning successful\n',
    });
    expect(managed.currentState.label).toBe('inactive');
    // onActivate says failure: stderr, exit 0, and the node stays inactive.
    expect(await ros2ts('lifecycle', 'set', '/robot/camera', '3')).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'Transitioning failed\n',
    });
    expect(managed.currentState.label).toBe('inactive');
    activation = 'success';
    expect(await ros2ts('lifecycle', 'set', '/robot/camera', 'activate')).toMatchObject({
      code: 0,
      stdout: 'Transitioning successful\n',
    });
    // Every lifecycle node, prefixed, when no node is named.
    expect(await ros2ts('lifecycle', 'get')).toMatchObject({
      code: 0,
      stdout: '/robot/camera: active [3]\n',
    });
  });

  it('hidden nodes only with --include-hidden-nodes; an unknown node is not found (exit 1)', async () => {
    const notFound = { code: 1, stdout: '', stderr: 'Node not found\n' };
    const results = await Promise.all([
      ros2ts('lifecycle', 'list', '_hidden_camera', '-a'),
      ros2ts('lifecycle', 'list', '--include-hidden-nodes', '_hidden_camera', '-a'),
      ros2ts('lifecycle', 'set', '/_hidden_camera', 'configure'),
      ros2ts('lifecycle', 'set', '/nonexistent_node', 'configure'),
      ros2ts('lifecycle', 'list', '/_private/lidar'),
      ros2ts('lifecycle', 'list', '/_private/lidar', '--include-hidden-nodes'),
      ros2ts('lifecycle', 'nodes', '-a'),
      ros2ts('lifecycle', 'nodes', '-a', '-c'),
    ]);
    const [hidden, hiddenShown, setHidden, setMissing, inHiddenNs, inHiddenNsShown, all, count] = results;
    expect(hidden).toMatchObject(notFound);
    expect(hiddenShown).toMatchObject({ code: 0, stdout: ALL_LIFECYCLE_NODE_TRANSITIONS });
    expect(setHidden).toMatchObject(notFound);
    expect(setMissing).toMatchObject(notFound);
    expect(inHiddenNs).toMatchObject(notFound);
    expect(inHiddenNsShown).toMatchObject({
      code: 0,
      stdout:
        '- configure [1]\n\tStart: unconfigured\n\tGoal: configuring\n' +
        '- shutdown [5]\n\tStart: unconfigured\n\tGoal: shuttingdown\n',
    });
    expect(all).toMatchObject({ code: 0, stdout: '/_hidden_camera\n/_private/lidar\n/robot/camera\n' });
    expect(count).toMatchObject({ code: 0, stdout: '3\n' });
  });
});
