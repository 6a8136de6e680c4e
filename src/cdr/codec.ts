/**
 * Serializers for ROS 2 types: each type compiles once, on first use, into specialised encode,
 * size and decode functions (see codegen/). Payloads are XCDR1 with the 4-byte encapsulation
 * header; we write CDR_LE as ROS 2 does and read CDR_LE and CDR_BE.
 */

import { type GeneratedSource, generateDecoder } from './codegen/decoder.js';
import { generateEncoder } from './codegen/encoder.js';
import { LayoutTable } from './codegen/layout.js';
import * as runtime from './codegen/runtime.js';
import { CdrDecodeError, CdrEncodeError, CdrLayerError } from './errors.js';
import type { InterfaceRegistry } from './registry.js';

/** Encapsulation identifiers (RTPS 10.5): plain CDR, big and little endian. */
export const CDR_BE = 0x0000;
export const CDR_LE = 0x0001;
/** Bytes of the encapsulation header in front of every payload. */
export const ENCAPSULATION_HEADER_SIZE = 4;

export interface TypeCodec<Decoded = unknown, Input = unknown> {
  /** The full ROS name, e.g. `geometry_msgs/msg/Twist`. */
  readonly typeName: string;
  /** Total serialized size (header included) when every value has the same size, else undefined. */
  readonly fixedSize: number | undefined;
  /**
   * Encodes into a fresh buffer (a Node Buffer, which may share its ArrayBuffer with other small
   * buffers as Node's pool does). Header included.
   */
  encode(value: Input): Uint8Array;
  /** Encodes into `target` at `offset`; returns the bytes written. Throws if it does not fit. */
  encodeInto(value: Input, target: Uint8Array, offset?: number): number;
  /** The size `encode` would produce, header included. */
  size(value: Input): number;
  /**
   * Decodes a payload (header included). Numeric arrays are typed arrays that view `bytes` where
   * alignment and byte order allow, so they stay valid only as long as `bytes` is not reused.
   */
  decode(bytes: Uint8Array): Decoded;
  /**
   * Decodes the payload at `bytes[offset, offset + length)` (header included) without making a
   * view of it first: what a receive path uses on a datagram.
   */
  decodeFrom(bytes: Uint8Array, offset: number, length: number): Decoded;
}

type DecodeFn = (u8: Uint8Array, B: number, n: number) => unknown;
type SizeFn = (m: unknown) => number;
type WriteFn = (m: unknown, u8: Uint8Array, B: number) => number;

function compile<F>(src: GeneratedSource, failures: object): F {
  // Generated from validated definitions only: names are checked identifiers and are quoted with
  // JSON.stringify; values reach the code as K[i] or as numeric literals.
  const factory = new Function('R', 'E', 'K', src.body) as (r: unknown, e: unknown, k: unknown) => F;
  return factory(runtime, failures, src.constants);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return v.constructor?.name ? `a ${v.constructor.name}` : 'an object';
  return String(v);
}

function encodeFailures(typeName: string): runtime.EncodeFailures {
  return {
    type(path, expected, value) {
      throw new CdrEncodeError(typeName, path, `expected ${expected}, got ${describe(value)}`);
    },
    range(path, type, value) {
      throw new CdrEncodeError(typeName, path, `${describe(value)} is not a valid ${type}`);
    },
    bound(path, kind, bound, actual) {
      throw new CdrEncodeError(typeName, path, `${kind} of ${actual} exceeds its bound of ${bound}`);
    },
    length(path, expected, actual) {
      throw new CdrEncodeError(
        typeName,
        path,
        `fixed array needs exactly ${expected} elements, got ${actual}`,
      );
    },
  };
}

function decodeFailures(typeName: string) {
  // Offsets are reported from the start of the payload bytes, header included.
  const at = (o: number) => o + ENCAPSULATION_HEADER_SIZE;
  return {
    short(o: number): never {
      throw new CdrDecodeError(
        typeName,
        'data ends early (truncated, or a length field is too large)',
        at(o),
      );
    },
    bound(o: number, kind: string, bound: number, actual: number): never {
      throw new CdrDecodeError(typeName, `${kind} of ${actual} exceeds its bound of ${bound}`, at(o));
    },
    bad(o: number, reason: string): never {
      throw new CdrDecodeError(typeName, reason, at(o));
    },
  };
}

class CompiledCodec implements TypeCodec {
  readonly fixedSize: number | undefined;
  private readonly sizeFn: SizeFn | undefined;
  private readonly writeFn: WriteFn;
  private readonly decodeLE: DecodeFn;
  private decodeBE: DecodeFn | undefined;
  private readonly encodeErrors: runtime.EncodeFailures;

  constructor(
    readonly typeName: string,
    private readonly registry: InterfaceRegistry,
    private readonly layouts: LayoutTable,
  ) {
    const lookup = (name: string) => registry.get(name);
    const layout = layouts.struct(typeName);
    this.encodeErrors = encodeFailures(typeName);
    this.fixedSize =
      layout.fixedSize !== undefined && layout.uniformAlign !== undefined
        ? layout.fixedSize + ENCAPSULATION_HEADER_SIZE
        : undefined;
    this.sizeFn =
      this.fixedSize === undefined
        ? compile<SizeFn>(generateEncoder(typeName, lookup, layouts, 'size'), this.encodeErrors)
        : undefined;
    this.writeFn = compile<WriteFn>(generateEncoder(typeName, lookup, layouts, 'write'), this.encodeErrors);
    this.decodeLE = compile<DecodeFn>(
      generateDecoder(typeName, lookup, layouts, true),
      decodeFailures(typeName),
    );
  }

  size(value: unknown): number {
    this.checkObject(value);
    return this.fixedSize ?? this.sizeFn!(value) + ENCAPSULATION_HEADER_SIZE;
  }

  encode(value: unknown): Uint8Array {
    const n = this.size(value);
    // Node carves small buffers out of a shared slab, which makes a fresh buffer per message
    // nearly free. Every byte is written below (padding included), so no old memory shows.
    const out = Buffer.allocUnsafe(n);
    this.writeAt(value, out, 0, n);
    return out;
  }

  encodeInto(value: unknown, target: Uint8Array, offset = 0): number {
    const n = this.size(value);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + n > target.byteLength) {
      throw new CdrEncodeError(
        this.typeName,
        '',
        `needs ${n} bytes at offset ${offset}, target has ${target.byteLength}`,
      );
    }
    this.writeAt(value, target, offset, n);
    return n;
  }

  private writeAt(value: unknown, u8: Uint8Array, at: number, n: number): void {
    u8[at] = 0;
    u8[at + 1] = CDR_LE;
    u8[at + 2] = 0;
    u8[at + 3] = 0;
    const written = this.writeFn(value, u8, at + ENCAPSULATION_HEADER_SIZE);
    if (written + ENCAPSULATION_HEADER_SIZE !== n) {
      throw new CdrLayerError(`internal error: ${this.typeName} sized ${n} bytes but wrote ${written + 4}`);
    }
  }

  decode(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) throw new CdrDecodeError(this.typeName, 'expected a Uint8Array');
    const length = bytes.length;
    // The common case (CDR_LE, as ROS 2 writes) without the general path's extra call.
    if (length >= ENCAPSULATION_HEADER_SIZE && bytes[0] === 0 && bytes[1] === CDR_LE) {
      try {
        return this.decodeLE(bytes, ENCAPSULATION_HEADER_SIZE, length - ENCAPSULATION_HEADER_SIZE);
      } catch (err) {
        throw this.decodeFailure(err);
      }
    }
    return this.decodeFrom(bytes, 0, length);
  }

  decodeFrom(bytes: Uint8Array, offset: number, length: number): unknown {
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
      throw new CdrDecodeError(
        this.typeName,
        `range ${offset}+${length} is outside the ${bytes.length} bytes given`,
      );
    }
    if (length < ENCAPSULATION_HEADER_SIZE) {
      throw new CdrDecodeError(this.typeName, 'shorter than the 4-byte encapsulation header', 0);
    }
    const kind = (bytes[offset]! << 8) | bytes[offset + 1]!;
    let fn: DecodeFn;
    if (kind === CDR_LE) fn = this.decodeLE;
    else if (kind === CDR_BE) fn = this.decodeBE ??= this.compileBE();
    else {
      throw new CdrDecodeError(
        this.typeName,
        `unsupported encapsulation 0x${kind.toString(16).padStart(4, '0')} (expected CDR_LE or CDR_BE)`,
        0,
      );
    }
    try {
      return fn(bytes, offset + ENCAPSULATION_HEADER_SIZE, length - ENCAPSULATION_HEADER_SIZE);
    } catch (err) {
      throw this.decodeFailure(err);
    }
  }

  private decodeFailure(err: unknown): CdrDecodeError {
    if (err instanceof CdrDecodeError) return err;
    // Defence in depth: the generated checks should make this unreachable.
    return new CdrDecodeError(this.typeName, `malformed data (${(err as Error).message})`);
  }

  private compileBE(): DecodeFn {
    const lookup = (name: string) => this.registry.get(name);
    return compile<DecodeFn>(
      generateDecoder(this.typeName, lookup, this.layouts, false),
      decodeFailures(this.typeName),
    );
  }

  private checkObject(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.encodeErrors.type('', 'an object', value);
    }
  }
}

/** Compiles and keeps one codec per type name, over the types of one registry. */
export class CodecCache {
  private readonly codecs = new Map<string, TypeCodec>();
  private readonly layouts: LayoutTable;

  constructor(readonly registry: InterfaceRegistry) {
    this.layouts = new LayoutTable((name) => registry.get(name));
  }

  /** The codec of a type (loading its definition and everything it needs on first use). */
  get(typeName: string): TypeCodec {
    let codec = this.codecs.get(typeName);
    if (!codec) {
      const full = this.registry.closure(typeName)[0]!.name; // loads and validates the whole closure
      codec = this.codecs.get(full) ?? new CompiledCodec(full, this.registry, this.layouts);
      this.codecs.set(full, codec);
      this.codecs.set(typeName, codec);
    }
    return codec;
  }
}
