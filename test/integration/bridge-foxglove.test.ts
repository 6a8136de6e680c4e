/**
 * The Foxglove WebSocket side of `ros2ts bridge`, driven by `@foxglove/ws-protocol`'s
 * FoxgloveClient over `ws` (a client no one here wrote), against a ros2ts turtlesim; schemas are
 * read with Foxglove's own parser and CDR reader, as the Foxglove app reads them:
 *
 *   scripts/netns-run npx vitest run test/integration/bridge-foxglove.test.ts
 */
import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import wsProtocol, { type Channel, type MessageData, type Service } from '@foxglove/ws-protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { startTurtlesim } from '../../src/turtlesim/turtlesim-node.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bridge-foxglove.test.ts'));

const { FoxgloveClient } = wsProtocol;
const { context } = contexts(52);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const [a, b] = await Promise.all([context(), context()]);
  const sim = startTurtlesim(a, { nodeOptions: { ...quiet, enableRosout: false } });
  cleanups.push(() => sim.stop());
  const bridge: BridgeHandle = await startBridge(b, { port: 0 });
  cleanups.push(() => bridge.close());
  await until(() => bridge.node.countPublishers('/turtle1/pose') === 1, 10_000, 'turtlesim in the graph');
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}`, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  const client = new FoxgloveClient({ ws: ws as never });
  cleanups.push(() => client.close());
  const channels = new Map<string, Channel>();
  const services = new Map<string, Service>();
  const messages: MessageData[] = [];
  const capabilities: string[] = [];
  client.on('serverInfo', (info) => capabilities.push(...info.capabilities));
  client.on('advertise', (cs) => {
    for (const c of cs) channels.set(c.topic, c);
  });
  client.on('advertiseServices', (ss) => {
    for (const s of ss) services.set(s.name, s);
  });
  client.on('message', (m) => messages.push(m));
  return { sim, bridge, ws, client, channels, services, messages, capabilities, a };
}

describe('Foxglove WebSocket protocol with FoxgloveClient', () => {
  it('advertises the graph as cdr channels with ros2msg schemas and streams raw CDR that decodes', async () => {
    const { client, channels, messages, capabilities, ws } = await setup();
    await until(() => channels.has('/turtle1/pose'), 10_000, 'the pose channel');
    expect(ws.protocol).toBe('foxglove.websocket.v1');
    expect(capabilities).toEqual(expect.arrayContaining(['clientPublish', 'services']));
    const pose = channels.get('/turtle1/pose') as Channel;
    expect(pose).toMatchObject({
      encoding: 'cdr',
      schemaName: 'turtlesim/msg/Pose',
      schemaEncoding: 'ros2msg',
    });
    const reader = new MessageReader(parse(pose.schema, { ros2: true }));

    // A nested schema carries its dependencies, readable by Foxglove's parser.
    const twist = channels.get('/turtle1/cmd_vel') as Channel;
    expect(twist.schema).toContain('MSG: geometry_msgs/msg/Vector3');
    expect(parse(twist.schema, { ros2: true }).length).toBe(2);

    const sub = client.subscribe(pose.id);
    await until(() => messages.length > 0, 10_000, 'pose message data');
    const m = messages[0] as MessageData;
    expect(m.subscriptionId).toBe(sub);
    const decoded = reader.readMessage<{ x: number; y: number; theta: number }>(
      new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength),
    );
    expect(decoded.x).toBeCloseTo(5.544445, 4);
  });

  it('calls a service with CDR and publishes on a channel it advertises', async () => {
    const { client, services, channels, messages, sim } = await setup();
    await until(() => services.has('/spawn') && channels.has('/turtle1/pose'), 10_000, 'the /spawn service');
    const spawn = services.get('/spawn') as Service;
    const requestSchema = spawn.request?.schema ?? spawn.requestSchema ?? '';
    const responseSchema = spawn.response?.schema ?? spawn.responseSchema ?? '';
    const writer = new MessageWriter(parse(requestSchema, { ros2: true }));
    const responses: Uint8Array[] = [];
    client.on('serviceCallResponse', (r) =>
      responses.push(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
    );
    client.sendServiceCallRequest({
      serviceId: spawn.id,
      callId: 7,
      encoding: 'cdr',
      data: writer.writeMessage({ x: 2, y: 3, theta: 0.5, name: 'fox' }),
    });
    await until(() => responses.length === 1, 10_000, 'the spawn response');
    const reply = new MessageReader(parse(responseSchema, { ros2: true })).readMessage(
      responses[0] as Uint8Array,
    );
    expect(reply).toEqual({ name: 'fox' });
    expect(sim.world.names).toContain('fox');

    // Client publishing: CDR on /turtle1/cmd_vel moves the turtle.
    const twist = channels.get('/turtle1/cmd_vel') as Channel;
    const pub = client.advertise({
      topic: '/turtle1/cmd_vel',
      encoding: 'cdr',
      schemaName: twist.schemaName,
    });
    const twistWriter = new MessageWriter(parse(twist.schema, { ros2: true }));
    const poseReader = new MessageReader(
      parse((channels.get('/turtle1/pose') as Channel).schema, { ros2: true }),
    );
    client.subscribe((channels.get('/turtle1/pose') as Channel).id);
    const cmd = twistWriter.writeMessage({ linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
    const drive = setInterval(() => client.sendMessage(pub, cmd), 50);
    cleanups.push(() => clearInterval(drive));
    const lastX = () => {
      const m = messages[messages.length - 1];
      return m ? poseReader.readMessage<{ x: number }>(m.data as Uint8Array).x : 0;
    };
    await until(() => lastX() > 6.2, 10_000, 'the turtle to move');
  });
});
