/**
 * A node under ROS arguments (the context's command line and its own NodeOptions.arguments), on
 * the in-memory bus: its name and namespace, the names of what it creates, its parameter
 * overrides and its logger's level, as rclcpp would give them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RosArgumentsError, UnknownRosArgumentsError } from '../../../../src/nodes/arguments/parse.js';
import { Context, type ContextOptions } from '../../../../src/nodes/context.js';
import { LogLevel, type LogRecord } from '../../../../src/nodes/logger.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';

const open: Context[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

const files: Record<string, string> = {
  'talker.yaml': `/**:
  ros__parameters:
    rate: 1.0
/renamed:
  ros__parameters:
    x: 1
    greeting: from the file
`,
};

async function context(argv: string[], more: ContextOptions = {}): Promise<Context> {
  const bus = new MemoryBus();
  const c = await Context.create({
    transport: bus.transport('10.1.0.1'),
    discovery: { domainId: 0, range: 'localhost', staticPeers: [] },
    logSink: () => {},
    argv,
    readFile: (p) => files[p] as string,
    ...more,
  });
  open.push(c);
  return c;
}

describe('a node under ROS arguments', () => {
  it('is renamed, publishes on remapped names and has the overrides', async () => {
    const c = await context([
      'mine',
      '--ros-args',
      '-r',
      '__node:=renamed',
      '-r',
      'chatter:=talk',
      '-r',
      'rosservice://reset:=/clear',
      '--params-file',
      'talker.yaml',
      '-p',
      'x:=3',
      '--',
      'also-mine',
    ]);
    expect(c.nonRosArguments).toEqual(['mine', 'also-mine']);
    const node = c.createNode('talker', { logSink: () => {}, enableRosout: false });
    expect(node.fullyQualifiedName).toBe('/renamed');
    expect(node.createPublisher('std_msgs/msg/String', 'chatter').topic).toBe('/talk');
    expect(node.createPublisher('std_msgs/msg/String', '~/chatter').topic).toBe('/renamed/chatter');
    expect(node.createService('std_srvs/srv/Empty', 'reset', () => ({})).name).toBe('/clear');
    expect(node.createPublisher('std_msgs/msg/String', 'reset').topic).toBe('/reset');
    expect(node.createClient('std_srvs/srv/Empty', 'chatter').name).toBe('/talk');
    expect(node.resolveName('chatter', 'action name')).toBe('/chatter');
    // The file's `/renamed` entry comes after `/**`; -p x:=3 goes to `/**`, which came first.
    expect(node.declareParameter('x', 0n)).toEqual({ type: 'integer', value: 1n });
    expect(node.declareParameter('rate', 5)).toEqual({ type: 'double', value: 1 });
    expect(node.declareParameter('greeting', 'hi')).toEqual({ type: 'string', value: 'from the file' });
    // The node's own options win over the command line.
    const other = c.createNode('other', {
      parameterOverrides: { rate: 9 },
      logSink: () => {},
      enableRosout: false,
    });
    expect(other.fullyQualifiedName).toBe('/renamed');
    expect(other.declareParameter('rate', 5)).toEqual({ type: 'double', value: 9 });
  });

  it("tries the node's own arguments first, and the context's only when it uses them", async () => {
    const c = await context(['--ros-args', '-r', '__ns:=/sim', '-r', 'cam:__node:=camera', '-p', 'fps:=10']);
    const quiet = { logSink: () => {}, enableRosout: false };
    const a = c.createNode('cam', { ...quiet, namespace: '/given' });
    expect(a.fullyQualifiedName).toBe('/sim/camera');
    const b = c.createNode('cam', {
      ...quiet,
      arguments: ['--ros-args', '-r', '__node:=own', '-r', 'own:__ns:=/mine', '-p', 'fps:=20'],
    });
    expect(b.fullyQualifiedName).toBe('/mine/own');
    expect(b.declareParameter('fps', 1n)).toEqual({ type: 'integer', value: 20n });
    const d = c.createNode('cam', { ...quiet, namespace: 'given', useGlobalArguments: false });
    expect(d.fullyQualifiedName).toBe('/given/cam');
    expect(d.declareParameter('fps', 1n)).toEqual({ type: 'integer', value: 1n });
    expect(() => c.createNode('x', { ...quiet, arguments: ['--ros-args', '--what'] })).toThrow(
      UnknownRosArgumentsError,
    );
    expect(() => c.createNode('x', { ...quiet, arguments: ['--ros-args', '-r', '__ns:=rel'] })).toThrow(
      RosArgumentsError,
    );
  });

  it('sets the logger level from --log-level, by name before the default, and drops /rosout', async () => {
    const c = await context([
      '--ros-args',
      '--log-level',
      'error',
      '--log-level',
      'ns.loud:=debug',
      '--disable-rosout-logs',
    ]);
    const records: LogRecord[] = [];
    const sink = (r: LogRecord) => records.push(r);
    const loud = c.createNode('loud', { namespace: '/ns', logSink: sink });
    const quiet = c.createNode('quiet', { logSink: sink, logLevel: 'DEBUG' });
    expect(loud.logger.level).toBe(LogLevel.DEBUG);
    expect(quiet.logger.level).toBe(LogLevel.ERROR);
    loud.logger.debug('shown');
    quiet.logger.warn('hidden');
    expect(records.map((r) => r.message)).toEqual(['shown']);
    // --disable-rosout-logs: no /rosout publisher.
    expect(loud.getTopicNamesAndTypes().some((t) => t.name === '/rosout')).toBe(false);
  });

  it('refuses bad command lines before opening anything, and can ignore the command line', async () => {
    await expect(context(['--ros-args', '-r', 'foo'])).rejects.toThrow(RosArgumentsError);
    await expect(context(['--ros-args', '--bogus'])).rejects.toThrow(
      "found unknown ROS arguments: '--bogus'",
    );
    const c = await context(['--ros-args', '--bogus', '-r', '__node:=x'], { useGlobalArguments: false });
    expect(c.createNode('n', { logSink: () => {}, enableRosout: false }).name).toBe('n');
    expect(c.nonRosArguments).toEqual([]);
  });
});
