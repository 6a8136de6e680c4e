import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../src/rtps/wire/byte-writer.js';

describe('ByteWriter.prefix', () => {
  it('is a view of the first n bytes, the same object for the same n', () => {
    const w = new ByteWriter(16);
    w.u32(0x04030201);
    const a = w.prefix(4);
    expect([...a]).toEqual([1, 2, 3, 4]);
    w.pos = 0;
    w.u32(0x08070605);
    expect(w.prefix(4)).toBe(a);
    expect([...a]).toEqual([5, 6, 7, 8]); // a view: it shows what is written now
    expect([...w.prefix(2)]).toEqual([5, 6]);
  });

  it('is of the new buffer once the writer grew', () => {
    const w = new ByteWriter(4);
    w.u32(1);
    const before = w.prefix(4);
    w.pos = 0;
    w.zeros(64).u8(7); // grows the buffer
    const after = w.prefix(4);
    expect(after).not.toBe(before);
    expect(after.buffer).not.toBe(before.buffer);
    expect([...w.prefix(65)].at(-1)).toBe(7);
  });
});
