/**
 * Malformed and unusual discovery data: each produces its typed outcome (a DiscoveryDataError with
 * the expected reason, or a documented skip), never another exception.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeEndpointData,
  decodeEndpointSample,
  decodeWriterData,
} from '../../../../src/rtps/discovery-data/endpoint-data.js';
import {
  DiscoveryDataError,
  type DiscoveryDataErrorReason,
  DiscoveryDropCounter,
  tryDecode,
} from '../../../../src/rtps/discovery-data/errors.js';
import {
  decodeParticipantData,
  decodeParticipantSample,
} from '../../../../src/rtps/discovery-data/participant-data.js';
import { classifyPid, PID, pidName, VENDOR } from '../../../../src/rtps/discovery-data/pids.js';
import { guidKey } from '../../../../src/rtps/wire/types.js';
import { CYCLONE_CAPTURE, captureSamples, FASTDDS_CAPTURE } from './capture-samples.js';
import { type ParamSpec, plList, plPayload, rawParam, ValueBuilder } from './pl-builder.js';

const PREFIX_HEX = '01f7aabb1234010203040001';
const guid = (entity: string) => (v: ValueBuilder) => v.hex(PREFIX_HEX + entity);
const le = (params: readonly ParamSpec[]) => plPayload(params, { littleEndian: true });

const ENDPOINT: readonly ParamSpec[] = [
  [PID.ENDPOINT_GUID, guid('00001203')],
  [PID.TOPIC_NAME, (v) => v.string('rt/chatter')],
  [PID.TYPE_NAME, (v) => v.string('std_msgs::msg::dds_::String_')],
];
const PARTICIPANT: readonly ParamSpec[] = [[PID.PARTICIPANT_GUID, guid('000001c1')]];

function failure(decode: () => unknown): DiscoveryDataError {
  const r = tryDecode(decode);
  if (r.ok) throw new Error('decoded, but a failure was expected');
  return r.error;
}

function expectFailure(
  decode: () => unknown,
  reason: DiscoveryDataErrorReason,
  pid?: number,
): DiscoveryDataError {
  const e = failure(decode);
  expect(e).toBeInstanceOf(DiscoveryDataError);
  expect(e.reason, e.message).toBe(reason);
  if (pid !== undefined) expect(e.pid).toBe(pid);
  return e;
}

const writer =
  (params: readonly ParamSpec[], vendor: number = VENDOR.ROS2TS) =>
  () =>
    decodeWriterData(le(params), vendor);

describe('encapsulation and parameter list framing', () => {
  it('refuses a payload shorter than its encapsulation header', () => {
    for (const n of [0, 1, 3]) {
      expectFailure(() => decodeParticipantData(new Uint8Array(n), VENDOR.ROS2TS), 'bad-encapsulation');
    }
  });

  it('refuses CDR_LE / CDR_BE / XCDR2 encapsulations: discovery data is a parameter list', () => {
    for (const enc of [0x0000, 0x0001, 0x0007, 0x0012]) {
      const bytes = plPayload(PARTICIPANT, { encapsulation: enc, littleEndian: true });
      expectFailure(() => decodeParticipantData(bytes, VENDOR.ROS2TS), 'bad-encapsulation');
    }
  });

  it('refuses a list without a sentinel, or with a parameter longer than the payload', () => {
    const noSentinel = plPayload(PARTICIPANT, { littleEndian: true, sentinel: false });
    expectFailure(() => decodeParticipantData(noSentinel, VENDOR.ROS2TS), 'malformed-parameter-list');
    const lying = new ValueBuilder(true)
      .hex('00030000')
      .bytes(rawParam(PID.PARTICIPANT_GUID, 200, new Uint8Array(16)));
    expectFailure(() => decodeParticipantData(lying.result(), VENDOR.ROS2TS), 'malformed-parameter-list');
  });

  it('ignores bytes after the sentinel and PID_PAD parameters', () => {
    const bytes = new ValueBuilder(true)
      .bytes(plPayload([[PID.PAD, (v) => v.u32(0)], ...PARTICIPANT], { littleEndian: true }))
      .hex('deadbeef')
      .result();
    const p = decodeParticipantData(bytes, VENDOR.ROS2TS);
    expect(guidKey(p.guid)).toBe(`${PREFIX_HEX}.000001c1`);
    expect(p.extra).toEqual([]);
  });
});

describe('values that lie', () => {
  it('refuses a string whose length runs past its parameter', () => {
    const e = expectFailure(
      writer([...ENDPOINT.slice(0, 1), [PID.TOPIC_NAME, (v) => v.u32(100).hex('41424300')], ENDPOINT[2]!]),
      'invalid-parameter',
      PID.TOPIC_NAME,
    );
    expect(e.message).toMatch(/TOPIC_NAME/);
  });

  it('refuses a string without its NUL, or with a NUL inside', () => {
    expectFailure(
      writer([ENDPOINT[0]!, [PID.TOPIC_NAME, (v) => v.u32(4).hex('41424344')], ENDPOINT[2]!]),
      'invalid-parameter',
    );
    expectFailure(
      writer([ENDPOINT[0]!, [PID.TOPIC_NAME, (v) => v.u32(4).hex('41004300')], ENDPOINT[2]!]),
      'invalid-parameter',
    );
  });

  it('reads a zero-length string as empty', () => {
    const w = writer([ENDPOINT[0]!, [PID.TOPIC_NAME, (v) => v.u32(0)], ENDPOINT[2]!])();
    expect(w.topicName).toBe('');
  });

  it('refuses a truncated string length and a truncated GUID', () => {
    expectFailure(
      writer([ENDPOINT[0]!, [PID.TOPIC_NAME, (v) => v.u16(5)], ENDPOINT[2]!]),
      'invalid-parameter',
    );
    expectFailure(
      writer([[PID.ENDPOINT_GUID, (v) => v.hex(PREFIX_HEX)], ...ENDPOINT.slice(1)]),
      'invalid-parameter',
      PID.ENDPOINT_GUID,
    );
  });

  it('refuses lying sequence counts before allocating anything', () => {
    const huge = 0xffffffff;
    const cases: readonly ParamSpec[] = [
      [PID.USER_DATA, (v) => v.u32(huge).u32(0)],
      [PID.PARTITION, (v) => v.u32(huge).u32(0)],
      [PID.PARTITION, (v) => v.u32(0x10000000).string('a')],
      [PID.DATA_REPRESENTATION, (v) => v.u32(huge).u16(0)],
      [PID.PROPERTY_LIST, (v) => v.u32(huge)],
      [PID.PROPERTY_LIST, (v) => v.u32(1).string('name').pad4().u32(huge)],
    ];
    for (const c of cases) expectFailure(writer([...ENDPOINT, c]), 'invalid-parameter', c[0]);
  });

  it('refuses a property list whose binary part lies', () => {
    const bytes = le([
      ...PARTICIPANT,
      [PID.PROPERTY_LIST, (v) => v.u32(0).u32(1).string('k').pad4().u32(99)],
    ]);
    expectFailure(() => decodeParticipantData(bytes, VENDOR.ROS2TS), 'invalid-parameter', PID.PROPERTY_LIST);
  });

  it('refuses QoS values with unknown kinds, bad booleans, or too short', () => {
    const cases: readonly ParamSpec[] = [
      [PID.RELIABILITY, (v) => v.u32(3).u32(0).u32(0)],
      [PID.RELIABILITY, (v) => v.u32(2)],
      [PID.DURABILITY, (v) => v.u32(4)],
      [PID.HISTORY, (v) => v.u32(2).u32(1)],
      [PID.LIVELINESS, (v) => v.u32(9).u32(0).u32(0)],
      [PID.OWNERSHIP, (v) => v.u32(2)],
      [PID.DESTINATION_ORDER, (v) => v.u32(2)],
      [PID.PRESENTATION, (v) => v.u32(0).u8(2).u8(0)],
      [PID.EXPECTS_INLINE_QOS, (v) => v.u8(7)],
      [PID.DEADLINE, (v) => v.u32(1)],
      [PID.KEY_HASH, (v) => v.hex('0102030405060708')],
    ];
    for (const c of cases) expectFailure(writer([...ENDPOINT, c]), 'invalid-parameter', c[0]);
  });

  it('accepts a value longer than needed (a later version may extend it)', () => {
    const w = writer([...ENDPOINT, [PID.DURABILITY, (v) => v.u32(1).u32(0xabcdef)]])();
    expect(w.qos.durability).toBe('TRANSIENT_LOCAL');
  });

  it('keeps the first of a repeated single-valued parameter, and the others in extra', () => {
    const w = writer([...ENDPOINT, [PID.TOPIC_NAME, (v) => v.string('rt/other')]])();
    expect(w.topicName).toBe('rt/chatter');
    expect(w.extra.map((p) => p.pid)).toEqual([PID.TOPIC_NAME]);
  });
});

describe('required parameters', () => {
  it('refuses participant data without PARTICIPANT_GUID or KEY_HASH; takes the KEY_HASH alone', () => {
    expectFailure(
      () => decodeParticipantData(le([[PID.DOMAIN_ID, (v) => v.u32(0)]]), VENDOR.ROS2TS),
      'missing-parameter',
    );
    const p = decodeParticipantData(le([[PID.KEY_HASH, guid('000001c1')]]), VENDOR.ROS2TS);
    expect(guidKey(p.guid)).toBe(`${PREFIX_HEX}.000001c1`);
  });

  it('refuses endpoint data without a GUID, topic name or type name', () => {
    expectFailure(writer(ENDPOINT.slice(1)), 'missing-parameter');
    expectFailure(writer([ENDPOINT[0]!, ENDPOINT[2]!]), 'missing-parameter');
    expectFailure(writer(ENDPOINT.slice(0, 2)), 'missing-parameter');
    const w = writer([[PID.KEY_HASH, guid('00001203')], ...ENDPOINT.slice(1)])();
    expect(guidKey(w.guid)).toBe(`${PREFIX_HEX}.00001203`);
  });
});

describe('unknown and vendor-specific parameters', () => {
  it('skips an unknown standard PID, keeping it in extra', () => {
    const w = writer([...ENDPOINT, [0x0099, (v) => v.u32(1)]])();
    expect(w.extra).toEqual([{ pid: 0x0099, value: Uint8Array.from([1, 0, 0, 0]) }]);
  });

  it('refuses an unknown standard PID with the must-understand bit', () => {
    expectFailure(writer([...ENDPOINT, [0x4099, (v) => v.u32(1)]]), 'must-understand', 0x4099);
    const p = le([...PARTICIPANT, [0x4077, (v) => v.u32(1)]]);
    expectFailure(() => decodeParticipantData(p, VENDOR.CYCLONE_DDS), 'must-understand', 0x4077);
  });

  it('understands DOMAIN_TAG (0x4014), a must-understand PID', () => {
    const p = decodeParticipantData(
      le([...PARTICIPANT, [PID.DOMAIN_TAG, (v) => v.string('lab')]]),
      VENDOR.ROS2TS,
    );
    expect(p.domainTag).toBe('lab');
  });

  it('refuses an unknown must-understand PID in the space of the sender’s own vendor, skips it from others', () => {
    // Cyclone's ADLINK_RELAXED_QOS_MATCHING is 0xc006: we do not implement relaxed matching.
    const bytes = le([...ENDPOINT, [0xc006, (v) => v.u32(1)]]);
    expectFailure(() => decodeWriterData(bytes, VENDOR.CYCLONE_DDS), 'must-understand', 0xc006);
    expectFailure(() => decodeWriterData(bytes, VENDOR.FAST_DDS), 'must-understand', 0xc006);
    expectFailure(() => decodeWriterData(bytes, VENDOR.ROS2TS), 'must-understand', 0xc006);
    const fromRti = decodeWriterData(bytes, VENDOR.RTI_CONNEXT);
    expect(fromRti.extra.map((p) => p.pid)).toEqual([0xc006]);
    expect(fromRti.vendorSpecific).toBeUndefined();
  });

  it('skips unknown vendor PIDs without the must-understand bit', () => {
    for (const vendor of [VENDOR.CYCLONE_DDS, VENDOR.FAST_DDS, VENDOR.RTI_CONNEXT, VENDOR.ROS2TS]) {
      const w = decodeWriterData(le([...ENDPOINT, [0x8fff, (v) => v.u32(1)]]), vendor);
      expect(w.extra.map((p) => p.pid)).toEqual([0x8fff]);
    }
  });

  it('reads 0x8002 by the sender’s vendor: PERSISTENCE_GUID, READER_DATA_LIFECYCLE, or nothing', () => {
    const bytes = le([...ENDPOINT, [0x8002, (v) => v.u32(1).u32(0x80000000).u32(2).u32(0)]]);
    expect(decodeWriterData(bytes, VENDOR.FAST_DDS).vendorSpecific).toEqual({
      vendor: 'fastdds',
      persistenceGuid: { prefix: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0x80, 2, 0, 0, 0]), entityId: 0 },
    });
    expect(decodeWriterData(bytes, VENDOR.CYCLONE_DDS).vendorSpecific).toEqual({
      vendor: 'cyclone',
      readerDataLifecycle: {
        autopurgeNoWriterSamplesDelay: { seconds: 1, fraction: 0x80000000 },
        autopurgeDisposedSamplesDelay: { seconds: 2, fraction: 0 },
      },
    });
    for (const vendor of [VENDOR.RTI_CONNEXT, VENDOR.ROS2TS]) {
      const w = decodeWriterData(bytes, vendor);
      expect(w.vendorSpecific).toBeUndefined();
      expect(w.extra.map((p) => p.pid)).toEqual([0x8002]);
    }
  });

  it('refuses a vendor PID that is malformed for the vendor that sent it', () => {
    // A Fast DDS SPDP said to come from Cyclone: its 4-byte 0x8007 is too short for
    // ADLINK_PARTICIPANT_VERSION_INFO (20 bytes at least).
    const fastddsSpdp = captureSamples(FASTDDS_CAPTURE).find((s) => s.topic === 'spdp')!.sample
      .serializedPayload!;
    expect(decodeParticipantData(fastddsSpdp, VENDOR.FAST_DDS).vendorSpecific).toEqual({
      vendor: 'fastdds',
      networkConfigurationSet: 1,
    });
    expectFailure(() => decodeParticipantData(fastddsSpdp, VENDOR.CYCLONE_DDS), 'invalid-parameter', 0x8007);
    expect(decodeParticipantData(fastddsSpdp, VENDOR.RTI_CONNEXT).vendorSpecific).toBeUndefined();
    // A Cyclone SPDP said to come from Fast DDS: its 48-byte 0x8007 reads as a network configuration
    // set (its first u32), 0x8019 means nothing to Fast DDS.
    const cycloneSpdp = captureSamples(CYCLONE_CAPTURE).find((s) => s.topic === 'spdp')!.sample
      .serializedPayload!;
    expect(decodeParticipantData(cycloneSpdp, VENDOR.FAST_DDS).vendorSpecific).toEqual({
      vendor: 'fastdds',
      networkConfigurationSet: 0,
    });
    expect(decodeParticipantData(cycloneSpdp, VENDOR.ROS2TS).vendorSpecific).toBeUndefined();
  });

  it('classifies and names PIDs per vendor', () => {
    expect(classifyPid(PID.TOPIC_NAME, VENDOR.ROS2TS)).toBe('standard');
    expect(classifyPid(0x0011, VENDOR.ROS2TS)).toBe('standard'); // deprecated MULTICAST_IPADDRESS
    expect(classifyPid(0x0099, VENDOR.ROS2TS)).toBe('unknown');
    expect(classifyPid(0x4099, VENDOR.ROS2TS)).toBe('must-understand');
    expect(classifyPid(0x8007, VENDOR.FAST_DDS)).toBe('vendor');
    expect(classifyPid(0x8007, VENDOR.CYCLONE_DDS)).toBe('vendor');
    expect(classifyPid(0x8007, VENDOR.RTI_CONNEXT)).toBe('foreign');
    expect(classifyPid(0xc006, VENDOR.RTI_CONNEXT)).toBe('foreign');
    expect(pidName(0x8007, VENDOR.FAST_DDS)).toBe('NETWORK_CONFIGURATION_SET');
    expect(pidName(0x8007, VENDOR.CYCLONE_DDS)).toBe('ADLINK_PARTICIPANT_VERSION_INFO');
    expect(pidName(0x8007)).toBe('0x8007');
    expect(pidName(PID.RELATED_SAMPLE_IDENTITY)).toBe('RELATED_SAMPLE_IDENTITY');
  });
});

describe('samples: data, dispose, unregister', () => {
  const inline = (params: readonly ParamSpec[], littleEndian = true) => plList(params, littleEndian);
  const STATUS = (flags: number) =>
    [PID.STATUS_INFO, (v: ValueBuilder) => v.hex(`000000${flags.toString(16).padStart(2, '0')}`)] as const;

  it('reads a Fast DDS style goodbye: no payload, KEY_HASH + STATUS_INFO inline, in either byte order', () => {
    for (const littleEndian of [true, false]) {
      const c = decodeParticipantSample(
        {
          inlineQos: inline([[PID.KEY_HASH, guid('000001c1')], STATUS(3)], littleEndian),
          inlineQosLittleEndian: littleEndian,
        },
        VENDOR.FAST_DDS,
      );
      expect(c).toEqual({
        kind: 'gone',
        guid: { prefix: Uint8Array.from(Buffer.from(PREFIX_HEX, 'hex')), entityId: 0x1c1 },
        disposed: true,
        unregistered: true,
      });
    }
  });

  it('reads a Cyclone style goodbye: key-only payload, STATUS_INFO inline', () => {
    const c = decodeEndpointSample(
      'writer',
      {
        serializedPayload: le([[PID.ENDPOINT_GUID, guid('00001203')]]),
        keyOnly: true,
        inlineQos: inline([STATUS(1)]),
      },
      VENDOR.CYCLONE_DDS,
    );
    expect(c.kind === 'gone' && [guidKey(c.guid), c.disposed, c.unregistered]).toEqual([
      `${PREFIX_HEX}.00001203`,
      true,
      false,
    ]);
  });

  it('reads STATUS_INFO from the payload when there is no inline QoS', () => {
    const c = decodeEndpointSample(
      'reader',
      { serializedPayload: le([[PID.ENDPOINT_GUID, guid('00001204')], STATUS(2)]), keyOnly: true },
      VENDOR.ROS2TS,
    );
    expect(c.kind === 'gone' && [guidKey(c.guid), c.disposed, c.unregistered]).toEqual([
      `${PREFIX_HEX}.00001204`,
      false,
      true,
    ]);
  });

  it('skips Fast DDS 2.9.1’s related sample identity on its SPDP dispose', () => {
    const c = decodeParticipantSample(
      {
        inlineQos: inline([
          [0x800f, (v) => v.hex(`${PREFIX_HEX}000100c2`).u32(0).u32(1)],
          [PID.KEY_HASH, guid('000001c1')],
          STATUS(3),
        ]),
      },
      VENDOR.FAST_DDS,
    );
    expect(c.kind).toBe('gone');
  });

  it('delivers data with a STATUS_INFO of 0 as alive', () => {
    const c = decodeParticipantSample(
      { serializedPayload: le(PARTICIPANT), inlineQos: inline([STATUS(0)]) },
      VENDOR.ROS2TS,
    );
    expect(c.kind).toBe('alive');
  });

  it('refuses samples that are neither data nor a goodbye, or a goodbye without a key', () => {
    expectFailure(() => decodeParticipantSample({}, VENDOR.ROS2TS), 'invalid-sample');
    expectFailure(
      () => decodeParticipantSample({ serializedPayload: le(PARTICIPANT), keyOnly: true }, VENDOR.ROS2TS),
      'invalid-sample',
    );
    expectFailure(
      () => decodeParticipantSample({ inlineQos: inline([STATUS(3)]) }, VENDOR.ROS2TS),
      'missing-parameter',
    );
  });

  it('refuses a malformed inline QoS: short KEY_HASH, no sentinel, unknown must-understand PID', () => {
    expectFailure(
      () =>
        decodeParticipantSample(
          { inlineQos: inline([[PID.KEY_HASH, (v) => v.hex('0102')], STATUS(3)]) },
          VENDOR.ROS2TS,
        ),
      'invalid-parameter',
      PID.KEY_HASH,
    );
    expectFailure(
      () => decodeParticipantSample({ inlineQos: plList([STATUS(3)], true, false) }, VENDOR.ROS2TS),
      'malformed-parameter-list',
    );
    expectFailure(
      () =>
        decodeParticipantSample({ inlineQos: inline([[0x4055, (v) => v.u32(0)], STATUS(3)]) }, VENDOR.ROS2TS),
      'must-understand',
    );
  });
});

describe('counting', () => {
  it('counts refused data by reason', () => {
    const drops = new DiscoveryDropCounter();
    for (const bytes of [new Uint8Array(2), le([[0x4099, (v) => v.u32(0)]]), le([])]) {
      const r = tryDecode(() => decodeEndpointData(bytes, 'writer', VENDOR.ROS2TS));
      if (!r.ok) drops.drop(r.error, 'test');
    }
    expect(drops.total).toBe(3);
    expect(Object.fromEntries(drops.counts)).toEqual({
      'bad-encapsulation': 1,
      'must-understand': 1,
      'missing-parameter': 1,
    });
  });

  it('lets a bug (not a DiscoveryDataError) through tryDecode', () => {
    expect(() =>
      tryDecode(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
