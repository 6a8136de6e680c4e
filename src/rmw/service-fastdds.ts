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
import { ByteReader } from '../rtps/wire/byte-reader.js';
import { ByteWriter } from '../rtps/wire/byte-writer.js';
import { WireFormatError } from '../rtps/wire/errors.js';
import {
  findParameter,
  type ParameterList,
  parseParameterList,
  writeParameterList,
} from '../rtps/wire/parameter-list.js';
import {
  ENTITYID_UNKNOWN,
  type Guid,
  readSequenceNumber,
  SN_UNKNOWN,
  writeSequenceNumber,
} from '../rtps/wire/types.js';

/** DDS-RPC 1.0 PID_RELATED_SAMPLE_IDENTITY. */
export const PID_RELATED_SAMPLE_IDENTITY = 0x0083;
/** eProsima's PID_CUSTOM_RELATED_SAMPLE_IDENTITY (called PID_RELATED_SAMPLE_IDENTITY before 2.10). */
export const PID_FASTDDS_RELATED_SAMPLE_IDENTITY = 0x800f;

const SAMPLE_IDENTITY_SIZE = 24;

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
  let list: ParameterList;
  try {
    list = parseParameterList(inlineQos, littleEndian);
  } catch (err) {
    if (err instanceof WireFormatError) return undefined;
    throw err;
  }
  for (const pid of [PID_RELATED_SAMPLE_IDENTITY, PID_FASTDDS_RELATED_SAMPLE_IDENTITY]) {
    const value = findParameter(list, pid);
    if (value && value.length >= SAMPLE_IDENTITY_SIZE) return readIdentity(value, littleEndian);
  }
  return undefined;
}

function readIdentity(value: Uint8Array, littleEndian: boolean): SampleIdentity {
  const r = new ByteReader(value, 0, SAMPLE_IDENTITY_SIZE, littleEndian);
  const prefix = r.view(12, 'GUID prefix').slice();
  const entityId = r.octets4('entity id');
  return { guid: { prefix, entityId }, sn: readSequenceNumber(r) };
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
  const related = sample.inlineQos
    ? decodeRelatedIdentity(sample.inlineQos, sample.littleEndian ?? true)
    : undefined;
  const guid = related && !isUnknownGuid(related.guid) ? related.guid : sample.writer;
  return { guid, sn: sample.sn };
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
  if (!sample.inlineQos) return undefined;
  const related = decodeRelatedIdentity(sample.inlineQos, sample.littleEndian ?? true);
  if (!related) return undefined;
  return sameGuid(related.guid, replyReader) || sameGuid(related.guid, requestWriter)
    ? related.sn
    : undefined;
}

function sameGuid(a: Guid, b: Guid): boolean {
  return (
    a.entityId === b.entityId &&
    a.prefix.length === b.prefix.length &&
    a.prefix.every((x, i) => x === b.prefix[i])
  );
}
