/**
 * Endpoint statuses of the RTPS layer (the QoS events of the node API) against Debian 12's Fast
 * DDS 2.9.1 and Cyclone DDS 0.10.2 peers (test/interop/*-peer.*), inside the loopback-only
 * namespace:
 *
 *   scripts/netns-run npx vitest run test/interop/qos-events.test.ts
 *
 * For each vendor: a BEST_EFFORT vendor publisher is reported to our RELIABLE reader as
 * incompatible (RELIABILITY) and never matched, and the other way round for our writer; a
 * vendor publisher that comes, publishes and leaves is counted as matched and alive, then as
 * neither (removed normally: alive_count drops, not_alive_count does not rise); a vendor
 * publisher offering a deadline misses none while it publishes and one each period once it
 * stops; a MANUAL_BY_TOPIC vendor publisher stays alive while it writes or asserts its liveliness
 * (HEARTBEATs with the LIVELINESS flag) and turns not alive when it is silent past its lease; and
 * the same of our MANUAL_BY_TOPIC writer, as the vendor's reader reports it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../src/rtps/discovery-data/duration.js';
import type { QosPolicies } from '../../src/rtps/discovery-data/qos.js';
import type {
  IncompatibleQosStatus,
  LivelinessChangedStatus,
  MatchedStatus,
} from '../../src/rtps/participant/endpoint-status.js';
import { RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';
import { BEST_EFFORT, peerSample, RELIABLE } from './peer-samples.js';
import {
  buildPeer,
  killAllPeers,
  PEER_TYPE_NAME,
  type PeerLine,
  peerArgs,
  startPeer,
  VENDORS,
  type Vendor,
} from './peers.js';

/** Sample `seq` of the peers' pattern (8 bytes). */
const sample = (seq: number) => peerSample(seq, 8);

let domain = 60;
async function participant(): Promise<RtpsParticipant> {
  return RtpsParticipant.create({ discovery: { domainId: domain, range: 'localhost', staticPeers: [] } });
}

beforeAll(async () => {
  assertSandboxed('test/interop/qos-events.test.ts');
  await Promise.all(VENDORS.map((v) => buildPeer(v)));
}, 600_000);

afterAll(() => killAllPeers());

describe.each(VENDORS)('QoS events with %s', (vendor: Vendor) => {
  it('report a vendor endpoint of incompatible reliability to our reader and to our writer', async () => {
    domain++;
    const p = await participant();
    const publisher = startPeer(
      vendor,
      peerArgs('pub', {
        topic: 'sloppy',
        count: 1,
        size: 8,
        reliable: false,
        domain,
        waitForMatchMs: 60_000,
      }),
    );
    const subscriber = startPeer(
      vendor,
      peerArgs('sub', { topic: 'strict', count: 1, size: 8, reliable: true, domain, timeoutMs: 60_000 }),
    );
    try {
      const requested: IncompatibleQosStatus[] = [];
      const offered: IncompatibleQosStatus[] = [];
      const matched: MatchedStatus[] = [];
      const reader = p.createReader(
        { topicName: 'sloppy', typeName: PEER_TYPE_NAME, qos: RELIABLE },
        () => {},
        {
          incompatibleQos: (s) => requested.push(s),
          matched: (s) => matched.push(s),
        },
      );
      const writer = p.createWriter(
        { topicName: 'strict', typeName: PEER_TYPE_NAME, qos: BEST_EFFORT },
        {},
        {
          incompatibleQos: (s) => offered.push(s),
          matched: (s) => matched.push(s),
        },
      );
      await until(
        () => requested.length > 0 && offered.length > 0,
        15_000,
        () => `the ${vendor} endpoints to be found incompatible (${requested.length}, ${offered.length})`,
      );
      // One more SPDP round: a repeated announcement is not a new incompatible endpoint.
      await new Promise((r) => setTimeout(r, 3_500));
      expect(requested).toEqual([
        {
          totalCount: 1,
          totalCountChange: 1,
          lastPolicy: 'RELIABILITY',
          offered: 'BEST_EFFORT',
          requested: 'RELIABLE',
        },
      ]);
      expect(offered).toEqual([
        {
          totalCount: 1,
          totalCountChange: 1,
          lastPolicy: 'RELIABILITY',
          offered: 'BEST_EFFORT',
          requested: 'RELIABLE',
        },
      ]);
      expect(matched).toEqual([]);
      expect(reader.matchedWriters).toHaveLength(0);
      expect(writer.matchedReaders).toHaveLength(0);
    } finally {
      publisher.kill();
      subscriber.kill();
      await p.close();
    }
  }, 60_000);

  it('count a vendor publisher as matched and alive while it is there, and neither once it left', async () => {
    domain++;
    const p = await participant();
    try {
      const matched: MatchedStatus[] = [];
      const liveliness: LivelinessChangedStatus[] = [];
      let received = 0;
      p.createReader(
        { topicName: 'visitor', typeName: PEER_TYPE_NAME, qos: RELIABLE },
        () => {
          received++;
        },
        { matched: (s) => matched.push(s), livelinessChanged: (s) => liveliness.push(s) },
      );
      const peer = startPeer(
        vendor,
        peerArgs('pub', {
          topic: 'visitor',
          count: 20,
          size: 8,
          domain,
          waitForMatchMs: 15_000,
          awaitGo: true,
        }),
      );
      await peer.waitFor('matched', 15_000);
      await until(() => matched.length > 0, 15_000, `our reader to match the ${vendor} writer`);
      peer.go();
      const result = await peer.result();
      expect(result.code).toBe(0);
      await until(() => matched.at(-1)?.currentCount === 0, 15_000, `the ${vendor} writer to be gone`);
      expect(received).toBe(20);
      expect(matched).toEqual([
        { totalCount: 1, totalCountChange: 1, currentCount: 1, currentCountChange: 1 },
        { totalCount: 1, totalCountChange: 0, currentCount: 0, currentCountChange: -1 },
      ]);
      expect(liveliness).toEqual([
        { aliveCount: 1, notAliveCount: 0, aliveCountChange: 1, notAliveCountChange: 0 },
        { aliveCount: 0, notAliveCount: 0, aliveCountChange: -1, notAliveCountChange: 0 },
      ]);
    } finally {
      await p.close();
    }
  }, 60_000);
  it('count the deadlines a vendor publisher misses once it stops, not while it publishes', async () => {
    domain++;
    const p = await participant();
    try {
      const missed: number[] = [];
      let received = 0;
      let lastSampleAt = 0;
      p.createReader(
        {
          topicName: 'beat',
          typeName: PEER_TYPE_NAME,
          qos: { ...RELIABLE, deadline: durationFromMillis(300) },
        },
        () => {
          received++;
          lastSampleAt = Date.now();
        },
        { deadlineMissed: () => missed.push(Date.now() - lastSampleAt) },
      );
      // Offered 200 ms, at least what we request (300 ms): they match.
      const peer = startPeer(
        vendor,
        peerArgs('pub', {
          topic: 'beat',
          count: 20,
          size: 8,
          domain,
          waitForMatchMs: 15_000,
          awaitGo: true,
          intervalUs: 50_000,
          deadlineMs: 200,
          lingerMs: 1_100,
        }),
      );
      await peer.waitFor('matched', 15_000);
      peer.go();
      await peer.waitFor('published', 15_000);
      expect(received).toBe(20);
      expect(missed).toEqual([]);
      await until(
        () => missed.length >= 3,
        5_000,
        `three missed deadlines after the ${vendor} writer stopped`,
      );
      // Each a period after the last sample, then a period after the last miss.
      expect(missed[0]).toBeGreaterThanOrEqual(290);
      expect(missed[0]).toBeLessThan(600);
      expect(missed[2]! - missed[0]!).toBeGreaterThanOrEqual(580);
      await peer.result();
    } finally {
      await p.close();
    }
  }, 60_000);

  it("follow a vendor's MANUAL_BY_TOPIC publisher: alive while it writes or asserts, not alive when it stops", async () => {
    domain++;
    const p = await participant();
    try {
      const liveliness: LivelinessChangedStatus[] = [];
      p.createReader({ topicName: 'manual', typeName: PEER_TYPE_NAME, qos: RELIABLE }, () => {}, {
        livelinessChanged: (s) => liveliness.push(s),
      });
      const peer = startPeer(
        vendor,
        peerArgs('pub', {
          topic: 'manual',
          count: 10,
          size: 8,
          domain,
          waitForMatchMs: 15_000,
          awaitGo: true,
          intervalUs: 50_000,
          manualLivelinessMs: 300,
          assertForMs: 1_500,
          lingerMs: 1_500,
        }),
      );
      await peer.waitFor('matched', 15_000);
      peer.go();
      // Publishing (0.5 s), then asserting without data (1.5 s, five leases): alive throughout.
      await peer.waitFor('asserted', 15_000);
      expect(liveliness).toEqual([
        { aliveCount: 1, notAliveCount: 0, aliveCountChange: 1, notAliveCountChange: 0 },
      ]);
      // Silent for the linger (five leases): not alive, then gone when it leaves.
      await until(() => liveliness.length >= 3, 10_000, `the ${vendor} writer to lapse and leave`);
      expect(liveliness.slice(1)).toEqual([
        { aliveCount: 0, notAliveCount: 1, aliveCountChange: -1, notAliveCountChange: 1 },
        { aliveCount: 0, notAliveCount: 0, aliveCountChange: 0, notAliveCountChange: -1 },
      ]);
      await peer.result();
    } finally {
      await p.close();
    }
  }, 60_000);
  it('keep our MANUAL_BY_TOPIC writer alive for a vendor reader with assertLiveliness, and let it lapse', async () => {
    domain++;
    const peer = startPeer(
      vendor,
      peerArgs('sub', {
        topic: 'asserting',
        count: 2,
        size: 8,
        domain,
        timeoutMs: 30_000,
        manualLivelinessMs: 400,
      }),
    );
    await peer.waitFor('ready', 20_000);
    const p = await participant();
    const qos: QosPolicies = {
      ...RELIABLE,
      liveliness: { kind: 'MANUAL_BY_TOPIC', leaseDuration: durationFromMillis(400) },
    };
    try {
      const w = p.createWriter({ topicName: 'asserting', typeName: PEER_TYPE_NAME, qos }, { depth: 10 });
      await until(() => w.matchedReaders.length === 1, 15_000, `the ${vendor} reader to match`);
      await peer.waitFor('matched', 15_000);
      const reader = w.matchedReaders[0]!.guid;
      await until(() => w.hasHeardFrom(reader), 15_000, `the ${vendor} reader to acknowledge`);
      w.write(sample(1));
      // Five leases without data: only HEARTBEATs with the LIVELINESS flag keep it alive.
      for (let t = 0; t < 2_000; t += 100) {
        w.assertLiveliness();
        await new Promise((r) => setTimeout(r, 100));
      }
      const alive = (l: PeerLine) => l.alive === 1 && l.notAlive === 0;
      await peer.waitFor('liveliness', 1_000, alive);
      expect(peer.events('liveliness').filter((l) => l.notAlive !== 0)).toEqual([]);
      // Silent: the vendor's reader turns it not alive, and alive again at the next sample.
      await peer.waitFor('liveliness', 5_000, (l) => l.alive === 0 && l.notAlive === 1);
      const lapsed = peer.events('liveliness').length;
      w.write(sample(2));
      await until(() => peer.events('liveliness').slice(lapsed).some(alive), 5_000, 'alive again');
      expect((await peer.result()).code).toBe(0);
    } finally {
      peer.kill();
      await p.close();
    }
  }, 60_000);
});
