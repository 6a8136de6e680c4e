/**
 * XXH64 (seed 0), streaming: what a zstd frame's Content_Checksum holds the low 4 bytes of
 * (RFC 8878 section 3.1.1). The algorithm is xxHash's spec (doc/xxhash_spec.md, "XXH64
 * algorithm description"); no package in the tree exposes it (fzstd skips the checksum, and
 * @foxglove/wasm-zstd exports compress/decompress only).
 *
 * 64-bit lanes are kept as two unsigned 32-bit halves rather than BigInt: BigInt arithmetic
 * allocates on every operation and would run far slower than the decompressor it checks.
 * The helpers below leave their result in `hi`/`lo` (two values, no object); the stripe loop,
 * where the time goes, does without them.
 */

// PRIME64_1..5 of the spec, as [high, low] halves.
const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;
// The low halves' 16-bit pieces, for the stripe loop.
const P1L0 = P1L & 0xffff;
const P1L1 = P1L >>> 16;
const P2L0 = P2L & 0xffff;
const P2L1 = P2L >>> 16;

/** The result of the last helper call. */
let hi = 0;
let lo = 0;

/** (ah:al) * (bh:bl) mod 2^64. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  // al * bl in full from 16-bit pieces (each product < 2^32, exact); the cross terms only
  // reach the high half, where wrapping 32-bit products (Math.imul) are what is needed.
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p10 = a1 * b0;
  const p01 = a0 * b1;
  const mid = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff);
  lo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  hi = (a1 * b1 + (p10 >>> 16) + (p01 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const l = al + bl;
  lo = l >>> 0;
  hi = (ah + bh + (l > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotates (h:l) left by r, 0 < r < 32. */
function rotl(h: number, l: number, r: number): void {
  hi = ((h << r) | (l >>> (32 - r))) >>> 0;
  lo = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** The spec's round(acc, input): acc + input * PRIME64_2, rotated by 31, times PRIME64_1. */
function round(ah: number, al: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(ah, al, hi, lo);
  rotl(hi, lo, 31);
  mul(hi, lo, P1H, P1L);
}

/** The spec's mergeAccumulator: acc ^= round(0, lane); acc = acc * PRIME64_1 + PRIME64_4. */
function merge(ah: number, al: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((ah ^ hi) >>> 0, (al ^ lo) >>> 0, P1H, P1L);
  add(hi, lo, P4H, P4L);
}

/** An XXH64 (seed 0) computed over bytes given a piece at a time. */
export class Xxh64 {
  /** The four accumulators (spec step 1, seed 0): v1 high, v1 low, v2 high... */
  private readonly acc = new Uint32Array(8);
  /** Bytes of an unfinished 32-byte stripe. */
  private readonly tail = new Uint8Array(32);
  private readonly tailView = new DataView(this.tail.buffer);
  private tailLength = 0;
  /** Bytes hashed so far (exact to 2^53: far past any file). */
  private total = 0;

  constructor() {
    add(P1H, P1L, P2H, P2L);
    this.acc[0] = hi;
    this.acc[1] = lo;
    this.acc[2] = P2H;
    this.acc[3] = P2L;
    // 0 - PRIME64_1 (two's complement).
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    this.acc[6] = hi;
    this.acc[7] = lo;
  }

  update(data: Uint8Array): this {
    this.total += data.length;
    let at = 0;
    if (this.tailLength > 0) {
      const take = Math.min(32 - this.tailLength, data.length);
      this.tail.set(data.subarray(0, take), this.tailLength);
      this.tailLength += take;
      at = take;
      if (this.tailLength < 32) return this;
      this.stripes(this.tailView, 0, 32);
      this.tailLength = 0;
    }
    const whole = data.length - ((data.length - at) % 32);
    if (whole > at) this.stripes(new DataView(data.buffer, data.byteOffset, data.length), at, whole);
    if (whole < data.length) {
      this.tail.set(data.subarray(whole), 0);
      this.tailLength = data.length - whole;
    }
    return this;
  }

  /** The hash of everything given so far, as the spec's unsigned 64-bit value. */
  digest(): bigint {
    this.finish();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 32 bits of the hash: what a zstd frame's Content_Checksum stores. */
  digestLow32(): number {
    this.finish();
    return lo;
  }

  /**
   * Spec step 2 over [from, to), a multiple of 32 bytes: each 8-byte lane through round() with
   * its accumulator. This loop is the whole cost of the hash, so round() is written out with the
   * constants' 16-bit pieces and the accumulator in locals (no helper calls, which V8 would not
   * inline here), and each accumulator takes its lanes in one pass: they are independent, and the
   * bytes, just decompressed, are in cache.
   */
  private stripes(view: DataView, from: number, to: number): void {
    const acc = this.acc;
    for (let k = 0; k < 8; k += 2) {
      let h = acc[k]!;
      let l = acc[k + 1]!;
      for (let p = from + 4 * k; p < to; p += 32) {
        const il = view.getUint32(p, true);
        const ih = view.getUint32(p + 4, true);
        // t = input * PRIME64_2
        let a0 = il & 0xffff;
        let a1 = il >>> 16;
        let p00 = a0 * P2L0;
        let p10 = a1 * P2L0;
        let p01 = a0 * P2L1;
        let mid = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff);
        const tl = ((mid << 16) | (p00 & 0xffff)) >>> 0;
        const th =
          a1 * P2L1 + (p10 >>> 16) + (p01 >>> 16) + (mid >>> 16) + Math.imul(ih, P2L) + Math.imul(il, P2H);
        // s = acc + t
        const sum = l + tl;
        const sl = sum >>> 0;
        const sh = (h + th + (sum > 0xffffffff ? 1 : 0)) | 0;
        // r = rotl(s, 31)
        const rh = (sh << 31) | (sl >>> 1);
        const rl = ((sl << 31) | (sh >>> 1)) >>> 0;
        // acc = r * PRIME64_1
        a0 = rl & 0xffff;
        a1 = rl >>> 16;
        p00 = a0 * P1L0;
        p10 = a1 * P1L0;
        p01 = a0 * P1L1;
        mid = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff);
        l = ((mid << 16) | (p00 & 0xffff)) >>> 0;
        h =
          (a1 * P1L1 +
            (p10 >>> 16) +
            (p01 >>> 16) +
            (mid >>> 16) +
            Math.imul(rh, P1L) +
            Math.imul(rl, P1H)) >>>
          0;
      }
      acc[k] = h;
      acc[k + 1] = l;
    }
  }

  /** Spec steps 3 to 6 (convergence, length, remaining bytes, avalanche); result in hi/lo. */
  private finish(): void {
    let h: number;
    let l: number;
    if (this.total >= 32) {
      const a = this.acc;
      rotl(a[0]!, a[1]!, 1);
      let sh = hi;
      let sl = lo;
      rotl(a[2]!, a[3]!, 7);
      add(sh, sl, hi, lo);
      sh = hi;
      sl = lo;
      rotl(a[4]!, a[5]!, 12);
      add(sh, sl, hi, lo);
      sh = hi;
      sl = lo;
      rotl(a[6]!, a[7]!, 18);
      add(sh, sl, hi, lo);
      for (let k = 0; k < 8; k += 2) merge(hi, lo, a[k]!, a[k + 1]!);
      h = hi;
      l = lo;
    } else {
      h = P5H;
      l = P5L;
    }
    add(h, l, Math.floor(this.total / 2 ** 32), this.total >>> 0);
    h = hi;
    l = lo;
    const view = this.tailView;
    let p = 0;
    for (; p + 8 <= this.tailLength; p += 8) {
      round(0, 0, view.getUint32(p + 4, true), view.getUint32(p, true));
      rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 27);
      mul(hi, lo, P1H, P1L);
      add(hi, lo, P4H, P4L);
      h = hi;
      l = lo;
    }
    if (p + 4 <= this.tailLength) {
      mul(0, view.getUint32(p, true), P1H, P1L);
      rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 23);
      mul(hi, lo, P2H, P2L);
      add(hi, lo, P3H, P3L);
      h = hi;
      l = lo;
      p += 4;
    }
    for (; p < this.tailLength; p++) {
      mul(0, this.tail[p]!, P5H, P5L);
      rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 11);
      mul(hi, lo, P1H, P1L);
      h = hi;
      l = lo;
    }
    // Avalanche: h ^= h >> 33; h *= PRIME64_2; h ^= h >> 29; h *= PRIME64_3; h ^= h >> 32.
    l = (l ^ (h >>> 1)) >>> 0;
    mul(h, l, P2H, P2L);
    // (h:l) >> 29: l's top 3 bits under h's low 29, and h >>> 29 above.
    l = (lo ^ ((hi << 3) | (lo >>> 29))) >>> 0;
    h = (hi ^ (hi >>> 29)) >>> 0;
    mul(h, l, P3H, P3L);
    lo = (lo ^ hi) >>> 0;
  }
}

/** XXH64 (seed 0) of `data`. */
export function xxh64(data: Uint8Array): bigint {
  return new Xxh64().update(data).digest();
}
