import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByNumber } from '../../../src/nodes/by-number.js';

describe('ByNumber', () => {
  it('keeps numbers that share a slot apart, an old one waiting while newer ones come and go', () => {
    const t = new ByNumber<string>();
    t.set(1, 'stuck');
    for (let n = 2; n < 200; n++) {
      t.set(n, `call ${n}`);
      expect(t.get(n)).toBe(`call ${n}`);
      expect(t.delete(n)).toBe(true);
      expect(t.get(n)).toBeUndefined();
    }
    t.set(33, 'again'); // 1's slot, while 1 still waits
    expect(t.get(1)).toBe('stuck');
    expect(t.get(33)).toBe('again');
    expect(t.size).toBe(2);
    expect(t.delete(1)).toBe(true);
    expect(t.get(33)).toBe('again');
    expect(t.delete(1)).toBe(false);
    expect(t.size).toBe(1);
  });

  it('lists by increasing number, as a Map filled in that order does', () => {
    const t = new ByNumber<number>();
    for (const n of [5, 37, 6, 2 ** 40 + 5, 69, 100]) t.set(n, n);
    t.delete(6);
    expect(t.list()).toEqual([5, 37, 69, 100, 2 ** 40 + 5]);
  });

  it('refuses negative keys, and finds nothing for them', () => {
    const t = new ByNumber<string>();
    expect(() => t.set(-1, 'x')).toThrow(RangeError);
    expect(t.get(-1)).toBeUndefined();
    expect(t.delete(-1)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('agrees with a Map for any sequence of sets, gets and deletes', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 + 40 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'get', 'delete'), key, fc.integer()), { maxLength: 400 }),
        (ops) => {
          const t = new ByNumber<number>();
          const m = new Map<number, number>();
          for (const [op, k, v] of ops) {
            if (op === 'set') {
              t.set(k, v);
              m.set(k, v);
            } else if (op === 'get') expect(t.get(k)).toBe(m.get(k));
            else expect(t.delete(k)).toBe(m.delete(k));
            expect(t.size).toBe(m.size);
          }
          expect(t.list()).toEqual([...m].sort((a, b) => a[0] - b[0]).map((e) => e[1]));
        },
      ),
    );
  });
});
