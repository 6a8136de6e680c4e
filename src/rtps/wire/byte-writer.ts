/**
 * Writing RTPS wire data into a growing buffer. We always write little-endian (as both ROS 2
 * vendors do on x86); EntityIds and addresses are octet sequences, written in wire order.
 */
/** Sizes whose views `prefix` keeps at once (a few kilobytes of views at most). */
const MAX_PREFIX_VIEWS = 64;

export class ByteWriter {
  private buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.pos++] = v;
    this.buf[this.pos++] = v >> 8;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v;
    b[this.pos++] = v >> 8;
    b[this.pos++] = v >> 16;
    b[this.pos++] = v >>> 24;
    return this;
  }

  i32(v: number): this {
    return this.u32(v >>> 0);
  }

  octets4(v: number): this {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v >>> 24;
    b[this.pos++] = v >> 16;
    b[this.pos++] = v >> 8;
    b[this.pos++] = v;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    // Mostly 0-3 bytes of padding per submessage: TypedArray.prototype.fill is a C++ builtin whose
    // call alone cost more than the loop (0.4% of a service client's CPU in perf).
    if (n <= 16) {
      const b = this.buf;
      for (let i = 0; i < n; i++) b[this.pos++] = 0;
      return this;
    }
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Overwrites a byte written earlier. */
  patchU8(at: number, v: number): void {
    this.buf[at] = v;
  }

  /** Overwrites a u16 written earlier (e.g. a length known only afterwards). */
  patchU16(at: number, v: number): void {
    this.buf[at] = v;
    this.buf[at + 1] = v >> 8;
  }

  /** A view of bytes [from, to) written so far (copy it if the writer is reused). */
  view(from: number, to: number): Uint8Array {
    return this.buf.subarray(from, to);
  }

  /**
   * A view of the first `n` bytes, the same object for the same `n` while the buffer stays (copy
   * it if the writer is reused): a writer reused for every datagram sent hands out one per
   * datagram, mostly of sizes it sent before, and a view made per datagram was ~100 bytes.
   */
  prefix(n: number): Uint8Array {
    // Made on first use: most writers encode one message and never call this.
    if (this.prefixes === undefined || this.prefixesOf !== this.buf) {
      this.prefixes = new Map();
      this.prefixesOf = this.buf;
    }
    let view = this.prefixes.get(n);
    if (view === undefined) {
      if (this.prefixes.size >= MAX_PREFIX_VIEWS) this.prefixes.clear();
      view = this.buf.subarray(0, n);
      this.prefixes.set(n, view);
    }
    return view;
  }

  private prefixes: Map<number, Uint8Array> | undefined;
  /** The buffer the views in `prefixes` are of (ensure may replace it). */
  private prefixesOf: Uint8Array | undefined;

  /** The bytes written so far (a view; copy it if the writer is reused). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
