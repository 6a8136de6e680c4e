/**
 * The rosbridge v2 side of `ros2ts bridge`, driven by roslib 2.x from npm (a client no one here
 * wrote) and by raw WebSocket frames, against a ros2ts turtlesim in another context, over UDP
 * inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/bridge-rosbridge.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { decode, encode } from '../../src/index.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { contexts, quiet } from '../support/contexts.js';
import { Ros, type RosInstance, Service, Topic } from '../support/roslib.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bridge-rosbridge.test.ts'));

const { context } = contexts(51);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Pose {
  x: number;
  y: number;
  theta: number;
}

async function setup(bridgeOptions: Parameters<typeof startBridge>[1] = {}) {
  const [a, b] = await Promise.all([context(), context()]);
  const sim: TurtlesimHandle = startTurtlesim(a, { nodeOptions: { ...quiet, enableRosout: false } });
  cleanups.push(() => sim.stop());
  const bridge: BridgeHandle = await startBridge(b, { port: 0, protocol: 'rosbridge', ...bridgeOptions });
  cleanups.push(() => bridge.close());
  await until(() => bridge.node.countPublishers('/turtle1/pose') === 1, 10_000, 'turtlesim in the graph');
  return { sim, bridge, url: `ws://127.0.0.1:${bridge.port}`, a };
}

async function roslib(url: string): Promise<RosInstance> {
  const ros = new Ros({});
  const connected = new Promise<void>((resolve, reject) => {
    ros.on('connection', () => resolve());
    ros.on('error', (e) => reject(e));
  });
  await ros.connect(url);
  await connected;
  cleanups.push(() => ros.close());
  return ros;
}

/** A raw client: every frame it gets, JSON parsed (text) or kept (binary). */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const frames: unknown[] = [];
  ws.on('message', (data, isBinary) => {
    frames.push(isBinary ? data : JSON.parse(String(data)));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  const send = (msg: unknown) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  return { ws, frames, send };
}

describe('rosbridge v2 with roslib', () => {
  it('lists the graph through rosapi as roslib asks for it', async () => {
    const { url } = await setup();
    const ros = await roslib(url);
    const topics = await new Promise<{ topics: string[]; types: string[] }>((resolve, reject) =>
      ros.getTopics(resolve, reject),
    );
    const i = topics.topics.indexOf('/turtle1/pose');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(topics.types[i]).toBe('turtlesim/msg/Pose');
    const services = await new Promise<string[]>((resolve, reject) => ros.getServices(resolve, reject));
    expect(services).toContain('/spawn');
    const nodes = await new Promise<string[]>((resolve, reject) => ros.getNodes(resolve, reject));
    expect(nodes).toContain('/turtlesim');
    const details = await new Promise<{ publishing: string[]; subscribing: string[]; services: string[] }>(
      (resolve, reject) => ros.getNodeDetails('/turtlesim', resolve, reject),
    );
    expect(details.publishing).toContain('/turtle1/pose');
    expect(details.subscribing).toContain('/turtle1/cmd_vel');
    expect(details.services).toContain('/spawn');
    const type = await new Promise<string>((resolve, reject) =>
      ros.getTopicType('/turtle1/cmd_vel', resolve, reject),
    );
    expect(type).toBe('geometry_msgs/msg/Twist');
  });

  it('subscribes to the pose, drives the turtle with cmd_vel and sees it move', async () => {
    const { url, bridge } = await setup();
    const ros = await roslib(url);
    const poses: Pose[] = [];
    const pose = new Topic<Pose>({ ros, name: '/turtle1/pose', messageType: 'turtlesim/msg/Pose' });
    pose.subscribe((m) => poses.push(m));
    await until(() => poses.length > 0, 10_000, 'a pose through the bridge');
    const start = poses[poses.length - 1] as Pose;
    expect(start.x).toBeCloseTo(5.544445, 4);
    // Only while a client listens does the bridge hold a DDS subscription.
    expect(bridge.node.countSubscribers('/turtle1/pose')).toBe(1);

    // ROS 1 style type names work too, as rosbridge on ROS 2 takes them.
    const cmd = new Topic<unknown>({ ros, name: '/turtle1/cmd_vel', messageType: 'geometry_msgs/Twist' });
    const drive = setInterval(
      () => cmd.publish({ linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }),
      50,
    );
    cleanups.push(() => clearInterval(drive));
    await until(() => (poses[poses.length - 1]?.x ?? 0) > start.x + 0.5, 10_000, 'the turtle to move in x');
    clearInterval(drive);

    pose.unsubscribe();
    await until(
      () => bridge.node.countSubscribers('/turtle1/pose') === 0,
      5_000,
      'the DDS subscription to go',
    );
  });

  it('calls /spawn and answers a ROS client from a service roslib advertises', async () => {
    const { url, sim, a } = await setup();
    const ros = await roslib(url);
    const spawn = new Service<{ x: number; y: number; theta: number; name: string }, { name: string }>({
      ros,
      name: '/spawn',
      serviceType: 'turtlesim/srv/Spawn',
    });
    const reply = await new Promise<{ name: string }>((resolve, reject) =>
      spawn.callService({ x: 2, y: 3, theta: 0.5, name: '' }, resolve, reject),
    );
    expect(reply).toEqual({ name: 'turtle2' });
    expect(sim.world.names).toEqual(['turtle1', 'turtle2']);

    // A call that cannot be made (no such service in the graph) comes back as result false.
    const bad = new Service<object, unknown>({
      ros,
      name: '/no_such_service',
      serviceType: 'std_srvs/srv/Empty',
    });
    const failure = await new Promise<string>((resolve) => bad.callService({}, () => resolve('ok'), resolve));
    expect(String(failure)).toMatch(/no_such_service/);

    // roslib as a server: a ros2ts client in the turtlesim's context calls it.
    const adder = new Service<{ a: number; b: number }, { sum: number }>({
      ros,
      name: '/add_two_ints',
      serviceType: 'example_interfaces/srv/AddTwoInts',
    });
    await adder.advertiseAsync(async (req) => ({ sum: req.a + req.b }));
    const caller = a.createNode('adder_caller', quiet);
    const client = caller.createClient('example_interfaces/srv/AddTwoInts', '/add_two_ints');
    await client.waitForService({ timeout: 10_000 });
    expect(await client.call({ a: 40n, b: 2n }, { timeout: 5_000 })).toEqual({ sum: 42n });
  });

  it('sends CBOR and raw CDR (cbor-raw) when asked', async () => {
    const { url } = await setup();
    const ros = await roslib(url);
    const cbor: Pose[] = [];
    new Topic<Pose>({
      ros,
      name: '/turtle1/pose',
      messageType: 'turtlesim/msg/Pose',
      compression: 'cbor',
    }).subscribe((m) => cbor.push(m));
    const raw = await rawClient(url);
    raw.send({ op: 'subscribe', id: 'r1', topic: '/turtle1/pose', compression: 'cbor-raw' });
    await until(() => cbor.length > 0 && raw.frames.some((f) => Buffer.isBuffer(f)), 10_000, 'CBOR poses');
    expect((cbor[0] as Pose).x).toBeCloseTo(5.544445, 4);
    const { decode: cborDecode } = await import('cbor-x');
    const frame = cborDecode(raw.frames.find((f) => Buffer.isBuffer(f)) as Buffer) as {
      op: string;
      topic: string;
      msg: { bytes: Uint8Array; secs: number; nsecs: number };
    };
    expect(frame.op).toBe('publish');
    expect(frame.topic).toBe('/turtle1/pose');
    expect(frame.msg.secs).toBeGreaterThan(1_700_000_000);
    expect(decode('turtlesim/msg/Pose', frame.msg.bytes).x).toBeCloseTo(5.544445, 4);
  });

  it('answers bad JSON, unknown ops and unknown types with an error status and keeps the connection', async () => {
    const { url } = await setup();
    const c = await rawClient(url);
    const statuses = () =>
      c.frames.filter((f) => (f as { op?: string }).op === 'status') as {
        level: string;
        msg: string;
        id?: string;
      }[];
    c.send('{ this is not json');
    c.send({ op: 'no_such_op', id: 'x1' });
    c.send({ nothing: 'here' });
    c.send({ op: 'subscribe', id: 's0', topic: '/nowhere' });
    c.send({ op: 'publish', topic: '/turtle1/cmd_vel', msg: { linear: { x: 'fast' } } });
    c.send({ op: 'advertise', id: 'a0', topic: '/x', type: 'no_pkg/msg/Nothing' });
    await until(
      () => statuses().length >= 6,
      5_000,
      () => `six statuses, got ${JSON.stringify(statuses())}`,
    );
    expect(statuses().every((s) => s.level === 'error')).toBe(true);
    expect(statuses()[1]).toMatchObject({ id: 'x1', msg: 'Unknown operation: no_such_op' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.send({ op: 'subscribe', id: 's1', topic: '/turtle1/pose', type: 'turtlesim/Pose' });
    await until(
      () => c.frames.some((f) => (f as { op?: string }).op === 'publish'),
      10_000,
      'a pose on the same connection',
    );
  });

  it('reassembles fragment ops and cuts large messages into fragments', async () => {
    const { url } = await setup();
    const c = await rawClient(url);
    const text = JSON.stringify({ op: 'subscribe', id: 'f', topic: '/turtle1/pose', fragment_size: 20 });
    const parts = [text.slice(0, 30), text.slice(30)];
    parts.forEach((data, num) => {
      c.send({ op: 'fragment', id: 'frag1', data, num, total: 2 });
    });
    await until(
      () => c.frames.filter((f) => (f as { op?: string }).op === 'fragment').length > 10,
      10_000,
      'fragments',
    );
    const frags = c.frames.filter((f) => (f as { op?: string }).op === 'fragment') as {
      id: string;
      data: string;
      num: number;
      total: number;
    }[];
    const first = frags[0] as (typeof frags)[number];
    await until(
      () =>
        frags.length > 0 &&
        c.frames.filter((f) => (f as { id?: string }).id === first.id).length === first.total,
      5_000,
      'all of one message',
    );
    const all = (c.frames as { id?: string; data: string; num: number }[])
      .filter((f) => f.id === first.id)
      .sort((x, y) => x.num - y.num);
    expect(all.every((f) => f.data.length <= 20)).toBe(true);
    const msg = JSON.parse(all.map((f) => f.data).join('')) as { op: string; msg: Pose };
    expect(msg.op).toBe('publish');
    expect(msg.msg.x).toBeCloseTo(5.544445, 4);
  });

  it('bounds what a client that never reads costs, and a second client is not slowed by it', async () => {
    const maxQueuedBytes = 4 << 20;
    const { url, bridge, a } = await setup({ sendQueue: { highWaterBytes: 1 << 20, maxQueuedBytes } });
    const camera = a.createNode('camera', quiet);
    const pub = camera.createPublisher('sensor_msgs/msg/Image', '/image', 5);
    const image = {
      header: { frame_id: 'cam' },
      height: 480,
      width: 640,
      encoding: 'rgb8',
      step: 1920,
      data: new Uint8Array(640 * 480 * 3),
    };
    const payload = encode('sensor_msgs/msg/Image', image);
    const tick = setInterval(() => pub.publishSerialized(payload), 10);
    cleanups.push(() => clearInterval(tick));

    const slow = await rawClient(url);
    slow.send({ op: 'subscribe', id: 'slow', topic: '/image', queue_length: 2 });
    // Stop reading: the kernel buffers fill, then ws's, then the bridge's queue.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const fast = await rawClient(url);
    fast.send({ op: 'subscribe', id: 'fast', topic: '/image' });
    await until(
      () => bridge.dropped > 20,
      30_000,
      () => `drops for the slow client (${bridge.dropped})`,
    );
    const seenBefore = fast.frames.length;
    await new Promise((r) => setTimeout(r, 1_000));
    // The fast client still gets images at a good fraction of the publishing rate.
    expect(fast.frames.length - seenBefore).toBeGreaterThan(10);
    for (const s of bridge.queueStats()) expect(s.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
  });
});
