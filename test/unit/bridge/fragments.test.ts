/**
 * rosbridge's `fragment` op: pieces are checked, held per id within a byte bound, joined in `num`
 * order whatever order they come in; outgoing text is cut into pieces that join back to it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BridgeInputError } from '../../../src/bridge/errors.js';
import {
  Defragmenter,
  fragmentText,
  MAX_OUTGOING_FRAGMENTS,
  parseFragment,
} from '../../../src/bridge/rosbridge/fragments.js';

describe('parseFragment', () => {
  it('takes a well-formed piece, a numeric id as text', () => {
    expect(parseFragment({ op: 'fragment', id: 7, data: 'ab', num: 1, total: 3 })).toEqual({
      id: '7',
      data: 'ab',
      num: 1,
      total: 3,
    });
  });

  it.each([
    [{ data: 'x', num: 0, total: 1 }, /id is required/],
    [{ id: 'a', data: 3, num: 0, total: 1 }, /data must be a string/],
    [{ id: 'a', data: 'x', num: 0.5, total: 1 }, /integers/],
    [{ id: 'a', data: 'x', num: 0, total: 0 }, /total at least 1/],
    [{ id: 'a', data: 'x', num: 2, total: 2 }, /outside 0\.\.1/],
    [{ id: 'a', data: 'x', num: -1, total: 2 }, /outside/],
  ])('refuses %j', (msg, reason) => {
    expect(() => parseFragment(msg)).toThrow(BridgeInputError);
    expect(() => parseFragment(msg)).toThrow(reason);
  });
});

describe('Defragmenter', () => {
  it('joins pieces that come out of order, and keeps ids apart', () => {
    const d = new Defragmenter(1000);
    expect(d.add({ id: 'a', data: 'wor', num: 1, total: 3 })).toBeUndefined();
    expect(d.add({ id: 'b', data: 'xy', num: 0, total: 2 })).toBeUndefined();
    expect(d.add({ id: 'a', data: 'ld', num: 2, total: 3 })).toBeUndefined();
    expect(d.add({ id: 'a', data: 'hello ', num: 0, total: 3 })).toBe('hello world');
    expect(d.add({ id: 'b', data: 'z', num: 1, total: 2 })).toBe('xyz');
  });

  it('takes a repeated piece as a replacement, not as one more', () => {
    const d = new Defragmenter(1000);
    d.add({ id: 'a', data: 'old', num: 0, total: 2 });
    d.add({ id: 'a', data: 'new', num: 0, total: 2 });
    expect(d.add({ id: 'a', data: '!', num: 1, total: 2 })).toBe('new!');
  });

  it('refuses a piece whose total differs from its id first piece', () => {
    const d = new Defragmenter(1000);
    d.add({ id: 'a', data: 'x', num: 0, total: 3 });
    expect(() => d.add({ id: 'a', data: 'y', num: 1, total: 2 })).toThrow(/total changed/);
  });

  it('holds at most maxBytes of pieces: past it the id is dropped, room is freed for others', () => {
    const d = new Defragmenter(10);
    d.add({ id: 'big', data: '123456', num: 0, total: 3 });
    expect(() => d.add({ id: 'big', data: '789012', num: 1, total: 3 })).toThrow(/more than 10 bytes/);
    // The dropped id's bytes no longer count, and its later pieces start anew.
    expect(d.add({ id: 'other', data: '0123456789', num: 0, total: 1 })).toBe('0123456789');
    expect(d.add({ id: 'big', data: 'z', num: 2, total: 3 })).toBeUndefined();
  });

  it('holds at most maxPieces pieces, empty ones too (each costs an entry, not bytes)', () => {
    const d = new Defragmenter(1000, 3);
    d.add({ id: 'a', data: '', num: 0, total: 1e9 });
    d.add({ id: 'a', data: '', num: 1, total: 1e9 });
    d.add({ id: 'b', data: '', num: 0, total: 5 });
    // A replaced piece is not one more.
    expect(d.add({ id: 'b', data: 'x', num: 0, total: 5 })).toBeUndefined();
    expect(() => d.add({ id: 'c', data: '', num: 0, total: 2 })).toThrow(/more than 3 fragments pending/);
    expect(() => d.add({ id: 'a', data: '', num: 2, total: 1e9 })).toThrow(/more than 3 fragments pending/);
    // 'a' was dropped with its two pieces: room for others again.
    d.add({ id: 'c', data: '', num: 0, total: 2 });
    expect(d.add({ id: 'c', data: 'y', num: 1, total: 2 })).toBe('y');
  });
});

describe('fragmentText', () => {
  it('cuts text into pieces of at most `size` that join back to it, numbered 0..total-1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (text, size) => {
        const parts = fragmentText('f', text, size);
        expect(parts.length).toBe(Math.ceil(text.length / size));
        expect(parts.every((p, i) => p.num === i && p.total === parts.length && p.data.length <= size)).toBe(
          true,
        );
        expect(parts.map((p) => p.data).join('')).toBe(text);
        // What the bridge sends, a Defragmenter (as a client's) joins whatever the order.
        const d = new Defragmenter(10_000);
        let joined: string | undefined;
        for (const p of [...parts].reverse()) joined = d.add(p) ?? joined;
        if (parts.length > 0) expect(joined).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it.each([0, -1, 0.5, Number.NaN])('refuses a size of %d instead of cutting forever or by zero', (size) => {
    expect(() => fragmentText('f', 'abc', size)).toThrow(BridgeInputError);
  });

  it('refuses to cut one message into more than MAX_OUTGOING_FRAGMENTS pieces', () => {
    const text = 'x'.repeat(MAX_OUTGOING_FRAGMENTS * 3);
    expect(fragmentText('f', text, 3).length).toBe(MAX_OUTGOING_FRAGMENTS);
    expect(() => fragmentText('f', text, 2)).toThrow(/more than 10000: not sent/);
  });
});
