/**
 * SequenceNumberSet and FragmentNumberSet (RTPS 9.4.2.6, 9.4.2.8): a base and up to 256 bits.
 * numBits over 256 is invalid by the spec and is rejected before the bitmap is read, so a lying
 * count cannot make us allocate.
 */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

export const MAX_SET_BITS = 256;

export interface NumberSet {
  /** The first number the bitmap can name. */
  readonly base: number;
  readonly numBits: number;
  /** (numBits + 31) / 32 words; bit 31 of word 0 is `base` itself. */
  readonly bitmap: readonly number[];
}

/** The bitmap of every empty set read (an ACKNACK that misses nothing): shared, never written. */
const NO_WORDS: readonly number[] = Object.freeze([]);

function readBitmap(r: ByteReader, numBits: number, what: string): readonly number[] {
  if (numBits > MAX_SET_BITS)
    throw new WireFormatError('malformed-submessage', `${what} has ${numBits} bits (max 256)`);
  const words = (numBits + 31) >>> 5;
  if (words === 0) return NO_WORDS;
  r.need(words * 4, what);
  const bitmap = new Array<number>(words);
  for (let i = 0; i < words; i++) bitmap[i] = r.u32(what);
  return bitmap;
}

export function readSequenceNumberSet(r: ByteReader): NumberSet {
  const base = readSequenceNumber(r, 'sequence number set base');
  const numBits = r.u32('sequence number set size');
  return { base, numBits, bitmap: readBitmap(r, numBits, 'sequence number set') };
}

export function writeSequenceNumberSet(w: ByteWriter, s: NumberSet): void {
  writeSequenceNumber(w, s.base);
  w.u32(s.numBits);
  for (const word of s.bitmap) w.u32(word);
}

export function readFragmentNumberSet(r: ByteReader): NumberSet {
  const base = r.u32('fragment number set base');
  const numBits = r.u32('fragment number set size');
  return { base, numBits, bitmap: readBitmap(r, numBits, 'fragment number set') };
}

export function writeFragmentNumberSet(w: ByteWriter, s: NumberSet): void {
  w.u32(s.base).u32(s.numBits);
  for (const word of s.bitmap) w.u32(word);
}

/** The numbers in the set, ascending. */
export function setMembers(s: NumberSet): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.numBits; i++) {
    if ((s.bitmap[i >>> 5]! >>> (31 - (i & 31))) & 1) out.push(s.base + i);
  }
  return out;
}

/** A set with `base` and the given members (each in [base, base + 256)). */
export function makeSet(base: number, members: Iterable<number>, numBits?: number): NumberSet {
  let highest = -1;
  const offsets: number[] = [];
  for (const m of members) {
    const off = m - base;
    if (off < 0 || off >= MAX_SET_BITS)
      throw new RangeError(`${m} is outside [${base}, ${base + MAX_SET_BITS})`);
    offsets.push(off);
    if (off > highest) highest = off;
  }
  const bits = numBits ?? highest + 1;
  const bitmap = new Array<number>((bits + 31) >>> 5).fill(0);
  for (const off of offsets) bitmap[off >>> 5] = (bitmap[off >>> 5]! | (1 << (31 - (off & 31)))) >>> 0;
  return { base, numBits: bits, bitmap };
}
