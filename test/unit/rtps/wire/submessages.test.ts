/**
 * Submessages the captures do not contain, and both byte orders, from bytes laid out by hand
 * after the RTPS 2.5 spec (9.4.5); and every way a datagram can be malformed.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../src/rtps/wire/byte-writer.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { encodeMessage, parseMessage, writeSubmessage } from '../../../../src/rtps/wire/message.js';
import { makeSet, setMembers } from '../../../../src/rtps/wire/number-sets.js';
import { parseParameterList } from '../../../../src/rtps/wire/parameter-list.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';
import { locatorIpv4 } from '../../../../src/rtps/wire/types.js';

const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/[\s|]+/g, ''), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const HEADER = '52545053 0203 abcd 0102030405060708090a0b0c';

function parse(submessages: string) {
  const drops = new DropCounter();
  const m = parseMessage(bytes(HEADER + submessages), drops);
  return { m, drops };
}

function only(submessages: string): Submessage {
  const { m, drops } = parse(submessages);
  expect(drops.total).toBe(0);
  expect(m?.submessages.length).toBe(1);
  return m!.submessages[0]!;
}

/** Re-encoding (always little-endian) gives the little-endian twin of the input. */
function reencoded(s: Submessage): string {
  const w = new ByteWriter();
  writeSubmessage(w, s);
  return hex(w.result());
}

describe('submessages in both byte orders', () => {
  it('HEARTBEAT, big-endian', () => {
    const s = only('07 02 001c | 000004c7 000004c2 | 00000000 00000001 | 00000000 00000005 | 00000002');
    expect(s).toMatchObject({
      kind: 'HEARTBEAT',
      readerId: 0x000004c7,
      writerId: 0x000004c2,
      firstSN: 1,
      lastSN: 5,
      count: 2,
    });
    expect(reencoded(s)).toBe(
      '0703' + '1c00' + '000004c7000004c2' + '0000000001000000' + '0000000005000000' + '02000000',
    );
  });

  it('ACKNACK with a sequence number set, big-endian and little-endian', () => {
    const be = only('06 02 001c | 000004c7 000004c2 | 00000000 00000003 | 00000008 | a0000000 | 00000007');
    const le = only('06 03 1c00 | 000004c7 000004c2 | 00000000 03000000 | 08000000 | 000000a0 | 07000000');
    for (const s of [be, le]) {
      if (s.kind !== 'ACKNACK') throw new Error(s.kind);
      expect(setMembers(s.readerSNState)).toEqual([3, 5]);
      expect(s.count).toBe(7);
    }
    expect(reencoded(be)).toBe(reencoded(le));
  });

  it('NACK_FRAG with a fragment number set', () => {
    const s = only(
      '12 01 2000 | 00000104 00000103 | 00000000 09000000 | 04000000 | 03000000 | 00000060 | 02000000',
    );
    if (s.kind !== 'NACK_FRAG') throw new Error(s.kind);
    expect(s.writerSN).toBe(9);
    expect(setMembers(s.fragmentNumberState)).toEqual([5, 6]);
    expect(reencoded(s)).toBe(
      hex(
        bytes(
          '12 01 2000 | 00000104 00000103 | 00000000 09000000 | 04000000 | 03000000 | 00000060 | 02000000',
        ),
      ),
    );
  });

  it('HEARTBEAT_FRAG and GAP, big-endian', () => {
    const hb = only('13 00 0018 | 00000104 00000103 | 00000000 00000009 | 0000000c | 00000004');
    expect(hb).toMatchObject({ kind: 'HEARTBEAT_FRAG', writerSN: 9, lastFragmentNum: 12, count: 4 });
    const gap = only(
      '08 00 0020 | 00000104 00000103 | 00000000 00000002 | 00000000 00000004 | 00000001 | 80000000',
    );
    if (gap.kind !== 'GAP') throw new Error(gap.kind);
    expect(gap.gapStart).toBe(2);
    expect(setMembers(gap.gapList)).toEqual([4]);
  });

  it('INFO_SRC, INFO_DST and INFO_TS (with and without the I flag)', () => {
    expect(only('0c 01 1400 | 00000000 | 0203 010f | aabbccddeeff001122334455')).toMatchObject({
      kind: 'INFO_SRC',
      version: [2, 3],
      vendorId: [1, 0x0f],
    });
    const dst = only('0e 01 0c00 | aabbccddeeff001122334455');
    expect(dst.kind === 'INFO_DST' && hex(dst.guidPrefix)).toBe('aabbccddeeff001122334455');
    expect(only('09 01 0800 | 10000000 00000080')).toMatchObject({
      kind: 'INFO_TS',
      timestamp: { seconds: 16, fraction: 0x80000000 },
    });
    const invalid = only('09 03 0000');
    expect(invalid.kind === 'INFO_TS' && invalid.timestamp).toBe(undefined);
    expect(reencoded(invalid)).toBe('09030000');
  });

  it('INFO_REPLY with unicast and multicast locators, and INFO_REPLY_IP4', () => {
    const loc = (port: string, ip: string) => `01000000 ${port} 00000000 00000000 00000000 ${ip}`;
    const s = only(
      `0f 03 3800 | 01000000 ${loc('f31c0000', '7f000001')} | 01000000 ${loc('e91c0000', 'efff0001')}`,
    );
    if (s.kind !== 'INFO_REPLY') throw new Error(s.kind);
    expect(s.unicastLocators.map((l) => [l.kind, l.port, locatorIpv4(l)])).toEqual([[1, 7411, '127.0.0.1']]);
    expect(s.multicastLocators?.map((l) => [l.port, locatorIpv4(l)])).toEqual([[7401, '239.255.0.1']]);
    expect(only('0d 01 0800 | 0100007f f31c0000')).toMatchObject({
      kind: 'INFO_REPLY_IP4',
      unicast: { address: 0x7f000001, port: 7411 },
    });
  });

  it('PAD, vendor-specific and unknown submessages are skipped, and what follows is read', () => {
    const { m, drops } = parse(
      '01 01 0400 | 00000000 | 80 01 0400 | deadbeef | 33 00 0000 | 09 01 0800 | 01000000 00000000',
    );
    expect(drops.total).toBe(0);
    expect(m?.submessages.map((s) => s.kind)).toEqual(['PAD', 'UNKNOWN', 'UNKNOWN']);
    // The 0x33 submessage had length 0: it extends to the end of the message (9.4.5.1.3).
  });

  it('DATA with inline QoS and a payload, big-endian, and a zero length meaning "to the end"', () => {
    const s = only(
      '15 06 0000 | 0000 0010 | 00000000 00001203 | 00000000 0000002a | 0070 0004 01020304 | 0001 0000 | 00010000 0a0b0c0d',
    );
    if (s.kind !== 'DATA') throw new Error(s.kind);
    expect(s.writerSN).toBe(42);
    expect(hex(s.inlineQos!)).toBe('007000040102030400010000');
    expect(parseParameterList(s.inlineQos!, false).parameters.map((p) => [p.pid, hex(p.value)])).toEqual([
      [0x70, '01020304'],
    ]);
    expect(hex(s.payload!)).toBe('000100000a0b0c0d');
  });
});

describe('malformed datagrams are dropped with a counted reason, never thrown', () => {
  it.each([
    ['a 3-byte datagram', '000000', 'not-rtps'],
    ['a 1-byte Cyclone goodbye ping', '00', 'not-rtps'],
    ['the magic and too little after it', '52545053 0203', 'short-header'],
    ['protocol version 3', '52545053 0300 abcd 0102030405060708090a0b0c', 'unsupported-version'],
  ])('%s', (_what, data, reason) => {
    const drops = new DropCounter();
    expect(parseMessage(bytes(data), drops)).toBeUndefined();
    expect([...drops.counts.keys()]).toEqual([reason]);
  });

  it.each([
    ['a length past the end', '07 01 ff00 | 00000000', 'truncated-submessage'],
    ['stray bytes after the last submessage', '0000', 'truncated-submessage'],
    [
      'a sequence number set of 257 bits',
      '06 01 1800 | 00000000 00000000 | 00000000 01000000 | 01010000 | 00000000',
      'malformed-submessage',
    ],
    [
      'a set whose bitmap is missing',
      '06 01 1400 | 00000000 00000000 | 00000000 01000000 | 00010000 | 00000000',
      'truncated-submessage',
    ],
    [
      'DATA with both D and K',
      '15 0d 1400 | 0000 1000 | 00000000 00000000 | 00000000 01000000 | 00000000',
      'malformed-submessage',
    ],
    [
      'DATA with octetsToInlineQos under 16',
      '15 05 1400 | 0000 0c00 | 00000000 00000000 | 00000000 01000000 | 00000000',
      'malformed-submessage',
    ],
    [
      'inline QoS without a sentinel',
      '15 03 1c00 | 0000 1000 | 00000000 00000000 | 00000000 01000000 | 7000 0400 01020304',
      'malformed-parameter-list',
    ],
    [
      'a parameter longer than the list',
      '15 03 1c00 | 0000 1000 | 00000000 00000000 | 00000000 01000000 | 7000 4000 01020304',
      'malformed-parameter-list',
    ],
    [
      'DATA_FRAG fragment 0',
      '16 01 2400 | 0000 1c00 | 00000000 00000000 | 00000000 01000000 | 00000000 0100 0400 08000000 | 00000000',
      'malformed-submessage',
    ],
    [
      'DATA_FRAG starting past the sample',
      '16 01 2400 | 0000 1c00 | 00000000 00000000 | 00000000 01000000 | 03000000 0100 0400 08000000 | 00000000',
      'malformed-submessage',
    ],
    ['INFO_REPLY claiming a billion locators', '0f 01 0400 | 00ca9a3b', 'truncated-submessage'],
  ])('%s', (_what, submessages, reason) => {
    const { m, drops } = parse(`09 01 0800 | 01000000 00000000 | ${submessages}`);
    expect([...drops.counts.keys()]).toEqual([reason]);
    // What came before the bad submessage is kept (8.3.4.1).
    expect(m?.submessages.map((s) => s.kind)).toEqual(['INFO_TS']);
  });
});

describe('parsing message after message', () => {
  it('reads each with its own byte order and bounds, and keeps what it returned intact', () => {
    const first = parse('07 02 001c | 000004c7 000004c2 | 00000000 00000001 | 00000000 00000005 | 00000002')
      .m!;
    const second = parse(
      '0e 01 0c00 | 0102030405060708090a0b0c | 15 05 1c00 | 0000 1000 | 00000000 00001203 | 00000000 07000000 | 00010000 0a0b0c0d',
    ).m!;
    expect(first.submessages).toEqual([
      { kind: 'HEARTBEAT', flags: 2, readerId: 0x4c7, writerId: 0x4c2, firstSN: 1, lastSN: 5, count: 2 },
    ]);
    expect(second.submessages.map((s) => s.kind)).toEqual(['INFO_DST', 'DATA']);
    const data = second.submessages[1]!;
    if (data.kind !== 'DATA') throw new Error(data.kind);
    expect([data.writerId, data.writerSN, hex(data.payload!)]).toEqual([0x1203, 7, '000100000a0b0c0d']);
    // The header's prefix and the INFO_DST's are the same 12 bytes: one shared value.
    const dst = second.submessages[0]!;
    expect(dst.kind === 'INFO_DST' && dst.guidPrefix).toBe(second.header.guidPrefix);
    expect(hex(second.header.guidPrefix)).toBe('0102030405060708090a0b0c');
    expect([second.header.version, second.header.vendorId]).toEqual([
      [2, 3],
      [0xab, 0xcd],
    ]);
  });

  it('returns exactly the submessages kept when a later one is invalid: no empty slots', () => {
    const { m, drops } = parse(
      '09 01 0800 | 01000000 00000000 | 07 03 1c00 | c7040000 c2040000 | 00000000 00000000 | 00000000 05000000 | 02000000 | 09 01 0800 | 01000000 00000000',
    );
    expect([...drops.counts.keys()]).toEqual(['invalid-sequence-numbers']);
    expect(m!.submessages.length).toBe(1);
    expect(Object.keys(m!.submessages)).toEqual(['0']);
    // The next message is read in full.
    expect(
      parse('09 01 0800 | 01000000 00000000 | 09 01 0800 | 02000000 00000000').m!.submessages.length,
    ).toBe(2);
  });
});

describe('encoding', () => {
  it('writes the header and pads each submessage to 4 bytes', () => {
    const out = encodeMessage({
      header: { version: [2, 3], vendorId: [0xab, 0xcd], guidPrefix: bytes('0102030405060708090a0b0c') },
      submessages: [
        {
          kind: 'DATA',
          flags: 0x04,
          extraFlags: 0,
          readerId: 0,
          writerId: 0x1203,
          writerSN: 3,
          payload: bytes('00010000 0102'),
        },
        {
          kind: 'ACKNACK',
          flags: 0x02,
          readerId: 0x1204,
          writerId: 0x1203,
          readerSNState: makeSet(4, [4, 6], 3),
          count: 1,
        },
      ],
    });
    expect(hex(out)).toBe(
      '52545053' +
        '0203' +
        'abcd' +
        '0102030405060708090a0b0c' +
        '1505' +
        '1c00' +
        '0000' +
        '1000' +
        '00000000' +
        '00001203' +
        '00000000' +
        '03000000' +
        '000100000102' +
        '0000' +
        '0603' +
        '1c00' +
        '00001204' +
        '00001203' +
        '00000000' +
        '04000000' +
        '03000000' +
        '000000a0' +
        '01000000',
    );
    const back = parseMessage(out, new DropCounter())!;
    expect(back.submessages[1]).toMatchObject({ kind: 'ACKNACK', count: 1 });
  });
});
