/**
 * The CDR values parameters carry (strings, octet sequences, GUIDs, locators, durations, property
 * lists), read from one parameter's bytes and written into one parameter's bytes.
 *
 * A reader is a ByteReader over exactly the parameter's value, so nothing can be read past it; CDR
 * alignment inside a value is counted from the value's start, which the parameter list keeps at a
 * multiple of 4 from the CDR origin (RTPS 9.4.2.11). Every count and length is checked against the
 * bytes left before anything is allocated for it. Readers copy what they keep (discovery data lives
 * as long as the remote entity does; it must not pin whole datagrams).
 */
import { ByteReader } from '../wire/byte-reader.js';
import type { ByteWriter } from '../wire/byte-writer.js';
import { WireFormatError } from '../wire/errors.js';
import type { Parameter } from '../wire/parameter-list.js';
import { type EntityId, GUID_PREFIX_SIZE, type Guid, type Locator } from '../wire/types.js';
import { DiscoveryDataError } from './errors.js';
import { pidName } from './pids.js';

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** A malformed value; the parameter-level caller adds which parameter it was. */
export function invalid(message: string): DiscoveryDataError {
  return new DiscoveryDataError('invalid-parameter', message);
}

export function valueReader(value: Uint8Array, littleEndian: boolean): ByteReader {
  return new ByteReader(value, 0, value.length, littleEndian);
}

/** Skips padding up to the next multiple of `n` (counted from the value's start). */
export function align(r: ByteReader, n: number): void {
  const pad = (n - (r.pos % n)) % n;
  if (pad > 0) r.skip(Math.min(pad, r.remaining), 'padding');
}

export function alignWriter(w: ByteWriter, start: number, n: number): void {
  const pad = (n - ((w.pos - start) % n)) % n;
  if (pad > 0) w.zeros(pad);
}

/** A sequence length, refused unless `count` elements of at least `minSize` bytes each fit. */
export function readCount(r: ByteReader, minSize: number, what: string): number {
  const n = r.u32(`${what} count`);
  if (n * minSize > r.remaining) {
    throw invalid(`${what} count ${n} cannot fit in the ${r.remaining} bytes left`);
  }
  return n;
}

/**
 * A CDR string: u32 length including the terminating NUL, the bytes, the NUL. A length of 0 is read
 * as the empty string (some implementations write it so); anything longer than the value, without
 * its NUL, or with a NUL inside is refused.
 */
export function readString(r: ByteReader, what: string): string {
  const n = r.u32(`${what} length`);
  if (n > r.remaining) throw invalid(`${what} length ${n} exceeds the ${r.remaining} bytes left`);
  if (n === 0) return '';
  const bytes = r.view(n, what);
  if (bytes[n - 1] !== 0) throw invalid(`${what} is not NUL-terminated`);
  const body = bytes.subarray(0, n - 1);
  if (body.includes(0)) throw invalid(`${what} contains a NUL`);
  return utf8Decoder.decode(body);
}

export function writeString(w: ByteWriter, s: string): void {
  const bytes = utf8Encoder.encode(s);
  w.u32(bytes.length + 1)
    .bytes(bytes)
    .u8(0);
}

/** sequence<octet>: u32 length, the bytes (copied). */
export function readOctetSequence(r: ByteReader, what: string): Uint8Array {
  const n = r.u32(`${what} length`);
  if (n > r.remaining) throw invalid(`${what} length ${n} exceeds the ${r.remaining} bytes left`);
  return r.view(n, what).slice();
}

export function writeOctetSequence(w: ByteWriter, b: Uint8Array): void {
  w.u32(b.length).bytes(b);
}

/** Fixed-size raw octets (KEY_HASH), copied. */
export function readOctets(r: ByteReader, n: number, what: string): Uint8Array {
  return r.view(n, what).slice();
}

/** The value as it came, copied: for parameters we carry without interpreting. */
export function readRaw(r: ByteReader): Uint8Array {
  return r.view(r.remaining).slice();
}

/** A boolean octet; only 0 and 1 are valid CDR booleans. */
export function readBoolean(r: ByteReader, what: string): boolean {
  const b = r.u8(what);
  if (b > 1) throw invalid(`${what} is ${b}, not a boolean`);
  return b === 1;
}

export function readGuid(r: ByteReader, what = 'GUID'): Guid {
  const prefix = r.view(GUID_PREFIX_SIZE, what).slice();
  const entityId: EntityId = r.octets4(what);
  return { prefix, entityId };
}

export function writeGuid(w: ByteWriter, g: Guid): void {
  if (g.prefix.length !== GUID_PREFIX_SIZE) throw new RangeError(`GUID prefix of ${g.prefix.length} bytes`);
  w.bytes(g.prefix).octets4(g.entityId);
}

/** Locator_t: kind (int32), port (uint32), 16-byte address. Every kind is kept; users pick UDP ones. */
export function readLocator(r: ByteReader): Locator {
  const kind = r.i32('locator kind');
  const port = r.u32('locator port');
  return { kind, port, address: r.view(16, 'locator address').slice() };
}

export function writeLocator(w: ByteWriter, l: Locator): void {
  if (l.address.length !== 16) throw new RangeError(`locator address of ${l.address.length} bytes`);
  w.i32(l.kind).u32(l.port).bytes(l.address);
}

/** Two octets: ProtocolVersion_t, VendorId_t. */
export function readOctetPair(r: ByteReader, what: string): readonly [number, number] {
  return [r.u8(what), r.u8(what)];
}

export function writeOctetPair(w: ByteWriter, v: readonly [number, number]): void {
  w.u8(v[0]).u8(v[1]);
}

/** An entry of PID_PROPERTY_LIST (DDS-Security 7.2.1, also used without security). */
export interface Property {
  readonly name: string;
  readonly value: string;
}

export interface BinaryProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

/**
 * PID_PROPERTY_LIST: a sequence of string properties, optionally followed by a sequence of binary
 * ones (Cyclone always writes that second count, as 0; Fast DDS does not write it). Which of the two
 * forms came is kept, so the value re-encodes as it was.
 */
export interface PropertyList {
  readonly properties: readonly Property[];
  readonly binaryProperties?: readonly BinaryProperty[];
}

export function readPropertyList(r: ByteReader): PropertyList {
  // Each property is at least two empty strings' lengths.
  const n = readCount(r, 8, 'property');
  const properties: Property[] = [];
  for (let i = 0; i < n; i++) {
    align(r, 4);
    const name = readString(r, 'property name');
    align(r, 4);
    properties.push({ name, value: readString(r, 'property value') });
  }
  align(r, 4);
  if (r.remaining < 4) return { properties };
  const m = readCount(r, 8, 'binary property');
  const binaryProperties: BinaryProperty[] = [];
  for (let i = 0; i < m; i++) {
    align(r, 4);
    const name = readString(r, 'binary property name');
    align(r, 4);
    binaryProperties.push({ name, value: readOctetSequence(r, 'binary property value') });
  }
  return { properties, binaryProperties };
}

export function writePropertyList(w: ByteWriter, list: PropertyList): void {
  const start = w.pos;
  w.u32(list.properties.length);
  for (const p of list.properties) {
    alignWriter(w, start, 4);
    writeString(w, p.name);
    alignWriter(w, start, 4);
    writeString(w, p.value);
  }
  if (!list.binaryProperties) return;
  alignWriter(w, start, 4);
  w.u32(list.binaryProperties.length);
  for (const p of list.binaryProperties) {
    alignWriter(w, start, 4);
    writeString(w, p.name);
    alignWriter(w, start, 4);
    writeOctetSequence(w, p.value);
  }
}

/** Reads one parameter's value with `read`, with the PID named in any error. */
export function readValue<T>(
  p: Parameter,
  littleEndian: boolean,
  vendor: number,
  read: (r: ByteReader) => T,
): T {
  try {
    return read(valueReader(p.value, littleEndian));
  } catch (err) {
    const where = `${pidName(p.pid, vendor)} (${p.value.length} bytes)`;
    if (err instanceof WireFormatError) {
      throw new DiscoveryDataError('invalid-parameter', `${where}: ${err.message}`, p.pid);
    }
    if (err instanceof DiscoveryDataError)
      throw new DiscoveryDataError(err.reason, `${where}: ${err.message}`, p.pid);
    throw err;
  }
}
