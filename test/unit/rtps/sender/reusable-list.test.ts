import { describe, expect, it } from 'vitest';
import { ReusableList } from '../../../../src/rtps/sender/reusable-list.js';

describe('ReusableList', () => {
  it('keeps its storage across a clear, and holds nothing it held before', () => {
    const list = new ReusableList<{ n: number }>();
    for (let n = 0; n < 5; n++) list.push({ n });
    const items = list.items;
    list.clear();
    expect(list.length).toBe(0);
    expect(list.items).toBe(items);
    expect(items.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    list.push({ n: 9 });
    expect(list.length).toBe(1);
    expect(list.items[0]).toEqual({ n: 9 });
  });

  it('gives back the storage of a burst', () => {
    const list = new ReusableList<number>();
    for (let n = 0; n < 1000; n++) list.push(n);
    const items = list.items;
    list.clear();
    expect(list.items).not.toBe(items);
    expect(list.items).toHaveLength(0);
  });
});
