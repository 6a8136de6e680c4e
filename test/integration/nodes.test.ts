/**
 * ros2ts nodes talking to ros2ts nodes over real UDP (two contexts = two participants, as two
 * processes would be), inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/nodes.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ServiceCallTimeoutError,
  ServiceNotAvailableError,
  ServiceUnavailableError,
} from '../../src/nodes/errors.js';
import type { LogRecord } from '../../src/nodes/logger.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/nodes.test.ts'));

const { context } = contexts(7);

describe('ros2ts nodes over UDP', () => {
  it('publish Twist messages that a subscription in another context receives in order', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const talker = a.createNode('talker', quiet);
    const listener = b.createNode('listener', { ...quiet, namespace: '/turtle1' });
    const got: number[] = [];
    listener.createSubscription('geometry_msgs/msg/Twist', 'cmd_vel', (m) => got.push(m.linear.x));
    const pub = talker.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel', 10);
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    for (let i = 1; i <= 100; i++) pub.publish({ linear: { x: i }, angular: { z: 0.5 } });
    await until(() => got.length === 100, 5000, 'messages');
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('deliver to a subscription that joins after the publisher already published (VOLATILE)', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const pub = a.createNode('early_talker', quiet).createPublisher('std_msgs/msg/String', 'late_join');
    pub.publish({ data: 'before anyone listened' });
    const got: string[] = [];
    b.createNode('late_listener', quiet).createSubscription('std_msgs/msg/String', 'late_join', (m) =>
      got.push(m.data),
    );
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    pub.publish({ data: 'after' });
    await until(() => got.length > 0, 5000, 'the message published after matching');
    expect(got).toEqual(['after']);
  });

  it('read a topic with for-await', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const pub = a.createNode('talker', quiet).createPublisher('std_msgs/msg/String', 'chatter');
    const sub = b.createNode('listener', quiet).subscribe('std_msgs/msg/String', 'chatter');
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    for (const data of ['a', 'b', 'c']) pub.publish({ data });
    const got: string[] = [];
    for await (const m of sub) {
      got.push(m.data);
      if (got.length === 3) break;
    }
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('serve Trigger calls, many in flight, from a client in another context', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const server = a.createNode('my_service_server', quiet);
    let n = 0;
    server.createService('std_srvs/srv/Trigger', 'draw_circle', async () => {
      n++;
      return { success: true, message: `call ${n}` };
    });
    const client = b
      .createNode('my_service_client', quiet)
      .createClient('std_srvs/srv/Trigger', 'draw_circle');
    await client.waitForService({ timeout: 5000 });
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.call({}, { timeout: 5000 })));
    expect(responses.every((r) => r.success)).toBe(true);
    expect(new Set(responses.map((r) => r.message)).size).toBe(50);
  });

  it('answer a request with the request data (AddTwoInts), matching responses to calls', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    a.createNode('adder', quiet).createService('example_interfaces/srv/AddTwoInts', 'add', (req) => ({
      sum: req.a + req.b,
    }));
    const client = b.createNode('caller', quiet).createClient('example_interfaces/srv/AddTwoInts', 'add');
    await client.waitForService({ timeout: 5000 });
    const sums = await Promise.all([1n, 2n, 3n].map((a) => client.call({ a, b: 10n }, { timeout: 5000 })));
    expect(sums.map((s) => s.sum)).toEqual([11n, 12n, 13n]);
  });

  it('time out, naming the service, when no server exists', async () => {
    const a = await context();
    const client = a.createNode('lonely', quiet).createClient('std_srvs/srv/Trigger', 'nobody_home');
    await expect(client.waitForService({ timeout: 300 })).rejects.toBeInstanceOf(ServiceNotAvailableError);
    const call = client.call({}, { timeout: 300 });
    await expect(call).rejects.toBeInstanceOf(ServiceCallTimeoutError);
    await expect(call).rejects.toThrow('/nobody_home');
  });

  it('reject a pending call when the server goes away, within its timeout', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const server = a.createNode('slow_server', quiet);
    server.createService('std_srvs/srv/Trigger', 'slow', () => new Promise(() => {}));
    const client = b.createNode('caller', quiet).createClient('std_srvs/srv/Trigger', 'slow');
    await client.waitForService({ timeout: 5000 });
    const started = Date.now();
    const call = client.call({}, { timeout: 10_000 });
    setTimeout(() => void a.shutdown(), 200);
    await expect(call).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('abort a call with an AbortSignal', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    a.createNode('slow_server', quiet).createService(
      'std_srvs/srv/Trigger',
      'slow',
      () => new Promise(() => {}),
    );
    const client = b.createNode('caller', quiet).createClient('std_srvs/srv/Trigger', 'slow');
    await client.waitForService({ timeout: 5000 });
    const ac = new AbortController();
    const call = client.call({}, { timeout: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('log a handler error and send no response', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const logs: LogRecord[] = [];
    a.createNode('broken', { logSink: (r) => logs.push(r) }).createService(
      'std_srvs/srv/Trigger',
      'broken',
      () => {
        throw new Error('kaputt');
      },
    );
    const client = b.createNode('caller', quiet).createClient('std_srvs/srv/Trigger', 'broken');
    await client.waitForService({ timeout: 5000 });
    await expect(client.call({}, { timeout: 500 })).rejects.toBeInstanceOf(ServiceCallTimeoutError);
    expect(logs.some((r) => r.level === 40 && r.message.includes('kaputt'))).toBe(true);
  });

  it('see each other in the graph: nodes, topics with types, services', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const server = a.createNode('my_service_server', quiet);
    server.createService('std_srvs/srv/Trigger', 'draw_circle', () => ({ success: true }));
    server.createPublisher('geometry_msgs/msg/Twist', 'turtle1/cmd_vel');
    const other = b.createNode('observer', { ...quiet, namespace: '/tools' });
    await until(
      () => other.getNodeNames().some((n) => n.name === 'my_service_server'),
      5000,
      'the server node in the graph',
    );
    await until(
      () => other.getServiceNamesAndTypes().some((s) => s.name === '/draw_circle'),
      5000,
      'service',
    );
    expect(other.getNodeNames().map((n) => `${n.namespace}|${n.name}`)).toEqual(
      expect.arrayContaining(['/|my_service_server', '/tools|observer']),
    );
    expect(other.getTopicNamesAndTypes()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '/turtle1/cmd_vel', types: ['geometry_msgs/msg/Twist'] }),
      ]),
    );
    expect(other.getServiceNamesAndTypes()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '/draw_circle', types: ['std_srvs/srv/Trigger'] }),
      ]),
    );
    const info = b.graph.nodeInfo('/', 'my_service_server');
    expect(info?.serviceServers.map((s) => s.name)).toEqual(
      expect.arrayContaining(['/draw_circle', '/my_service_server/get_parameters']),
    );
    expect(info?.publishers.map((p) => p.name)).toEqual(
      expect.arrayContaining(['/turtle1/cmd_vel', '/rosout']),
    );
  });

  it('log to /rosout where another node reads it', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const got: string[] = [];
    b.createNode('rosout_reader', { ...quiet, enableRosout: false }).createSubscription(
      'rcl_interfaces/msg/Log',
      '/rosout',
      (m) => got.push(`${m.level} ${m.name}: ${m.msg}`),
      'rosout',
    );
    const node = a.createNode('chatty', { ...quiet, namespace: '/ns' });
    await until(() => node.countSubscribers('/rosout') >= 1, 5000, 'the rosout reader in the graph');
    node.logger.info('hello rosout');
    await until(() => got.length > 0, 5000, 'the log record');
    expect(got).toContain('20 ns.chatty: hello rosout');
  });
});

describe('QoS mismatch', () => {
  it('warns naming the policy at fault, both values and our profile, and delivers nothing', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const logs: LogRecord[] = [];
    const sub = a
      .createNode('strict_listener', { logSink: (r) => logs.push(r) })
      .subscribe('std_msgs/msg/String', 'chatter', { reliability: 'RELIABLE' });
    const pub = b
      .createNode('sloppy_talker', quiet)
      .createPublisher('std_msgs/msg/String', 'chatter', 'sensorData');
    await until(() => logs.some((r) => r.message.includes('incompatible QoS')), 5000, 'the warning');
    const warning = logs.find((r) => r.message.includes('incompatible QoS'))!;
    expect(warning.level).toBe(30);
    expect(warning.message).toContain(
      "New publisher discovered on topic '/chatter', offering incompatible QoS",
    );
    expect(warning.message).toMatch(/RELIABILITY.*BEST_EFFORT.*RELIABLE, VOLATILE, KEEP_LAST\(10\)/);
    expect(pub.subscriptionCount).toBe(0);
    expect(sub.publisherCount).toBe(0);
  });
});

describe('errors that say what to do', () => {
  it('an unknown type names the files searched; a bad name or type name says what is wrong', async () => {
    const node = (await context()).createNode('careful', quiet);
    expect(() => node.createPublisher('geometry_msgs/msg/Twits', 'cmd_vel')).toThrow(
      /unknown interface 'geometry_msgs\/msg\/Twits'; searched:\n.*geometry_msgs\/msg\/Twits\.msg/,
    );
    expect(() => node.createPublisher('geometry_msgs/msg/Twist', 'cmd vel')).toThrow(
      /Invalid topic name: .*alphanumerics/,
    );
    expect(() => node.createClient('geometry_msgs/msg/Twist', 'not_a_service')).toThrow(
      "invalid type name 'geometry_msgs/msg/Twist': expected a service type",
    );
  });
});
