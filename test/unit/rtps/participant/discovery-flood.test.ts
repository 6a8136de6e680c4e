/**
 * Discovery floods of issue 13 on the in-memory bus, in simulated time: 30,000 SPDP
 * announcements with random GUID prefixes (some with infinite leases) at 2,000 a second, and
 * announcements carrying 500 locators each. A reliable talker/listener pair between two real
 * participants must go on delivering every sample; what is known stays bounded, the refusals are
 * counted, and the fakes are gone once their (capped) leases end.
 */
import { describe, expect, it } from 'vitest';
import {
  BuiltinEndpoint,
  DURATION_INFINITE,
  durationFromMillis,
  encodeParticipantData,
} from '../../../../src/rtps/discovery-data/index.js';
import { PROTOCOL_VERSION } from '../../../../src/rtps/identity.js';
import { rtpsPorts, SPDP_MULTICAST_GROUP } from '../../../../src/rtps/transport/ports.js';
import { mulberry32 } from '../../../../src/rtps/transport/prng.js';
import { encodeMessage } from '../../../../src/rtps/wire/message.js';
import {
  ENTITYID_PARTICIPANT,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  udpv4Locator,
} from '../../../../src/rtps/wire/types.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const TOPIC = { topicName: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE };
const LIMITS = {
  maxParticipants: 500,
  newParticipantsPerSecond: 100,
  maxLocatorsPerKind: 4,
  maxLeaseMs: 60_000,
};

async function world() {
  const { bus, run, participant } = simulatedBus();
  const [a, b] = await Promise.all(
    ['10.0.0.1', '10.0.0.2'].map((address) => participant(address, { discoveryLimits: LIMITS })),
  );
  const forger = bus.transport('10.0.0.9');
  const random = mulberry32(7);
  const announce = (opts: { infinite?: boolean; locators?: number }) => {
    const prefix = new Uint8Array(12);
    for (let i = 0; i < 12; i++) prefix[i] = Math.floor(random() * 256);
    const locators = Array.from({ length: opts.locators ?? 1 }, (_, i) =>
      udpv4Locator(`10.1.${(i >> 8) & 0xff}.${i & 0xff}`, 7410 + (i % 50)),
    );
    forger.send(
      encodeMessage({
        header: { version: PROTOCOL_VERSION, vendorId: [1, 15], guidPrefix: prefix },
        submessages: [
          {
            kind: 'DATA',
            flags: 0x05,
            extraFlags: 0,
            readerId: ENTITYID_SPDP_READER,
            writerId: ENTITYID_SPDP_WRITER,
            writerSN: 1,
            payload: encodeParticipantData({
              guid: { prefix, entityId: ENTITYID_PARTICIPANT },
              protocolVersion: PROTOCOL_VERSION,
              vendorId: [1, 15],
              builtinEndpointSet:
                BuiltinEndpoint.PARTICIPANT_ANNOUNCER | BuiltinEndpoint.PUBLICATIONS_DETECTOR,
              leaseDuration: opts.infinite ? DURATION_INFINITE : durationFromMillis(20_000),
              metatrafficUnicastLocators: locators,
              defaultUnicastLocators: locators,
            }),
          },
        ],
      }),
      { address: SPDP_MULTICAST_GROUP, port: rtpsPorts(0, 0).metatrafficMulticast },
    );
  };
  return { bus, a: a!, b: b!, run, announce, forger };
}

describe('discovery under a flood', () => {
  it('30,000 random participants at 2,000/s: the real pair keeps every sample, the table stays bounded, the fakes leave', async () => {
    const { a, b, run, announce, forger } = await world();
    const got: number[] = [];
    b.createReader(TOPIC, (s) => got.push(s.payload![4]! | (s.payload![5]! << 8)));
    const w = a.createWriter(TOPIC, { depth: 1000 });
    await run(500);
    expect(w.matchedReaders.length).toBe(1);
    let n = 0;
    // 15 s of flood: two announcements a millisecond (every 10th with an infinite lease), and a
    // sample from the talker every 100 ms.
    await run(15_000, (t) => {
      announce({ infinite: t % 5 === 0 });
      announce({});
      if (t % 100 === 0) {
        n++;
        w.write(new Uint8Array([0, 1, 0, 0, n & 0xff, n >> 8, 0, 0]));
      }
    });
    const known = a.participants.length;
    expect(known).toBeLessThanOrEqual(LIMITS.maxParticipants);
    expect(a.participants.some((p) => p.data.guid.prefix.every((x, i) => x === b.guidPrefix[i]))).toBe(true);
    expect(
      (a.drops.counts.get('new-participant-rate') ?? 0) + (a.drops.counts.get('participant-limit') ?? 0),
    ).toBe(30_000 - (known - 1));
    await run(1_000);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // 20 s leases end 20 s after the last renewal; infinite ones at the 60 s cap.
    await run(21_000);
    expect(a.participants.length).toBeLessThan(known);
    await run(40_000);
    expect(a.participants.map((p) => p.data.guid.prefix.join())).toEqual([b.guidPrefix.join()]);
    expect(w.matchedReaders.length).toBe(1);
    await Promise.all([a.close(), b.close(), forger.close()]);
  }, 120_000);

  it('announcements of 500 locators each: at most the cap is kept, so what we send stays bounded', async () => {
    const { bus, a, b, run, announce, forger } = await world();
    await run(500);
    expect(a.participants.length).toBe(1);
    // Datagrams to the fakes' (nonexistent) addresses are what the bus cannot deliver.
    const before = bus.stats.undeliverable;
    for (let i = 0; i < 100; i++) announce({ locators: 500 });
    await run(100);
    expect(a.participants.length).toBe(101);
    // Each fake is told of us, and its SEDP endpoints hear from ours, at its 4 locators: not 500.
    expect(bus.stats.undeliverable - before).toBeLessThan(2 * 100 * 4 * 10);
    for (const p of a.participants) {
      expect(p.metatraffic.length).toBeLessThanOrEqual(LIMITS.maxLocatorsPerKind);
      expect(p.defaultUnicast.length).toBeLessThanOrEqual(LIMITS.maxLocatorsPerKind);
    }
    expect(a.drops.counts.get('locator-limit')).toBe(100 * 2 * (500 - LIMITS.maxLocatorsPerKind));
    await Promise.all([a.close(), b.close(), forger.close()]);
  });
});
