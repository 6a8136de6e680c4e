/**
 * rmw_fastrtps service correlation against the real Jazzy Fast DDS capture (spawn request 133 and
 * reply 173, draw_circle 681/682, get_parameters 971/982), plus the cases the capture cannot show.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  decodeRelatedIdentity,
  encodeRelatedIdentityQos,
  isUnknownGuid,
  PID_FASTDDS_RELATED_SAMPLE_IDENTITY,
  PID_RELATED_SAMPLE_IDENTITY,
  type ReceivedServiceSample,
  replyGuidOf,
  replyInlineQos,
  replyInlineQosFor,
  replySequenceFor,
  requestIdentityOf,
  requestInlineQos,
} from '../../../src/rmw/service-fastdds.js';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import { DataFlags, type DataSubmessage, FLAG_ENDIANNESS } from '../../../src/rtps/wire/submessage.js';
import { type Guid, guidKey, SN_UNKNOWN } from '../../../src/rtps/wire/types.js';
import { sharedFile } from '../../shared.js';
import { readPcapUdp } from '../../support/pcap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replaceAll(' ', ''), 'hex'));
const guid = (prefix: string, entityId: number): Guid => ({ prefix: unhex(prefix), entityId });

const datagrams = readPcapUdp(sharedFile('captures/jazzy-fastrtps-tutorial.pcap'));

/** The user DATA (with payload) in a frame, as our reader would deliver it. */
function sampleIn(frame: number): ReceivedServiceSample & { data: DataSubmessage } {
  const d = datagrams.find((x) => x.frame === frame)!;
  const m = parseMessage(d.payload, new DropCounter())!;
  const data = m.submessages.find((s): s is DataSubmessage => s.kind === 'DATA' && s.payload !== undefined)!;
  return {
    data,
    writer: { prefix: m.header.guidPrefix, entityId: data.writerId },
    sn: data.writerSN,
    ...(data.inlineQos ? { inlineQos: data.inlineQos } : {}),
    littleEndian: (data.flags & FLAG_ENDIANNESS) !== 0,
  };
}

const SPAWN_CLIENT = '010f7f013c1baf3c00000000';
const SPAWN_REPLY_READER = guid(SPAWN_CLIENT, 0x00001304);
const SPAWN_REQUEST_WRITER = guid(SPAWN_CLIENT, 0x00001403);

describe('golden: the spawn call of the Fast DDS capture', () => {
  const request = sampleIn(133);
  const reply = sampleIn(173);

  it('frame 133 is the request from the client writer …1403 with flags 0x07', () => {
    expect(guidKey(request.writer)).toBe(guidKey(SPAWN_REQUEST_WRITER));
    expect(request.data.flags).toBe(FLAG_ENDIANNESS | DataFlags.INLINE_QOS | DataFlags.DATA);
  });

  it('our request inline QoS for that reply reader is byte for byte what rmw_fastrtps sent', () => {
    expect(hex(requestInlineQos(SPAWN_REPLY_READER))).toBe(hex(request.inlineQos!));
    expect(hex(request.inlineQos!)).toBe(
      `83001800${SPAWN_CLIENT}00001304ffffffff00000000` +
        `0f801800${SPAWN_CLIENT}00001304ffffffff00000000` +
        '01000000',
    );
  });

  it('decodes the request to (client reply reader, SN unknown)', () => {
    const related = decodeRelatedIdentity(request.inlineQos!, true)!;
    expect(guidKey(related.guid)).toBe(guidKey(SPAWN_REPLY_READER));
    expect(related.sn).toBe(SN_UNKNOWN);
  });

  it('the request id a server derives is (reply reader, DATA writerSN 1)', () => {
    const id = requestIdentityOf(request);
    expect(guidKey(id.guid)).toBe(guidKey(SPAWN_REPLY_READER));
    expect(id.sn).toBe(1);
  });

  it('our reply inline QoS for that request id is byte for byte what turtlesim sent (frame 173)', () => {
    expect(hex(replyInlineQos(requestIdentityOf(request)))).toBe(hex(reply.inlineQos!));
  });

  it('the client takes the reply as the answer to its request 1, and other clients do not', () => {
    expect(replySequenceFor(reply, SPAWN_REPLY_READER, SPAWN_REQUEST_WRITER)).toBe(1);
    const other = guid('010f7f01491b0b2f00000000', 0x00001304);
    expect(replySequenceFor(reply, other, guid('010f7f01491b0b2f00000000', 0x00001403))).toBeUndefined();
  });
});

describe.each([
  { what: 'draw_circle', request: 681, reply: 682, client: guid('010f7f01621b6c6300000000', 0x00001304) },
  { what: 'get_parameters', request: 971, reply: 982, client: guid('010f7f01741b557000000100', 0x00000704) },
])('golden: $what call', ({ request, reply, client }) => {
  it('request names the client reply reader; the reply echoes it with the request SN', () => {
    const req = sampleIn(request);
    const id = requestIdentityOf(req);
    expect(guidKey(id.guid)).toBe(guidKey(client));
    expect(hex(requestInlineQos(client))).toBe(hex(req.inlineQos!));
    expect(hex(replyInlineQos(id))).toBe(hex(sampleIn(reply).inlineQos!));
    expect(hex(replyInlineQosFor(id.guid, id.sn))).toBe(hex(sampleIn(reply).inlineQos!));
  });

  it('a server that kept the last GUID of this client gets that same object back, not a new one', () => {
    const req = sampleIn(request);
    const first = replyGuidOf(req);
    expect(guidKey(first)).toBe(guidKey(client));
    expect(replyGuidOf(req, first)).toBe(first);
    const stranger = guid('010f7f01000000000000ffff', 0x00001304);
    const fresh = replyGuidOf(req, stranger);
    expect(fresh).not.toBe(stranger);
    expect(guidKey(fresh)).toBe(guidKey(client));
  });
});

/** A list with the given (pid, value) parameters in either byte order, sentinel included. */
function list(params: [number, Uint8Array][], littleEndian = true): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => (littleEndian ? parts.push(v & 0xff, v >> 8) : parts.push(v >> 8, v & 0xff));
  for (const [pid, value] of params) {
    u16(pid);
    u16(value.length);
    parts.push(...value);
  }
  u16(1);
  u16(0);
  return Uint8Array.from(parts);
}

/** 24 bytes: prefix, entity id, SN high and low in the given order. */
function identity(
  prefix: string,
  entityId: string,
  high: number,
  low: number,
  littleEndian = true,
): Uint8Array {
  const sn = new DataView(new ArrayBuffer(8));
  sn.setInt32(0, high, littleEndian);
  sn.setUint32(4, low, littleEndian);
  return Uint8Array.from([...unhex(prefix), ...unhex(entityId), ...new Uint8Array(sn.buffer)]);
}

const P = '0102030405060708090a0b0c';

describe('decodeRelatedIdentity', () => {
  it('reads 0x800f alone, as Fast DDS 2.6 / 2.9 (Humble, Debian 12) send it, from any vendor', () => {
    const got = decodeRelatedIdentity(list([[0x800f, identity(P, '00000304', 0, 7)]]), true)!;
    expect(guidKey(got.guid)).toBe(`${P}.00000304`);
    expect(got.sn).toBe(7);
  });

  it('reads 0x0083 alone', () => {
    expect(decodeRelatedIdentity(list([[0x0083, identity(P, '00000304', 0, 9)]]), true)?.sn).toBe(9);
  });

  it('prefers 0x0083 when both are present and differ', () => {
    const q = list([
      [0x800f, identity(P, '00000304', 0, 1)],
      [0x0083, identity(P, '00000404', 0, 2)],
    ]);
    expect(decodeRelatedIdentity(q, true)?.sn).toBe(2);
  });

  it('reads a big-endian list (SN in the submessage byte order, GUID as octets)', () => {
    const got = decodeRelatedIdentity(list([[0x0083, identity(P, '00000304', 1, 5, false)]], false), false)!;
    expect(guidKey(got.guid)).toBe(`${P}.00000304`);
    expect(got.sn).toBe(2 ** 32 + 5);
  });

  it('ignores a value shorter than 24 bytes and falls back to the other PID', () => {
    const q = list([
      [0x0083, identity(P, '00000304', 0, 1).subarray(0, 20)],
      [0x800f, identity(P, '00000304', 0, 3)],
    ]);
    expect(decodeRelatedIdentity(q, true)?.sn).toBe(3);
    expect(decodeRelatedIdentity(list([[0x0083, new Uint8Array(20)]]), true)).toBeUndefined();
  });

  it('is undefined without the PIDs, or for a list that does not parse', () => {
    expect(decodeRelatedIdentity(list([[0x0070, new Uint8Array(16)]]), true)).toBeUndefined();
    expect(decodeRelatedIdentity(unhex('83001800'), true)).toBeUndefined();
  });
});

describe('encodeRelatedIdentityQos', () => {
  it('writes 0x0083 then 0x800f with the same 24 bytes, then the sentinel', () => {
    const q = encodeRelatedIdentityQos({ guid: guid(P, 0x00000304), sn: 2 ** 32 + 5 });
    const value = identity(P, '00000304', 1, 5);
    expect(hex(q)).toBe(
      hex(
        list([
          [PID_RELATED_SAMPLE_IDENTITY, value],
          [PID_FASTDDS_RELATED_SAMPLE_IDENTITY, value],
        ]),
      ),
    );
  });

  it('refuses a prefix that is not 12 bytes', () => {
    expect(() =>
      encodeRelatedIdentityQos({ guid: { prefix: new Uint8Array(8), entityId: 1 }, sn: 1 }),
    ).toThrow(RangeError);
  });
});

describe('replyInlineQosFor', () => {
  it('writes every byte (both PIDs, the SN halves, the sentinel) for large and small SNs', () => {
    for (const [high, low] of [
      [0, 1],
      [0, 0xffffffff],
      [1, 5],
      [0x1fffff, 0xfffffffe],
    ] as const) {
      const id = identity(P, 'c0a1b203', high, low);
      const expected = list([
        [0x0083, id],
        [0x800f, id],
      ]);
      expect(hex(replyInlineQosFor(guid(P, 0xc0a1b203), high * 2 ** 32 + low))).toBe(hex(expected));
    }
  });

  it('leaves nothing of a dirty pool buffer unwritten', () => {
    // Node's pooled buffers are not zeroed: hand it one full of 0xee.
    const dirty = vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((n) => Buffer.alloc(n, 0xee));
    try {
      const id = identity(P, '00000304', 0, 7);
      expect(hex(replyInlineQosFor(guid(P, 0x304), 7))).toBe(
        hex(
          list([
            [0x0083, id],
            [0x800f, id],
          ]),
        ),
      );
      expect(dirty).toHaveBeenCalled();
    } finally {
      dirty.mockRestore();
    }
  });
});

describe('requestIdentityOf', () => {
  const writer = guid(P, 0x00000103);

  it('uses the writer GUID when there is no inline QoS', () => {
    expect(guidKey(requestIdentityOf({ writer, sn: 4 }).guid)).toBe(guidKey(writer));
  });

  it('uses the writer GUID when the related GUID is unknown (all zero), and the DATA SN', () => {
    const inlineQos = list([[0x800f, identity('000000000000000000000000', '00000000', -1, 0)]]);
    const id = requestIdentityOf({ writer, sn: 4, inlineQos });
    expect(guidKey(id.guid)).toBe(guidKey(writer));
    expect(id.sn).toBe(4);
  });

  it('a zero prefix with a non-zero entity id is not unknown (GUID_t::unknown() compares both)', () => {
    expect(isUnknownGuid({ prefix: new Uint8Array(12), entityId: 0x304 })).toBe(false);
    expect(isUnknownGuid({ prefix: new Uint8Array(12), entityId: 0 })).toBe(true);
  });

  it('honours the sample byte order', () => {
    const inlineQos = list([[0x0083, identity(P, '00000404', -1, 0, false)]], false);
    const id = requestIdentityOf({ writer, sn: 2, inlineQos, littleEndian: false });
    expect(guidKey(id.guid)).toBe(`${P}.00000404`);
  });
});

describe('replySequenceFor', () => {
  const reader = guid(P, 0x00000104);
  const writer = guid(P, 0x00000203);

  it('accepts a reply naming the request writer (servers that echo it)', () => {
    const inlineQos = encodeRelatedIdentityQos({ guid: writer, sn: 12 });
    expect(replySequenceFor({ writer: guid(P, 0x303), sn: 1, inlineQos }, reader, writer)).toBe(12);
  });

  it('is undefined for a reply without identity', () => {
    expect(replySequenceFor({ writer: guid(P, 0x303), sn: 1 }, reader, writer)).toBeUndefined();
  });
});
