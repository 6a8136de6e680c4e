/**
 * `ros2ts bridge` in front of the real turtlesim of a ROS 2 Jazzy, over each RMW, driven by the
 * web clients people use: roslib 2.x (rosbridge v2) lists the graph through rosapi, follows
 * /turtle1/pose, drives the turtle on /turtle1/cmd_vel and calls /spawn; @foxglove/ws-protocol's
 * client (Foxglove WebSocket) reads the pose channel's CDR with Foxglove's own schema parser and
 * calls /spawn with CDR.
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/bridge.test.ts
 */
import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import wsProtocol, {
  type Channel,
  type Service as FoxService,
  type MessageData,
} from '@foxglove/ws-protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { Context } from '../../src/nodes/context.js';
import { connectRoslib, type RosInstance, Service, Topic } from '../support/roslib.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';
import { available, Processes, RMWS, type Rmw, skipUnlessAvailable } from './real-ros2.js';

const FILE = 'test/ros2/bridge.test.ts';
/** Domains of their own (other test/ros2 files use 31 to 35 and 46, 47). */
const DOMAINS: Record<Rmw, number> = { rmw_fastrtps_cpp: 48, rmw_cyclonedds_cpp: 49 };
const { FoxgloveClient } = wsProtocol;

interface Pose {
  x: number;
  y: number;
  theta: number;
}

skipUnlessAvailable('ros2ts bridge in front of the real turtlesim');

const procs = new Processes();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.runIf(available).each(RMWS)('ros2ts bridge and the real turtlesim over %s', (rmw) => {
  const domain = DOMAINS[rmw];
  let context: Context;
  let bridge: BridgeHandle;

  beforeAll(async () => {
    assertSandboxed(FILE);
    procs.start(rmw, domain, 'ros2 run turtlesim turtlesim_node');
    context = await Context.create({ discovery: { domainId: domain } });
    bridge = await startBridge(context, { port: 0, protocol: 'both' });
    // Endpoints first, then the node's name: over Cyclone ros_discovery_info can come ~20 ms later.
    await until(
      () =>
        bridge.node.countPublishers('/turtle1/pose') === 1 &&
        bridge.node.countSubscribers('/turtle1/cmd_vel') === 1 &&
        bridge.node.getNodeNames().some((n) => n.name === 'turtlesim'),
      30_000,
      'the real turtlesim in the bridge graph',
    );
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await context?.shutdown();
    await procs.stopAll();
  });

  it('roslib lists the graph, follows the pose, drives the turtle and spawns one', async () => {
    const ros: RosInstance = await connectRoslib(`ws://127.0.0.1:${bridge.port}`);
    cleanups.push(() => ros.close());
    const topics = await new Promise<{ topics: string[]; types: string[] }>((resolve, reject) =>
      ros.getTopics(resolve, reject),
    );
    expect(topics.types[topics.topics.indexOf('/turtle1/pose')]).toBe('turtlesim/msg/Pose');
    const nodes = await new Promise<string[]>((resolve, reject) => ros.getNodes(resolve, reject));
    expect(nodes).toContain('/turtlesim');

    const poses: Pose[] = [];
    const pose = new Topic<Pose>({ ros, name: '/turtle1/pose', messageType: 'turtlesim/msg/Pose' });
    pose.subscribe((p) => poses.push(p));
    cleanups.push(() => pose.unsubscribe());
    await until(() => poses.length > 0, 20_000, 'a pose from the real turtlesim');
    // turtlesim's first turtle starts in the middle of its 11.088889 m world, facing east.
    expect(poses[0]!.x).toBeCloseTo(5.544445, 4);
    const startX = poses[poses.length - 1]!.x;

    const cmd = new Topic({ ros, name: '/turtle1/cmd_vel', messageType: 'geometry_msgs/msg/Twist' });
    const drive = setInterval(
      () => cmd.publish({ linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }),
      100,
    );
    cleanups.push(() => clearInterval(drive));
    await until(() => poses[poses.length - 1]!.x > startX + 0.5, 20_000, 'the turtle to move east');
    clearInterval(drive);

    const spawn = new Service<Pose & { name: string }, { name: string }>({
      ros,
      name: '/spawn',
      serviceType: 'turtlesim/srv/Spawn',
    });
    const name = `web_${rmw.slice(4, 8)}`;
    const reply = await new Promise<{ name: string }>((resolve, reject) =>
      spawn.callService({ x: 2, y: 2, theta: 0, name }, resolve, (e) => reject(new Error(e)), 10),
    );
    expect(reply).toEqual({ name });
    await until(() => bridge.node.countPublishers(`/${name}/pose`) === 1, 20_000, `${name}'s pose topic`);
  }, 90_000);

  it('a Foxglove client reads the pose as CDR and calls /spawn', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}`, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    const client = new FoxgloveClient({ ws: ws as never });
    cleanups.push(() => client.close());
    const channels = new Map<string, Channel>();
    const services = new Map<string, FoxService>();
    const messages: MessageData[] = [];
    client.on('advertise', (cs) => {
      for (const c of cs) channels.set(c.topic, c);
    });
    client.on('advertiseServices', (ss) => {
      for (const s of ss) services.set(s.name, s);
    });
    client.on('message', (m) => messages.push(m));
    await until(() => channels.has('/turtle1/pose') && services.has('/spawn'), 20_000, 'the pose and /spawn');

    const pose = channels.get('/turtle1/pose') as Channel;
    expect(pose).toMatchObject({
      encoding: 'cdr',
      schemaName: 'turtlesim/msg/Pose',
      schemaEncoding: 'ros2msg',
    });
    client.subscribe(pose.id);
    await until(() => messages.length > 0, 20_000, 'pose data');
    const m = messages[0] as MessageData;
    const decoded = new MessageReader(parse(pose.schema, { ros2: true })).readMessage<Pose>(
      new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength),
    );
    expect(decoded.x).toBeGreaterThan(0);
    expect(decoded.x).toBeLessThan(11.1);

    const spawn = services.get('/spawn') as FoxService;
    const requestSchema = spawn.request?.schema ?? spawn.requestSchema ?? '';
    const responseSchema = spawn.response?.schema ?? spawn.responseSchema ?? '';
    const responses: Uint8Array[] = [];
    client.on('serviceCallResponse', (r) =>
      responses.push(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
    );
    const name = `fox_${rmw.slice(4, 8)}`;
    client.sendServiceCallRequest({
      serviceId: spawn.id,
      callId: 1,
      encoding: 'cdr',
      data: new MessageWriter(parse(requestSchema, { ros2: true })).writeMessage({
        x: 8,
        y: 8,
        theta: 1,
        name,
      }),
    });
    await until(() => responses.length === 1, 20_000, 'the spawn response');
    expect(new MessageReader(parse(responseSchema, { ros2: true })).readMessage(responses[0]!)).toEqual({
      name,
    });
  }, 90_000);
});
