/**
 * Issue 13's forged control submessages against whole participants on the in-memory bus: a
 * third party sends, in a matched writer's name, an invalid HEARTBEAT (firstSN far above lastSN),
 * a valid one claiming 2^40 with a count of 2^31 - 1, and a GAP declaring everything irrelevant.
 * The reader must go on receiving every sample the real writer sends, in order, and count the
 * invalid one.
 */
import { describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import { rtpsPorts } from '../../../../src/rtps/transport/ports.js';
import { encodeMessage } from '../../../../src/rtps/wire/message.js';
import { makeSet } from '../../../../src/rtps/wire/number-sets.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const TOPIC = { topicName: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE };
const HUGE = 2 ** 40;

describe("forged control submessages in a matched writer's name", () => {
  it('leave the reader receiving every real sample, in order', async () => {
    const { bus, run, participant } = simulatedBus();
    const [a, b] = await Promise.all([participant('10.0.0.1'), participant('10.0.0.2')]);
    const got: number[] = [];
    const reader = b.createReader(TOPIC, (s) => got.push(s.payload![4]!));
    const writer = a.createWriter(TOPIC, { depth: 100 });
    await run(500);
    expect(writer.matchedReaders.length).toBe(1);
    const forger = bus.transport('10.0.0.9');
    const forge = (sub: Submessage) =>
      forger.send(
        encodeMessage({
          header: { version: [2, 3], vendorId: [1, 15], guidPrefix: a.guidPrefix },
          submessages: [sub],
        }),
        { address: '10.0.0.2', port: rtpsPorts(0, 0).userUnicast },
      );
    const ids = { readerId: reader.guid.entityId, writerId: writer.guid.entityId };
    const sample = (n: number) => new Uint8Array([0, 1, 0, 0, n, 0, 0, 0]);
    for (let n = 1; n <= 30; n++) {
      writer.write(sample(n));
      await run(20);
      if (n === 5)
        forge({ kind: 'HEARTBEAT', flags: 1, ...ids, firstSN: HUGE, lastSN: 3, count: 2 ** 31 - 1 });
      if (n === 10)
        forge({ kind: 'HEARTBEAT', flags: 1, ...ids, firstSN: HUGE, lastSN: HUGE, count: 2 ** 31 - 1 });
      if (n === 20) forge({ kind: 'GAP', flags: 1, ...ids, gapStart: 1, gapList: makeSet(HUGE, []) });
    }
    await run(1_000);
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(b.drops.counts.get('invalid-sequence-numbers')).toBe(1);
    // Charged to the forger's address, not to the writer whose name it used.
    expect(b.drops.sources('invalid-sequence-numbers').map(([s]) => s.split(':')[0])).toEqual(['10.0.0.9']);
    await Promise.all([a.close(), b.close(), forger.close()]);
  });
});
