import { describe, expect, it } from 'vitest';
import { FragmentAssembler } from '../../../../src/rtps/reader/fragment-assembler.js';
import type { DataFragSubmessage } from '../../../../src/rtps/wire/submessage.js';

const SAMPLE = Uint8Array.from({ length: 10 }, (_, i) => i);

function frag(sn: number, start: number, count: number, size = 4, sample = SAMPLE): DataFragSubmessage {
  const from = (start - 1) * size;
  return {
    kind: 'DATA_FRAG',
    flags: 1,
    extraFlags: 0,
    readerId: 0,
    writerId: 0x103,
    writerSN: sn,
    fragmentStartingNum: start,
    fragmentsInSubmessage: count,
    fragmentSize: size,
    sampleSize: sample.length,
    fragments: sample.subarray(from, Math.min(sample.length, from + count * size)),
  };
}

describe('FragmentAssembler', () => {
  it('reassembles fragments in any order, several per submessage, duplicates included', () => {
    const a = new FragmentAssembler();
    expect(a.add(frag(1, 3, 1)).kind).toBe('partial'); // bytes 8..9 (short last fragment)
    expect(a.missingFragments(1)).toEqual([1, 2]);
    expect(a.add(frag(1, 3, 1)).kind).toBe('partial');
    const done = a.add(frag(1, 1, 2));
    expect(done.kind === 'complete' && Array.from(done.payload)).toEqual(Array.from(SAMPLE));
    expect(a.inProgress()).toEqual([]);
  });

  it('refuses samples over the size limit and inconsistent fragments, before allocating', () => {
    const a = new FragmentAssembler({ maxSampleSize: 8, maxSamples: 2 });
    expect(a.add(frag(1, 1, 1))).toMatchObject({ kind: 'rejected' });
    const b = new FragmentAssembler();
    b.add(frag(1, 1, 1));
    expect(b.add(frag(1, 2, 1, 5))).toMatchObject({ kind: 'rejected' });
  });

  it('keeps at most maxSamples in progress, abandoning the oldest', () => {
    const a = new FragmentAssembler({ maxSampleSize: 100, maxSamples: 2 });
    a.add(frag(1, 1, 1));
    a.add(frag(2, 1, 1));
    a.add(frag(3, 1, 1));
    expect(a.inProgress()).toEqual([2, 3]);
    a.dropBelow(3);
    expect(a.inProgress()).toEqual([3]);
  });
});
