/**
 * The interpreter submessages that set the context of the ones after them (RTPS 9.4.5.9-9.4.5.16):
 * INFO_TS, INFO_DST, INFO_SRC, INFO_REPLY, INFO_REPLY_IP4, and PAD.
 */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';
import { octetPair, sharedPrefix } from './interned.js';
import {
  type InfoDestinationSubmessage,
  InfoReplyFlags,
  type InfoReplyIp4Submessage,
  type InfoReplySubmessage,
  type InfoSourceSubmessage,
  type InfoTimestampSubmessage,
  InfoTsFlags,
  type PadSubmessage,
} from './submessage.js';
import {
  GUID_PREFIX_SIZE,
  type GuidPrefix,
  LOCATOR_SIZE,
  type Locator,
  readLocator,
  writeLocator,
} from './types.js';

export function readInfoTimestamp(r: ByteReader, flags: number): InfoTimestampSubmessage {
  if (flags & InfoTsFlags.INVALIDATE) return { kind: 'INFO_TS', flags };
  const seconds = r.i32('timestamp seconds');
  const fraction = r.u32('timestamp fraction');
  return { kind: 'INFO_TS', flags, timestamp: { seconds, fraction } };
}

export function writeInfoTimestamp(w: ByteWriter, m: InfoTimestampSubmessage): void {
  if (m.timestamp) w.i32(m.timestamp.seconds).u32(m.timestamp.fraction);
}

export function readInfoDestination(r: ByteReader, flags: number): InfoDestinationSubmessage {
  return { kind: 'INFO_DST', flags, guidPrefix: readGuidPrefix(r) };
}

/** A prefix as `sharedPrefix` keeps it: the same few arrive in every message (interned.ts). */
function readGuidPrefix(r: ByteReader): GuidPrefix {
  r.need(GUID_PREFIX_SIZE, 'guidPrefix');
  const prefix = sharedPrefix(r.bytes, r.pos);
  r.pos += GUID_PREFIX_SIZE;
  return prefix;
}

export function writeInfoDestination(w: ByteWriter, m: InfoDestinationSubmessage): void {
  w.bytes(m.guidPrefix);
}

export function readInfoSource(r: ByteReader, flags: number): InfoSourceSubmessage {
  const unused = r.u32('unused');
  const version = octetPair(r.u8('version'), r.u8('version'));
  const vendorId = octetPair(r.u8('vendorId'), r.u8('vendorId'));
  return {
    kind: 'INFO_SRC',
    flags,
    unused,
    version,
    vendorId,
    guidPrefix: readGuidPrefix(r),
  };
}

export function writeInfoSource(w: ByteWriter, m: InfoSourceSubmessage): void {
  w.u32(m.unused).u8(m.version[0]).u8(m.version[1]).u8(m.vendorId[0]).u8(m.vendorId[1]).bytes(m.guidPrefix);
}

function readLocatorList(r: ByteReader): Locator[] {
  const n = r.u32('locator count');
  // Checked before the list is built: a lying count cannot make us allocate.
  if (n * LOCATOR_SIZE > r.remaining) {
    throw new WireFormatError(
      'truncated-submessage',
      `locator list of ${n} does not fit in ${r.remaining} bytes`,
    );
  }
  const out: Locator[] = [];
  for (let i = 0; i < n; i++) out.push(readLocator(r));
  return out;
}

function writeLocatorList(w: ByteWriter, list: readonly Locator[]): void {
  w.u32(list.length);
  for (const l of list) writeLocator(w, l);
}

export function readInfoReply(r: ByteReader, flags: number): InfoReplySubmessage {
  const unicastLocators = readLocatorList(r);
  if (!(flags & InfoReplyFlags.MULTICAST)) return { kind: 'INFO_REPLY', flags, unicastLocators };
  return { kind: 'INFO_REPLY', flags, unicastLocators, multicastLocators: readLocatorList(r) };
}

export function writeInfoReply(w: ByteWriter, m: InfoReplySubmessage): void {
  writeLocatorList(w, m.unicastLocators);
  if (m.multicastLocators) writeLocatorList(w, m.multicastLocators);
}

export function readInfoReplyIp4(r: ByteReader, flags: number): InfoReplyIp4Submessage {
  const unicast = { address: r.u32('address'), port: r.u32('port') };
  if (!(flags & InfoReplyFlags.MULTICAST)) return { kind: 'INFO_REPLY_IP4', flags, unicast };
  return {
    kind: 'INFO_REPLY_IP4',
    flags,
    unicast,
    multicast: { address: r.u32('address'), port: r.u32('port') },
  };
}

export function writeInfoReplyIp4(w: ByteWriter, m: InfoReplyIp4Submessage): void {
  w.u32(m.unicast.address).u32(m.unicast.port);
  if (m.multicast) w.u32(m.multicast.address).u32(m.multicast.port);
}

export function readPad(r: ByteReader, flags: number): PadSubmessage {
  return { kind: 'PAD', flags, body: r.view(r.remaining) };
}

export function writePad(w: ByteWriter, m: PadSubmessage): void {
  w.bytes(m.body);
}
