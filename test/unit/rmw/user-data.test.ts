/**
 * USER_DATA strings against what the Jazzy peers announced in the captures (SPDP frame 1 of each;
 * the spawn service's SEDP: Cyclone 15/21/127/129, Fast DDS 46/47).
 */
import { describe, expect, it } from 'vitest';
import {
  encodeEndpointUserData,
  encodeParticipantUserData,
  formatServiceEndpointId,
  makeServiceEndpointId,
  parseEndpointUserData,
  parseKeyValues,
  parseParticipantEnclave,
  parseServiceEndpointId,
} from '../../../src/rmw/user-data.js';
import { decodeEndpointData, decodeParticipantData } from '../../../src/rtps/discovery-data/index.js';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import type { DataSubmessage } from '../../../src/rtps/wire/submessage.js';
import { sharedFile } from '../../shared.js';
import { readPcapUdp } from '../../support/pcap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

const CAPTURES = {
  cyclone: readPcapUdp(sharedFile('captures/jazzy-cyclonedds-tutorial.pcap')),
  fastdds: readPcapUdp(sharedFile('captures/jazzy-fastrtps-tutorial.pcap')),
};

function messageIn(capture: keyof typeof CAPTURES, frame: number) {
  const d = CAPTURES[capture].find((x) => x.frame === frame)!;
  const m = parseMessage(d.payload, new DropCounter())!;
  const datas = m.submessages.filter(
    (s): s is DataSubmessage => s.kind === 'DATA' && s.payload !== undefined,
  );
  return { datas, vendor: (m.header.vendorId[0] << 8) | m.header.vendorId[1] };
}

function participantUserData(capture: keyof typeof CAPTURES, frame: number): Uint8Array {
  const { datas, vendor } = messageIn(capture, frame);
  return decodeParticipantData(datas.find((s) => s.writerId === 0x100c2)!.payload!, vendor).userData!;
}

/** USER_DATA of the endpoint on `topic` that SEDP announces in `frame` (a frame may hold several). */
function endpointUserData(
  capture: keyof typeof CAPTURES,
  frame: number,
  kind: 'writer' | 'reader',
  topic: string,
) {
  const { datas, vendor } = messageIn(capture, frame);
  const writerId = kind === 'writer' ? 0x3c2 : 0x4c2;
  const all = datas
    .filter((s) => s.writerId === writerId)
    .map((s) => decodeEndpointData(s.payload!, kind, vendor));
  return all.find((e) => e.topicName === topic)!.userData!;
}

const SPAWN_RESPONSE_HASH = 'RIHS01_be5ddd6e34ad37a97f4092ba04693f8384b3b20ebdf7cc48860a39aedece8055';
const SPAWN_REQUEST_HASH = 'RIHS01_1e6ade2639543952ce3471ce7df5a75ec62040cebe60fca7c49be96cab87e47c';

describe('golden: participant USER_DATA', () => {
  it('Cyclone sends enclave=/; without a NUL (10 bytes), as we build it by default', () => {
    const userData = participantUserData('cyclone', 1);
    expect(userData.length).toBe(10);
    expect(hex(encodeParticipantUserData('/'))).toBe(hex(userData));
    expect(parseParticipantEnclave(userData)).toBe('/');
  });

  it('Fast DDS adds a NUL (11 bytes), which trailingNul reproduces and the parser drops', () => {
    const userData = participantUserData('fastdds', 1);
    expect(userData.length).toBe(11);
    expect(hex(encodeParticipantUserData('/', { trailingNul: true }))).toBe(hex(userData));
    expect(parseParticipantEnclave(userData)).toBe('/');
  });
});

describe('golden: Cyclone service endpoint USER_DATA (spawn)', () => {
  const turtlesim = unhex('011086e8eb01119febabfa63');
  const client = unhex('01106a8ff457c91565d31aaa');

  it('reply writer 15: serviceid with a space-padded first byte, then the Spawn_Response hash', () => {
    const userData = endpointUserData('cyclone', 15, 'writer', 'rr/spawnReply');
    expect(text(userData)).toBe(
      `serviceid= 1.10.86.e8.eb.1.11.9f.eb.ab.fa.63.0.0.0.a;typehash=${SPAWN_RESPONSE_HASH};`,
    );
    const id = makeServiceEndpointId(turtlesim, 10);
    expect(hex(encodeEndpointUserData({ serviceId: id, typeHash: SPAWN_RESPONSE_HASH }))).toBe(hex(userData));
    expect(parseEndpointUserData(userData)).toEqual({
      serviceId: ' 1.10.86.e8.eb.1.11.9f.eb.ab.fa.63.0.0.0.a',
      typeHash: SPAWN_RESPONSE_HASH,
    });
  });

  it('request reader 21: the same serviceid with the Spawn_Request hash', () => {
    const parsed = parseEndpointUserData(endpointUserData('cyclone', 21, 'reader', 'rq/spawnRequest'));
    expect(parsed.serviceId).toBe(formatServiceEndpointId(makeServiceEndpointId(turtlesim, 10)));
    expect(parsed.typeHash).toBe(SPAWN_REQUEST_HASH);
  });

  it('client writer 127 and reader 129 share clientid …0.0.0.8, which parses back to its 16 bytes', () => {
    const writer = endpointUserData('cyclone', 127, 'writer', 'rq/spawnRequest');
    const reader = endpointUserData('cyclone', 129, 'reader', 'rr/spawnReply');
    const id = makeServiceEndpointId(client, 8);
    expect(hex(encodeEndpointUserData({ clientId: id, typeHash: SPAWN_REQUEST_HASH }))).toBe(hex(writer));
    expect(hex(encodeEndpointUserData({ clientId: id, typeHash: SPAWN_RESPONSE_HASH }))).toBe(hex(reader));
    const clientId = parseEndpointUserData(writer).clientId!;
    expect(clientId).toBe(parseEndpointUserData(reader).clientId);
    expect(hex(parseServiceEndpointId(clientId)!)).toBe(hex(id));
  });
});

describe('golden: Fast DDS endpoint USER_DATA (spawn)', () => {
  it('reply writer 46 carries only typehash=…; (81 bytes, no NUL)', () => {
    const userData = endpointUserData('fastdds', 46, 'writer', 'rr/spawnReply');
    expect(userData.length).toBe(81);
    expect(hex(encodeEndpointUserData({ typeHash: SPAWN_RESPONSE_HASH }))).toBe(hex(userData));
    expect(parseEndpointUserData(userData)).toEqual({ typeHash: SPAWN_RESPONSE_HASH });
  });

  it('request reader 47 carries the Spawn_Request hash', () => {
    expect(parseEndpointUserData(endpointUserData('fastdds', 47, 'reader', 'rq/spawnRequest')).typeHash).toBe(
      SPAWN_REQUEST_HASH,
    );
  });
});

describe('service endpoint ids', () => {
  it('pads only the first byte, with a space, and only when it is one hex digit', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0xab : i));
    expect(formatServiceEndpointId(id)).toBe('ab.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f');
    expect(formatServiceEndpointId(new Uint8Array(16))).toBe(' 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0');
  });

  it('puts a big-endian counter after the prefix', () => {
    expect(hex(makeServiceEndpointId(new Uint8Array(12), 0x01020304).subarray(12))).toBe('01020304');
    expect(() => makeServiceEndpointId(new Uint8Array(11), 1)).toThrow(RangeError);
  });

  it('does not parse what is not 16 dot-separated hex bytes', () => {
    expect(parseServiceEndpointId('1.2.3')).toBeUndefined();
    expect(parseServiceEndpointId(' 1.10.86.e8.eb.1.11.9f.eb.ab.fa.63.0.0.0.zz')).toBeUndefined();
    expect(parseServiceEndpointId('100.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0')).toBeUndefined();
  });

  it('refuses to build an id that is not 16 bytes, or both ids at once', () => {
    expect(() => formatServiceEndpointId(new Uint8Array(15))).toThrow(RangeError);
    const id = new Uint8Array(16);
    expect(() => encodeEndpointUserData({ clientId: id, serviceId: id })).toThrow(RangeError);
  });
});

describe('parseKeyValues tolerance', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('keeps unknown keys and the last entry without its ;', () => {
    const kv = parseKeyValues(bytes('enclave=/;securitylevel=3;foo=bar'));
    expect([...kv]).toEqual([
      ['enclave', '/'],
      ['securitylevel', '3'],
      ['foo', 'bar'],
    ]);
  });

  it('skips entries with a bad key or no =, keeps the others, and keeps the first of a repeated key', () => {
    const kv = parseKeyValues(bytes('bad key=1;noequals;=x;typehash=a;typehash=b;ok=;'));
    expect([...kv]).toEqual([
      ['typehash', 'a'],
      ['ok', ''],
    ]);
  });

  it('survives bytes that are not UTF-8', () => {
    const raw = Uint8Array.from([...bytes('enclave=/'), 0xff, 0xfe, ...bytes(';typehash=x;'), 0, 0]);
    const kv = parseKeyValues(raw);
    expect(kv.get('enclave')).toBe('/\ufffd\ufffd');
    expect(kv.get('typehash')).toBe('x');
  });

  it('drops a malformed type hash but keeps the ids', () => {
    expect(parseEndpointUserData(bytes('clientid= 1.2;typehash=RIHS01_abc;'))).toEqual({ clientId: ' 1.2' });
    expect(() => encodeEndpointUserData({ typeHash: 'RIHS01_abc' })).toThrow(RangeError);
  });

  it('returns nothing for an empty USER_DATA', () => {
    expect(parseKeyValues(new Uint8Array()).size).toBe(0);
    expect(parseParticipantEnclave(new Uint8Array([0]))).toBeUndefined();
  });
});
