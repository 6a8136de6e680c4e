/**
 * Remote parameters over UDP between two contexts, inside the loopback-only namespace: a
 * ParameterClient reading and changing another ros2ts node's parameters through its services, a
 * ParameterEventHandler hearing the changes on `/parameter_events`, and waitForMessage.
 *
 *   scripts/netns-run npx vitest run test/integration/parameter-client.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../src/nodes/errors.js';
import { ParameterClient } from '../../src/nodes/parameter-client.js';
import {
  type ParameterEvent,
  ParameterEventHandler,
  UnknownCallbackHandleError,
} from '../../src/nodes/parameter-event-handler.js';
import type { Parameter } from '../../src/nodes/parameters/index.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/parameter-client.test.ts'));

const { context } = contexts(44);
const options = { timeout: 5000 };

async function pair() {
  const [a, b] = await Promise.all([context(), context()]);
  const remote = a.createNode('camera', { ...quiet, namespace: '/robot' });
  remote.declareParameter('fps', 30n, { integerRange: { fromValue: 1, toValue: 120, step: 1 } });
  remote.declareParameter('frame_id', 'cam', { readOnly: true, description: 'the frame' });
  remote.declareParameter('exposure.auto', true, { dynamicTyping: true });
  const local = b.createNode('tuner', { ...quiet, namespace: '/robot' });
  return { a, b, remote, local };
}

describe('ParameterClient over UDP', () => {
  it('gets, sets, lists, describes, types and deletes a remote node’s parameters', async () => {
    const { remote, local } = await pair();
    // Relative to the client node's namespace, as rclpy resolves it.
    const params = new ParameterClient(local, 'camera');
    expect(params.remoteNodeName).toBe('/robot/camera');
    await params.waitForServices(options);
    expect(params.servicesAreReady()).toBe(true);

    expect(await params.getParameters(['fps', 'frame_id'], options)).toEqual([
      { name: 'fps', value: { type: 'integer', value: 30n } },
      { name: 'frame_id', value: { type: 'string', value: 'cam' } },
    ]);
    expect(await params.getParameter('exposure.auto', options)).toEqual({ type: 'bool', value: true });
    // rclcpp's server answers nothing when one name is unknown.
    expect(await params.getParameters(['fps', 'nope'], options)).toEqual([]);
    expect(await params.getParameter('nope', options)).toEqual({ type: 'not_set' });

    expect(await params.setParameters({ fps: 60n, frame_id: 'other' }, options)).toEqual([
      { successful: true, reason: '' },
      { successful: false, reason: expect.stringContaining('read-only') },
    ]);
    expect(remote.parameters.get('fps')).toEqual({ type: 'integer', value: 60n });
    // Out of range: refused, nothing changes.
    const refused = await params.setParametersAtomically([{ name: 'fps', value: 500n }], options);
    expect(refused.successful).toBe(false);
    expect(refused.reason).not.toBe('');
    expect(remote.parameters.get('fps')).toEqual({ type: 'integer', value: 60n });
    expect(await params.setParametersAtomically([{ name: 'fps', value: 15n }], options)).toEqual({
      successful: true,
      reason: '',
    });
    expect(remote.parameters.get('fps')).toEqual({ type: 'integer', value: 15n });

    expect(await params.listParameters([], 0, options)).toEqual({
      names: ['exposure.auto', 'fps', 'frame_id', 'use_sim_time'],
      prefixes: ['exposure'],
    });
    expect((await params.listParameters(['exposure'], 1, options)).names).toEqual(['exposure.auto']);
    const [described] = await params.describeParameters(['frame_id'], options);
    expect(described).toMatchObject({
      name: 'frame_id',
      type: 'string',
      readOnly: true,
      description: 'the frame',
    });
    expect(await params.getParameterTypes(['fps', 'exposure.auto', 'frame_id'], options)).toEqual([
      'integer',
      'bool',
      'string',
    ]);

    // Only a dynamically typed parameter can be undeclared.
    const deleted = await params.deleteParameters(['exposure.auto', 'fps'], options);
    expect(deleted[0]).toEqual({ successful: true, reason: '' });
    expect(deleted[1]?.successful).toBe(false);
    expect(remote.parameters.has('exposure.auto')).toBe(false);
    params.destroy();
  });

  it('times out against a node that is not there, and aborts', async () => {
    const { local } = await pair();
    const params = new ParameterClient(local, '/nobody', { timeout: 300 });
    await expect(params.waitForServices({ timeout: 300 })).rejects.toThrow('not available after 300 ms');
    await expect(params.getParameters(['x'])).rejects.toThrow('timed out after 300 ms');
    const controller = new AbortController();
    const pending = params.listParameters([], 0, { signal: controller.signal, timeout: 5000 });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('remaps the service names, not the remote node name (as rclcpp)', async () => {
    const { b } = await pair();
    // A topic remap that happens to match the remote node's name must not move the client:
    // rclcpp keeps the remote node name as given and resolves only `<name>/get_parameters`...
    const topicRemap = b.createNode('tuner2', {
      ...quiet,
      namespace: '/robot',
      arguments: ['--ros-args', '-r', 'camera:=elsewhere'],
    });
    const params = new ParameterClient(topicRemap, 'camera');
    expect(params.remoteNodeName).toBe('/robot/camera');
    expect(await params.getParameter('fps', options)).toEqual({ type: 'integer', value: 30n });
    // ...and a remap of one of those service names does apply to it.
    const serviceRemap = b.createNode('tuner3', {
      ...quiet,
      arguments: ['--ros-args', '-r', '/other/get_parameters:=/robot/camera/get_parameters'],
    });
    const other = new ParameterClient(serviceRemap, '/other', { timeout: 2000 });
    expect(await other.getParameter('frame_id', options)).toEqual({ type: 'string', value: 'cam' });
  });
});

describe('ParameterEventHandler over UDP', () => {
  it('calls parameter callbacks (latest first) and event callbacks, and stops when removed', async () => {
    const { remote, local } = await pair();
    const handler = new ParameterEventHandler(local);
    const order: string[] = [];
    const fps: Parameter[] = [];
    const events: ParameterEvent[] = [];
    const first = handler.addParameterCallback('fps', '/robot/camera', (p) => {
      order.push('first');
      fps.push(p);
    });
    // Relative node names resolve under the handler node's namespace.
    const second = handler.addParameterCallback('fps', 'camera', () => order.push('second'));
    expect(second.nodeName).toBe('/robot/camera');
    handler.addParameterCallback('fps', '/elsewhere/camera', () => order.push('wrong node'));
    const all = handler.addParameterEventCallback((e) => events.push(e));
    // Both nodes publish parameter events; the remote's must reach the handler before it changes.
    await until(() => handler.subscription.publisherCount === 2, 5000, 'the handler to match');

    remote.parameters.set([{ name: 'fps', value: 25n }]);
    await until(() => fps.length === 1, 5000, 'the fps callback');
    expect(fps[0]).toEqual({ name: 'fps', value: { type: 'integer', value: 25n } });
    expect(order).toEqual(['second', 'first']);
    await until(() => events.some((e) => e.node === '/robot/camera'), 5000, 'the event callback');
    const event = events.find((e) => e.node === '/robot/camera')!;
    expect(event.changed_parameters.map((p) => p.name)).toEqual(['fps']);

    // A new parameter is reported too; another parameter is not.
    remote.declareParameter('gain', 2.5);
    await until(
      () => events.filter((e) => e.node === '/robot/camera').length === 2,
      5000,
      'the declare event',
    );
    expect(fps).toHaveLength(1);

    handler.removeParameterCallback(first);
    expect(() => handler.removeParameterCallback(first)).toThrow(UnknownCallbackHandleError);
    handler.removeParameterEventCallback(all);
    remote.parameters.set([{ name: 'fps', value: 26n }]);
    await until(() => order.length === 3, 5000, 'the remaining callback');
    expect(order).toEqual(['second', 'first', 'second']);
    expect(events.filter((e) => e.node === '/robot/camera')).toHaveLength(2);
    handler.destroy();
  });
});

describe('waitForMessage over UDP', () => {
  it('returns the next message, undefined on timeout, and cleans up its subscription', async () => {
    const { remote, local } = await pair();
    const pub = remote.createPublisher('std_msgs/msg/String', '/robot/status');
    const waiting = local.waitForMessage('std_msgs/msg/String', 'status', { timeout: 5000 });
    await until(() => pub.subscriptionCount === 1, 5000, 'the waiting subscription');
    pub.publish({ data: 'ready' });
    expect(await waiting).toEqual({ data: 'ready' });
    await until(() => pub.subscriptionCount === 0, 5000, 'the subscription to go');

    const started = Date.now();
    expect(await local.waitForMessage('std_msgs/msg/String', 'status', { timeout: 200 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await until(() => pub.subscriptionCount === 0, 5000, 'the subscription to go');

    const controller = new AbortController();
    const aborted = local.waitForMessage('std_msgs/msg/String', 'status', { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);

    const orphan = local.waitForMessage('std_msgs/msg/String', 'status');
    await local.destroy();
    expect(await orphan).toBeUndefined();
  });
});
