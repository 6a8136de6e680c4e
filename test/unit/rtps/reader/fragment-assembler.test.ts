import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_ASSEMBLER_LIMITS,
  FragmentAssembler,
  FragmentBudget,
  STALE_ASSEMBLY_MS,
} from '../../../../src/rtps/reader/fragment-assembler.js';
import type { DataFragSubmessage } from '../../../../src/rtps/wire/submessage.js';

const SAMPLE = Uint8Array.from({ length: 10 }, (_, i) => i);

/** A DATA_FRAG as parsed from a datagram of its own (its fragments are all that datagram holds). */
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
    fragments: sample.slice(from, Math.min(sample.length, from + count * size)),
  };
}

/** The same fragments as parsed from the middle of a datagram of `datagram` bytes. */
function fragIn(datagram: number, sn: number, start: number, count: number): DataFragSubmessage {
  const m = frag(sn, start, count);
  const bytes = new Uint8Array(datagram);
  bytes.set(m.fragments, 3);
  return { ...m, fragments: bytes.subarray(3, 3 + m.fragments.length) };
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

  it('holds only what arrived: a huge announced sample in tiny fragments reserves nothing', () => {
    const a = new FragmentAssembler();
    const before = process.memoryUsage().arrayBuffers;
    // The attack of issue 13: fragmentSize 1, sampleSize 64 MiB, eight samples in progress.
    const bomb = (sn: number): DataFragSubmessage => ({
      ...frag(sn, 1, 1, 1),
      sampleSize: 64 * 1024 * 1024,
      fragments: new Uint8Array(1),
    });
    for (let sn = 1; sn <= 8; sn++) expect(a.add(bomb(sn))).toMatchObject({ kind: 'rejected' });
    // Larger fragments pass the fragment-count limit, and still only what came is held.
    const big = (sn: number): DataFragSubmessage => ({
      ...frag(sn, 1, 1, 1024),
      sampleSize: 64 * 1024 * 1024,
      fragments: new Uint8Array(1024),
    });
    for (let sn = 1; sn <= 8; sn++) expect(a.add(big(sn)).kind).toBe('partial');
    expect(a.bytesInProgress).toBe(8 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('stores a repeated or overlapping fragment once', () => {
    const a = new FragmentAssembler();
    a.add(frag(1, 1, 2));
    a.add(frag(1, 1, 2));
    a.add(frag(1, 2, 1));
    expect(a.bytesInProgress).toBe(8);
    const done = a.add(frag(1, 2, 2));
    expect(done.kind === 'complete' && Array.from(done.payload)).toEqual(Array.from(SAMPLE));
    expect(a.bytesInProgress).toBe(0);
  });

  it('refuses fragments past the per-writer and the shared budget, and frees them when abandoned', () => {
    const shared = new FragmentBudget(12);
    const a = new FragmentAssembler({ maxSampleSize: 100, maxSamples: 8, maxBytesInProgress: 8, shared });
    const b = new FragmentAssembler({ maxSampleSize: 100, maxSamples: 8, shared });
    expect(a.add(frag(1, 1, 2)).kind).toBe('partial'); // 8 bytes held by a
    expect(a.add(frag(2, 1, 1))).toMatchObject({ kind: 'rejected' }); // a's own limit
    expect(b.add(frag(1, 1, 1)).kind).toBe('partial'); // 4 more: the shared 12 are used
    expect(b.add(frag(2, 1, 1))).toMatchObject({ kind: 'rejected' });
    expect(shared.used).toBe(12);
    a.clear();
    expect(shared.used).toBe(4);
    b.dropBelow(5);
    expect(shared.used).toBe(0);
    // A rejected fragment is not marked as received: it is asked for again.
    expect(a.add(frag(3, 1, 1)).kind).toBe('partial');
    expect(a.missingFragments(3)).toEqual([2, 3]);
  });
});

describe('what a run of fragments holds', () => {
  it('keeps a run that is most of its datagram as a view, and counts the whole datagram', () => {
    const a = new FragmentAssembler();
    const m = fragIn(12, 1, 1, 2); // 8 bytes of a 12-byte datagram
    a.add(m);
    expect(a.bytesInProgress).toBe(12);
    // A view: the datagram's bytes are what the sample gets.
    m.fragments[0] = 99;
    const done = a.add(frag(1, 3, 1));
    expect(done.kind === 'complete' && Array.from(done.payload)).toEqual([99, ...SAMPLE.subarray(1)]);
  });

  it('copies a run that is a small part of its datagram, and counts only the run', () => {
    const a = new FragmentAssembler();
    const m = fragIn(1000, 1, 1, 2);
    a.add(m);
    expect(a.bytesInProgress).toBe(8);
    m.fragments[0] = 99; // the datagram's buffer is reused: the copy is not affected
    const done = a.add(frag(1, 3, 1));
    expect(done.kind === 'complete' && Array.from(done.payload)).toEqual(Array.from(SAMPLE));
  });

  it('takes memory not zeroed first only for a sample its fragments cover whole', () => {
    const unzeroed = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const a = new FragmentAssembler();
      a.add(frag(1, 1, 2));
      expect(a.add(frag(1, 3, 1)).kind).toBe('complete');
      expect(unzeroed).toHaveBeenCalledTimes(1);
      // Fragment 1 claims 4 bytes and brings 2 (the parser never makes one, a caller may): what
      // no fragment wrote must read as zeros, not as whatever the memory held.
      a.add({ ...frag(2, 1, 1), fragments: SAMPLE.slice(0, 2) });
      const done = a.add(frag(2, 2, 2));
      const zeros = [0, 1, 0, 0, ...SAMPLE.subarray(4)];
      expect(done.kind === 'complete' && Array.from(done.payload)).toEqual(zeros);
      expect(unzeroed).toHaveBeenCalledTimes(1);
    } finally {
      unzeroed.mockRestore();
    }
  });
});

describe('room taken back from samples that stopped growing', () => {
  const frag = (sn: number, n: number, size = 1024, sampleSize = 64 * 1024): DataFragSubmessage => ({
    kind: 'DATA_FRAG',
    flags: 1,
    extraFlags: 0,
    readerId: 0x1104,
    writerId: 0x1103,
    writerSN: sn,
    fragmentStartingNum: n,
    fragmentsInSubmessage: 1,
    fragmentSize: size,
    sampleSize,
    inlineQos: undefined,
    fragments: new Uint8Array(size),
  });

  it('gives a full budget to a new sample once the old ones have been still for a while', () => {
    const shared = new FragmentBudget(16 * 1024);
    // A forger fills the participant's budget with samples two writers will never finish.
    const forged = [1, 2].map(() => new FragmentAssembler({ ...DEFAULT_ASSEMBLER_LIMITS, shared }));
    const real = new FragmentAssembler({ ...DEFAULT_ASSEMBLER_LIMITS, shared });
    for (const f of forged)
      for (let n = 1; n <= 8; n++) expect(f.add(frag(1_000_000 + n, 1), 0).kind).toBe('partial');
    expect(shared.used).toBe(16 * 1024);
    // Right after: refused, the forged samples may still be real ones in progress.
    expect(real.add(frag(1, 1, 1024, 4096), 1_000).kind).toBe('rejected');
    // Once they have been still for STALE_ASSEMBLY_MS, their room goes to the sample that grows.
    const outcomes = [1, 2, 3, 4].map(
      (n) => real.add(frag(1, n, 1024, 4096), 1_000 + STALE_ASSEMBLY_MS).kind,
    );
    expect(outcomes).toEqual(['partial', 'partial', 'partial', 'complete']);
    expect(forged.map((f) => f.bytesInProgress)).toEqual([0, 0]);
  });

  it('keeps a sample that goes on growing, however long it takes', () => {
    const shared = new FragmentBudget(8 * 1024);
    const a = new FragmentAssembler({ ...DEFAULT_ASSEMBLER_LIMITS, shared });
    for (let n = 1; n <= 8; n++) expect(a.add(frag(5, n, 1024, 16 * 1024), n * 2_000).kind).toBe('partial');
    // Full, and the sample grew 2 s ago: not stale, so the newcomer is refused.
    const b = new FragmentAssembler({ ...DEFAULT_ASSEMBLER_LIMITS, shared });
    expect(b.add(frag(1, 1), 18_000).kind).toBe('rejected');
    expect(a.missingFragments(5)).toHaveLength(8);
  });
});
