/**
 * A humble-mode ros2ts node against the rmw peers run as Humble's rmws (`--humble`: Debian's Fast
 * DDS 2.9.1 and Cyclone DDS 0.10.2 programs reading and writing ros_discovery_info with
 * rmw_dds_common's humble-branch layout, 24-byte gids, and no type hash in endpoint USER_DATA):
 * the vendor's own CDR code, built from that IDL, reads our node and its endpoint gids (with zero
 * tails), and ros2ts lists the peer's node from its Humble sample. Services are unchanged between
 * the two distributions (src/rmw/distro.ts), so ros2ts-rmw.test.ts covers them.
 *
 *   scripts/netns-run npx vitest run test/interop/rmw-peers/humble-rmw.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../../src/nodes/context.js';
import type { Guid } from '../../../src/rtps/wire/types.js';
import { prefixKey } from '../../../src/rtps/wire/types.js';
import { assertSandboxed } from '../../support/sandbox.js';
import { until } from '../../support/until.js';
import {
  buildRmwPeer,
  graphNodes,
  hasNode,
  killAllRmwPeers,
  rmwPeerArgs,
  startRmwPeer,
  VENDORS,
} from './rmw-peers.js';

const FILE = 'test/interop/rmw-peers/humble-rmw.test.ts';
const DOMAIN = 74;
const STEP_MS = 15_000;
const quiet = { logSink: () => {} };

beforeAll(async () => {
  assertSandboxed(FILE);
  await Promise.all(VENDORS.map((v) => buildRmwPeer(v)));
});

const contexts: Context[] = [];
afterEach(async () => {
  killAllRmwPeers();
  await Promise.all(contexts.splice(0).map((c) => c.shutdown()));
});

let counter = 0;
const unique = (what: string) => `${what}_${process.pid}_${++counter}`;
const gidHex = (g: Guid) => Buffer.from(g.prefix).toString('hex') + g.entityId.toString(16).padStart(8, '0');

describe.each(VENDORS)('a humble-mode ros2ts node and the %s peer as Humble', (vendor) => {
  it('each lists the other from 24-byte gids; the peer announces no type hash', async () => {
    const peerNode = unique(`${vendor}_humble`);
    const topic = unique('chatter');
    const peer = startRmwPeer(
      vendor,
      rmwPeerArgs('graph', undefined, {
        domain: DOMAIN,
        node: peerNode,
        topic,
        timeoutMs: 30_000,
        humble: true,
      }),
    );
    await peer.waitFor('ready', STEP_MS);
    const ctx = await Context.create({
      discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] },
      distro: 'humble',
      useGlobalArguments: false,
      logSink: () => {},
    });
    contexts.push(ctx);
    const name = unique('ros2ts_humble');
    const pub = ctx.createNode(name, quiet).createPublisher('geometry_msgs/msg/Twist', topic);

    // The peer's Humble decoder reads our snapshot: our node, our writer, 8 zero bytes after each GUID.
    const line = await peer.waitFor('graph', STEP_MS, hasNode(name));
    expect(line['gid_size']).toBe(24);
    expect(line['gid_tails_zero']).toBe(true);
    const seen = graphNodes(line).find((n) => n.name === name)!;
    expect(seen.gid).toBe(gidHex(ctx.gid));
    expect(seen.writer_gids).toContain(gidHex(pub.gid));

    // Ours reads the peer's Humble snapshot and ties its publisher to its node.
    await until(
      () => (ctx.graph.nodeInfo('/', peerNode)?.publishers ?? []).some((p) => p.name === `/${topic}`),
      STEP_MS,
      `the ${vendor} node and its publisher in our graph`,
    );
    const peerWriter = ctx.participant.remoteWriters.find((e) => e.data.topicName === `rt/${topic}`)!;
    expect(prefixKey(peerWriter.data.guid.prefix)).not.toBe(prefixKey(ctx.participant.guidPrefix));
    expect(new TextDecoder().decode(peerWriter.data.userData ?? new Uint8Array())).toBe('');
  });
});
