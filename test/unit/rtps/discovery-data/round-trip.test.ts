/**
 * Encoding: our SPDP / SEDP payloads decode to what we encoded; every captured SPDP / SEDP payload,
 * decoded and re-encoded, carries the same parameters (the same multiset of {pid, value}; the order
 * is ours); and big-endian payloads decode like little-endian ones.
 */
import { describe, expect, it } from 'vitest';
import { DURATION_INFINITE, durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import {
  decodeEndpointData,
  decodeEndpointSample,
  type EndpointData,
  encodeEndpointData,
} from '../../../../src/rtps/discovery-data/endpoint-data.js';
import {
  decodeParticipantData,
  decodeParticipantSample,
  encodeParticipantData,
  type ParticipantData,
} from '../../../../src/rtps/discovery-data/participant-data.js';
import { PID, VENDOR } from '../../../../src/rtps/discovery-data/pids.js';
import { DEFAULT_READER_QOS, effectiveQos } from '../../../../src/rtps/discovery-data/qos.js';
import { openParameterListPayload } from '../../../../src/rtps/discovery-data/schema.js';
import { udpv4Locator } from '../../../../src/rtps/wire/types.js';
import { CYCLONE_CAPTURE, captureSamples, FASTDDS_CAPTURE } from './capture-samples.js';
import { plPayload } from './pl-builder.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The parameters of a payload as a sorted multiset of "pid=value". */
function parameterMultiset(payload: Uint8Array): string[] {
  return openParameterListPayload(payload)
    .parameters.map((p) => `${p.pid.toString(16).padStart(4, '0')}=${hex(p.value)}`)
    .sort();
}

describe.each([
  ['cyclone', CYCLONE_CAPTURE],
  ['fastdds', FASTDDS_CAPTURE],
])('%s capture, re-encoded', (_name, file) => {
  const samples = captureSamples(file);

  it('every SPDP and SEDP payload re-encodes to the same parameters, and decodes back to the same data', () => {
    let checked = 0;
    for (const s of samples) {
      const kind = s.topic === 'publications' ? 'writer' : 'reader';
      const change =
        s.topic === 'spdp'
          ? decodeParticipantSample(s.sample, s.vendor)
          : decodeEndpointSample(kind, s.sample, s.vendor);
      if (change.kind !== 'alive') continue;
      const original = s.sample.serializedPayload!;
      const encoded =
        s.topic === 'spdp'
          ? encodeParticipantData(change.data as ParticipantData)
          : encodeEndpointData(change.data as EndpointData);
      expect(hex(encoded.subarray(0, 4))).toBe('00030000');
      const a = parameterMultiset(original);
      const b = parameterMultiset(encoded);
      if (a.join() !== b.join()) {
        expect.fail(
          `frame ${s.frame} sn ${s.writerSN}: ${a.filter((x) => !b.includes(x))} / ${b.filter((x) => !a.includes(x))}`,
        );
      }
      const again =
        s.topic === 'spdp'
          ? decodeParticipantData(encoded, s.vendor)
          : decodeEndpointData(encoded, kind, s.vendor);
      expect(again).toEqual(change.data);
      checked++;
    }
    expect(checked).toBeGreaterThan(700);
  });

  it('the typed fields alone reproduce every parameter but the ones kept in extra', () => {
    for (const s of samples.slice(0, 200)) {
      if (s.sample.keyOnly || !s.sample.serializedPayload) continue;
      const kind = s.topic === 'publications' ? 'writer' : 'reader';
      const data =
        s.topic === 'spdp'
          ? decodeParticipantData(s.sample.serializedPayload, s.vendor)
          : decodeEndpointData(s.sample.serializedPayload, kind, s.vendor);
      const bare =
        s.topic === 'spdp'
          ? encodeParticipantData({ ...(data as ParticipantData), extra: [] })
          : encodeEndpointData({ ...(data as EndpointData), extra: [] });
      const extra = data.extra.map((p) => `${p.pid.toString(16).padStart(4, '0')}=${hex(p.value)}`);
      const rest = [...parameterMultiset(s.sample.serializedPayload)];
      for (const e of extra) rest.splice(rest.indexOf(e), 1);
      expect(parameterMultiset(bare)).toEqual(rest);
    }
  });
});

const PREFIX = Uint8Array.from([0x01, 0xf7, 0xaa, 0xbb, 0x12, 0x34, 1, 2, 3, 4, 0, 1]);

const OUR_PARTICIPANT: ParticipantData = {
  guid: { prefix: PREFIX, entityId: 0x000001c1 },
  protocolVersion: [2, 3],
  vendorId: [0x01, 0xf7],
  builtinEndpointSet: 0x00000c3f,
  leaseDuration: durationFromMillis(20_000),
  domainId: 0,
  metatrafficUnicastLocators: [udpv4Locator('127.0.0.1', 7412)],
  metatrafficMulticastLocators: [udpv4Locator('239.255.0.1', 7400)],
  defaultUnicastLocators: [udpv4Locator('127.0.0.1', 7413), udpv4Locator('10.0.0.7', 7413)],
  defaultMulticastLocators: [udpv4Locator('239.255.0.1', 7401)],
  userData: utf8('enclave=/;'),
  entityName: 'ros2ts',
  properties: { properties: [{ name: 'ros2ts.pid', value: '4242' }] },
};

describe('our SPDP', () => {
  it('decodes to what we encoded, whoever we claim to be', () => {
    const bytes = encodeParticipantData(OUR_PARTICIPANT);
    for (const vendor of [VENDOR.ROS2TS, VENDOR.FAST_DDS, VENDOR.CYCLONE_DDS]) {
      expect(decodeParticipantData(bytes, vendor)).toEqual({ ...OUR_PARTICIPANT, extra: [] });
    }
  });

  it('is PL_CDR_LE, fields in schema order, locators one parameter each', () => {
    const list = openParameterListPayload(encodeParticipantData(OUR_PARTICIPANT));
    expect(list.littleEndian).toBe(true);
    expect(list.parameters.map((p) => p.pid)).toEqual([
      PID.PROTOCOL_VERSION,
      PID.VENDORID,
      PID.PARTICIPANT_GUID,
      PID.BUILTIN_ENDPOINT_SET,
      PID.PARTICIPANT_LEASE_DURATION,
      PID.DOMAIN_ID,
      PID.METATRAFFIC_UNICAST_LOCATOR,
      PID.METATRAFFIC_MULTICAST_LOCATOR,
      PID.DEFAULT_UNICAST_LOCATOR,
      PID.DEFAULT_UNICAST_LOCATOR,
      PID.DEFAULT_MULTICAST_LOCATOR,
      PID.ENTITY_NAME,
      PID.USER_DATA,
      PID.PROPERTY_LIST,
    ]);
  });

  it('has the exact bytes of a minimal announcement', () => {
    const bytes = encodeParticipantData({
      guid: { prefix: PREFIX, entityId: 0x000001c1 },
      leaseDuration: { seconds: 20, fraction: 0 },
      userData: utf8('enclave=/;'),
      domainTag: 'ab',
    });
    expect(hex(bytes)).toBe(
      [
        '00030000',
        `50001000${hex(PREFIX)}000001c1`, // PARTICIPANT_GUID
        '020008001400000000000000', // lease 20 s
        '144008000300000061620000', // DOMAIN_TAG "ab" (must-understand)
        '2c0010000a000000656e636c6176653d2f3b0000', // USER_DATA, 10 bytes + 2 pad
        '01000000', // sentinel
      ].join(''),
    );
  });
});

const WRITER: EndpointData = {
  guid: { prefix: PREFIX, entityId: 0x00001203 },
  participantGuid: { prefix: PREFIX, entityId: 0x000001c1 },
  topicName: 'rt/chatter',
  typeName: 'std_msgs::msg::dds_::String_',
  qos: effectiveQos('writer', {
    durability: 'TRANSIENT_LOCAL',
    history: { kind: 'KEEP_LAST', depth: 10 },
    reliability: { kind: 'RELIABLE', maxBlockingTime: DURATION_INFINITE },
    partition: ['a', 'bcd', ''],
    lifespan: durationFromMillis(10_000),
  }),
  unicastLocators: [udpv4Locator('127.0.0.1', 7413)],
  userData: utf8('typehash=RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18;'),
  protocolVersion: [2, 3],
  vendorId: [0x01, 0xf7],
};

const READER: EndpointData = {
  ...WRITER,
  guid: { prefix: PREFIX, entityId: 0x00001304 },
  qos: {
    ...DEFAULT_READER_QOS,
    typeConsistency: {
      kind: 1,
      flags: {
        ignoreSequenceBounds: true,
        ignoreStringBounds: false,
        ignoreMemberNames: true,
        preventTypeWidening: false,
        forceTypeValidation: true,
      },
    },
  },
  multicastLocators: [udpv4Locator('239.255.0.1', 7401)],
  expectsInlineQos: true,
  topicData: Uint8Array.from([1, 2, 3]),
  groupData: new Uint8Array(),
  entityName: 'listener',
  groupGuid: { prefix: PREFIX, entityId: 0x00001209 },
  typeInformation: Uint8Array.from([9, 8, 7, 6]),
  keyHash: Uint8Array.from({ length: 16 }, (_, i) => i),
  typeMaxSizeSerialized: 64,
  properties: { properties: [], binaryProperties: [{ name: 'k', value: Uint8Array.from([1]) }] },
};

describe('our SEDP', () => {
  it.each([
    ['writer', WRITER],
    ['reader', READER],
  ] as const)('a %s decodes to what we encoded, every policy explicit', (kind, data) => {
    const bytes = encodeEndpointData(data);
    expect(decodeEndpointData(bytes, kind, VENDOR.ROS2TS)).toEqual({
      kind,
      ...data,
      unicastLocators: data.unicastLocators ?? [],
      multicastLocators: data.multicastLocators ?? [],
      extra: [],
    });
    const pids = openParameterListPayload(bytes).parameters.map((p) => p.pid);
    // Identity first, then RELIABILITY and DURABILITY among the policies: never left to a default.
    expect(pids.slice(0, 4)).toEqual([
      PID.ENDPOINT_GUID,
      PID.PARTICIPANT_GUID,
      PID.TOPIC_NAME,
      PID.TYPE_NAME,
    ]);
    expect(pids).toContain(PID.RELIABILITY);
    expect(pids).toContain(PID.DURABILITY);
    expect(pids).toContain(PID.HISTORY);
  });

  it('writes partitions aligned, and DATA_REPRESENTATION and PRESENTATION as Fast DDS does', () => {
    const list = openParameterListPayload(encodeEndpointData(WRITER));
    const value = (pid: number) => hex(list.parameters.find((p) => p.pid === pid)!.value);
    // count 3; "a\0" + 2 pad; "bcd\0"; "\0" + 3 pad
    expect(value(PID.PARTITION)).toBe(
      '03000000' + '0200000061000000' + '0400000062636400' + '0100000000000000',
    );
    expect(value(PID.DATA_REPRESENTATION)).toBe('0100000000000000');
    expect(value(PID.PRESENTATION)).toBe('0000000000000000');
    expect(value(PID.RELIABILITY)).toBe('02000000ffffff7fffffffff');
  });
});

describe('PL_CDR_BE', () => {
  it('decodes a big-endian SPDP like the little-endian one', () => {
    const be = plPayload([
      [PID.PROTOCOL_VERSION, (v) => v.u8(2).u8(3)],
      [PID.VENDORID, (v) => v.u8(1).u8(0xf7)],
      [PID.PARTICIPANT_GUID, (v) => v.bytes(PREFIX).hex('000001c1')],
      [PID.BUILTIN_ENDPOINT_SET, (v) => v.u32(0x00000c3f)],
      [PID.PARTICIPANT_LEASE_DURATION, (v) => v.u32(20).u32(0)],
      [PID.DOMAIN_ID, (v) => v.u32(0)],
      [PID.METATRAFFIC_UNICAST_LOCATOR, (v) => v.u32(1).u32(7412).hex('000000000000000000000000 7f000001')],
      [PID.METATRAFFIC_MULTICAST_LOCATOR, (v) => v.u32(1).u32(7400).hex('000000000000000000000000 efff0001')],
      [PID.DEFAULT_UNICAST_LOCATOR, (v) => v.u32(1).u32(7413).hex('000000000000000000000000 7f000001')],
      [PID.DEFAULT_UNICAST_LOCATOR, (v) => v.u32(1).u32(7413).hex('000000000000000000000000 0a000007')],
      [PID.DEFAULT_MULTICAST_LOCATOR, (v) => v.u32(1).u32(7401).hex('000000000000000000000000 efff0001')],
      [PID.ENTITY_NAME, (v) => v.string('ros2ts')],
      [PID.USER_DATA, (v) => v.u32(10).bytes(utf8('enclave=/;'))],
      [PID.PROPERTY_LIST, (v) => v.u32(1).string('ros2ts.pid').pad4().string('4242')],
    ]);
    expect(hex(be.subarray(0, 2))).toBe('0002');
    expect(decodeParticipantData(be, VENDOR.ROS2TS)).toEqual({ ...OUR_PARTICIPANT, extra: [] });
  });

  it('decodes a big-endian SEDP reader like the little-endian one', () => {
    const data: EndpointData = {
      guid: { prefix: PREFIX, entityId: 0x00001304 },
      topicName: 'rt/x',
      typeName: 'T',
      qos: {
        reliability: { kind: 'RELIABLE', maxBlockingTime: { seconds: 1, fraction: 0x80000000 } },
        history: { kind: 'KEEP_ALL', depth: -1 },
        durability: 'TRANSIENT_LOCAL',
        partition: ['p', 'qq'],
        dataRepresentation: [0, 2],
        liveliness: { kind: 'MANUAL_BY_TOPIC', leaseDuration: { seconds: 3, fraction: 0 } },
        ownership: 'EXCLUSIVE',
        ownershipStrength: -5,
        presentation: { accessScope: 'GROUP', coherentAccess: true, orderedAccess: false },
        resourceLimits: { maxSamples: 100, maxInstances: -1, maxSamplesPerInstance: 7 },
        typeConsistency: { kind: 0 },
      },
      expectsInlineQos: true,
      userData: utf8('typehash=x;'),
      statusInfo: 0,
    };
    const be = plPayload([
      [PID.ENDPOINT_GUID, (v) => v.bytes(PREFIX).hex('00001304')],
      [PID.TOPIC_NAME, (v) => v.string('rt/x')],
      [PID.TYPE_NAME, (v) => v.string('T')],
      [PID.RELIABILITY, (v) => v.u32(2).u32(1).u32(0x80000000)],
      [PID.HISTORY, (v) => v.u32(1).u32(0xffffffff)],
      [PID.DURABILITY, (v) => v.u32(1)],
      [PID.PARTITION, (v) => v.u32(2).string('p').pad4().string('qq')],
      [PID.DATA_REPRESENTATION, (v) => v.u32(2).u16(0).u16(2)],
      [PID.LIVELINESS, (v) => v.u32(2).u32(3).u32(0)],
      [PID.OWNERSHIP, (v) => v.u32(1)],
      [PID.OWNERSHIP_STRENGTH, (v) => v.u32(-5 >>> 0)],
      [PID.PRESENTATION, (v) => v.u32(2).u8(1).u8(0)],
      [PID.RESOURCE_LIMITS, (v) => v.u32(100).u32(0xffffffff).u32(7)],
      [PID.TYPE_CONSISTENCY, (v) => v.u16(0)],
      [PID.EXPECTS_INLINE_QOS, (v) => v.u8(1)],
      [PID.USER_DATA, (v) => v.u32(11).bytes(utf8('typehash=x;'))],
      [PID.STATUS_INFO, (v) => v.hex('00000000')],
    ]);
    const fromBe = decodeEndpointData(be, 'reader', VENDOR.RTI_CONNEXT);
    expect(fromBe).toEqual(decodeEndpointData(encodeEndpointData(data), 'reader', VENDOR.RTI_CONNEXT));
    expect(fromBe).toEqual({
      kind: 'reader',
      ...data,
      unicastLocators: [],
      multicastLocators: [],
      extra: [],
    });
  });
});
