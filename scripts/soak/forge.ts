/**
 * The soak's attacks as datagrams: pure functions of a seed, the victims' map and a datagram's
 * index, built with ros2ts's own wire encoders (they write what a well-formed but hostile peer
 * would; the receive path is what is under test). No sockets here: attacker.ts sends them.
 */
import {
  DURATION_INFINITE,
  durationFromMillis,
  encodeEndpointData,
  encodeParticipantData,
  STANDARD_BUILTIN_ENDPOINTS,
} from '../../src/rtps/discovery-data/index.js';
import { encodeMessage } from '../../src/rtps/wire/message.js';
import { makeSet } from '../../src/rtps/wire/number-sets.js';
import type { Submessage } from '../../src/rtps/wire/submessage.js';
import {
  ENTITYID_PARTICIPANT,
  ENTITYID_SEDP_PUBLICATIONS_READER,
  ENTITYID_SEDP_PUBLICATIONS_WRITER,
  ENTITYID_SEDP_SUBSCRIPTIONS_READER,
  ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  ENTITYID_UNKNOWN,
  type GuidPrefix,
  type Locator,
  udpv4Locator,
} from '../../src/rtps/wire/types.js';
import type { AttackCommand, VictimMap } from './protocol.js';

export interface Destination {
  readonly address: string;
  readonly port: number;
}

export interface Forged {
  readonly data: Uint8Array;
  readonly to: readonly Destination[];
}

/** Makes datagram `i` of an attack (0 ≤ i < count). */
export type AttackSource = (i: number) => Forged;

const VERSION = [2, 3] as const;
/** Fast DDS's vendor id: what a hostile peer would most plausibly claim. */
const VENDOR = [1, 15] as const;
const HUGE_SN = 2 ** 40;
const MAX_COUNT = 2 ** 31 - 1;
const MIB = 1024 * 1024;
/** A user writer / reader entity kind (no key), as ros2ts and rmw make them. */
const WRITER_KIND = 0x03;
const READER_KIND = 0x04;

export function hexPrefix(hex: string): GuidPrefix {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function message(prefix: GuidPrefix, submessages: readonly Submessage[]): Uint8Array {
  return encodeMessage({ header: { version: VERSION, vendorId: VENDOR, guidPrefix: prefix }, submessages });
}

function randomPrefix(rand: () => number): GuidPrefix {
  const p = new Uint8Array(12);
  for (let i = 0; i < 12; i++) p[i] = Math.floor(rand() * 256);
  return p;
}

const loopback = '127.0.0.1';

/** Every unicast port of every victim, and the SPDP multicast group. */
function allDestinations(map: VictimMap): Destination[] {
  return [
    ...map.ports.flatMap((p) => [
      { address: loopback, port: p.metatraffic },
      { address: loopback, port: p.user },
    ]),
    map.multicast,
  ];
}

/** 1: random bytes behind an RTPS header, and mutations of real datagrams, half in a victim's name. */
export function garbage(
  map: VictimMap,
  rand: () => number,
  corpus: readonly Uint8Array[],
  mutate: (d: Uint8Array, rand: () => number) => Uint8Array,
): AttackSource {
  const targets = allDestinations(map);
  const prefixes = map.participants.map((p) => hexPrefix(p.prefix));
  return (i) => {
    let data: Uint8Array;
    if (i % 4 === 0 || corpus.length === 0) {
      data = new Uint8Array(20 + Math.floor(rand() * 300));
      data.set([0x52, 0x54, 0x50, 0x53, 2, 3, 1, 15]);
      for (let k = 8; k < data.length; k++) data[k] = Math.floor(rand() * 256);
    } else {
      data = mutate(corpus[Math.floor(rand() * corpus.length)]!, rand);
    }
    if (i % 2 === 1 && data.length >= 20) data.set(prefixes[i % prefixes.length]!, 8);
    return { data, to: [targets[i % targets.length]!] };
  };
}

/**
 * 2: control submessages in the name of a matched writer (to its reader) or reader (to its
 * writer): invalid HEARTBEATs, valid but implausible ones (2^40, count 2^31-1), GAPs declaring
 * everything irrelevant, HEARTBEAT_FRAGs, ACKNACKs from a spoofed reader and from the real one's
 * GUID (asking for everything, claiming everything, or invalid), NACK_FRAGs.
 */
export function forgedControl(map: VictimMap, rand: () => number): AttackSource {
  let count = 1_000_000;
  return (i) => {
    const pair = map.pairs[Math.floor(i / 10) % map.pairs.length]!;
    const toReader = { address: loopback, port: pair.readerPort };
    const toWriter = { address: loopback, port: pair.writerPort };
    const w = hexPrefix(pair.writer.prefix);
    const r = hexPrefix(pair.reader.prefix);
    const ids = { readerId: pair.reader.entityId, writerId: pair.writer.entityId };
    count++;
    switch (i % 10) {
      case 0: // invalid: firstSN > lastSN + 1 (RTPS 8.3.7.5)
        return {
          data: message(w, [{ kind: 'HEARTBEAT', flags: 1, ...ids, firstSN: HUGE_SN, lastSN: 3, count }]),
          to: [toReader],
        };
      case 1: // valid, implausible
        return {
          data: message(w, [
            { kind: 'HEARTBEAT', flags: 1, ...ids, firstSN: HUGE_SN, lastSN: HUGE_SN, count: MAX_COUNT },
          ]),
          to: [toReader],
        };
      case 2: // everything below 2^40 irrelevant
        return {
          data: message(w, [{ kind: 'GAP', flags: 1, ...ids, gapStart: 1, gapList: makeSet(HUGE_SN, []) }]),
          to: [toReader],
        };
      case 3: // invalid GAP: start 0
        return {
          data: message(w, [{ kind: 'GAP', flags: 1, ...ids, gapStart: 0, gapList: makeSet(1, []) }]),
          to: [toReader],
        };
      case 4:
        return {
          data: message(w, [
            {
              kind: 'HEARTBEAT_FRAG',
              flags: 1,
              ...ids,
              writerSN: HUGE_SN,
              lastFragmentNum: MAX_COUNT,
              count,
            },
          ]),
          to: [toReader],
        };
      case 5: {
        // A reader nobody announced, asking for everything (a request for retransmission of 256)
        const spoofed = randomPrefix(rand);
        const all = Array.from({ length: 256 }, (_, k) => 1 + k);
        return {
          data: message(spoofed, [
            { kind: 'ACKNACK', flags: 1, ...ids, readerSNState: makeSet(1, all), count },
          ]),
          to: [toWriter],
        };
      }
      case 6: {
        // The real reader's GUID, asking for everything again
        const all = Array.from({ length: 256 }, (_, k) => 1 + k);
        return {
          data: message(r, [{ kind: 'ACKNACK', flags: 1, ...ids, readerSNState: makeSet(1, all), count }]),
          to: [toWriter],
        };
      }
      case 7: // The real reader's GUID, claiming it has all up to 2^40, with the largest count
        return {
          data: message(r, [
            { kind: 'ACKNACK', flags: 3, ...ids, readerSNState: makeSet(HUGE_SN, []), count: MAX_COUNT },
          ]),
          to: [toWriter],
        };
      case 8: // invalid: base 0
        return {
          data: message(r, [{ kind: 'ACKNACK', flags: 1, ...ids, readerSNState: makeSet(0, [0, 1]), count }]),
          to: [toWriter],
        };
      default:
        return {
          data: message(r, [
            {
              kind: 'NACK_FRAG',
              flags: 1,
              ...ids,
              writerSN: 1 + (i % 50),
              fragmentNumberState: makeSet(
                1,
                Array.from({ length: 256 }, (_, k) => 1 + k),
              ),
              count,
            },
          ]),
          to: [toWriter],
        };
    }
  };
}

/** Fragments of a fill sample carried in one DATA_FRAG: 56 KiB a datagram. */
const FILL_FRAGMENTS = 56;
const FILL_FRAGMENT_SIZE = 1024;
/** Datagrams sent for one fill sample before moving to the next SN (28 MiB of it). */
const FILL_DATAGRAMS_PER_SAMPLE = 512;

/**
 * 3: DATA_FRAGs announcing 64 MiB samples: with fragmentSize 1 (more fragments than any
 * reassembly takes), with real 1 KiB fragments that fill memory (56 KiB a datagram, many sample
 * SNs, in the names of two matched writers whose readers are in one participant: its shared
 * budget is what holds), and from many writers of a known participant that were never announced.
 */
export function fragmentBomb(map: VictimMap): AttackSource {
  const fillPayload = new Uint8Array(FILL_FRAGMENTS * FILL_FRAGMENT_SIZE).fill(0xa5);
  const frag = (
    prefix: GuidPrefix,
    ids: { readerId: number; writerId: number },
    writerSN: number,
    fragmentStartingNum: number,
    fragmentSize: number,
    fragments: Uint8Array,
  ) =>
    message(prefix, [
      {
        kind: 'DATA_FRAG',
        flags: 1,
        extraFlags: 0,
        ...ids,
        writerSN,
        fragmentStartingNum,
        fragmentsInSubmessage: Math.ceil(fragments.length / fragmentSize),
        fragmentSize,
        sampleSize: 64 * MIB,
        fragments,
      },
    ]);
  // The fill goes to two readers of one participant (the topic's and the service reply's).
  const fillPairs = [map.pairs[0]!, map.pairs[2] ?? map.pairs[0]!];
  return (i) => {
    const pair = map.pairs[i % map.pairs.length]!;
    const ids = { readerId: pair.reader.entityId, writerId: pair.writer.entityId };
    const toReader = { address: loopback, port: pair.readerPort };
    switch (i % 4) {
      case 0:
        return {
          data: frag(hexPrefix(pair.writer.prefix), ids, 2 ** 30 + i, 1, 1, new Uint8Array(1)),
          to: [toReader],
        };
      case 2: {
        // An unannounced writer of a known participant (the writer's), many of them.
        const writerId = ((0x10_0000 + (i % 4096)) << 8) | WRITER_KIND;
        return {
          data: frag(
            hexPrefix(pair.writer.prefix),
            { readerId: ENTITYID_UNKNOWN, writerId },
            1 + (i % 64),
            1,
            FILL_FRAGMENT_SIZE,
            fillPayload.subarray(0, FILL_FRAGMENT_SIZE),
          ),
          to: [toReader],
        };
      }
      default: {
        const n = i >> 1; // odd i: 1, 3
        const fill = fillPairs[n % 2]!;
        const k = n >> 1;
        const sample = Math.floor(k / FILL_DATAGRAMS_PER_SAMPLE);
        const start = 1 + (k % FILL_DATAGRAMS_PER_SAMPLE) * FILL_FRAGMENTS;
        return {
          data: frag(
            hexPrefix(fill.writer.prefix),
            { readerId: fill.reader.entityId, writerId: fill.writer.entityId },
            2 ** 31 + sample,
            start,
            FILL_FRAGMENT_SIZE,
            fillPayload,
          ),
          to: [{ address: loopback, port: fill.readerPort }],
        };
      }
    }
  };
}

const ALL_BUILTIN = STANDARD_BUILTIN_ENDPOINTS;

/** One SPDP announcement (DATA(p)) of `prefix`. */
export function announcement(
  prefix: GuidPrefix,
  domainId: number,
  leaseMs: number | 'infinite',
  metatraffic: readonly Locator[],
  user: readonly Locator[] = metatraffic,
  sn = 1,
): Uint8Array {
  return message(prefix, [
    {
      kind: 'DATA',
      flags: 0x05,
      extraFlags: 0,
      readerId: ENTITYID_SPDP_READER,
      writerId: ENTITYID_SPDP_WRITER,
      writerSN: sn,
      payload: encodeParticipantData({
        guid: { prefix, entityId: ENTITYID_PARTICIPANT },
        protocolVersion: VERSION,
        vendorId: VENDOR,
        domainId,
        builtinEndpointSet: ALL_BUILTIN,
        leaseDuration: leaseMs === 'infinite' ? DURATION_INFINITE : durationFromMillis(leaseMs),
        metatrafficUnicastLocators: metatraffic,
        defaultUnicastLocators: user,
        userData: new TextEncoder().encode('enclave=/;'),
      }),
    },
  ]);
}

/** 4: announcements of participants with random GUID prefixes, every other one with an infinite lease. */
export function spdpFlood(
  map: VictimMap,
  rand: () => number,
  cmd: AttackCommand,
  sinkPort: number,
): AttackSource {
  const sink = [udpv4Locator(loopback, sinkPort)];
  return (i) => ({
    data: announcement(randomPrefix(rand), map.domainId, i % 2 === 1 ? 'infinite' : cmd.fakeLeaseMs, sink),
    to: [map.multicast],
  });
}

/** Locators in one oversized announcement. */
export const LOCATORS_PER_ANNOUNCEMENT = 500;

/**
 * 5: the first `count / 21` announcements carry 500 loopback locators each (127.0.x.y at the
 * attacker's sink, so every datagram they draw is counted); the rest carry only addresses outside
 * the LOCALHOST discovery range (10.x.y.z), which the victims must not send to.
 */
export function locatorFlood(
  map: VictimMap,
  rand: () => number,
  cmd: AttackCommand,
  sinkPort: number,
): AttackSource {
  const big = Math.max(1, Math.round(cmd.count / 21));
  const many = Array.from({ length: LOCATORS_PER_ANNOUNCEMENT }, (_, j) =>
    udpv4Locator(`127.0.${(j >> 8) + 1}.${j & 0xff}`, sinkPort),
  );
  return (i) => {
    const locators =
      i < big
        ? many
        : Array.from({ length: 4 }, (_, j) =>
            udpv4Locator(`10.${(i >> 8) & 0xff}.${i & 0xff}.${j + 1}`, 7410 + 2 * j),
          );
    return {
      data: announcement(randomPrefix(rand), map.domainId, cmd.fakeLeaseMs, locators),
      to: [map.multicast],
    };
  };
}

/**
 * 6: one fake participant announcing many endpoints (DATA(w) and DATA(r) in turn, on topics
 * nobody else uses), to both victims' metatraffic ports. Twice a second it re-announces itself
 * (SPDP), so its lease holds for the whole flood, and its two SEDP writers send a HEARTBEAT, as a
 * real writer would: what a victim missed before it knew the participant is declared gone and the
 * rest is taken. Datagram 0 is its first announcement; the sender pauses after it.
 */
export function sedpFlood(
  map: VictimMap,
  rand: () => number,
  cmd: AttackCommand,
  sinkPort: number,
): AttackSource {
  const prefix = randomPrefix(rand);
  const sink = [udpv4Locator(loopback, sinkPort)];
  const metatraffic = map.ports.map((p) => ({ address: loopback, port: p.metatraffic }));
  const renewEvery = Math.max(4, Math.round(cmd.rate / 2));
  let spdpSn = 0;
  let heartbeats = 0;
  const sn = { writer: 0, reader: 0 };
  const heartbeat = (kind: 'writer' | 'reader'): Submessage => ({
    kind: 'HEARTBEAT',
    flags: 1,
    readerId: kind === 'writer' ? ENTITYID_SEDP_PUBLICATIONS_READER : ENTITYID_SEDP_SUBSCRIPTIONS_READER,
    writerId: kind === 'writer' ? ENTITYID_SEDP_PUBLICATIONS_WRITER : ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
    // What a victim may still ask for: the last 200 (the fake keeps no history to resend anyway).
    firstSN: Math.max(1, sn[kind] - 200),
    lastSN: sn[kind],
    count: ++heartbeats,
  });
  return (i) => {
    if (i % renewEvery === 0)
      return {
        data: announcement(prefix, map.domainId, cmd.fakeLeaseMs, sink, sink, ++spdpSn),
        to: [map.multicast],
      };
    if (i % renewEvery === 1)
      return { data: message(prefix, [heartbeat('writer'), heartbeat('reader')]), to: metatraffic };
    const kind = i % 2 === 0 ? 'writer' : 'reader';
    const k = ++sn[kind];
    const entityId = ((0x20_0000 + k) << 8) | (kind === 'writer' ? WRITER_KIND : READER_KIND);
    const payload = encodeEndpointData({
      guid: { prefix, entityId },
      participantGuid: { prefix, entityId: ENTITYID_PARTICIPANT },
      topicName: `rt/soak_flood_${kind}_${k}`,
      typeName: 'std_msgs::msg::dds_::String_',
      qos: {},
      protocolVersion: VERSION,
      vendorId: VENDOR,
    });
    return {
      data: message(prefix, [
        {
          kind: 'DATA',
          flags: 0x05,
          extraFlags: 0,
          readerId:
            kind === 'writer' ? ENTITYID_SEDP_PUBLICATIONS_READER : ENTITYID_SEDP_SUBSCRIPTIONS_READER,
          writerId:
            kind === 'writer' ? ENTITYID_SEDP_PUBLICATIONS_WRITER : ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
          writerSN: k,
          payload,
        },
      ]),
      to: metatraffic,
    };
  };
}
