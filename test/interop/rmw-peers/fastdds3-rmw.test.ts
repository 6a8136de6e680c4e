/**
 * ros2ts nodes against a ROS 2 Kilted / Lyrical node on Fast DDS 3.x (fastdds3-peer.ts: a program
 * of ours on Fast DDS 3 that behaves on the wire as rmw_fastrtps does there), the matrix of
 * ros2ts-rmw.test.ts: services both ways, Twist both ways, and each side's graph listing the other.
 * Needs a Fast DDS 3 installation named by FASTDDS3_PREFIX; without one the file skips, saying so.
 *
 *   FASTDDS3_PREFIX=/work/ext/fastdds3 scripts/netns-run npx vitest run test/interop/rmw-peers/fastdds3-rmw.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../../src/nodes/context.js';
import type { Guid } from '../../../src/rtps/wire/types.js';
import { assertSandboxed } from '../../support/sandbox.js';
import { until } from '../../support/until.js';
import {
  buildFastdds3Peer,
  FASTDDS3_PREFIX_VAR,
  FASTDDS3_TRIGGER_MESSAGE,
  fastdds3Unavailable,
  fastdds3Version,
  startFastdds3Peer,
} from './fastdds3-peer.js';
import { graphNodes, hasNode, killAllRmwPeers, rmwPeerArgs } from './rmw-peers.js';

const FILE = 'test/interop/rmw-peers/fastdds3-rmw.test.ts';
/** A domain of its own (ros2ts-rmw.test.ts uses 73). */
const DOMAIN = 79;
const STEP_MS = 15_000;
const discovery = { domainId: DOMAIN, range: 'localhost' as const, staticPeers: [] };
const quiet = { logSink: () => {} };
/** Fast DDS 3's shared-memory locator kind: `16 + FASTDDS_VERSION_MAJOR` (fastdds/rtps/common/Locator.hpp). */
const LOCATOR_KIND_SHM = 19;
const available = fastdds3Unavailable === undefined;

if (!available) {
  describe('ros2ts and a Fast DDS 3.x rmw node', () => {
    it.skip(`skipped: no Fast DDS 3 (${fastdds3Unavailable}; set ${FASTDDS3_PREFIX_VAR}); these tests have not run`, () => {});
  });
}

const contexts: Context[] = [];
async function context(): Promise<Context> {
  const c = await Context.create({ discovery });
  contexts.push(c);
  return c;
}

let counter = 0;
const unique = (what: string) => `${what}_${process.pid}_${++counter}`;
const gidHex = (g: Guid) => Buffer.from(g.prefix).toString('hex') + g.entityId.toString(16).padStart(8, '0');

describe.runIf(available)(`ros2ts and the Fast DDS ${fastdds3Version() ?? '3'} rmw peer`, () => {
  beforeAll(async () => {
    assertSandboxed(FILE);
    await buildFastdds3Peer();
  }, 300_000);

  afterEach(async () => {
    killAllRmwPeers();
    await Promise.all(contexts.splice(0).map((c) => c.shutdown()));
  });

  it('a ros2ts client calls the Fast DDS 3 Trigger server', async () => {
    const svc = unique('trigger');
    const server = startFastdds3Peer(
      rmwPeerArgs('trigger-server', `/${svc}`, { domain: DOMAIN, timeoutMs: 30_000 }),
    );
    await server.waitFor('ready', STEP_MS);
    const ctx = await context();
    const client = ctx.createNode('ros2ts_client', quiet).createClient('std_srvs/srv/Trigger', svc);
    await client.waitForService({ timeout: STEP_MS });
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await client.call({}, { timeout: 5000 }));
    const concurrent = await Promise.all([1, 2, 3].map(() => client.call({}, { timeout: 5000 })));
    for (const r of [...responses, ...concurrent])
      expect(r).toEqual({ success: true, message: FASTDDS3_TRIGGER_MESSAGE });
    await until(() => server.events('replied').length === 8, STEP_MS, 'the server to report 8 replies');
    // The client named its reply reader as the related identity (rmw_fastrtps's correlation).
    for (const l of server.events('request')) expect(l['related']).not.toBeNull();
    expect(server.events('dropped')).toEqual([]);
  });

  it('a Fast DDS 3 client calls a ros2ts Trigger server', async () => {
    const svc = unique('trigger_back');
    const ctx = await context();
    let calls = 0;
    const service = ctx.createNode('ros2ts_server', quiet).createService('std_srvs/srv/Trigger', svc, () => {
      calls++;
      return { success: true, message: `ros2ts answer ${calls}` };
    });
    const result = await startFastdds3Peer(
      rmwPeerArgs('trigger-client', svc, { domain: DOMAIN, count: 5, timeoutMs: 20_000 }),
    ).result();
    expect(result.code, result.stderr).toBe(0);
    const responses = result.lines.filter((l) => l.event === 'response');
    expect(responses.map((l) => l['seq'])).toEqual([1, 2, 3, 4, 5]);
    expect(responses.map((l) => l['message'])).toEqual([1, 2, 3, 4, 5].map((k) => `ros2ts answer ${k}`));
    expect(service.stats).toMatchObject({ requests: 5, responses: 5, failures: 0 });
  });

  it('ros2ts Twist reaches a Fast DDS 3 subscriber, and Fast DDS 3 Twist reaches a ros2ts subscription', async () => {
    const out = unique('cmd_vel_out');
    const back = unique('cmd_vel_back');
    const ctx = await context();
    const node = ctx.createNode('ros2ts_turtle', quiet);
    const sub = startFastdds3Peer(
      rmwPeerArgs('twist-sub', `/${out}`, { domain: DOMAIN, count: 5, timeoutMs: 30_000 }),
    );
    const got: number[] = [];
    node.createSubscription('geometry_msgs/msg/Twist', back, (t) => got.push(t.angular.z));
    const pub = node.createPublisher('geometry_msgs/msg/Twist', out);
    await sub.waitFor('matched', STEP_MS);
    await until(() => pub.subscriptionCount === 1, STEP_MS, 'our publisher to match');
    await new Promise((r) => setTimeout(r, 300));
    for (let k = 1; k <= 5; k++) pub.publish({ linear: { x: 0.5 }, angular: { z: k } });
    const result = await sub.result();
    expect(result.code, result.stderr).toBe(0);
    const received = result.lines.filter((l) => l.event === 'twist');
    expect(received.map((l) => [l['linear_x'], l['angular_z']])).toEqual(
      [1, 2, 3, 4, 5].map((k) => [0.5, k]),
    );
    expect(received.every((l) => l['writer'] === gidHex(pub.gid))).toBe(true);

    startFastdds3Peer(
      rmwPeerArgs('twist-pub', `/${back}`, { domain: DOMAIN, count: 5, intervalMs: 50, timeoutMs: 30_000 }),
    );
    await until(() => got.length === 5, STEP_MS, `5 Twists from Fast DDS 3 (got ${got.length})`);
    expect(got).toEqual([1, 2, 3, 4, 5]);
  });

  it('the Fast DDS 3 graph lists the ros2ts node with its endpoints, and ros2ts lists the Fast DDS 3 node', async () => {
    const peerNode = unique('fastdds3_node');
    const peerTopic = unique('peer_cmd_vel');
    const peer = startFastdds3Peer(
      rmwPeerArgs('graph', undefined, {
        domain: DOMAIN,
        node: peerNode,
        topic: `/${peerTopic}`,
        timeoutMs: 30_000,
      }),
    );
    const ready = await peer.waitFor('ready', STEP_MS);
    const ctx = await context();
    const name = unique('ros2ts_node');
    const node = ctx.createNode(name, { ...quiet, namespace: '/interop' });
    const pub = node.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
    const line = await peer.waitFor('graph', STEP_MS, hasNode(name));
    const seen = graphNodes(line).find((n) => n.name === name)!;
    expect(seen.namespace).toBe('/interop');
    expect(seen.gid).toBe(gidHex(ctx.gid));
    expect(seen.writer_gids).toContain(gidHex(pub.gid));
    await until(
      () => node.getNodeNames().some((n) => n.name === peerNode),
      STEP_MS,
      'the Fast DDS 3 node in our graph',
    );
    // Its publisher, under the ROS type name rmw_fastrtps announces, is in our topic list.
    await until(
      () =>
        node
          .getTopicNamesAndTypes()
          .some((t) => t.name === `/${peerTopic}` && t.types.includes('geometry_msgs/msg/Twist')),
      STEP_MS,
      'the Fast DDS 3 publisher in our topic list',
    );
    expect(ready['writer_gids']).toHaveLength(1);
    // What Fast DDS 3 announces for it, unlike 2.x: XTypes TYPE_INFORMATION (0x0075, kept as
    // sent) and DATA_REPRESENTATION XCDR1 only (rmw_fastrtps qos.cpp).
    const writer = ctx.participant.remoteWriters.find((w) => w.data.topicName === `rt/${peerTopic}`);
    expect(writer?.data.typeName).toBe('geometry_msgs::msg::dds_::Twist_');
    expect(writer?.data.typeInformation?.length ?? 0).toBeGreaterThan(0);
    expect(writer?.qos.dataRepresentation).toEqual([0]);
    // And nothing of what it sent was refused as malformed or unexpected.
    expect([...ctx.participant.drops.counts]).toEqual([]);
  });

  it('a Fast DDS 3 node on its default transports (SHM and UDPv4 announced) exchanges Twist with ros2ts', async () => {
    const out = unique('default_transports_out');
    const back = unique('default_transports_back');
    const ctx = await context();
    const node = ctx.createNode('ros2ts_turtle', quiet);
    const builtin = (args: string[]) => [...args, '--builtin-transports'];
    const sub = startFastdds3Peer(
      builtin(rmwPeerArgs('twist-sub', `/${out}`, { domain: DOMAIN, count: 3, timeoutMs: 30_000 })),
    );
    const ready = await sub.waitFor('ready', STEP_MS);
    const pub = node.createPublisher('geometry_msgs/msg/Twist', out);
    await sub.waitFor('matched', STEP_MS);
    await until(() => pub.subscriptionCount === 1, STEP_MS, 'our publisher to match');
    // It announces a shared-memory locator beside its UDPv4 ones, which we leave aside.
    const prefix = Buffer.from(String(ready['participant']).slice(0, 24), 'hex');
    const announced = ctx.participant.remoteParticipant(prefix)?.data.defaultUnicastLocators ?? [];
    expect(announced.some((l) => l.kind === LOCATOR_KIND_SHM)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    for (let k = 1; k <= 3; k++) pub.publish({ linear: { x: 0.5 }, angular: { z: k } });
    const result = await sub.result();
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines.filter((l) => l.event === 'twist').map((l) => l['angular_z'])).toEqual([1, 2, 3]);

    const got: number[] = [];
    node.createSubscription('geometry_msgs/msg/Twist', back, (t) => got.push(t.angular.z));
    startFastdds3Peer(
      builtin(
        rmwPeerArgs('twist-pub', `/${back}`, { domain: DOMAIN, count: 3, intervalMs: 50, timeoutMs: 30_000 }),
      ),
    );
    await until(() => got.length === 3, STEP_MS, `3 Twists from Fast DDS 3 (got ${got.length})`);
    expect(got).toEqual([1, 2, 3]);
  });
});
