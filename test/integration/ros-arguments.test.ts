/**
 * ROS arguments end to end over UDP, inside the loopback-only namespace: a program given
 * `--ros-args -r __node:=renamed -r chatter:=talk -p x:=3 --params-file f.yaml` shows up renamed in
 * the graph, publishes on /talk and serves its overridden parameters; turtlesim_node started with
 * `--ros-args -r __ns:=/sim` (as `ros2ts run turtlesim turtlesim_node` hands it its arguments) lives
 * under /sim. An observer context that reads no command line checks each from outside.
 *
 *   scripts/netns-run npx vitest run test/integration/ros-arguments.test.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import { ParameterClient } from '../../src/nodes/parameter-client.js';
import { runTurtlesimNode } from '../../src/turtlesim/main.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/ros-arguments.test.ts'));

const discovery = { domainId: 63, range: 'localhost' as const, staticPeers: [] };
const open: Context[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

async function context(argv: string[]): Promise<Context> {
  const c = await Context.create({ discovery, argv });
  open.push(c);
  return c;
}

describe('ROS arguments over UDP', () => {
  it('renames the node, remaps its topic and gives it the parameters of -p and --params-file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ros-args-'));
    try {
      const file = join(dir, 'f.yaml');
      await writeFile(file, '/renamed:\n  ros__parameters:\n    greeting: hello\n    gains: [0.5, 1.5]\n');
      const program = await context([
        '--verbose',
        '--ros-args',
        '-r',
        '__node:=renamed',
        '-r',
        'chatter:=talk',
        '-p',
        'x:=3',
        '--params-file',
        file,
      ]);
      expect(program.nonRosArguments).toEqual(['--verbose']);
      const talker = program.createNode('talker', quiet);
      talker.declareParameter('x', 0n);
      talker.declareParameter('greeting', '');
      talker.declareParameter('gains', [0]);
      const pub = talker.createPublisher('std_msgs/msg/String', 'chatter', 10);

      const observer = await context([]);
      const node = observer.createNode('observer', quiet);
      const heard: string[] = [];
      node.createSubscription('std_msgs/msg/String', '/talk', (m) => heard.push(m.data), 10);
      await until(
        () => node.getNodeNames().some((n) => n.name === 'renamed' && n.namespace === '/'),
        5_000,
        '/renamed in the graph',
      );
      expect(node.getNodeNames().some((n) => n.name === 'talker')).toBe(false);
      await until(() => pub.subscriptionCount > 0, 5_000, 'the /talk subscription to match');
      pub.publish({ data: 'hi' });
      await until(() => heard.length > 0, 5_000, 'a message on /talk');
      expect(heard[0]).toBe('hi');
      expect(node.getTopicNamesAndTypes().some((t) => t.name === '/chatter')).toBe(false);

      const params = new ParameterClient(node, '/renamed');
      await params.waitForServices({ timeout: 5_000 });
      const values = await params.getParameters(['x', 'greeting', 'gains'], { timeout: 5_000 });
      expect(values.map((p) => p.value)).toEqual([
        { type: 'integer', value: 3n },
        { type: 'string', value: 'hello' },
        { type: 'double_array', value: [0.5, 1.5] },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs turtlesim_node under the namespace of -r __ns:=/sim', async () => {
    const stop = new AbortController();
    let started = false;
    const done = runTurtlesimNode(['--no-web', '--ros-args', '-r', '__ns:=/sim'], {
      signal: stop.signal,
      print: () => {},
      context: { discovery },
      logSink: () => {},
      onStarted: () => {
        started = true;
      },
    });
    try {
      await until(() => started, 10_000, 'turtlesim to start');
      const observer = await context([]);
      const node = observer.createNode('observer', quiet);
      await until(
        () => node.getNodeNames().some((n) => n.name === 'turtlesim' && n.namespace === '/sim'),
        5_000,
        '/sim/turtlesim in the graph',
      );
      await until(
        () => node.getServiceNamesAndTypes().some((s) => s.name === '/sim/spawn'),
        5_000,
        '/sim/spawn',
      );
      await until(
        () => node.getTopicNamesAndTypes().some((t) => t.name === '/sim/turtle1/pose'),
        5_000,
        '/sim/turtle1/pose',
      );
      expect(node.getServiceNamesAndTypes().some((s) => s.name === '/spawn')).toBe(false);
    } finally {
      stop.abort();
      expect(await done).toBe(0);
    }
  });
});
