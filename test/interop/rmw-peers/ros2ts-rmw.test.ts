/**
 * ros2ts nodes against the rmw peers (rmw-peers.ts: programs of ours on Debian's Fast DDS 2.9.1
 * and Cyclone DDS 0.10.2 that behave on the wire as rmw_fastrtps and rmw_cyclonedds do): a ros2ts
 * client calls each vendor's server; both vendors' clients call one ros2ts server at the same
 * time; Twist flows both ways; each vendor's view of the graph lists the ros2ts node, and ros2ts's
 * graph lists theirs.
 *
 *   scripts/netns-run npx vitest run test/interop/rmw-peers/ros2ts-rmw.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../../src/nodes/context.js';
import type { Guid } from '../../../src/rtps/wire/types.js';
import { assertSandboxed } from '../../support/sandbox.js';
import { until } from '../../support/until.js';
import {
  buildRmwPeer,
  graphNodes,
  hasNode,
  killAllRmwPeers,
  rmwPeerArgs,
  startRmwPeer,
  TRIGGER_MESSAGE,
  VENDORS,
} from './rmw-peers.js';

const FILE = 'test/interop/rmw-peers/ros2ts-rmw.test.ts';
const DOMAIN = 73;
const STEP_MS = 15_000;
const discovery = { domainId: DOMAIN, range: 'localhost' as const, staticPeers: [] };
const quiet = { logSink: () => {} };

beforeAll(async () => {
  assertSandboxed(FILE);
  await Promise.all(VENDORS.map((v) => buildRmwPeer(v)));
});

const contexts: Context[] = [];
async function context(): Promise<Context> {
  const c = await Context.create({ discovery });
  contexts.push(c);
  return c;
}
afterEach(async () => {
  killAllRmwPeers();
  await Promise.all(contexts.splice(0).map((c) => c.shutdown()));
});

let counter = 0;
const unique = (what: string) => `${what}_${process.pid}_${++counter}`;
const gidHex = (g: Guid) => Buffer.from(g.prefix).toString('hex') + g.entityId.toString(16).padStart(8, '0');

describe.each(VENDORS)('ros2ts and the %s rmw peer', (vendor) => {
  it(`a ros2ts client calls the ${vendor} Trigger server`, async () => {
    const svc = unique('trigger');
    const server = startRmwPeer(
      vendor,
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
      expect(r).toEqual({ success: true, message: TRIGGER_MESSAGE[vendor] });
    // The peer prints each reply after sending it: its last lines may still be on their way.
    await until(() => server.events('replied').length === 8, STEP_MS, 'the server to report 8 replies');
    expect(server.events('request')).toHaveLength(8);
  });

  it(`ros2ts Twist reaches a ${vendor} subscriber, and ${vendor} Twist reaches a ros2ts subscription`, async () => {
    const out = unique('cmd_vel_out');
    const back = unique('cmd_vel_back');
    const ctx = await context();
    const node = ctx.createNode('ros2ts_turtle', quiet);
    const sub = startRmwPeer(
      vendor,
      rmwPeerArgs('twist-sub', `/${out}`, { domain: DOMAIN, count: 5, timeoutMs: 30_000 }),
    );
    const got: number[] = [];
    node.createSubscription('geometry_msgs/msg/Twist', back, (t) => got.push(t.angular.z));
    const pub = node.createPublisher('geometry_msgs/msg/Twist', out);
    await sub.waitFor('matched', STEP_MS);
    await until(() => pub.subscriptionCount === 1, STEP_MS, 'our publisher to match');
    // Cyclone's reader drops what comes before it knows our writer: wait until it acknowledged us.
    await until(
      () => pub.gid !== undefined && ctx.participant.livelinessStatus.matchedReaders > 0,
      STEP_MS,
      'peer',
    );
    await new Promise((r) => setTimeout(r, 300));
    for (let k = 1; k <= 5; k++) pub.publish({ linear: { x: 0.5 }, angular: { z: k } });
    const received = (await sub.result()).lines.filter((l) => l.event === 'twist');
    expect(received.map((l) => [l['linear_x'], l['angular_z']])).toEqual(
      [1, 2, 3, 4, 5].map((k) => [0.5, k]),
    );

    const peerPub = startRmwPeer(
      vendor,
      rmwPeerArgs('twist-pub', `/${back}`, { domain: DOMAIN, count: 5, intervalMs: 50, timeoutMs: 30_000 }),
    );
    await until(() => got.length === 5, STEP_MS, `5 Twists from ${vendor} (got ${got.length})`);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    peerPub.kill('SIGTERM');
  });

  it(`the ${vendor} graph lists the ros2ts node with its endpoints, and ros2ts lists the ${vendor} node`, async () => {
    const peerNode = unique(`${vendor}_node`);
    const peer = startRmwPeer(
      vendor,
      rmwPeerArgs('graph', undefined, { domain: DOMAIN, node: peerNode, timeoutMs: 30_000 }),
    );
    await peer.waitFor('ready', STEP_MS);
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
      `the ${vendor} node in our graph`,
    );
  });
});

describe('one ros2ts server, both vendors calling', () => {
  it('answers a Fast DDS client and a Cyclone client at the same time, each in its own format', async () => {
    const svc = unique('draw_circle');
    const ctx = await context();
    let calls = 0;
    const service = ctx.createNode('ros2ts_server', quiet).createService('std_srvs/srv/Trigger', svc, () => {
      calls++;
      return { success: true, message: `ros2ts answer ${calls}` };
    });
    const bothClients = () =>
      Promise.all(
        VENDORS.map((v) =>
          startRmwPeer(
            v,
            rmwPeerArgs('trigger-client', svc, { domain: DOMAIN, count: 5, timeoutMs: 20_000 }),
          ).result(),
        ),
      );
    let results = await bothClients();
    // Debian's Fast DDS 2.9.1 sometimes aborts at start-up on an assertion of its own statistics
    // module (OutputTrafficManager.hpp:87, `it != collection_.end()`): seen in about 1 of 4
    // full-suite runs under load, never alone (twice in a row once, CI of 2026-12-02). Then both
    // clients go again, up to three times in all; any other failure fails the test.
    const aborted = () => results.some((r) => r.code === null && r.stderr.includes('OutputTrafficManager'));
    const fastddsAborted = aborted();
    for (let attempt = 2; attempt <= 3 && aborted(); attempt++) {
      console.warn(
        `the Fast DDS 2.9.1 client aborted on its statistics assertion; running both clients again (attempt ${attempt})`,
      );
      results = await bothClients();
    }
    for (const [i, r] of results.entries()) {
      expect(r.code, `${VENDORS[i]} client: ${r.stderr}`).toBe(0);
      const responses = r.lines.filter((l) => l.event === 'response');
      expect(responses.map((l) => l['seq'])).toEqual([1, 2, 3, 4, 5]);
      for (const l of responses) {
        expect(l['success']).toBe(true);
        expect(String(l['message'])).toMatch(/^ros2ts answer \d+$/);
      }
    }
    expect(service.stats.failures).toBe(0);
    if (!fastddsAborted) expect(service.stats).toMatchObject({ requests: 10, responses: 10 });
    else expect(service.stats.responses).toBeGreaterThanOrEqual(10);
  });
});
