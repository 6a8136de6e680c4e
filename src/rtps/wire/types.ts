/**
 * Basic RTPS types (RTPS 2.5, 9.3.2) as ros2ts holds them in memory.
 * - GuidPrefix: 12 bytes (kept as a Uint8Array; compare with `prefixKey`).
 * - EntityId: 4 octets, held as one uint32 in wire order (entityKey << 8 | entityKind).
 * - SequenceNumber: the wire's {high: int32, low: uint32} as one number, exact up to 2^53,
 *   which no writer reaches; SEQUENCE_NUMBER_UNKNOWN is {-1, 0}.
 */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';
import { hexKey, sharedPrefixKey } from './interned.js';

export type GuidPrefix = Uint8Array;
export type EntityId = number;

export interface Guid {
  readonly prefix: GuidPrefix;
  readonly entityId: EntityId;
}

export const GUID_PREFIX_SIZE = 12;
export const GUID_PREFIX_UNKNOWN: GuidPrefix = new Uint8Array(12);

/** A string key for maps: the prefix as hex (made once for the prefixes messages bring: interned.ts). */
export function prefixKey(p: GuidPrefix): string {
  return sharedPrefixKey(p) ?? hexKey(p);
}

export function guidKey(g: Guid): string {
  return `${prefixKey(g.prefix)}.${g.entityId.toString(16).padStart(8, '0')}`;
}

export const SN_UNKNOWN = -(2 ** 32);
const TWO_32 = 2 ** 32;

export function readSequenceNumber(r: ByteReader, what = 'sequence number'): number {
  const high = r.i32(what);
  const low = r.u32(what);
  return high * TWO_32 + low;
}

export function writeSequenceNumber(w: ByteWriter, sn: number): void {
  const high = Math.floor(sn / TWO_32);
  w.i32(high).u32(sn - high * TWO_32);
}

/** RTPS Time_t: seconds and 2^-32 fractions of a second. */
export interface RtpsTime {
  readonly seconds: number;
  readonly fraction: number;
}

export const TIME_INVALID: RtpsTime = { seconds: -1, fraction: 0xffffffff };

export function timeFromMillis(ms: number): RtpsTime {
  const seconds = Math.floor(ms / 1000);
  return { seconds, fraction: Math.floor(((ms - seconds * 1000) / 1000) * TWO_32) >>> 0 };
}

export function timeToMillis(t: RtpsTime): number {
  return t.seconds * 1000 + (t.fraction / TWO_32) * 1000;
}

/** Locator_t (9.3.2): kind, port, and a 16-byte address (IPv4 in the last four). */
export interface Locator {
  readonly kind: number;
  readonly port: number;
  readonly address: Uint8Array;
}

export const LOCATOR_KIND_UDPv4 = 1;
export const LOCATOR_KIND_UDPv6 = 2;
export const LOCATOR_SIZE = 24;

export function readLocator(r: ByteReader): Locator {
  const kind = r.i32('locator kind');
  const port = r.u32('locator port');
  return { kind, port, address: r.view(16, 'locator address') };
}

export function writeLocator(w: ByteWriter, l: Locator): void {
  w.i32(l.kind).u32(l.port).bytes(l.address);
}

/** A UDPv4 locator for a dotted address. */
export function udpv4Locator(address: string, port: number): Locator {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new WireFormatError('malformed-submessage', `not an IPv4 address: ${address}`);
  }
  const bytes = new Uint8Array(16);
  bytes.set(parts, 12);
  return { kind: LOCATOR_KIND_UDPv4, port, address: bytes };
}

export function locatorIpv4(l: Locator): string {
  const a = l.address;
  return `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
}

/** Well-known entity ids (RTPS 9.3.1.3, 9.6.2.2). */
export const ENTITYID_UNKNOWN = 0x00000000;
export const ENTITYID_PARTICIPANT = 0x000001c1;
export const ENTITYID_SPDP_WRITER = 0x000100c2;
export const ENTITYID_SPDP_READER = 0x000100c7;
export const ENTITYID_SEDP_PUBLICATIONS_WRITER = 0x000003c2;
export const ENTITYID_SEDP_PUBLICATIONS_READER = 0x000003c7;
export const ENTITYID_SEDP_SUBSCRIPTIONS_WRITER = 0x000004c2;
export const ENTITYID_SEDP_SUBSCRIPTIONS_READER = 0x000004c7;
export const ENTITYID_P2P_MESSAGE_WRITER = 0x000200c2;
export const ENTITYID_P2P_MESSAGE_READER = 0x000200c7;

/** Entity kinds (low octet of an EntityId). ROS endpoints are keyless: writer 0x03, reader 0x04. */
export const ENTITY_KIND_WRITER_NO_KEY = 0x03;
export const ENTITY_KIND_READER_NO_KEY = 0x04;
export const ENTITY_KIND_WRITER_WITH_KEY = 0x02;
export const ENTITY_KIND_READER_WITH_KEY = 0x07;
/** The bits of an entity kind that mark a builtin (discovery) endpoint. */
export const ENTITY_KIND_BUILTIN = 0xc0;
