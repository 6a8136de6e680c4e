/**
 * The bound on endpoints per remote participant (issue 13), on the in-memory bus in simulated
 * time: one participant floods SEDP with thousands of well-formed endpoints. We keep at most the
 * bound from it, count the rest as 'endpoint-limit' drops, keep matching and delivering for
 * another participant (the bound is per participant), and free everything when it leaves. Made-up
 * types on our topic (incompatible type) cost no more than the endpoints kept.
 */
import { describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import { DEFAULT_DISCOVERY_LIMITS } from '../../../../src/rtps/participant/discovery-limits.js';
import type { RtpsParticipant } from '../../../../src/rtps/participant/participant.js';
import { prefixKey } from '../../../../src/rtps/wire/types.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const TYPE = 'std_msgs::msg::dds_::String_';
const LIMIT = 100;

const endpointsOf = (p: RtpsParticipant, of: RtpsParticipant) =>
  [...p.remoteWriters, ...p.remoteReaders].filter(
    (e) => prefixKey(e.participant.data.guid.prefix) === prefixKey(of.guidPrefix),
  ).length;

describe('endpoints per remote participant', () => {
  it('defaults to 4,096', () => {
    expect(DEFAULT_DISCOVERY_LIMITS.maxEndpointsPerParticipant).toBe(4_096);
  });

  it('a participant announcing 2,000 endpoints: we keep the bound, count the rest, and still serve the others', async () => {
    const { run, participant } = simulatedBus();
    const us = await participant('10.0.0.1', { discoveryLimits: { maxEndpointsPerParticipant: LIMIT } });
    const flooder = await participant('10.0.0.2');
    const peer = await participant('10.0.0.3');
    const received: number[] = [];
    us.createReader({ topicName: 'rt/chatter', typeName: TYPE, qos: RELIABLE }, (s) => {
      received.push(s.payload?.[4] ?? -1);
    });
    for (let i = 0; i < 1_000; i++) {
      flooder.createWriter({ topicName: `rt/flood_${i}`, typeName: TYPE, qos: RELIABLE });
      flooder.createReader({ topicName: `rt/flood_${i}`, typeName: TYPE, qos: RELIABLE }, () => {});
    }
    const talker = peer.createWriter({ topicName: 'rt/chatter', typeName: TYPE, qos: RELIABLE });
    await run(3_000);

    expect(endpointsOf(us, flooder)).toBe(LIMIT);
    expect(us.drops.counts.get('endpoint-limit')).toBe(2_000 - LIMIT);
    // The same flood reaches the peer, whose bound is the default: it keeps all of it.
    expect(endpointsOf(peer, flooder)).toBe(2_000);
    expect(peer.drops.counts.get('endpoint-limit')).toBeUndefined();

    // The bound is per participant: the peer's writer is known and matched, and delivers.
    expect(endpointsOf(us, peer)).toBe(1);
    for (let i = 1; i <= 5; i++) talker.write(new Uint8Array([0, 1, 0, 0, i]));
    await run(500);
    expect(received).toEqual([1, 2, 3, 4, 5]);

    // A flooder's endpoint past the bound on a topic we read is refused like the others.
    flooder.createWriter({ topicName: 'rt/chatter', typeName: TYPE, qos: RELIABLE });
    await run(500);
    expect(us.remoteWriters.filter((e) => e.data.topicName === 'rt/chatter')).toHaveLength(1);
    expect(us.drops.counts.get('endpoint-limit')).toBe(2_001 - LIMIT);

    // When it leaves, what we kept of it goes with it.
    await flooder.close();
    await run(500);
    expect(endpointsOf(us, flooder)).toBe(0);
    expect(us.remoteWriters).toHaveLength(1);
    await Promise.all([us.close(), peer.close()]);
  });

  it('room made by withdrawn endpoints is taken by new ones', async () => {
    const { run, participant } = simulatedBus();
    const us = await participant('10.0.0.1', { discoveryLimits: { maxEndpointsPerParticipant: 3 } });
    const other = await participant('10.0.0.2');
    const writers = [0, 1, 2, 3].map((i) =>
      other.createWriter({ topicName: `rt/t${i}`, typeName: TYPE, qos: RELIABLE }),
    );
    await run(1_000);
    expect(us.remoteWriters.map((e) => e.data.topicName).sort()).toEqual(['rt/t0', 'rt/t1', 'rt/t2']);
    expect(us.drops.counts.get('endpoint-limit')).toBe(1);
    writers[0]!.close();
    other.createWriter({ topicName: 'rt/t4', typeName: TYPE, qos: RELIABLE });
    await run(1_000);
    expect(us.remoteWriters.map((e) => e.data.topicName).sort()).toEqual(['rt/t1', 'rt/t2', 'rt/t4']);
    await Promise.all([us.close(), other.close()]);
  });

  it('endpoints of made-up types on our topic: each one kept is counted once, the refused ones not at all', async () => {
    const { run, participant } = simulatedBus();
    const us = await participant('10.0.0.1', { discoveryLimits: { maxEndpointsPerParticipant: LIMIT } });
    const flooder = await participant('10.0.0.2');
    const counts: number[] = [];
    us.createReader({ topicName: 'rt/chatter', typeName: TYPE, qos: RELIABLE }, () => {}, {
      incompatibleType: (s) => counts.push(s.totalCount),
    });
    for (let i = 0; i < 300; i++) {
      flooder.createWriter({ topicName: 'rt/chatter', typeName: `Fake${i}`, qos: RELIABLE });
    }
    await run(3_000);
    expect(us.drops.counts.get('endpoint-limit')).toBe(300 - LIMIT);
    expect(counts).toEqual(Array.from({ length: LIMIT }, (_, i) => i + 1));

    // Gone, the total stays; another participant's endpoints are new ones, again up to the bound.
    await flooder.close();
    await run(500);
    const again = await participant('10.0.0.2');
    for (let i = 0; i < 300; i++) again.createWriter({ topicName: 'rt/chatter', typeName: `Fake${i}` });
    await run(3_000);
    expect(counts).toHaveLength(2 * LIMIT);
    expect(counts.at(-1)).toBe(2 * LIMIT);
    await Promise.all([us.close(), again.close()]);
  });
});
