/**
 * ros2ts against Debian 12's Fast DDS 2.9.1 and Cyclone DDS 0.10.2, each through a small program
 * of ours on the vendor's own API (test/interop/*-peer.*), inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/interop/ros2ts-vendor.test.ts
 *
 * For each vendor: mutual discovery, samples both ways reliably and in order, a sample large
 * enough to need fragments each way, and a TRANSIENT_LOCAL late joiner each way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../src/rtps/discovery-data/duration.js';
import type { QosPolicies } from '../../src/rtps/discovery-data/qos.js';
import { RtpsParticipant, type RtpsWriter } from '../../src/rtps/participant/participant.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';
import { checkPeerSample as check, RELIABLE, peerSample as sample } from './peer-samples.js';
import {
  buildPeer,
  killAllPeers,
  PEER_TYPE_NAME,
  type PeerProcess,
  peerArgs,
  startPeer,
  subSummary,
  VENDORS,
  type Vendor,
} from './peers.js';

const LATCHED = { ...RELIABLE, durability: 'TRANSIENT_LOCAL' as const };

let domain = 20;
async function participant(): Promise<RtpsParticipant> {
  return RtpsParticipant.create({ discovery: { domainId: domain, range: 'localhost', staticPeers: [] } });
}

/**
 * A writer of ours on `topic`, once the vendor's reader and ours have matched both ways: a
 * VOLATILE reader drops what arrives before it knows the writer (Cyclone even takes the next
 * HEARTBEAT as the start of the stream), so writing earlier could lose samples.
 */
async function writerMatchedBy(
  p: RtpsParticipant,
  peer: PeerProcess,
  topic: string,
  qos: QosPolicies,
  history: { depth?: number; keepAll?: boolean },
): Promise<RtpsWriter> {
  const w = p.createWriter({ topicName: topic, typeName: PEER_TYPE_NAME, qos }, history);
  await until(
    () => w.matchedReaders.length === 1,
    15_000,
    () => `${peer.vendor} reader to match`,
  );
  await peer.waitFor('matched', 15_000);
  // A reliable reader that has not answered yet may not know us: a Cyclone one would take the
  // first HEARTBEAT it sees after the writes as the start of the stream and skip the samples
  // before it (see StatefulWriter.greet). Its first ACKNACK says it knows us.
  if (qos.reliability?.kind === 'RELIABLE') {
    const reader = w.matchedReaders[0]!.guid;
    await until(
      () => w.hasHeardFrom(reader),
      15_000,
      () => `${peer.vendor} reader to acknowledge`,
    );
  }
  return w;
}

beforeAll(async () => {
  assertSandboxed('test/interop/ros2ts-vendor.test.ts');
  await Promise.all(VENDORS.map((v) => buildPeer(v)));
}, 600_000);

afterAll(() => killAllPeers());

describe.each(VENDORS)('ros2ts and %s', (vendor: Vendor) => {
  it('discover each other, and ros2ts → vendor carries 10,000 reliable samples in order', async () => {
    domain++;
    const peer = startPeer(
      vendor,
      peerArgs('sub', { topic: 'to_vendor', count: 10_000, size: 64, domain, timeoutMs: 30_000 }),
    );
    await peer.waitFor('ready', 20_000);
    const p = await participant();
    try {
      const w = await writerMatchedBy(p, peer, 'to_vendor', RELIABLE, { keepAll: true });
      expect(p.participants.length).toBe(1);
      expect(p.participants[0]!.vendorId).toBe(vendor === 'fastdds' ? 0x010f : 0x0110);
      // The builtin participant message (liveliness) endpoints matched, and the vendor took ours.
      await until(
        () => p.livelinessStatus.matchedReaders === 1 && p.livelinessStatus.unacknowledged === 0,
        5_000,
        () => `${vendor} to acknowledge our liveliness message (${JSON.stringify(p.livelinessStatus)})`,
      );
      for (let seq = 1; seq <= 10_000; seq++) {
        // Keep what is unacknowledged bounded, as a real publisher's history would.
        while (w.endpoint.unacknowledgedCount() >= 500) await new Promise((r) => setTimeout(r, 1));
        w.write(sample(seq, 64));
      }
      const summary = subSummary(await peer.result());
      expect(summary).toMatchObject({ received: 10_000, inOrder: true, duplicates: 0, badData: 0 });
    } finally {
      await p.close();
    }
  }, 60_000);

  it('vendor → ros2ts carries 10,000 reliable samples in order', async () => {
    domain++;
    const p = await participant();
    try {
      const seen: number[] = [];
      p.listeners.participantAdded = (q) => seen.push(q.vendorId);
      const got: { seq: number; good: boolean }[] = [];
      p.createReader({ topicName: 'from_vendor', typeName: PEER_TYPE_NAME, qos: RELIABLE }, (s) =>
        got.push(check(s.payload!)),
      );
      const peer = startPeer(
        vendor,
        peerArgs('pub', { topic: 'from_vendor', count: 10_000, size: 64, domain, waitForMatchMs: 15_000 }),
      );
      await until(
        () => got.length >= 10_000,
        30_000,
        () => `10,000 samples from ${vendor} (got ${got.length})`,
      );
      expect(seen).toEqual([vendor === 'fastdds' ? 0x010f : 0x0110]);
      expect(got.map((g) => g.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      expect(got.every((g) => g.good)).toBe(true);
      const result = await peer.result();
      expect(result.code).toBe(0);
      // It says goodbye on leaving, and we forget it at once.
      await until(
        () => p.participants.length === 0,
        5_000,
        () => `${vendor} to be removed`,
      );
    } finally {
      await p.close();
    }
  }, 60_000);

  it('carries a 4 MB sample each way (fragmented)', async () => {
    domain++;
    const size = 4 * 1024 * 1024;
    const peer = startPeer(
      vendor,
      peerArgs('sub', { topic: 'big_to_vendor', count: 2, size, domain, timeoutMs: 30_000 }),
    );
    await peer.waitFor('ready', 20_000);
    const p = await participant();
    try {
      const w = await writerMatchedBy(p, peer, 'big_to_vendor', RELIABLE, { keepAll: true });
      w.write(sample(1, size));
      w.write(sample(2, size));
      expect(subSummary(await peer.result())).toMatchObject({ received: 2, inOrder: true, badData: 0 });
      const got: { seq: number; good: boolean }[] = [];
      p.createReader({ topicName: 'big_from_vendor', typeName: PEER_TYPE_NAME, qos: RELIABLE }, (s) =>
        got.push(check(s.payload!)),
      );
      const pub = startPeer(
        vendor,
        peerArgs('pub', { topic: 'big_from_vendor', count: 2, size, domain, waitForMatchMs: 15_000 }),
      );
      await until(
        () => got.length >= 2,
        30_000,
        () => `2 large samples from ${vendor} (got ${got.length})`,
      );
      expect(got).toEqual([
        { seq: 1, good: true },
        { seq: 2, good: true },
      ]);
      await pub.result();
    } finally {
      await p.close();
    }
  }, 90_000);

  it('serves a late-joining TRANSIENT_LOCAL reader each way', async () => {
    domain++;
    const p = await participant();
    try {
      const w = p.createWriter(
        { topicName: 'latched_to_vendor', typeName: PEER_TYPE_NAME, qos: LATCHED },
        { depth: 10 },
      );
      for (let seq = 1; seq <= 10; seq++) w.write(sample(seq, 32));
      const sub = startPeer(
        vendor,
        peerArgs('sub', {
          topic: 'latched_to_vendor',
          count: 10,
          size: 32,
          domain,
          transientLocal: true,
          depth: 10,
          timeoutMs: 20_000,
        }),
      );
      expect(subSummary(await sub.result())).toMatchObject({ received: 10, inOrder: true, badData: 0 });

      const pub = startPeer(
        vendor,
        peerArgs('pub', {
          topic: 'latched_from_vendor',
          count: 10,
          size: 32,
          domain,
          transientLocal: true,
          depth: 10,
          lingerMs: 10_000,
          waitForMatchMs: 0,
        }),
      );
      await pub.waitFor('acked', 20_000);
      const got: number[] = [];
      p.createReader({ topicName: 'latched_from_vendor', typeName: PEER_TYPE_NAME, qos: LATCHED }, (s) =>
        got.push(check(s.payload!).seq),
      );
      await until(
        () => got.length >= 10,
        15_000,
        () => `10 retained samples from ${vendor} (got ${got.length})`,
      );
      expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      pub.kill();
    } finally {
      await p.close();
    }
  }, 90_000);

  it('best effort both ways: what arrives is in order and intact', async () => {
    domain++;
    const BEST_EFFORT = {
      reliability: { kind: 'BEST_EFFORT' as const, maxBlockingTime: durationFromMillis(0) },
    };
    const peer = startPeer(
      vendor,
      peerArgs('sub', {
        topic: 'be_to_vendor',
        count: 200,
        size: 64,
        domain,
        reliable: false,
        timeoutMs: 3_000,
        idleMs: 1_000,
      }),
    );
    await peer.waitFor('ready', 20_000);
    const p = await participant();
    try {
      const w = await writerMatchedBy(p, peer, 'be_to_vendor', BEST_EFFORT, { depth: 1 });
      for (let seq = 1; seq <= 200; seq++) {
        w.write(sample(seq, 64));
        if (seq % 20 === 0) await new Promise((r) => setTimeout(r, 2));
      }
      const sub = subSummary(await peer.result());
      expect(sub.received).toBeGreaterThan(150);
      expect(sub).toMatchObject({ inOrder: true, duplicates: 0, badData: 0 });

      const got: { seq: number; good: boolean }[] = [];
      p.createReader({ topicName: 'be_from_vendor', typeName: PEER_TYPE_NAME, qos: BEST_EFFORT }, (s) =>
        got.push(check(s.payload!)),
      );
      const pub = startPeer(
        vendor,
        peerArgs('pub', {
          topic: 'be_from_vendor',
          count: 200,
          size: 64,
          domain,
          reliable: false,
          depth: 1,
          intervalUs: 500,
          waitForMatchMs: 15_000,
        }),
      );
      await pub.result();
      await new Promise((r) => setTimeout(r, 100));
      expect(got.length).toBeGreaterThan(150);
      expect(got.every((g, i) => g.good && (i === 0 || g.seq > got[i - 1]!.seq))).toBe(true);
    } finally {
      await p.close();
    }
  }, 60_000);

  it('removes a peer killed with SIGKILL when its lease ends', async () => {
    domain++;
    const p = await participant();
    try {
      const removed: string[] = [];
      p.listeners.participantRemoved = (_prefix, why) => removed.push(why);
      const peer = startPeer(
        vendor,
        peerArgs('sub', { topic: 'doomed', count: 1, size: 8, domain, timeoutMs: 60_000 }),
      );
      await until(
        () => p.participants.length === 1,
        15_000,
        () => `${vendor} to be discovered`,
      );
      const lease = p.participants[0]!.data.leaseDuration;
      peer.kill('SIGKILL');
      const killedAt = Date.now();
      await until(
        () => removed.length > 0,
        30_000,
        () => `${vendor} to be removed`,
      );
      expect(removed).toEqual(['lease expired']);
      // Fast DDS announces a 20 s lease, Cyclone 10 s: removal comes when it ends, not before.
      const leaseMs = lease ? lease.seconds * 1000 : 0;
      expect(Date.now() - killedAt).toBeGreaterThan(leaseMs - 3_500);
    } finally {
      await p.close();
    }
  }, 60_000);
});
