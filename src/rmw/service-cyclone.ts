/**
 * rmw_cyclonedds service correlation (WIRE.md 2b): every request and every reply payload is the
 * encapsulation header, then `cdds_request_header_t {uint64 guid; int64 seq}`, then the CDR body.
 *
 * Alignment rule: XCDR1 aligns from the byte after the encapsulation header, and the 16-byte header
 * is a multiple of the largest CDR alignment (8), so a body encoded on its own (a codec's output
 * minus its 4-byte encapsulation) is appended unchanged, and the body cut out of a received payload
 * decodes unchanged once an encapsulation header is put back in front of it.
 *
 * Both numbers are read and written in the encapsulation's byte order, as Cyclone's (de)serializer
 * does; a server echoes the values, so the guid's bytes come back as the client sent them. The guid
 * is an opaque 64-bit instance handle, not an RTPS GUID.
 */

/** The header Cyclone puts before the body of service payloads. */
export interface CycloneRequestHeader {
  /** uint64: the client's request-writer instance handle, which replies must echo. */
  readonly guid: bigint;
  /** int64: the client's request counter (Cyclone starts at 1). */
  readonly seq: bigint;
}

export interface CycloneServicePayload {
  readonly header: CycloneRequestHeader;
  readonly littleEndian: boolean;
  /** The CDR body after the header (a view), trailing padding included. */
  readonly body: Uint8Array;
}

/** A payload that is not a Cyclone service payload. */
export class CycloneServicePayloadError extends Error {
  override name = 'CycloneServicePayloadError';
}

export const ENCAPSULATION_SIZE = 4;
export const CYCLONE_REQUEST_HEADER_SIZE = 16;
const CDR_BE = 0x0000;
const CDR_LE = 0x0001;

/**
 * `[encapsulation][guid][seq][body]`, zero-padded to a multiple of 4 as Cyclone pads its serialized
 * data; the encapsulation options stay `00 00`, as Cyclone's do.
 */
export function encodeCycloneServicePayload(
  header: CycloneRequestHeader,
  body: Uint8Array,
  littleEndian = true,
): Uint8Array {
  checkHeader(header);
  const unpadded = ENCAPSULATION_SIZE + CYCLONE_REQUEST_HEADER_SIZE + body.length;
  // A pooled Buffer (a fresh Uint8Array costs ~170 bytes more of heap), so every byte is written.
  const out = Buffer.allocUnsafe((unpadded + 3) & ~3);
  out[0] = 0;
  out[1] = littleEndian ? CDR_LE : CDR_BE;
  out[2] = 0;
  out[3] = 0;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setBigUint64(ENCAPSULATION_SIZE, header.guid, littleEndian);
  dv.setBigInt64(ENCAPSULATION_SIZE + 8, header.seq, littleEndian);
  out.set(body, ENCAPSULATION_SIZE + CYCLONE_REQUEST_HEADER_SIZE);
  out.fill(0, unpadded);
  return out;
}

/** Puts the header into a payload a codec encoded (encapsulation included), keeping its byte order. */
export function withCycloneHeader(header: CycloneRequestHeader, encoded: Uint8Array): Uint8Array {
  return encodeCycloneServicePayload(
    header,
    encoded.subarray(ENCAPSULATION_SIZE),
    encapsulationIsLE(encoded),
  );
}

/** What `encodeWithCycloneHeader` needs of a codec (a `TypeCodec` has it). */
export interface InPlaceEncoder<T> {
  size(value: T): number;
  encodeInto(value: T, target: Uint8Array, offset?: number): number;
}

/**
 * What `withCycloneHeader(header, codec.encode(value))` gives, encoded straight into the final
 * buffer: the codec writes at offset 16, its encapsulation is moved to the front and the header
 * written over the 16 bytes between (a server does this for every reply to a Cyclone client).
 */
export function encodeWithCycloneHeader<T>(
  header: CycloneRequestHeader,
  codec: InPlaceEncoder<T>,
  value: T,
): Uint8Array {
  checkHeader(header);
  const n = codec.size(value);
  // Pooled, as in encodeCycloneServicePayload: the padding is zeroed by hand.
  const out = Buffer.allocUnsafe(CYCLONE_REQUEST_HEADER_SIZE + ((n + 3) & ~3));
  codec.encodeInto(value, out, CYCLONE_REQUEST_HEADER_SIZE);
  out.fill(0, CYCLONE_REQUEST_HEADER_SIZE + n);
  out.copyWithin(0, CYCLONE_REQUEST_HEADER_SIZE, CYCLONE_REQUEST_HEADER_SIZE + ENCAPSULATION_SIZE);
  const littleEndian = encapsulationIsLE(out);
  // Cyclone's encapsulation options stay 00 00 (see encodeCycloneServicePayload).
  out[2] = 0;
  out[3] = 0;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setBigUint64(ENCAPSULATION_SIZE, header.guid, littleEndian);
  dv.setBigInt64(ENCAPSULATION_SIZE + 8, header.seq, littleEndian);
  return out;
}

/** Splits a received request or reply payload into its header and body. */
export function splitCycloneServicePayload(payload: Uint8Array): CycloneServicePayload {
  if (payload.length < ENCAPSULATION_SIZE + CYCLONE_REQUEST_HEADER_SIZE) {
    throw new CycloneServicePayloadError(
      `${payload.length}-byte payload is shorter than the encapsulation and the 16-byte request header`,
    );
  }
  const littleEndian = encapsulationIsLE(payload);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return {
    header: {
      guid: dv.getBigUint64(ENCAPSULATION_SIZE, littleEndian),
      seq: dv.getBigInt64(ENCAPSULATION_SIZE + 8, littleEndian),
    },
    littleEndian,
    body: payload.subarray(ENCAPSULATION_SIZE + CYCLONE_REQUEST_HEADER_SIZE),
  };
}

/** The header, and the payload without it (a copy, encapsulation first) for a codec to decode. */
export function stripCycloneHeader(payload: Uint8Array): {
  header: CycloneRequestHeader;
  payload: Uint8Array;
} {
  const split = splitCycloneServicePayload(payload);
  return { header: split.header, payload: decodableBody(payload, split) };
}

/**
 * The body of `payload` (split by splitCycloneServicePayload) as a codec decodes it: a copy with
 * the encapsulation in front. For a client that split a reply to see whether it is its own.
 */
export function decodableBody(payload: Uint8Array, split: CycloneServicePayload): Uint8Array {
  // Not from Node's pool: decoded arrays may view these bytes, so they stay the message's own.
  const out = new Uint8Array(ENCAPSULATION_SIZE + split.body.length);
  for (let i = 0; i < ENCAPSULATION_SIZE; i++) out[i] = payload[i]!;
  out.set(split.body, ENCAPSULATION_SIZE);
  return out;
}

function encapsulationIsLE(payload: Uint8Array): boolean {
  if (payload.length < ENCAPSULATION_SIZE || payload[0] !== 0) {
    throw new CycloneServicePayloadError(`unsupported encapsulation ${hex(payload.subarray(0, 2))}`);
  }
  if (payload[1] === CDR_LE) return true;
  if (payload[1] === CDR_BE) return false;
  throw new CycloneServicePayloadError(`unsupported encapsulation ${hex(payload.subarray(0, 2))}`);
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

function checkHeader(header: CycloneRequestHeader): void {
  if (BigInt.asUintN(64, header.guid) !== header.guid)
    throw new RangeError(`guid ${header.guid} is not a uint64`);
  if (BigInt.asIntN(64, header.seq) !== header.seq) throw new RangeError(`seq ${header.seq} is not an int64`);
}
