/**
 * Every SPDP and SEDP sample of the two real ROS 2 Jazzy captures decodes, and says what
 * captures/README.md says the peers sent.
 */
import { describe, expect, it } from 'vitest';
import { durationToMillis, isInfinite } from '../../../../src/rtps/discovery-data/duration.js';
import {
  type DecodedEndpointData,
  decodeEndpointSample,
  endpointParticipantGuid,
  endpointQos,
} from '../../../../src/rtps/discovery-data/endpoint-data.js';
import {
  type DecodedParticipantData,
  decodeParticipantSample,
  participantLease,
} from '../../../../src/rtps/discovery-data/participant-data.js';
import { pidName, VENDOR } from '../../../../src/rtps/discovery-data/pids.js';
import type { DiscoveryChange } from '../../../../src/rtps/discovery-data/sample.js';
import { openParameterListPayload } from '../../../../src/rtps/discovery-data/schema.js';
import { guidKey, type Locator, locatorIpv4, prefixKey } from '../../../../src/rtps/wire/types.js';
import { type CapturedSample, CYCLONE_CAPTURE, captureSamples, FASTDDS_CAPTURE } from './capture-samples.js';

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('latin1') : undefined);
const loc = (l: Locator) => `${locatorIpv4(l)}:${l.port}`;

type Decoded = DiscoveryChange<DecodedParticipantData> | DiscoveryChange<DecodedEndpointData>;

function decode(s: CapturedSample): Decoded {
  if (s.topic === 'spdp') return decodeParticipantSample(s.sample, s.vendor);
  return decodeEndpointSample(s.topic === 'publications' ? 'writer' : 'reader', s.sample, s.vendor);
}

const cyclone = captureSamples(CYCLONE_CAPTURE);
const fastdds = captureSamples(FASTDDS_CAPTURE);

function alive<T extends 'spdp' | 'publications' | 'subscriptions'>(
  samples: readonly CapturedSample[],
  frame: number,
  topic: T,
  sn?: number,
): T extends 'spdp' ? DecodedParticipantData : DecodedEndpointData {
  const s = samples.find(
    (x) => x.frame === frame && x.topic === topic && (sn === undefined || x.writerSN === sn),
  );
  if (!s) throw new Error(`no ${topic} sample in frame ${frame}`);
  const c = decode(s);
  if (c.kind !== 'alive') throw new Error(`frame ${frame}: not alive`);
  return c.data as never;
}

/** The PIDs seen in the SEDP payloads of one topic, by name. */
function pidsSeen(samples: readonly CapturedSample[], topic: CapturedSample['topic']): string[] {
  const names = new Set<string>();
  for (const s of samples) {
    if (s.topic !== topic || s.sample.keyOnly || !s.sample.serializedPayload) continue;
    for (const p of openParameterListPayload(s.sample.serializedPayload).parameters) {
      names.add(pidName(p.pid, s.vendor));
    }
  }
  return [...names].sort();
}

describe.each([
  // alive / gone per topic: participants come and go 10 times in each run (README "Participants").
  [
    'cyclone',
    cyclone,
    VENDOR.CYCLONE_DDS,
    { spdp: [44, 10], publications: [395, 72], subscriptions: [314, 52] },
  ],
  [
    'fastdds',
    fastdds,
    VENDOR.FAST_DDS,
    { spdp: [133, 21], publications: [406, 87], subscriptions: [326, 64] },
  ],
] as const)('%s capture', (_name, samples, vendor, counts) => {
  it('decodes every SPDP and SEDP sample (none is fragmented)', () => {
    const seen = { spdp: [0, 0], publications: [0, 0], subscriptions: [0, 0] };
    for (const s of samples) {
      expect(s.vendor).toBe(vendor);
      expect(s.fragmented).toBe(false);
      const c = decode(s);
      seen[s.topic][c.kind === 'alive' ? 0 : 1]!++;
    }
    expect(seen).toEqual(counts);
  });

  it('says goodbye only for entities it announced before', () => {
    const announced = new Set<string>();
    let gone = 0;
    for (const s of samples) {
      const c = decode(s);
      if (c.kind === 'alive') announced.add(guidKey(c.data.guid));
      else {
        gone++;
        expect(announced.has(guidKey(c.guid)), `frame ${s.frame} ${guidKey(c.guid)}`).toBe(true);
        expect(c.disposed && c.unregistered).toBe(true); // STATUS_INFO 00 00 00 03 from both
      }
    }
    expect(gone).toBe(counts.spdp[1] + counts.publications[1] + counts.subscriptions[1]);
  });

  it('announces SPDP participants with their own GUID prefix', () => {
    for (const s of samples) {
      const c = decode(s);
      if (s.topic === 'spdp' && c.kind === 'alive') {
        expect(prefixKey(c.data.guid.prefix)).toBe(s.senderPrefix);
        expect(c.data.guid.entityId).toBe(0x000001c1);
      }
    }
  });
});

describe('Cyclone DDS 0.10.5 SPDP (frame 1, turtlesim)', () => {
  const p = alive(cyclone, 1, 'spdp');

  it('has the identity, lease, endpoint set and domain of the guide', () => {
    expect(prefixKey(p.guid.prefix)).toBe('011086e8eb01119febabfa63');
    expect(p.protocolVersion).toEqual([2, 1]);
    expect(p.vendorId).toEqual([0x01, 0x10]);
    expect(p.leaseDuration).toEqual({ seconds: 10, fraction: 0 });
    expect(durationToMillis(participantLease(p))).toBe(10_000);
    expect(p.builtinEndpointSet).toBe(0x0000fc3f);
    expect(p.domainId).toBe(0);
    expect(p.domainTag).toBeUndefined();
    expect(p.entityName).toBeUndefined();
    expect(p.expectsInlineQos).toBeUndefined();
  });

  it('has all four locator kinds on 127.0.0.1 and 239.255.0.1', () => {
    expect(p.metatrafficUnicastLocators.map(loc)).toEqual(['127.0.0.1:7410']);
    expect(p.defaultUnicastLocators.map(loc)).toEqual(['127.0.0.1:7411']);
    expect(p.metatrafficMulticastLocators.map(loc)).toEqual(['239.255.0.1:7400']);
    expect(p.defaultMulticastLocators.map(loc)).toEqual(['239.255.0.1:7401']);
  });

  it('has USER_DATA enclave=/; without a NUL (10 bytes) and three properties', () => {
    expect(p.userData?.length).toBe(10);
    expect(text(p.userData)).toBe('enclave=/;');
    expect(p.properties).toEqual({
      properties: [
        { name: '__ProcessName', value: 'turtlesim_node' },
        { name: '__Pid', value: '6538' },
        { name: '__Hostname', value: 'vm' },
      ],
      binaryProperties: [],
    });
  });

  it('has its vendor-specific participant version info and receive buffer size', () => {
    expect(p.vendorSpecific).toEqual({
      vendor: 'cyclone',
      participantVersionInfo: { version: 0, flags: 0x2c, internals: 'vm/0.10.5/Linux/Linux' },
      receiveBufferSize: 0x200000,
    });
    expect(p.extra.map((x) => x.pid)).toEqual([0x8007, 0x8019]);
    expect(p.extra[0]!.value.length).toBe(48);
  });

  it('frame 72: the service-list participant leaves with a key-only payload', () => {
    const s = cyclone.find((x) => x.frame === 72 && x.topic === 'spdp')!;
    expect(s.sample.keyOnly).toBe(true);
    const c = decode(s);
    expect(c.kind).toBe('gone');
    if (c.kind !== 'gone') return;
    expect(guidKey(c.guid)).toBe('011088459a18f6c08f7b331b.000001c1');
    const last = decode(cyclone.find((x) => x.frame === 1022 && x.topic === 'spdp')!);
    expect(last.kind === 'gone' && prefixKey(last.guid.prefix)).toBe('011086e8eb01119febabfa63');
  });
});

describe('Fast DDS 2.14.5 SPDP (frame 1, turtlesim)', () => {
  const p = alive(fastdds, 1, 'spdp');

  it('has the identity, lease and endpoint set of the guide, and no DOMAIN_ID', () => {
    expect(prefixKey(p.guid.prefix)).toBe('010f7f01231be7f600000000');
    expect(p.protocolVersion).toEqual([2, 2]);
    expect(p.vendorId).toEqual([0x01, 0x0f]);
    expect(p.leaseDuration).toEqual({ seconds: 20, fraction: 0 });
    expect(p.builtinEndpointSet).toBe(0x00000c3f);
    expect(p.domainId).toBeUndefined();
  });

  it('has unicast locators only', () => {
    expect(p.metatrafficUnicastLocators.map(loc)).toEqual(['127.0.0.1:7410']);
    expect(p.defaultUnicastLocators.map(loc)).toEqual(['127.0.0.1:7411']);
    expect(p.metatrafficMulticastLocators).toEqual([]);
    expect(p.defaultMulticastLocators).toEqual([]);
  });

  it('has USER_DATA enclave=/; with a NUL (11 bytes), ENTITY_NAME / and four properties', () => {
    expect(p.userData?.length).toBe(11);
    expect(text(p.userData)).toBe('enclave=/;\0');
    expect(p.entityName).toBe('/');
    const props = p.properties!.properties;
    expect(props.map((x) => x.name)).toEqual([
      'PARTICIPANT_TYPE',
      'fastdds.physical_data.host',
      'fastdds.physical_data.user',
      'fastdds.physical_data.process',
    ]);
    expect(props[0]!.value).toBe('SIMPLE');
    expect(props[1]!.value).toMatch(/^vm:\d+$/);
    expect(props[2]!.value).toBe('root');
    expect(props[3]!.value).toBe('6947');
    expect(p.properties!.binaryProperties).toBeUndefined(); // Fast DDS writes no binary count
  });

  it('has NETWORK_CONFIGURATION_SET 1 as its vendor-specific parameter', () => {
    expect(p.vendorSpecific).toEqual({ vendor: 'fastdds', networkConfigurationSet: 1 });
  });

  it('frames 65, 66: the service-list participant leaves with KEY_HASH + STATUS_INFO, no payload', () => {
    for (const frame of [65, 66]) {
      const s = fastdds.find((x) => x.frame === frame && x.topic === 'spdp')!;
      expect(s.sample.serializedPayload).toBeUndefined();
      const c = decode(s);
      expect(c.kind === 'gone' && guidKey(c.guid)).toBe('010f7f012f1b5f7c00000000.000001c1');
    }
  });
});

describe('SEDP of the spawn service', () => {
  const CYCLONE_SPAWN = [
    [15, 'publications', 13, '011086e8eb01119febabfa63.00001b03', 'rr/spawnReply', 'Spawn_Response_'],
    [21, 'subscriptions', 12, '011086e8eb01119febabfa63.00001c04', 'rq/spawnRequest', 'Spawn_Request_'],
    [127, 'publications', 11, '01106a8ff457c91565d31aaa.00001603', 'rq/spawnRequest', 'Spawn_Request_'],
    [129, 'subscriptions', 9, '01106a8ff457c91565d31aaa.00001704', 'rr/spawnReply', 'Spawn_Response_'],
  ] as const;
  const FASTDDS_SPAWN = [
    [46, 'publications', 13, '010f7f01231be7f600000000.00001903', 'rr/spawnReply', 'Spawn_Response_'],
    [47, 'subscriptions', 12, '010f7f01231be7f600000000.00001804', 'rq/spawnRequest', 'Spawn_Request_'],
    [101, 'subscriptions', 9, '010f7f013c1baf3c00000000.00001304', 'rr/spawnReply', 'Spawn_Response_'],
    [103, 'publications', 11, '010f7f013c1baf3c00000000.00001403', 'rq/spawnRequest', 'Spawn_Request_'],
  ] as const;
  const HASH = {
    Spawn_Request_: 'RIHS01_1e6ade2639543952ce3471ce7df5a75ec62040cebe60fca7c49be96cab87e47c',
    Spawn_Response_: 'RIHS01_be5ddd6e34ad37a97f4092ba04693f8384b3b20ebdf7cc48860a39aedece8055',
  };

  it.each(CYCLONE_SPAWN)('Cyclone frame %i (%s sn %i): %s %s', (frame, topic, sn, guid, topicName, type) => {
    const e = alive(cyclone, frame, topic, sn);
    expect(e.kind).toBe(topic === 'publications' ? 'writer' : 'reader');
    expect(guidKey(e.guid)).toBe(guid);
    expect(e.topicName).toBe(topicName);
    expect(e.typeName).toBe(`turtlesim::srv::dds_::${type}`);
    // Only what differs from the defaults: RELIABLE with infinite blocking, KEEP_LAST 10.
    expect(e.qos).toEqual({
      reliability: { kind: 'RELIABLE', maxBlockingTime: { seconds: 0x7fffffff, fraction: 0xffffffff } },
      history: { kind: 'KEEP_LAST', depth: 10 },
    });
    const q = endpointQos(e);
    expect(q.durability).toBe('VOLATILE');
    expect(isInfinite(q.reliability.maxBlockingTime)).toBe(true);
    // No PARTICIPANT_GUID, locators, KEY_HASH, DATA_REPRESENTATION or type information.
    expect(e.participantGuid).toBeUndefined();
    expect(guidKey(endpointParticipantGuid(e))).toBe(`${guid.slice(0, 24)}.000001c1`);
    expect(e.unicastLocators).toEqual([]);
    expect(e.keyHash).toBeUndefined();
    expect(e.typeInformation).toBeUndefined();
    const ud = text(e.userData)!;
    expect(ud.length).toBe(134);
    const id =
      frame < 100
        ? 'serviceid= 1.10.86.e8.eb.1.11.9f.eb.ab.fa.63.0.0.0.'
        : 'clientid= 1.10.6a.8f.f4.57.c9.15.65.d3.1a.aa.0.0.0.';
    expect(ud.startsWith(id)).toBe(true);
    expect(ud.endsWith(`;typehash=${HASH[type]};`)).toBe(true);
    // 0x800c ENTITY_FACTORY (autoenable), and for writers 0x8003 WRITER_DATA_LIFECYCLE (autodispose off).
    expect(e.vendorSpecific).toEqual({
      vendor: 'cyclone',
      autoenableCreatedEntities: true,
      ...(topic === 'publications' ? { autodisposeUnregisteredInstances: false } : {}),
    });
  });

  it.each(FASTDDS_SPAWN)('Fast DDS frame %i (%s sn %i): %s %s', (frame, topic, sn, guid, topicName, type) => {
    const e = alive(fastdds, frame, topic, sn);
    const writer = topic === 'publications';
    expect(guidKey(e.guid)).toBe(guid);
    expect(e.topicName).toBe(topicName);
    expect(e.typeName).toBe(`turtlesim::srv::dds_::${type}`);
    expect(guidKey(e.participantGuid!)).toBe(`${guid.slice(0, 24)}.000001c1`);
    expect(Buffer.from(e.keyHash!).toString('hex')).toBe(guid.replace('.', ''));
    expect(e.unicastLocators.map(loc)).toEqual([frame < 100 ? '127.0.0.1:7411' : '127.0.0.1:7413']);
    expect(e.protocolVersion).toEqual([2, 2]);
    expect(e.typeMaxSizeSerialized).toBe(writer ? (type === 'Spawn_Response_' ? 12 : 24) : undefined);
    expect(e.expectsInlineQos).toBe(writer ? undefined : false);
    expect(text(e.userData)).toBe(`typehash=${HASH[type]};`);
    expect(e.topicData).toEqual(new Uint8Array());
    expect(e.groupData).toEqual(new Uint8Array());
    const INF = { seconds: 0x7fffffff, fraction: 0xffffffff };
    expect(e.qos).toEqual({
      durability: 'VOLATILE',
      durabilityService: {
        serviceCleanupDelay: { seconds: 0, fraction: 0 },
        historyKind: 'KEEP_LAST',
        historyDepth: 1,
        maxSamples: -1,
        maxInstances: -1,
        maxSamplesPerInstance: -1,
      },
      deadline: INF,
      latencyBudget: { seconds: 0, fraction: 0 },
      liveliness: { kind: 'AUTOMATIC', leaseDuration: INF },
      reliability: { kind: 'RELIABLE', maxBlockingTime: { seconds: 0, fraction: 0x1999999a } },
      lifespan: INF,
      ownership: 'SHARED',
      destinationOrder: 'BY_RECEPTION_TIMESTAMP',
      presentation: { accessScope: 'INSTANCE', coherentAccess: false, orderedAccess: false },
      partition: [],
      dataRepresentation: [0],
      ...(writer
        ? { timeBasedFilter: { seconds: 0, fraction: 0 } }
        : {
            typeConsistency: {
              kind: 1,
              flags: {
                ignoreSequenceBounds: true,
                ignoreStringBounds: true,
                ignoreMemberNames: false,
                preventTypeWidening: false,
                forceTypeValidation: false,
              },
            },
          }),
    });
    expect(durationToMillis(e.qos.reliability!.maxBlockingTime)).toBeCloseTo(100, 6);
    // HISTORY is never sent: the depth is unknown, the default (KEEP_LAST 1) is all we can assume.
    expect(endpointQos(e).history).toEqual({ kind: 'KEEP_LAST', depth: 1 });
    expect(e.vendorSpecific).toEqual({ vendor: 'fastdds', networkConfigurationSet: 1 });
  });
});

describe('what each vendor puts in SEDP (the full sets seen in the captures)', () => {
  it('Cyclone: identity, names, user data, only non-default QoS, two or three vendor PIDs', () => {
    expect(pidsSeen(cyclone, 'publications')).toEqual(
      [
        'ADLINK_ENTITY_FACTORY',
        'ADLINK_WRITER_DATA_LIFECYCLE',
        'DURABILITY',
        'DURABILITY_SERVICE',
        'ENDPOINT_GUID',
        'HISTORY',
        'LIFESPAN',
        'PROTOCOL_VERSION',
        'RELIABILITY',
        'TOPIC_NAME',
        'TYPE_NAME',
        'USER_DATA',
        'VENDORID',
      ].sort(),
    );
    expect(pidsSeen(cyclone, 'subscriptions')).toEqual(
      [
        'ADLINK_ENTITY_FACTORY',
        'DURABILITY',
        'ENDPOINT_GUID',
        'HISTORY',
        'PROTOCOL_VERSION',
        'RELIABILITY',
        'TOPIC_NAME',
        'TYPE_NAME',
        'USER_DATA',
        'VENDORID',
      ].sort(),
    );
  });

  const FASTDDS_COMMON = [
    'DATA_REPRESENTATION',
    'DEADLINE',
    'DESTINATION_ORDER',
    'DURABILITY',
    'DURABILITY_SERVICE',
    'ENDPOINT_GUID',
    'GROUP_DATA',
    'KEY_HASH',
    'LATENCY_BUDGET',
    'LIFESPAN',
    'LIVELINESS',
    'NETWORK_CONFIGURATION_SET',
    'OWNERSHIP',
    'PARTICIPANT_GUID',
    'PARTITION',
    'PRESENTATION',
    'PROTOCOL_VERSION',
    'RELIABILITY',
    'TOPIC_DATA',
    'TOPIC_NAME',
    'TYPE_NAME',
    'UNICAST_LOCATOR',
    'USER_DATA',
    'VENDORID',
  ];

  it('Fast DDS: every policy but HISTORY, always', () => {
    expect(pidsSeen(fastdds, 'publications')).toEqual(
      [...FASTDDS_COMMON, 'TIME_BASED_FILTER', 'TYPE_MAX_SIZE_SERIALIZED'].sort(),
    );
    expect(pidsSeen(fastdds, 'subscriptions')).toEqual(
      [...FASTDDS_COMMON, 'EXPECTS_INLINE_QOS', 'TYPE_CONSISTENCY'].sort(),
    );
  });

  it('Cyclone omits RELIABILITY exactly for the readers Fast DDS announces as BEST_EFFORT', () => {
    const topics = (samples: readonly CapturedSample[], pick: (e: DecodedEndpointData) => boolean) => {
      const out = new Set<string>();
      for (const s of samples) {
        if (s.topic !== 'subscriptions') continue;
        const c = decode(s);
        if (c.kind === 'alive' && pick(c.data as DecodedEndpointData))
          out.add((c.data as DecodedEndpointData).topicName);
      }
      return [...out].sort();
    };
    const cycloneOmitted = topics(cyclone, (e) => e.qos.reliability === undefined);
    expect(cycloneOmitted).toEqual(['rt/big', 'rt/parameter_events']);
    expect(topics(fastdds, (e) => e.qos.reliability?.kind === 'BEST_EFFORT')).toEqual(cycloneOmitted);
    // ... so the reader default is BEST_EFFORT, as the DDS specification says.
    for (const s of cyclone) {
      const c = decode(s);
      if (s.topic !== 'subscriptions' || c.kind !== 'alive') continue;
      const e = c.data as DecodedEndpointData;
      if (!e.qos.reliability) expect(endpointQos(e).reliability.kind).toBe('BEST_EFFORT');
    }
  });

  it('Cyclone omits HISTORY only for depth-1 writers (ros_discovery_info, action status)', () => {
    const omitted = new Set<string>();
    for (const s of cyclone) {
      const c = decode(s);
      if (s.topic === 'publications' && c.kind === 'alive') {
        const e = c.data as DecodedEndpointData;
        if (!e.qos.history) {
          omitted.add(e.topicName);
          expect(endpointQos(e).history).toEqual({ kind: 'KEEP_LAST', depth: 1 });
          expect(e.qos.durability).toBe('TRANSIENT_LOCAL');
        }
      }
    }
    expect([...omitted].sort()).toEqual([
      'ros_discovery_info',
      'rt/foxy_turtle/rotate_absolute/_action/status',
      'rt/turtle1/rotate_absolute/_action/status',
    ]);
  });

  it('Fast DDS ros_discovery_info readers announce their own port 7000-7002; all else the participant port', () => {
    for (const s of fastdds) {
      const c = decode(s);
      if (s.topic === 'spdp' || c.kind !== 'alive') continue;
      const e = c.data as DecodedEndpointData;
      const ports = e.unicastLocators.map((l) => l.port);
      if (e.kind === 'reader' && e.topicName === 'ros_discovery_info') {
        expect(ports.length).toBe(1);
        expect(ports[0]).toBeGreaterThanOrEqual(7000);
        expect(ports[0]).toBeLessThanOrEqual(7002);
      } else expect([7411, 7413, 7415]).toContain(ports[0]);
    }
  });
});
