/**
 * Values every received message repeats, shared instead of made anew per message: the GUID
 * prefixes of the header, INFO_SRC and INFO_DST (each was a view of the datagram, ~100 B, plus
 * per message its hex key for the endpoint maps, ~150 B more) and the [major, minor] /
 * [vendor, vendor] octet pairs (two arrays a message). A peer sends the same few values in every
 * message, so a small table answers nearly every lookup.
 *
 * What is handed out is content-addressed and never changed after it is made (the pairs are
 * frozen; nothing writes into a received GuidPrefix), so sharing it between messages and
 * participants is safe. The tables are bounded: a flood of made-up values only evicts entries,
 * and each miss costs what every message cost before.
 */
import type { GuidPrefix } from './types.js';

/** Direct-mapped (a power of two): enough for the participants of a large ROS graph. */
const PREFIX_SLOTS = 256;

interface PrefixEntry {
  readonly prefix: GuidPrefix;
  readonly key: string;
}

const prefixes = new Array<PrefixEntry | undefined>(PREFIX_SLOTS).fill(undefined);

/** FNV-1a of the 12 bytes at `at`, folded to a slot (integer math only: nothing allocated). */
function slotOf(bytes: Uint8Array, at: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 12; i++) h = Math.imul(h ^ bytes[at + i]!, 0x01000193);
  return (h ^ (h >>> 16)) & (PREFIX_SLOTS - 1);
}

function sameBytes(prefix: GuidPrefix, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 12; i++) if (prefix[i] !== bytes[at + i]) return false;
  return true;
}

/** The prefix as hex: `prefixKey`'s form, made here once per interned prefix. */
export function hexKey(p: GuidPrefix): string {
  return Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('hex');
}

/**
 * The GUID prefix held in `bytes[at..at + 12)` (the caller checked they are there): a shared
 * copy, not a view, so it does not keep the datagram alive either.
 */
export function sharedPrefix(bytes: Uint8Array, at: number): GuidPrefix {
  const slot = slotOf(bytes, at);
  const entry = prefixes[slot];
  if (entry !== undefined && sameBytes(entry.prefix, bytes, at)) return entry.prefix;
  const prefix = new Uint8Array(12);
  for (let i = 0; i < 12; i++) prefix[i] = bytes[at + i]!;
  prefixes[slot] = { prefix, key: hexKey(prefix) };
  return prefix;
}

/** The key (`prefixKey`) of a prefix `sharedPrefix` handed out and still holds; else undefined. */
export function sharedPrefixKey(p: GuidPrefix): string | undefined {
  if (p.length !== 12) return undefined;
  const entry = prefixes[slotOf(p, 0)];
  return entry !== undefined && entry.prefix === p ? entry.key : undefined;
}

/** Distinct pairs kept at most; past it the table starts over (made-up vendor ids). */
const MAX_PAIRS = 64;
const pairs = new Map<number, readonly [number, number]>();

/** The octet pair [a, b] (a protocol version, a vendor id), shared and frozen. */
export function octetPair(a: number, b: number): readonly [number, number] {
  const code = (a << 8) | b;
  let pair = pairs.get(code);
  if (pair === undefined) {
    if (pairs.size >= MAX_PAIRS) pairs.clear();
    pair = Object.freeze([a, b] as const);
    pairs.set(code, pair);
  }
  return pair;
}
