/**
 * rmw_fastrtps service correlation (WIRE.md 2a): the payload is plain CDR, and which request a reply
 * answers travels only in the DATA's inline QoS, as a "related sample identity" (GUID + sequence
 * number) under two PIDs: the standard DDS-RPC 0x0083 (Fast DDS 2.10+, Jazzy) and eProsima's legacy
 * 0x800f (all Fast DDS versions; the only one 2.6 / 2.9 read and write).
 *
 * We always write both, with the same value, because Jazzy's Fast DDS ignores 0x800f unless the
 * sender's vendor is eProsima or RTI (ours is neither) and Humble's ignores 0x0083.
 *
 * On receive we take 0x0083 first, else 0x800f from **any** vendor: 0x800f is vendor-specific, so
 * strictly it means this only from eProsima (and RTI, which Fast DDS also honours), but Humble and
 * Debian 12 peers send only 0x800f, the samples that reach this code already come from a peer we map
 * to the Fast DDS service convention (WIRE.md 2c), Cyclone never puts inline QoS on service
 * samples, and no other ROS vendor uses 0x800f in user-data inline QoS. A value shorter than 24
 * bytes is ignored (Fast DDS 2.14 requires at least 24), as is anything after the 24th byte.
 *
 * The inline QoS bytes here are what `RtpsWriter.write(payload, inlineQos)` takes and what received
 * samples carry: a complete parameter list, PID_SENTINEL included, in the submessage's byte order
 * (we send little endian, as `dataSubmessages` sets the E flag).
 */
import { ByteWriter } from '../rtps/wire/byte-writer.js';
import { PID_SENTINEL, writeParameterList } from '../rtps/wire/parameter-list.js';
import { ENTITYID_UNKNOWN, type Guid, SN_UNKNOWN, writeSequenceNumber } from '../rtps/wire/types.js';

/** DDS-RPC 1.0 PID_RELATED_SAMPLE_IDENTITY. */
export const PID_RELATED_SAMPLE_IDENTITY = 0x0083;
/** eProsima's PID_CUSTOM_RELATED_SAMPLE_IDENTITY (called PID_RELATED_SAMPLE_IDENTITY before 2.10). */
export const PID_FASTDDS_RELATED_SAMPLE_IDENTITY = 0x800f;

const SAMPLE_IDENTITY_SIZE = 24;
const TWO_32 = 2 ** 32;

/** A writer GUID and a sequence number: a request's id, or which request a reply answers. */
export interface SampleIdentity {
  readonly guid: Guid;
  /** SN_UNKNOWN (high -1, low 0) in the identity a client puts on its requests. */
  readonly sn: number;
}

/** What `requestIdentityOf` needs of a received sample (a `DeliveredSample` has it all). */
export interface ReceivedServiceSample {
  /** Writer GUID of the DATA. */
  readonly writer: Guid;
  /** The DATA's writerSN. */
  readonly sn: number;
  readonly inlineQos?: Uint8Array;
  /** Byte order of the inline QoS; little endian when absent. */
  readonly littleEndian?: boolean;
}

/** Inline QoS with both related-sample-identity PIDs carrying `identity`, then the sentinel. */
export function encodeRelatedIdentityQos(identity: SampleIdentity): Uint8Array {
  if (identity.guid.prefix.length !== 12) {
    throw new RangeError(`GUID prefix of ${identity.guid.prefix.length} bytes, expected 12`);
  }
  const value = new ByteWriter(SAMPLE_IDENTITY_SIZE);
  value.bytes(identity.guid.prefix).octets4(identity.guid.entityId);
  writeSequenceNumber(value, identity.sn);
  const bytes = value.result();
  const w = new ByteWriter(2 * (4 + SAMPLE_IDENTITY_SIZE) + 4);
  writeParameterList(w, [
    { pid: PID_RELATED_SAMPLE_IDENTITY, value: bytes },
    { pid: PID_FASTDDS_RELATED_SAMPLE_IDENTITY, value: bytes },
  ]);
  return w.result().slice();
}

/** A client's request: the related identity names its reply reader, so the server answers there. */
export function requestInlineQos(replyReader: Guid): Uint8Array {
  return encodeRelatedIdentityQos({ guid: replyReader, sn: SN_UNKNOWN });
}

/** A server's reply to the request `requestId` (from `requestIdentityOf`). */
export function replyInlineQos(requestId: SampleIdentity): Uint8Array {
  return encodeRelatedIdentityQos(requestId);
}

/**
 * The related sample identity in a received inline QoS, or undefined when it has none (or a list
 * that does not parse, which the receive path would already have dropped).
 */
export function decodeRelatedIdentity(
  inlineQos: Uint8Array,
  littleEndian: boolean,
): SampleIdentity | undefined {
  const at = relatedIdentityOffset(inlineQos, littleEndian);
  if (at < 0) return undefined;
  return {
    guid: { prefix: inlineQos.slice(at, at + 12), entityId: entityIdAt(inlineQos, at + 12) },
    sn: sequenceNumberAt(inlineQos, at + 16, littleEndian),
  };
}

/**
 * Where the 24 bytes of the related sample identity start in an inline QoS, or -1 when it has
 * none: the same choice as a parsed list gives (PID 0x0083 first, else 0x800f; the first of each
 * PID counts, and only with at least 24 bytes; a list that does not parse has none), found
 * without making objects of the list, since every request and every reply passes here.
 */
export function relatedIdentityOffset(inlineQos: Uint8Array, littleEndian: boolean): number {
  const n = inlineQos.length;
  let standard = -1;
  let legacy = -1;
  for (let pos = 0; ; ) {
    if (n - pos < 4) return -1; // no sentinel
    const pid = u16At(inlineQos, pos, littleEndian);
    const length = u16At(inlineQos, pos + 2, littleEndian);
    pos += 4;
    if (pid === PID_SENTINEL) break;
    if (length > n - pos) return -1;
    if (pid === PID_RELATED_SAMPLE_IDENTITY) {
      if (standard === -1) standard = length >= SAMPLE_IDENTITY_SIZE ? pos : -2;
    } else if (pid === PID_FASTDDS_RELATED_SAMPLE_IDENTITY) {
      if (legacy === -1) legacy = length >= SAMPLE_IDENTITY_SIZE ? pos : -2;
    }
    pos += length;
  }
  if (standard >= 0) return standard;
  return legacy >= 0 ? legacy : -1;
}

/** Whether the GUID at `bytes[at, at + 16)` is `g`. */
export function guidEqualsAt(bytes: Uint8Array, at: number, g: Guid): boolean {
  const p = g.prefix;
  if (p.length !== 12) return false;
  for (let i = 0; i < 12; i++) if (bytes[at + i] !== p[i]) return false;
  return entityIdAt(bytes, at + 12) === g.entityId;
}

function u16At(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

/** Entity ids are four octets, in the same order whatever the byte order of the rest. */
function entityIdAt(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function i32At(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian
    ? b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)
    : (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

function sequenceNumberAt(b: Uint8Array, at: number, littleEndian: boolean): number {
  return i32At(b, at, littleEndian) * TWO_32 + (i32At(b, at + 4, littleEndian) >>> 0);
}

/** Fast DDS's GUID_t::unknown(): zero prefix and zero entity id. */
export function isUnknownGuid(g: Guid): boolean {
  return g.entityId === ENTITYID_UNKNOWN && g.prefix.every((b) => b === 0);
}

/**
 * A received request's id, as `__rmw_take_request` builds it: the GUID replies are for (the related
 * GUID when the client sent one that is not unknown, else the request writer's) and the DATA's
 * writerSN. The related SN is ignored: clients send it unknown.
 */
export function requestIdentityOf(sample: ReceivedServiceSample): SampleIdentity {
  return { guid: replyGuidOf(sample), sn: sample.sn };
}

/**
 * The GUID of `requestIdentityOf`, and `known` itself when the request names that GUID: a server
 * that keeps the last one per client takes its requests without making a GUID for each.
 */
export function replyGuidOf(sample: ReceivedServiceSample, known?: Guid): Guid {
  const qos = sample.inlineQos;
  if (!qos) return sample.writer;
  const at = relatedIdentityOffset(qos, sample.littleEndian ?? true);
  if (at < 0 || isZeroGuidAt(qos, at)) return sample.writer;
  if (known !== undefined && guidEqualsAt(qos, at, known)) return known;
  return { prefix: qos.slice(at, at + 12), entityId: entityIdAt(qos, at + 12) };
}

function isZeroGuidAt(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 16; i++) if (b[at + i] !== 0) return false;
  return true;
}

/**
 * Which request a received reply answers, for a client whose reply reader is `replyReader` and
 * request writer `requestWriter` (`__rmw_take_response` accepts either, for servers that echo the
 * writer GUID); undefined when the reply is for another client or carries no identity.
 */
export function replySequenceFor(
  sample: ReceivedServiceSample,
  replyReader: Guid,
  requestWriter: Guid,
): number | undefined {
  const qos = sample.inlineQos;
  if (!qos) return undefined;
  const littleEndian = sample.littleEndian ?? true;
  const at = relatedIdentityOffset(qos, littleEndian);
  if (at < 0) return undefined;
  return guidEqualsAt(qos, at, replyReader) || guidEqualsAt(qos, at, requestWriter)
    ? sequenceNumberAt(qos, at + 16, littleEndian)
    : undefined;
}

/** Bytes of the inline QoS a reply carries: two 24-byte identities, their headers, the sentinel. */
const REPLY_QOS_SIZE = 2 * (4 + SAMPLE_IDENTITY_SIZE) + 4;

/**
 * The reply inline QoS for request `sn` of the client whose related GUID is `guid`, written
 * straight into one buffer (what `replyInlineQos` gives, without the intermediate writers): a
 * server writes one per request. Little endian, as we send.
 *
 * A pooled Buffer with every byte written by hand: `new Uint8Array(60)` and a DataView on it cost
 * about 350 bytes of heap per reply, a Buffer from Node's pool about 100.
 */
export function replyInlineQosFor(guid: Guid, sn: number): Uint8Array {
  if (guid.prefix.length !== 12)
    throw new RangeError(`GUID prefix of ${guid.prefix.length} bytes, expected 12`);
  const out = Buffer.allocUnsafe(REPLY_QOS_SIZE);
  putIdentity(out, 0, PID_RELATED_SAMPLE_IDENTITY, guid, sn);
  putIdentity(out, 4 + SAMPLE_IDENTITY_SIZE, PID_FASTDDS_RELATED_SAMPLE_IDENTITY, guid, sn);
  putU16LE(out, 2 * (4 + SAMPLE_IDENTITY_SIZE), PID_SENTINEL);
  putU16LE(out, 2 * (4 + SAMPLE_IDENTITY_SIZE) + 2, 0);
  return out;
}

/** One parameter: PID, length 24, GUID prefix, entity id (as octets), SN high and low (LE). */
function putIdentity(out: Uint8Array, at: number, pid: number, guid: Guid, sn: number): void {
  const high = Math.floor(sn / TWO_32);
  putU16LE(out, at, pid);
  putU16LE(out, at + 2, SAMPLE_IDENTITY_SIZE);
  out.set(guid.prefix, at + 4);
  const e = guid.entityId;
  out[at + 16] = e >>> 24;
  out[at + 17] = e >>> 16;
  out[at + 18] = e >>> 8;
  out[at + 19] = e;
  putU32LE(out, at + 20, high);
  putU32LE(out, at + 24, sn - high * TWO_32);
}

function putU16LE(out: Uint8Array, at: number, v: number): void {
  out[at] = v;
  out[at + 1] = v >>> 8;
}

/** Its low 32 bits (an int32 high word comes out as its two's complement). */
function putU32LE(out: Uint8Array, at: number, v: number): void {
  out[at] = v;
  out[at + 1] = v >>> 8;
  out[at + 2] = v >>> 16;
  out[at + 3] = v >>> 24;
}
