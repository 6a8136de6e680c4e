import { describe, expect, it } from 'vitest';
import { octetPair, sharedPrefix, sharedPrefixKey } from '../../../../src/rtps/wire/interned.js';
import { prefixKey } from '../../../../src/rtps/wire/types.js';

/** A prefix's key computed independently of the code under test. */
const hexOf = (bytes: Uint8Array, at: number) =>
  Array.from(bytes.subarray(at, at + 12), (b) => b.toString(16).padStart(2, '0')).join('');

describe('shared GUID prefixes', () => {
  it('hands back one copy per prefix, not a view of the datagram, with its key', () => {
    const datagram = new Uint8Array(40);
    for (let i = 0; i < 40; i++) datagram[i] = (i * 37 + 5) & 0xff;
    const a = sharedPrefix(datagram, 8);
    const b = sharedPrefix(datagram.slice(), 8);
    expect(b).toBe(a);
    expect(a.buffer).not.toBe(datagram.buffer);
    expect(a.byteLength).toBe(12);
    expect(prefixKey(a)).toBe(hexOf(datagram, 8));
    expect(sharedPrefixKey(a)).toBe(hexOf(datagram, 8));
    // The datagram's bytes change (a receive buffer reused): the prefix does not.
    const before = datagram.slice();
    datagram.fill(0);
    expect(prefixKey(a)).toBe(hexOf(before, 8));
    // Other bytes, another prefix.
    expect(sharedPrefix(datagram, 8)).not.toBe(a);
  });

  it('stays right under a flood of prefixes that evicts its entries', () => {
    const bytes = new Uint8Array(12);
    let seed = 12345;
    const seen: [Uint8Array, string][] = [];
    for (let n = 0; n < 5000; n++) {
      for (let i = 0; i < 12; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const p = sharedPrefix(bytes, 0);
      const key = hexOf(bytes, 0);
      expect(prefixKey(p)).toBe(key);
      seen.push([p, key]);
    }
    // Evicted or not, every prefix handed out still has its bytes and its key.
    for (const [p, key] of seen) {
      expect(hexOf(p, 0)).toBe(key);
      expect(prefixKey(p)).toBe(key);
    }
  });

  it('gives no cached key for a prefix it did not hand out', () => {
    const mine = new Uint8Array(12).fill(0x5a);
    sharedPrefix(mine, 0);
    expect(sharedPrefixKey(new Uint8Array(12).fill(0x5a))).toBeUndefined();
    expect(prefixKey(new Uint8Array(12).fill(0x5a))).toBe('5a'.repeat(12));
    expect(sharedPrefixKey(new Uint8Array(4))).toBeUndefined();
  });
});

describe('shared octet pairs', () => {
  it('hands back one frozen pair per value, and the right one after many values', () => {
    const p = octetPair(2, 3);
    expect(p).toEqual([2, 3]);
    expect(octetPair(2, 3)).toBe(p);
    expect(Object.isFrozen(p)).toBe(true);
    for (let a = 0; a < 256; a += 3) for (let b = 0; b < 256; b += 7) expect(octetPair(a, b)).toEqual([a, b]);
    expect(octetPair(2, 3)).toEqual([2, 3]);
  });
});
