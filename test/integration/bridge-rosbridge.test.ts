/**
 * The rosbridge v2 side of `ros2ts bridge`, driven by roslib 2.x from npm (a client no one here
 * wrote) and by raw WebSocket frames, against a ros2ts turtlesim in another context, over UDP
 * inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/bridge-rosbridge.test.ts
 */

import * as roslibModule from 'roslib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { decode, encode } from '../../src/index.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { contexts, quiet } from '../support/contexts.js';
import { connectRoslib, type RosInstance, Service, Topic } from '../support/roslib.js';
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
  const ros = await connectRoslib(url);
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

/** The parts of roslib 2.x this file uses beyond test/support/roslib.ts (its typings are empty). */
interface ParamInstance {
  get(callback: (value: unknown) => void, failed?: (reason: string) => void): void;
  set(value: unknown, callback?: (response: unknown) => void, failed?: (reason: string) => void): void;
  delete(callback: (response: unknown) => void, failed?: (reason: string) => void): void;
}
interface ActionInstance<Goal, Feedback, Result> {
  sendGoal(
    goal: Goal,
    onResult: (result: Result) => void,
    onFeedback?: (feedback: Feedback) => void,
    failed?: (error: string) => void,
  ): string | undefined;
  cancelGoal(id: string): void;
  advertise(onGoal: (goal: Goal, id: string) => void, onCancel?: (id: string) => void): void;
  unadvertise(): void;
  sendFeedback(id: string, feedback: Feedback): void;
  setSucceeded(id: string, result: Result): void;
  setCanceled(id: string, result: Result): void;
  setFailed(id: string): void;
}
const { Param, Action } = roslibModule as unknown as {
  Param: new (options: { ros: RosInstance; name: string }) => ParamInstance;
  Action: new <G, F, R>(options: {
    ros: RosInstance;
    name: string;
    actionType: string;
  }) => ActionInstance<G, F, R>;
};
/** A roslib callback pair as a promise: resolves with the value, rejects with the failure. */
function settle<T>(start: (ok: (v: T) => void, failed: (reason: string) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start(resolve, (reason) => reject(new Error(String(reason)))));
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

  it("gets, sets and lists parameters through rosapi (roslib's Param and getParams)", async () => {
    const { url, sim } = await setup();
    const ros = await roslib(url);
    await until(() => sim.node.getServiceNamesAndTypes().length > 0, 5_000, 'turtlesim services');
    const names = await settle<string[]>((ok, failed) =>
      (ros as unknown as { getParams: (ok: (n: string[]) => void, f: typeof failed) => void }).getParams(
        ok,
        failed,
      ),
    );
    expect(names).toEqual(expect.arrayContaining(['/turtlesim:background_r', '/turtlesim:holonomic']));
    expect(names.some((n) => n.startsWith('/ros2ts_bridge:'))).toBe(false);

    const red = new Param({ ros, name: '/turtlesim:background_r' });
    expect(await settle((ok, failed) => red.get(ok, failed))).toBe(69);
    await settle((ok, failed) => red.set(12, ok, failed));
    expect(await settle((ok, failed) => red.get(ok, failed))).toBe(12);
    expect(sim.getBackground().r).toBe(12);
    // A relative node name is taken from the root namespace, as rosapi does.
    const holonomic = new Param({ ros, name: 'turtlesim:holonomic' });
    expect(await settle((ok, failed) => holonomic.get(ok, failed))).toBe(false);

    // turtlesim refuses a value out of its range: roslib's failure callback gets the reason.
    await expect(settle((ok, failed) => red.set(300, ok, failed))).rejects.toThrow(/background_r|range|300/);
    await expect(settle((ok, failed) => red.set('blue', ok, failed))).rejects.toThrow();
    expect(sim.getBackground().r).toBe(12);
    // Unknown nodes and parameters, and names without a node, fail the same way.
    await expect(
      settle((ok, failed) => new Param({ ros, name: '/turtlesim:no_such_param' }).get(ok, failed)),
    ).rejects.toThrow(/not set|no_such_param/);
    await expect(
      settle((ok, failed) => new Param({ ros, name: '/no_such_node:x' }).get(ok, failed)),
    ).rejects.toThrow(/not in the graph/);
    await expect(
      settle((ok, failed) => new Param({ ros, name: 'background_r' }).get(ok, failed)),
    ).rejects.toThrow(/Malformed parameter name/);

    // has_param and get_param with the older default_value, as raw calls.
    const raw = await rawClient(url);
    raw.send({
      op: 'call_service',
      id: 'h1',
      service: '/rosapi/has_param',
      args: { name: '/turtlesim:holonomic' },
    });
    raw.send({
      op: 'call_service',
      id: 'h2',
      service: '/rosapi/has_param',
      args: { name: '/turtlesim:nope' },
    });
    raw.send({
      op: 'call_service',
      id: 'g1',
      service: '/rosapi/get_param',
      args: { name: '/turtlesim:nope', default_value: '"fallback"' },
    });
    const response = (id: string) =>
      raw.frames.find((f) => (f as { id?: string }).id === id) as
        | { values: Record<string, unknown> }
        | undefined;
    await until(() => ['h1', 'h2', 'g1'].every((id) => response(id)), 10_000, 'three rosapi answers');
    expect(response('h1')?.values).toEqual({ exists: true });
    expect(response('h2')?.values).toEqual({ exists: false });
    expect(response('g1')?.values).toMatchObject({ value: '"fallback"', successful: true });
  });

  it("sends action goals with feedback and result, and cancels them (roslib's Action)", async () => {
    // A short call timeout: the goal to a missing server below fails after it.
    const { url, sim } = await setup({ defaultCallTimeoutS: 1.5 });
    const ros = await roslib(url);
    const rotate = new Action<{ theta: number }, { remaining: number }, { delta: number }>({
      ros,
      name: '/turtle1/rotate_absolute',
      actionType: 'turtlesim/action/RotateAbsolute',
    });
    const feedback: number[] = [];
    const result = await new Promise<{ delta: number }>((resolve, reject) => {
      rotate.sendGoal(
        { theta: 0.5 },
        resolve,
        (f) => feedback.push(f.remaining),
        (e) => reject(new Error(e)),
      );
    });
    // From heading 0 to 0.5 rad at 1 rad/s: feedback counts down, the result is start minus end.
    expect(feedback.length).toBeGreaterThan(5);
    expect(feedback[0]).toBeGreaterThan(0.3);
    expect(Math.abs(feedback[feedback.length - 1] as number)).toBeLessThan(0.1);
    expect(result.delta).toBeCloseTo(-0.5, 1);
    expect(sim.world.turtle('turtle1')?.pose.theta).toBeCloseTo(0.5, 1);

    // A long turn, canceled after its first feedback: roslib's failure callback names the status.
    let id: string | undefined;
    const canceled = await new Promise<string>((resolve, reject) => {
      id = rotate.sendGoal(
        { theta: -2.5 },
        () => reject(new Error('the goal succeeded')),
        () => {
          if (id !== undefined) rotate.cancelGoal(id);
          id = undefined;
        },
        resolve,
      );
    });
    expect(canceled).toMatch(/canceled/i);
    const theta = sim.world.turtle('turtle1')?.pose.theta ?? Number.NaN;
    expect(theta).toBeLessThan(0.5);
    expect(theta).toBeGreaterThan(-2);

    // A goal to an action nobody serves, or of an unknown type, ends in a failed action_result.
    const raw = await rawClient(url);
    raw.send({
      op: 'send_action_goal',
      id: 'g1',
      action: '/nobody/rotate',
      action_type: 'turtlesim/action/RotateAbsolute',
      args: { theta: 1 },
    });
    raw.send({
      op: 'send_action_goal',
      id: 'g2',
      action: '/x',
      action_type: 'no_pkg/action/Nothing',
      args: {},
    });
    const frame = (id: string, op: string) =>
      raw.frames.find(
        (f) => (f as { id?: string; op?: string }).id === id && (f as { op?: string }).op === op,
      );
    await until(() => frame('g2', 'status') !== undefined, 5_000, 'an error status for the unknown type');
    await until(
      () => frame('g1', 'action_result') !== undefined,
      10_000,
      'a failed result for the missing server',
    );
    expect(frame('g1', 'action_result')).toMatchObject({
      result: false,
      status: 0,
      action: '/nobody/rotate',
    });
  });

  it('serves an action from roslib (advertise_action) to a ROS client: feedback, result, cancel, abort', async () => {
    const { url, a } = await setup();
    const ros = await roslib(url);
    const fib = new Action<{ order: number }, { sequence: number[] }, { sequence: number[] }>({
      ros,
      name: '/fibonacci',
      actionType: 'example_interfaces/action/Fibonacci',
    });
    const canceledIds: string[] = [];
    fib.advertise(
      (goal, id) => {
        if (goal.order === 0) return fib.setFailed(id);
        if (goal.order < 0) return; // runs until canceled
        const seq = [0, 1];
        while (seq.length < goal.order) seq.push((seq.at(-1) as number) + (seq.at(-2) as number));
        fib.sendFeedback(id, { sequence: seq.slice(0, 2) });
        fib.setSucceeded(id, { sequence: seq });
      },
      (id) => {
        canceledIds.push(id);
        fib.setCanceled(id, { sequence: [-1] });
      },
    );
    const { ActionClient, GoalStatus } = await import('../../src/actions/index.js');
    const node = a.createNode('fib_caller', quiet);
    const client = new ActionClient(node, 'example_interfaces/action/Fibonacci', '/fibonacci');
    await client.waitForServer({ timeout: 10_000 });

    const feedback: number[][] = [];
    const done = await client.sendGoal(
      { order: 6 },
      { onFeedback: (f) => feedback.push(Array.from(f.sequence as ArrayLike<number>)) },
    );
    const ok = await done.result;
    expect(ok.status).toBe(GoalStatus.SUCCEEDED);
    expect(Array.from(ok.result.sequence as ArrayLike<number>)).toEqual([0, 1, 1, 2, 3, 5]);
    await until(() => feedback.length > 0, 5_000, 'the feedback');
    expect(feedback[0]).toEqual([0, 1]);

    const long = await client.sendGoal({ order: -1 });
    await long.cancel();
    const canceled = await long.result;
    expect(canceled.status).toBe(GoalStatus.CANCELED);
    expect(Array.from(canceled.result.sequence as ArrayLike<number>)).toEqual([-1]);
    expect(canceledIds).toHaveLength(1);

    const failed = await (await client.sendGoal({ order: 0 })).result;
    expect(failed.status).toBe(GoalStatus.ABORTED);

    // Unadvertised, a goal still running is aborted and the server leaves the graph.
    const orphan = await client.sendGoal({ order: -1 });
    fib.unadvertise();
    expect((await orphan.result).status).toBe(GoalStatus.ABORTED);
    await until(() => !client.isServerAvailable(), 5_000, 'the server to leave');
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

  it('admits only clients with the token and an allowed origin, and closes on oversized frames (1009)', async () => {
    const bridge = await startBridge(await context(), {
      port: 0,
      protocol: 'rosbridge',
      token: 'let-me-in',
      allowedOrigins: ['http://good.example'],
      maxPayloadBytes: 1024,
    });
    cleanups.push(() => bridge.close());
    const base = `ws://127.0.0.1:${bridge.port}/`;
    /** The HTTP status of a refused upgrade, or 101 once open. */
    const attempt = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('open', () => {
          ws.terminate();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    expect(await attempt(base)).toBe(401);
    expect(await attempt(`${base}?token=wrong`)).toBe(401);
    expect(await attempt(`${base}?token=let-me-in`)).toBe(101);
    expect(await attempt(base, { authorization: 'Bearer let-me-in' })).toBe(101);
    expect(await attempt(`${base}?token=let-me-in`, { origin: 'http://evil.example' })).toBe(403);
    expect(await attempt(`${base}?token=let-me-in`, { origin: 'http://good.example' })).toBe(101);

    const big = await rawClient(`${base}?token=let-me-in`);
    const other = await rawClient(`${base}?token=let-me-in`);
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.send({ op: 'call_service', service: '/rosapi/nodes', args: { pad: 'x'.repeat(2048) } });
    expect(await closed).toBe(1009);
    // The other client is unaffected.
    other.send({ op: 'call_service', id: 'n', service: '/rosapi/nodes' });
    await until(
      () => other.frames.some((f) => (f as { id?: string }).id === 'n'),
      5_000,
      'an answer on the other connection',
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

  it('refuses fragment_size 0 or below with an error status, and sends no fragments for it', async () => {
    // rosbridge_suite 2.x divides by it (0) or cuts into an empty range (< 0) and sends nothing.
    const { url } = await setup();
    const c = await rawClient(url);
    c.send({ op: 'subscribe', id: 'zero', topic: '/turtle1/pose', fragment_size: 0 });
    c.send({ op: 'subscribe', id: 'negative', topic: '/turtle1/pose', fragment_size: -5 });
    c.send({ op: 'subscribe', id: 'half', topic: '/turtle1/pose', fragment_size: 0.5 });
    const ids = ['zero', 'negative', 'half'];
    const statusOf = (id: string) =>
      (c.frames as { op?: string; id?: string; level?: string; msg?: string }[]).find(
        (f) => f.op === 'status' && f.id === id,
      );
    await until(() => ids.every((id) => statusOf(id)), 5_000, 'three statuses');
    for (const id of ids)
      expect(statusOf(id)).toMatchObject({ level: 'error', msg: expect.stringMatching(/fragment_size/) });
    // turtlesim publishes the pose at 62.5 Hz: a subscription would have sent something by now.
    await new Promise((r) => setTimeout(r, 500));
    const ops = c.frames.map((f) => (f as { op?: string }).op);
    expect(ops.filter((op) => op === 'fragment' || op === 'publish')).toEqual([]);
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

  it('hands a client that stopped reading no more than maxUnreadBytes: back, it gets a few stale frames', async () => {
    // Without the bound, the kernel's socket buffers (MBs, invisible to bufferedAmount) and ws's
    // own megabyte fill with frames that all reach the client, oldest first, when it reads again.
    const maxUnreadBytes = 256 << 10;
    const { url, bridge, a } = await setup({ sendQueue: { maxUnreadBytes } });
    const camera = a.createNode('camera', quiet);
    const pub = camera.createPublisher('sensor_msgs/msg/Image', '/image', 5);
    let seq = 0;
    const image = (n: number) =>
      encode('sensor_msgs/msg/Image', {
        header: { frame_id: String(n) },
        height: 120,
        width: 160,
        encoding: 'rgb8',
        step: 480,
        data: new Uint8Array(160 * 120 * 3), // 76,800 characters of base64 in each JSON frame
      });
    const tick = setInterval(() => pub.publishSerialized(image(++seq)), 20);
    cleanups.push(() => clearInterval(tick));

    const slow = await rawClient(url);
    slow.send({ op: 'subscribe', id: 'slow', topic: '/image', queue_length: 1 });
    const images = () =>
      slow.frames.filter((f) => (f as { op?: string }).op === 'publish') as {
        msg: { header: { frame_id: string } };
      }[];
    await until(() => images().length >= 20, 20_000, 'images while the client reads');
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const pausedAt = seq;
    await until(() => seq >= pausedAt + 100, 20_000, '100 images published while it does not read');
    for (const s of bridge.queueStats()) expect(s.unreadBytes).toBeLessThanOrEqual(maxUnreadBytes + 80_000);
    clearInterval(tick);
    const last = seq;
    await new Promise((r) => setTimeout(r, 200));
    const before = images().length;
    socket.resume();
    await until(
      () => images().at(-1)?.msg.header.frame_id === String(last),
      10_000,
      () => `the last image (${last}); got ${images().at(-1)?.msg.header.frame_id}`,
    );
    // What was in flight (at most maxUnreadBytes and a frame: 4 of these), the newest the queue
    // held, and the last one.
    const stale = images().length - before;
    expect(stale).toBeLessThanOrEqual(Math.ceil(maxUnreadBytes / 76_800) + 2);
  });
});
