/**
 * Golden datagrams: every datagram of the real ROS 2 Jazzy captures in ../shared/captures
 * (rmw_cyclonedds and rmw_fastrtps running the services tutorial) parses, and every submessage
 * re-encodes to exactly the bytes the peer sent.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../src/rtps/wire/byte-writer.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage, writeSubmessage } from '../../../../src/rtps/wire/message.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';
import { sharedFile } from '../../../shared.js';
import { readPcapUdp } from '../../../support/pcap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The submessages of a datagram as the sender framed them (header lengths only). */
function rawSubmessages(payload: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 20; at < payload.length; ) {
    const le = (payload[at + 1]! & 1) === 1;
    const len = le ? payload[at + 2]! | (payload[at + 3]! << 8) : (payload[at + 2]! << 8) | payload[at + 3]!;
    out.push(payload.subarray(at, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

const CAPTURES = {
  cyclone: {
    file: 'captures/jazzy-cyclonedds-tutorial.pcap',
    frames: 1022,
    nonRtps: 20,
    vendor: '0110',
    version: '2.1',
  },
  fastdds: {
    file: 'captures/jazzy-fastrtps-tutorial.pcap',
    frames: 1486,
    nonRtps: 0,
    vendor: '010f',
    version: '2.2',
  },
} as const;

describe.each(Object.entries(CAPTURES))('%s capture', (_name, capture) => {
  const datagrams = readPcapUdp(sharedFile(capture.file));

  it('holds the datagrams its guide lists', () => {
    expect(datagrams.length).toBe(capture.frames);
  });

  it('parses every RTPS datagram and drops only the non-RTPS ones, counted', () => {
    const drops = new DropCounter();
    let parsed = 0;
    for (const d of datagrams) {
      const m = parseMessage(d.payload, drops, `frame ${d.frame}`);
      if (!m) continue;
      parsed++;
      expect(`${m.header.version[0]}.${m.header.version[1]}`).toBe(capture.version);
      expect(hex(Uint8Array.from(m.header.vendorId))).toBe(capture.vendor);
      expect(m.submessages.length).toBe(rawSubmessages(d.payload).length);
    }
    expect(parsed).toBe(capture.frames - capture.nonRtps);
    expect(drops.total).toBe(capture.nonRtps);
    if (capture.nonRtps > 0) expect(drops.counts.get('not-rtps')).toBe(capture.nonRtps);
  });

  it('re-encodes every submessage to the bytes the peer sent', () => {
    const drops = new DropCounter();
    const kinds = new Map<string, number>();
    for (const d of datagrams) {
      const m = parseMessage(d.payload, drops);
      if (!m) continue;
      const raw = rawSubmessages(d.payload);
      m.submessages.forEach((s: Submessage, i) => {
        const w = new ByteWriter();
        writeSubmessage(w, s);
        const label = s.kind === 'UNKNOWN' ? `UNKNOWN 0x${s.id.toString(16)}` : s.kind;
        kinds.set(label, (kinds.get(label) ?? 0) + 1);
        if (hex(w.result()) !== hex(raw[i]!)) {
          expect.fail(
            `frame ${d.frame} submessage ${i} (${label}) re-encodes differently:\n${hex(w.result())}\n${hex(raw[i]!)}`,
          );
        }
      });
    }
    // Every kind the tutorial exercises on this middleware was seen (and so checked).
    for (const k of ['DATA', 'DATA_FRAG', 'HEARTBEAT', 'ACKNACK', 'INFO_TS', 'INFO_DST'])
      expect(kinds.get(k)).toBeGreaterThan(0);
    if (_name === 'cyclone') expect(kinds.get('HEARTBEAT_FRAG')).toBeGreaterThan(0);
    if (_name === 'fastdds') {
      expect(kinds.get('GAP')).toBeGreaterThan(0);
      expect(kinds.get('UNKNOWN 0x80')).toBe(capture.frames); // Fast DDS ends every datagram with one
    }
  });
});

describe('facts from the captures guide', () => {
  it('Cyclone frame 1 is turtlesim SPDP: DATA from 011086e8eb01119febabfa63 with a PL_CDR_LE payload', () => {
    const d = readPcapUdp(sharedFile(CAPTURES.cyclone.file))[0]!;
    const m = parseMessage(d.payload, new DropCounter())!;
    expect(hex(m.header.guidPrefix)).toBe('011086e8eb01119febabfa63');
    const data = m.submessages.find((s) => s.kind === 'DATA');
    expect(data?.kind).toBe('DATA');
    if (data?.kind !== 'DATA') return;
    expect(data.writerId).toBe(0x000100c2);
    expect(hex(data.payload!.subarray(0, 2))).toBe('0003');
  });

  it('Fast DDS frame 1 SPDP carries readerId 000100c7 and sn 1', () => {
    const d = readPcapUdp(sharedFile(CAPTURES.fastdds.file))[0]!;
    const m = parseMessage(d.payload, new DropCounter())!;
    expect(hex(m.header.guidPrefix)).toBe('010f7f01231be7f600000000');
    const data = m.submessages.find((s) => s.kind === 'DATA');
    if (data?.kind !== 'DATA') throw new Error('no DATA in frame 1');
    expect(data.readerId).toBe(0x000100c7);
    expect(data.writerSN).toBe(1);
  });
});
