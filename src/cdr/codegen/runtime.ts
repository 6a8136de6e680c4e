/**
 * Helpers the generated serializers call: string transcoding, typed-array views and copies, and
 * the throwers that turn every failure into a typed error. Kept small and monomorphic so the JIT
 * inlines them into the generated code.
 */

const textDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const textEncoder = new TextEncoder();

/**
 * Below these lengths, an ASCII check and a one-copy Latin-1 slice beat TextDecoder's native call
 * (and its subarray), and writing by hand beats TextEncoder's (measured on Log messages, Node 20).
 */
const SHORT_DECODE = 32;
const SHORT_ENCODE = 64;

/**
 * Node's Latin-1 decoder, what `buf.toString('latin1')` calls: one string, straight from the bytes
 * of any Uint8Array. Not in Node's documented API, hence looked up once and optional.
 */
const latin1Slice = (
  Buffer.prototype as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }
).latin1Slice;

/**
 * Reads a CDR string of `len` bytes at `at` (the length field's value: the bytes and their NUL).
 * Invalid UTF-8 becomes U+FFFD rather than failing the whole sample.
 */
export function readString(u8: Uint8Array, at: number, len: number): string {
  // The terminating NUL is not part of the value; length 0 (no NUL at all) is read as ''.
  const n = len > 0 && u8[at + len - 1] === 0 ? len - 1 : len;
  if (n <= SHORT_DECODE) {
    let i = 0;
    while (i < n && u8[at + i]! < 0x80) i++;
    if (i === n) return asciiString(u8, at, n);
  }
  return textDecoder.decode(u8.subarray(at, at + n));
}

/**
 * The ASCII bytes `u8[at, at + n)` as one string. Not a character at a time: each `s +=` made a
 * new string (about 200 bytes of garbage for a 9-character string, 1 KB for 32), on every sample.
 */
function asciiString(u8: Uint8Array, at: number, n: number): string {
  // Up to 4 characters, fromCharCode is cheaper than a native call.
  switch (n) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(u8[at]!);
    case 2:
      return String.fromCharCode(u8[at]!, u8[at + 1]!);
    case 3:
      return String.fromCharCode(u8[at]!, u8[at + 1]!, u8[at + 2]!);
    case 4:
      return String.fromCharCode(u8[at]!, u8[at + 1]!, u8[at + 2]!, u8[at + 3]!);
  }
  return latin1Slice !== undefined
    ? latin1Slice.call(u8, at, at + n)
    : textDecoder.decode(u8.subarray(at, at + n));
}

/** UTF-8 byte length of `s` (without the NUL). */
export function utf8Length(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // 4 bytes for the pair's 2 units
        i++;
      } else bytes += 2; // lone surrogate: U+FFFD, 3 bytes
    } else bytes += 2;
  }
  return bytes;
}

/** Writes `s` as UTF-8 at `at` (room for `utf8Length(s)` bytes is there); returns the byte count. */
export function writeString(u8: Uint8Array, at: number, s: string): number {
  const n = s.length;
  if (n <= SHORT_ENCODE) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      u8[at + i] = c;
    }
    if (i === n) return n;
  }
  return textEncoder.encodeInto(s, u8.subarray(at)).written;
}

/**
 * wstrings as both ROS 2 Jazzy middlewares write them (rosidl_typesupport_fastrtps
 * `serialization_helpers.hpp`, rmw_cyclonedds `Serialization.cpp`): a uint32 count of UTF-16 code
 * units, no terminator, then each code unit as a 4-byte integer. Not XTypes' wstring, but the
 * format every ROS 2 peer agrees on.
 */
export const WCHAR_SIZE = 4;

/** Reads `units` wstring code units at `at`; undefined when one is not a UTF-16 unit (Fast DDS rejects those too). */
export function readWString(u8: Uint8Array, at: number, units: number, le: boolean): string | undefined {
  let s = '';
  for (let i = 0; i < units; i++) {
    const p = at + WCHAR_SIZE * i;
    const u = le ? u8[p]! | (u8[p + 1]! << 8) : u8[p + 3]! | (u8[p + 2]! << 8);
    if ((le ? u8[p + 2]! | u8[p + 3]! : u8[p]! | u8[p + 1]!) !== 0) return undefined;
    s += String.fromCharCode(u);
  }
  return s;
}

export function writeWString(u8: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const p = at + WCHAR_SIZE * i;
    u8[p] = c;
    u8[p + 1] = c >> 8;
    u8[p + 2] = 0;
    u8[p + 3] = 0;
  }
}

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type TypedArrayCtor<T extends NumericArray> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** Whether this machine stores numbers little-endian (generated code is specialised for it). */
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Scratch space that turns 2, 4 or 8 bytes into a number or bigint without a per-call view. */
const scratch = new Uint8Array(8);
const scratchF32 = new Float32Array(scratch.buffer);
const scratchF64 = new Float64Array(scratch.buffer);
const scratchI64 = new BigInt64Array(scratch.buffer);
const scratchU64 = new BigUint64Array(scratch.buffer);

/** Copies `n` bytes at `at` into the scratch in host order, from data in order `le`. */
function load(u8: Uint8Array, at: number, n: number, le: boolean): void {
  if (le === HOST_LE) for (let k = 0; k < n; k++) scratch[k] = u8[at + k]!;
  else for (let k = 0; k < n; k++) scratch[k] = u8[at + n - 1 - k]!;
}

export type Reader = (u8: Uint8Array, at: number, le: boolean) => number | bigint;

/** Readers of one value by type, for the wide types and for copying arrays element by element. */
export const READERS: Readonly<Record<string, Reader>> = {
  byte: (u8, at) => u8[at]!,
  uint8: (u8, at) => u8[at]!,
  int8: (u8, at) => (u8[at]! << 24) >> 24,
  uint16: (u8, at, le) => (le ? u8[at]! | (u8[at + 1]! << 8) : (u8[at]! << 8) | u8[at + 1]!),
  int16: (u8, at, le) => ((le ? u8[at]! | (u8[at + 1]! << 8) : (u8[at]! << 8) | u8[at + 1]!) << 16) >> 16,
  int32: (u8, at, le) =>
    le
      ? u8[at]! | (u8[at + 1]! << 8) | (u8[at + 2]! << 16) | (u8[at + 3]! << 24)
      : (u8[at]! << 24) | (u8[at + 1]! << 16) | (u8[at + 2]! << 8) | u8[at + 3]!,
  uint32: (u8, at, le) => (READERS['int32']!(u8, at, le) as number) >>> 0,
  float32: (u8, at, le) => {
    load(u8, at, 4, le);
    return scratchF32[0]!;
  },
  float64: (u8, at, le) => {
    if (le === HOST_LE) {
      scratch[0] = u8[at]!;
      scratch[1] = u8[at + 1]!;
      scratch[2] = u8[at + 2]!;
      scratch[3] = u8[at + 3]!;
      scratch[4] = u8[at + 4]!;
      scratch[5] = u8[at + 5]!;
      scratch[6] = u8[at + 6]!;
      scratch[7] = u8[at + 7]!;
    } else load(u8, at, 8, le);
    return scratchF64[0]!;
  },
  int64: (u8, at, le) => {
    load(u8, at, 8, le);
    return scratchI64[0]!;
  },
  uint64: (u8, at, le) => {
    load(u8, at, 8, le);
    return scratchU64[0]!;
  },
};

/**
 * `count` elements at index `at` of `u8`: a view of the received bytes when they are aligned in
 * the underlying buffer and in the host's byte order, a copy otherwise.
 */
export function numericArray<T extends NumericArray>(
  ctor: TypedArrayCtor<T>,
  u8: Uint8Array,
  at: number,
  count: number,
  le: boolean,
  read: Reader,
): T {
  const size = ctor.BYTES_PER_ELEMENT;
  const abs = u8.byteOffset + at;
  if (size === 1 || (le === HOST_LE && abs % size === 0)) return new ctor(u8.buffer, abs, count);
  const out = new ctor(count);
  const w = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) w[i] = read(u8, at + i * size, le);
  return out;
}

/** Copies a typed array of the host's byte order into the output as little-endian bytes. */
export function copyTypedLE(u8: Uint8Array, abs: number, src: NumericArray): boolean {
  if (!HOST_LE) return false;
  u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), abs);
  return true;
}

/** What a missing nested struct is encoded from: every field takes its default. */
export const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
/** What a missing sequence is encoded from. */
export const NONE: readonly unknown[] = Object.freeze([]);

export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** The reporting half of the encoder's checks; `path` names the field. */
export interface EncodeFailures {
  type(path: string, expected: string, value: unknown): never;
  range(path: string, type: string, value: unknown): never;
  bound(path: string, kind: string, bound: number, actual: number): never;
  length(path: string, expected: number, actual: number): never;
}

/** A 64-bit field given as a number: accepted when it is an integer. */
export function toBigInt(v: unknown, path: string, fail: EncodeFailures): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return fail.type(path, 'a bigint (or an integer number)', v);
}
