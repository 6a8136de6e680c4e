/**
 * Bounds-checked reading of RTPS wire data. Every read checks what remains first and throws a
 * WireFormatError (caught at the message boundary) instead of reading past the end, so nothing
 * read from the network can make the parser touch bytes it was not given.
 */
import { WireFormatError } from './errors.js';

export class ByteReader {
  /** Index in `bytes` of the next byte to read. */
  pos: number;

  constructor(
    /** What is read; a reader may be moved to other bytes (see `span`). */
    public bytes: Uint8Array,
    start: number,
    /** Index one past the last byte this reader may read. */
    public end: number,
    /** Byte order of multi-byte fields (RTPS: the submessage's E flag). */
    public littleEndian: boolean,
  ) {
    this.pos = start;
  }

  /**
   * Points the reader at `[start, end)` of `bytes`, in the given byte order: one reader serves
   * every submessage of every message instead of one object each.
   */
  span(bytes: Uint8Array, start: number, end: number, littleEndian: boolean): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.littleEndian = littleEndian;
    return this;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new WireFormatError(
        'truncated-submessage',
        `${what} needs ${n} bytes, ${this.end - this.pos} left`,
      );
    }
  }

  u8(what = 'octet'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'ushort'): number {
    this.need(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return this.littleEndian ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }

  u32(what = 'ulong'): number {
    return this.i32(what) >>> 0;
  }

  i32(what = 'long'): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return this.littleEndian
      ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)
      : (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  /** Four octets in wire order regardless of byte order (EntityId, IPv4 address...), as a uint32. */
  octets4(what = 'octets'): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A view (not a copy) of the next `n` bytes. */
  view(n: number, what = 'octets'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'octets'): void {
    this.need(n, what);
    this.pos += n;
  }
}
