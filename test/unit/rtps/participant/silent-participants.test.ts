/**
 * Who our SEDP announces to (issue 13: every made-up participant of a flood got our whole SEDP
 * history and a HEARTBEAT every period, forever): a ROS participant (USER_DATA `enclave=`) at once;
 * any other only once it sends us something beyond SPDP, as every DDS implementation does on
 * discovering us. On the in-memory bus in simulated time, with a hand-made participant whose
 * metatraffic port we watch.
 */
import { describe, expect, it } from 'vitest';
import {
  BuiltinEndpoint,
  durationFromMillis,
  encodeParticipantData,
} from '../../../../src/rtps/discovery-data/index.js';
import { PROTOCOL_VERSION } from '../../../../src/rtps/identity.js';
import { rtpsPorts, SPDP_MULTICAST_GROUP } from '../../../../src/rtps/transport/ports.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { encodeMessage, parseMessage } from '../../../../src/rtps/wire/message.js';
import { makeSet } from '../../../../src/rtps/wire/number-sets.js';
import { FLAG_ENDIANNESS } from '../../../../src/rtps/wire/submessage.js';
import {
  ENTITYID_PARTICIPANT,
  ENTITYID_SEDP_PUBLICATIONS_READER,
  ENTITYID_SEDP_PUBLICATIONS_WRITER,
  ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  udpv4Locator,
} from '../../../../src/rtps/wire/types.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const FAKE_ADDRESS = '10.0.0.9';
const FAKE_PORT = 7410;
const SEDP_WRITERS = new Set([ENTITYID_SEDP_PUBLICATIONS_WRITER, ENTITYID_SEDP_SUBSCRIPTIONS_WRITER]);

async function world(userData?: Uint8Array) {
  const { bus, run, participant } = simulatedBus();
  const us = await participant('10.0.0.1');
  us.createWriter({ topicName: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: RELIABLE });
  const fake = bus.transport(FAKE_ADDRESS);
  const prefix = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
  const header = { version: PROTOCOL_VERSION, vendorId: [1, 15] as const, guidPrefix: prefix };
  // What reaches the fake's metatraffic port from our SEDP writers, by submessage kind.
  const fromSedp = { DATA: 0, HEARTBEAT: 0 };
  const channel = await fake.openUnicast(FAKE_PORT);
  channel.onDatagram((data) => {
    for (const s of parseMessage(data, new DropCounter())?.submessages ?? []) {
      if ((s.kind === 'DATA' || s.kind === 'HEARTBEAT') && SEDP_WRITERS.has(s.writerId)) fromSedp[s.kind]++;
    }
  });
  const announce = () =>
    fake.send(
      encodeMessage({
        header,
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
                BuiltinEndpoint.PARTICIPANT_ANNOUNCER |
                BuiltinEndpoint.PARTICIPANT_DETECTOR |
                BuiltinEndpoint.PUBLICATIONS_ANNOUNCER |
                BuiltinEndpoint.PUBLICATIONS_DETECTOR |
                BuiltinEndpoint.SUBSCRIPTIONS_ANNOUNCER |
                BuiltinEndpoint.SUBSCRIPTIONS_DETECTOR,
              leaseDuration: durationFromMillis(20_000),
              metatrafficUnicastLocators: [udpv4Locator(FAKE_ADDRESS, FAKE_PORT)],
              defaultUnicastLocators: [udpv4Locator(FAKE_ADDRESS, FAKE_PORT + 1)],
              ...(userData ? { userData } : {}),
            }),
          },
        ],
      }),
      { address: SPDP_MULTICAST_GROUP, port: rtpsPorts(0, 0).metatrafficMulticast },
    );
  /** The preemptive ACKNACK a DDS implementation's SEDP reader sends our SEDP writer on discovering us. */
  const speak = () =>
    fake.send(
      encodeMessage({
        header,
        submessages: [
          { kind: 'INFO_DST', flags: FLAG_ENDIANNESS, guidPrefix: us.guidPrefix },
          {
            kind: 'ACKNACK',
            flags: FLAG_ENDIANNESS,
            readerId: ENTITYID_SEDP_PUBLICATIONS_READER,
            writerId: ENTITYID_SEDP_PUBLICATIONS_WRITER,
            readerSNState: makeSet(1, [], 0),
            count: 1,
          },
        ],
      }),
      { address: '10.0.0.1', port: rtpsPorts(0, 0).metatrafficUnicast },
    );
  return { us, run, announce, speak, fromSedp, close: () => Promise.all([us.close(), fake.close()]) };
}

describe('SEDP toward participants that do not speak to us', () => {
  it('a participant that only announces itself gets no SEDP from us; once it speaks, it gets it all', async () => {
    const w = await world();
    // 10 s of announcements (a renewal a second), nothing else.
    for (let i = 0; i < 10; i++) {
      w.announce();
      await w.run(1_000);
    }
    expect(w.us.participants).toHaveLength(1);
    expect(w.fromSedp).toEqual({ DATA: 0, HEARTBEAT: 0 });

    w.speak();
    await w.run(300);
    // Our one announcement (the writer on rt/chatter), and HEARTBEATs until it is acknowledged.
    expect(w.fromSedp.DATA).toBe(1);
    expect(w.fromSedp.HEARTBEAT).toBeGreaterThan(0);
    await w.close();
  });

  it('a ROS participant (USER_DATA enclave=) gets our SEDP as soon as we know it', async () => {
    const w = await world(new TextEncoder().encode('enclave=/;'));
    w.announce();
    await w.run(300);
    expect(w.us.participants).toHaveLength(1);
    expect(w.fromSedp.DATA).toBe(1);
    expect(w.fromSedp.HEARTBEAT).toBeGreaterThan(0);
    await w.close();
  });
});
