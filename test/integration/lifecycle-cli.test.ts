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
  // Not a lifecycle node: the verbs do not list it.
  context.createNode('plain', quiet);
  await build;
}, 120_000);
afterEach(() => cli.killChildren());
afterAll(() => context?.shutdown());

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
    const graph = await ros2ts('lifecycle', 'list', '/robot/camera', '--all');
    expect(graph.stdout.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(25);
    expect(graph.stdout.startsWith('- configure [1]\n\tStart: unconfigured\n\tGoal: configuring\n')).toBe(
      true,
    );

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
});
