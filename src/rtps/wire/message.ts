/**
 * RTPS messages (RTPS 2.5, 8.3.3 and 9.4): the 20-byte header, then submessages, each a 4-byte
 * header (id, flags, octetsToNextHeader) and a body in the byte order of its E flag.
 *
 * `parseMessage` never throws: a datagram that is not a valid RTPS message is dropped with a
 * counted reason, and an invalid submessage ends the parse, keeping the ones before it, as the
 * spec prescribes (8.3.4.1: "the rest of the Message is ignored").
 */
import { readAckNack, readNackFrag, writeAckNack, writeNackFrag } from './acknack.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { readData, writeData } from './data.js';
import { readDataFrag, writeDataFrag } from './data-frag.js';
import { type DropCounter, WireFormatError } from './errors.js';
import { readGap, writeGap } from './gap.js';
import { readHeartbeat, readHeartbeatFrag, writeHeartbeat, writeHeartbeatFrag } from './heartbeat.js';
import {
  readInfoDestination,
  readInfoReply,
  readInfoReplyIp4,
  readInfoSource,
  readInfoTimestamp,
  readPad,
  writeInfoDestination,
  writeInfoReply,
  writeInfoReplyIp4,
  writeInfoSource,
  writeInfoTimestamp,
  writePad,
} from './info.js';
import { octetPair, sharedPrefix } from './interned.js';
import { FLAG_ENDIANNESS, type Submessage, SubmessageId } from './submessage.js';
import type { GuidPrefix } from './types.js';
import {
  ackNackInvalidity,
  gapInvalidity,
  heartbeatFragInvalidity,
  heartbeatInvalidity,
  nackFragInvalidity,
  valid,
  writerSnInvalidity,
} from './validity.js';

export const RTPS_HEADER_SIZE = 20;
export const SUBMESSAGE_HEADER_SIZE = 4;
const MAGIC = [0x52, 0x54, 0x50, 0x53]; // 'RTPS'
const MAGIC_BYTES = Uint8Array.from(MAGIC);

export interface RtpsHeader {
  readonly version: readonly [number, number];
  readonly vendorId: readonly [number, number];
  readonly guidPrefix: GuidPrefix;
}

export interface RtpsMessage {
  readonly header: RtpsHeader;
  readonly submessages: readonly Submessage[];
}

const NO_BYTES = new Uint8Array(0);

/**
 * The reader every parse moves over its submessages' bodies (span): no object per submessage
 * or message. Nothing a parse calls parses again, except perhaps a drop's listener, and a drop
 * ends the parse: the reader is never wanted by two parses at once.
 */
const reader = new ByteReader(NO_BYTES, 0, 0, false);

/** Parses a datagram; undefined (and a counted drop) when it is not a usable RTPS message. */
export function parseMessage(
  bytes: Uint8Array,
  drops: DropCounter,
  source?: string,
): RtpsMessage | undefined {
  if (bytes.length < RTPS_HEADER_SIZE) {
    if (bytes.length >= 4 && hasMagic(bytes)) {
      drops.drop('short-header', `${bytes.length}-byte datagram`, source);
    } else drops.drop('not-rtps', `${bytes.length}-byte datagram without the RTPS magic`, source);
    return undefined;
  }
  if (!hasMagic(bytes)) {
    drops.drop('not-rtps', 'no RTPS magic', source);
    return undefined;
  }
  const major = bytes[4]!;
  if (major !== 2) {
    drops.drop('unsupported-version', `protocol version ${major}.${bytes[5]}`, source);
    return undefined;
  }
  const header: RtpsHeader = {
    version: octetPair(major, bytes[5]!),
    vendorId: octetPair(bytes[6]!, bytes[7]!),
    guidPrefix: sharedPrefix(bytes, 8),
  };
  const end = bytes.length;
  // Counted first, so that the array is made at its size: grown by push it would hold 16 slots
  // (~180 B) for the 2 to 5 submessages of a message. An upper bound: the parse may stop early.
  let count = 0;
  for (let p = RTPS_HEADER_SIZE; end - p >= SUBMESSAGE_HEADER_SIZE; count++) p = bodyEndOf(bytes, p, end);
  const submessages = new Array<Submessage>(count);
  let n = 0;
  let pos = RTPS_HEADER_SIZE;
  while (pos < end) {
    if (end - pos < SUBMESSAGE_HEADER_SIZE) {
      drops.drop('truncated-submessage', `${end - pos} stray bytes after the last submessage`, source);
      break;
    }
    const id = bytes[pos]!;
    const flags = bytes[pos + 1]!;
    const bodyStart = pos + SUBMESSAGE_HEADER_SIZE;
    const bodyEnd = bodyEndOf(bytes, pos, end);
    if (bodyEnd > end) {
      drops.drop(
        'truncated-submessage',
        `submessage 0x${id.toString(16)} claims ${bodyEnd - bodyStart} bytes, ${end - bodyStart} left`,
        source,
      );
      break;
    }
    const le = (flags & FLAG_ENDIANNESS) !== 0;
    try {
      submessages[n] = readSubmessage(id, flags, reader.span(bytes, bodyStart, bodyEnd, le));
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      drops.drop(err.reason, `submessage 0x${id.toString(16)}: ${err.message}`, source);
      break;
    }
    n++;
    pos = bodyEnd;
  }
  if (n < submessages.length) submessages.length = n;
  reader.bytes = NO_BYTES; // the datagram is not kept alive by the reader
  return { header, submessages };
}

/** Where the body of the submessage whose header is at `pos` ends (past `end` when cut short). */
function bodyEndOf(bytes: Uint8Array, pos: number, end: number): number {
  const id = bytes[pos]!;
  const le = (bytes[pos + 1]! & FLAG_ENDIANNESS) !== 0;
  const length = le ? bytes[pos + 2]! | (bytes[pos + 3]! << 8) : (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
  // 9.4.5.1.3: a length of 0 means "to the end of the message", except for PAD and INFO_TS.
  if (length === 0 && id !== SubmessageId.PAD && id !== SubmessageId.INFO_TS) return end;
  return pos + SUBMESSAGE_HEADER_SIZE + length;
}

/** Whether the datagram starts with 'RTPS' (compared in place: no closure per datagram). */
function hasMagic(bytes: Uint8Array): boolean {
  return bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2] && bytes[3] === MAGIC[3];
}

/** Reads a submessage and checks its numbers (8.3.7), each in the case of its kind. */
function readSubmessage(id: number, flags: number, r: ByteReader): Submessage {
  switch (id) {
    case SubmessageId.DATA: {
      const m = readData(r, flags);
      return valid(m, writerSnInvalidity('DATA', m.writerSN));
    }
    case SubmessageId.DATA_FRAG: {
      const m = readDataFrag(r, flags);
      return valid(m, writerSnInvalidity('DATA_FRAG', m.writerSN));
    }
    case SubmessageId.HEARTBEAT: {
      const m = readHeartbeat(r, flags);
      return valid(m, heartbeatInvalidity(m.firstSN, m.lastSN));
    }
    case SubmessageId.HEARTBEAT_FRAG: {
      const m = readHeartbeatFrag(r, flags);
      return valid(m, heartbeatFragInvalidity(m.writerSN, m.lastFragmentNum));
    }
    case SubmessageId.ACKNACK: {
      const m = readAckNack(r, flags);
      return valid(m, ackNackInvalidity(m.readerSNState));
    }
    case SubmessageId.NACK_FRAG: {
      const m = readNackFrag(r, flags);
      return valid(m, nackFragInvalidity(m.writerSN, m.fragmentNumberState));
    }
    case SubmessageId.GAP: {
      const m = readGap(r, flags);
      return valid(m, gapInvalidity(m.gapStart, m.gapList));
    }
    case SubmessageId.INFO_TS:
      return readInfoTimestamp(r, flags);
    case SubmessageId.INFO_DST:
      return readInfoDestination(r, flags);
    case SubmessageId.INFO_SRC:
      return readInfoSource(r, flags);
    case SubmessageId.INFO_REPLY:
      return readInfoReply(r, flags);
    case SubmessageId.INFO_REPLY_IP4:
      return readInfoReplyIp4(r, flags);
    case SubmessageId.PAD:
      return readPad(r, flags);
    default:
      // Vendor-specific (0x80 and up, e.g. Fast DDS's statistics) or unknown: skipped (8.3.4.1).
      return { kind: 'UNKNOWN', id, flags, body: r.view(r.remaining) };
  }
}

/**
 * Appends one submessage: little-endian (the E flag is set), its body padded to a multiple of
 * 4 bytes, its length filled in; returns its submessage id. A switch, not tables keyed by kind: a table lookup with a key
 * that varies is a megamorphic keyed load on every submessage sent.
 */
export function writeSubmessage(w: ByteWriter, m: Submessage): number {
  const lengthAt = w.pos + 2;
  w.u32(0); // id, flags and length, filled in below
  const bodyStart = w.pos;
  let id: number;
  let flags: number; // the loads are in each case, where the submessage's shape is known
  switch (m.kind) {
    case 'DATA':
      id = SubmessageId.DATA;
      flags = m.flags | FLAG_ENDIANNESS;
      writeData(w, m);
      break;
    case 'DATA_FRAG':
      id = SubmessageId.DATA_FRAG;
      flags = m.flags | FLAG_ENDIANNESS;
      writeDataFrag(w, m);
      break;
    case 'HEARTBEAT':
      id = SubmessageId.HEARTBEAT;
      flags = m.flags | FLAG_ENDIANNESS;
      writeHeartbeat(w, m);
      break;
    case 'HEARTBEAT_FRAG':
      id = SubmessageId.HEARTBEAT_FRAG;
      flags = m.flags | FLAG_ENDIANNESS;
      writeHeartbeatFrag(w, m);
      break;
    case 'ACKNACK':
      id = SubmessageId.ACKNACK;
      flags = m.flags | FLAG_ENDIANNESS;
      writeAckNack(w, m);
      break;
    case 'NACK_FRAG':
      id = SubmessageId.NACK_FRAG;
      flags = m.flags | FLAG_ENDIANNESS;
      writeNackFrag(w, m);
      break;
    case 'GAP':
      id = SubmessageId.GAP;
      flags = m.flags | FLAG_ENDIANNESS;
      writeGap(w, m);
      break;
    case 'INFO_TS':
      id = SubmessageId.INFO_TS;
      flags = m.flags | FLAG_ENDIANNESS;
      writeInfoTimestamp(w, m);
      break;
    case 'INFO_DST':
      id = SubmessageId.INFO_DST;
      flags = m.flags | FLAG_ENDIANNESS;
      writeInfoDestination(w, m);
      break;
    case 'INFO_SRC':
      id = SubmessageId.INFO_SRC;
      flags = m.flags | FLAG_ENDIANNESS;
      writeInfoSource(w, m);
      break;
    case 'INFO_REPLY':
      id = SubmessageId.INFO_REPLY;
      flags = m.flags | FLAG_ENDIANNESS;
      writeInfoReply(w, m);
      break;
    case 'INFO_REPLY_IP4':
      id = SubmessageId.INFO_REPLY_IP4;
      flags = m.flags | FLAG_ENDIANNESS;
      writeInfoReplyIp4(w, m);
      break;
    case 'PAD':
      id = SubmessageId.PAD;
      flags = m.flags | FLAG_ENDIANNESS;
      writePad(w, m);
      break;
    case 'UNKNOWN':
      id = m.id;
      flags = m.flags; // as received: its byte order is the body's
      w.bytes(m.body);
      break;
  }
  w.zeros((4 - ((w.pos - bodyStart) & 3)) & 3);
  const length = w.pos - bodyStart;
  if (length > 0xffff) throw new RangeError(`submessage body of ${length} bytes exceeds 65535`);
  w.patchU8(lengthAt - 2, id);
  w.patchU8(lengthAt - 1, flags);
  w.patchU16(lengthAt, length);
  return id;
}

export function writeHeader(w: ByteWriter, h: RtpsHeader): void {
  w.bytes(MAGIC_BYTES)
    .u8(h.version[0])
    .u8(h.version[1])
    .u8(h.vendorId[0])
    .u8(h.vendorId[1])
    .bytes(h.guidPrefix);
}

export function encodeMessage(message: RtpsMessage): Uint8Array {
  const w = new ByteWriter(512);
  writeHeader(w, message.header);
  for (const m of message.submessages) writeSubmessage(w, m);
  return w.result();
}
