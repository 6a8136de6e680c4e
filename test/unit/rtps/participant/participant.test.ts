/**
 * Two and three participants on the in-memory bus with simulated time: SPDP, SEDP, matching by
 * topic, type and QoS, user data both ways, QoS and type mismatches reported, and participants
 * leaving by goodbye and by lease expiry.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import type { IncompatibleTypeStatus } from '../../../../src/rtps/participant/endpoint-status.js';
import { type IncompatibleQosEvent, RtpsParticipant } from '../../../../src/rtps/participant/participant.js';
import type { SedpAgent } from '../../../../src/rtps/participant/sedp.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';
import { prefixKey } from '../../../../src/rtps/wire/types.js';

async function world(n: number) {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  const ps: RtpsParticipant[] = [];
  for (let i = 0; i < n; i++) {
    const address = `10.0.0.${i + 1}`;
    ps.push(
      await RtpsParticipant.create({
        transport: bus.transport(address),
        clock,
        announceAddresses: [address],
        discovery: { domainId: 0, range: 'subnet', staticPeers: [] },
      }),
    );
  }
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t++) {
      clock.advance(1);
      await Promise.resolve();
    }
  };
  return { clock, ps, run };
}

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const payload = (n: number) => new Uint8Array([0, 1, 0, 0, n & 0xff, n >> 8, 0, 0]);

describe('RtpsParticipant', () => {
  it('discovers the others through SPDP multicast', async () => {
    const { ps, run } = await world(3);
    await run(500);
    for (const p of ps) {
      expect(p.participants.map((q) => prefixKey(q.data.guid.prefix)).sort()).toEqual(
        ps
          .filter((q) => q !== p)
          .map((q) => prefixKey(q.guidPrefix))
          .sort(),
      );
      // Each one's liveliness message reached the two others, acknowledged.
      expect(p.livelinessStatus).toEqual({ matchedReaders: 2, unacknowledged: 0 });
    }
    await Promise.all(ps.map((p) => p.close()));
  });

  it('matches a writer and a reader by topic and type and delivers reliably, in order', async () => {
    const { ps, run } = await world(2);
    const [a, b] = ps as [RtpsParticipant, RtpsParticipant];
    const got: number[] = [];
    b.createReader(
      { topicName: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE },
      (s) => got.push(s.payload![4]!),
    );
    const w = a.createWriter(
      { topicName: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE },
      { depth: 100 },
    );
    b.createReader({ topicName: 'rt/other', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE }, () =>
      got.push(-1),
    );
    await run(500);
    expect(w.matchedReaders.length).toBe(1);
    for (let i = 1; i <= 50; i++) w.write(payload(i));
    await run(200);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(a.remoteReaders.map((r) => r.data.topicName).sort()).toEqual(['rt/chatter', 'rt/other']);
    await Promise.all(ps.map((p) => p.close()));
  });

  it('gives a late-joining TRANSIENT_LOCAL reader what the writer kept', async () => {
    const { ps, run } = await world(2);
    const [a, b] = ps as [RtpsParticipant, RtpsParticipant];
    const qos = { ...RELIABLE, durability: 'TRANSIENT_LOCAL' as const };
    const w = a.createWriter({ topicName: 'rt/latched', typeName: 'T', qos }, { depth: 3 });
    for (let i = 1; i <= 5; i++) w.write(payload(i));
    await run(300);
    const got: number[] = [];
    b.createReader({ topicName: 'rt/latched', typeName: 'T', qos }, (s) => got.push(s.payload![4]!));
    await run(500);
    expect(got).toEqual([3, 4, 5]);
    await Promise.all(ps.map((p) => p.close()));
  });

  it('reports a QoS mismatch with the policy at fault, and does not match', async () => {
    const { ps, run } = await world(2);
    const [a, b] = ps as [RtpsParticipant, RtpsParticipant];
    const events: IncompatibleQosEvent[] = [];
    b.listeners.incompatibleQos = (e) => events.push(e);
    a.createWriter({
      topicName: 'rt/x',
      typeName: 'T',
      qos: { reliability: { kind: 'BEST_EFFORT', maxBlockingTime: durationFromMillis(0) } },
    });
    const r = b.createReader({ topicName: 'rt/x', typeName: 'T', qos: RELIABLE }, () => {});
    await run(500);
    expect(r.matchedWriters.length).toBe(0);
    expect(events).toMatchObject([
      { topicName: 'rt/x', policy: 'RELIABILITY', offered: 'BEST_EFFORT', requested: 'RELIABLE' },
    ]);
    await Promise.all(ps.map((p) => p.close()));
  });

  it('counts an endpoint of another type on the topic for each of ours, once, never matched', async () => {
    const { ps, run } = await world(2);
    const [a, b] = ps as [RtpsParticipant, RtpsParticipant];
    const seen: string[] = [];
    const heard = (who: string) => ({
      incompatibleType: (s: IncompatibleTypeStatus) =>
        seen.push(`${who} ${s.totalCount}/${s.totalCountChange} ${s.lastTypeName}`),
    });
    const r = b.createReader({ topicName: 'rt/x', typeName: 'T', qos: RELIABLE }, () => {}, heard('reader'));
    b.createReader({ topicName: 'rt/x', typeName: 'T', qos: RELIABLE }, () => {}, heard('twin'));
    b.createReader({ topicName: 'rt/y', typeName: 'T' }, () => {}, heard('elsewhere'));
    const w = a.createWriter({ topicName: 'rt/x', typeName: 'U', qos: RELIABLE }, {}, heard('writer'));
    await run(500);
    expect(r.matchedWriters.length).toBe(0);
    expect(w.matchedReaders.length).toBe(0);
    expect(seen.sort()).toEqual([
      'reader 1/1 U',
      'twin 1/1 U',
      // Each reader of b is one endpoint found by the writer.
      'writer 1/1 T',
      'writer 2/1 T',
    ]);

    // The writer announced again (a new SEDP sample of the same endpoint) is not found anew.
    seen.length = 0;
    const again: string[] = [];
    b.listeners.endpointAdded = (e) => again.push(e.data.typeName);
    const sedp = (a as unknown as { sedp: SedpAgent }).sedp;
    sedp.announce('writer', b.remoteWriters.find((e) => e.data.topicName === 'rt/x')!.data);
    await run(500);
    expect(again).toEqual(['U']);
    expect(seen).toEqual([]);

    // A writer of the reader's type is no such endpoint, and matches.
    const same = a.createWriter({ topicName: 'rt/x', typeName: 'T', qos: RELIABLE }, {}, heard('same'));
    await run(500);
    expect(r.matchedWriters.length).toBe(1);
    expect(same.matchedReaders.length).toBe(2);
    // The first writer's topic holds a writer of another type: that one counts it (DDS INCONSISTENT_TOPIC).
    expect(seen.sort()).toEqual(['same 1/1 U', 'writer 3/1 T']);
    await Promise.all(ps.map((p) => p.close()));
  });

  it('forgets a participant that says goodbye at once, and one that goes silent when its lease ends', async () => {
    const { ps, run } = await world(3);
    const [a, b, c] = ps as [RtpsParticipant, RtpsParticipant, RtpsParticipant];
    const removed: string[] = [];
    a.listeners.participantRemoved = (prefix, why) =>
      removed.push(`${prefixKey(prefix) === prefixKey(b.guidPrefix) ? 'b' : 'c'} ${why}`);
    b.createWriter({ topicName: 'rt/y', typeName: 'T' });
    await run(500);
    expect(a.remoteWriters.length).toBe(1);
    await b.close();
    await run(10);
    expect(removed).toEqual(['b goodbye']);
    expect(a.remoteWriters.length).toBe(0);
    // c stops talking without a goodbye: its lease (20 s) runs out.
    await c.close({ goodbye: false });
    await run(19_000);
    expect(removed).toEqual(['b goodbye']);
    await run(2_000);
    expect(removed).toEqual(['b goodbye', 'c lease expired']);
    await a.close();
  });
});
