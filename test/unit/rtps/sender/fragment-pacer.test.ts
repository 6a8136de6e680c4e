import { describe, expect, it } from 'vitest';
import { dataSubmessages } from '../../../../src/rtps/sender/data-submessages.js';
import { FragmentPacer } from '../../../../src/rtps/sender/fragment-pacer.js';
import type { DataFragSubmessage } from '../../../../src/rtps/wire/submessage.js';

const KB = 1024;
const fragmentsOf = (bytes: number, sn = 1) =>
  dataSubmessages(
    { sn, payload: new Uint8Array(bytes) },
    0x104,
    0x103,
    60 * KB,
    60 * KB,
  ) as DataFragSubmessage[];

describe('FragmentPacer', () => {
  it('sends a sample up to the first burst at once and keeps nothing', () => {
    const pacer = new FragmentPacer({ firstBurstBytes: 2048 * KB, burstBytes: 1024 * KB, maxIntervalMs: 16 });
    const frags = fragmentsOf(2000 * KB);
    const burst = pacer.start('r', 1, frags, 0)!;
    expect(burst.fragments).toHaveLength(frags.length);
    expect(burst.done).toBe(true);
    expect(pacer.active).toBe(0);
    expect(pacer.nextDeadline()).toBeUndefined();
  });

  it('sends a larger one in a first burst and then bursts of about burstBytes, each fragment once and in order', () => {
    const pacer = new FragmentPacer({ firstBurstBytes: 2048 * KB, burstBytes: 1024 * KB, maxIntervalMs: 16 });
    const frags = fragmentsOf(16 * 1024 * KB);
    const sent: number[] = [];
    const first = pacer.start('r', 1, frags, 0)!;
    sent.push(...first.fragments.map((f) => f.fragmentStartingNum));
    expect(first.done).toBe(false);
    expect(first.fragments.reduce((n, f) => n + f.fragments.length, 0)).toBeGreaterThanOrEqual(2048 * KB);
    expect(first.lastFragmentNum).toBe(first.fragments.length);
    let now = 0;
    let bursts = 1;
    while (pacer.active > 0) {
      now = pacer.nextDeadline()!;
      for (const b of pacer.poll(now, () => true)) {
        const bytes = b.fragments.reduce((n, f) => n + f.fragments.length, 0);
        expect(bytes).toBeLessThanOrEqual(1024 * KB + 60 * KB);
        sent.push(...b.fragments.map((f) => f.fragmentStartingNum));
        bursts++;
      }
    }
    expect(sent).toEqual(frags.map((f) => f.fragmentStartingNum));
    expect(bursts).toBe(1 + Math.ceil((16 * 1024 - 2048) / 1024));
  });

  it('waits longer between bursts after a loss, and less again once bursts get through', () => {
    const pacer = new FragmentPacer({ firstBurstBytes: 120 * KB, burstBytes: 120 * KB, maxIntervalMs: 16 });
    pacer.start('r', 1, fragmentsOf(10 * 1024 * KB), 0);
    expect(pacer.currentIntervalMs).toBe(1);
    let now = 0;
    const intervals: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Fragment 1 went in the first burst: asking for it again is a loss.
      expect(pacer.requested('r', 1, [1])).toEqual([1]);
      now = pacer.nextDeadline()!;
      pacer.poll(now, () => true);
      intervals.push(pacer.currentIntervalMs);
    }
    expect(intervals).toEqual([2, 4, 8, 16, 16, 16]);
    for (let i = 0; i < 6; i++) {
      now = pacer.nextDeadline()!;
      pacer.poll(now, () => true);
    }
    expect(pacer.currentIntervalMs).toBe(1);
  });

  it('resends only fragments already sent; the rest are still on their way', () => {
    const pacer = new FragmentPacer({ firstBurstBytes: 120 * KB, burstBytes: 120 * KB, maxIntervalMs: 16 });
    const first = pacer.start('r', 1, fragmentsOf(1024 * KB), 0)!;
    expect(first.lastFragmentNum).toBe(2);
    expect(pacer.requested('r', 1, [2, 3, 4, 9])).toEqual([2]);
    // Not a paced sample (or another reader): every request stands.
    expect(pacer.requested('r', 2, [3, 4])).toEqual([3, 4]);
    expect(pacer.requested('q', 1, [3])).toEqual([3]);
  });

  it('goes on with a sample asked for again mid-way instead of starting over, and stops for a gone reader or sample', () => {
    const pacer = new FragmentPacer({ firstBurstBytes: 120 * KB, burstBytes: 120 * KB, maxIntervalMs: 16 });
    pacer.start('r', 1, fragmentsOf(1024 * KB, 1), 0);
    expect(pacer.start('r', 1, fragmentsOf(1024 * KB, 1), 0)).toBeUndefined();
    pacer.start('r', 2, fragmentsOf(1024 * KB, 2), 0);
    pacer.start('q', 1, fragmentsOf(1024 * KB, 1), 0);
    expect(pacer.active).toBe(3);
    pacer.cancel('q');
    expect(pacer.active).toBe(2);
    // Sample 1 left the writer's history: dropped at the next poll; sample 2 goes on.
    const bursts = pacer.poll(pacer.nextDeadline()!, (sn) => sn !== 1);
    expect(bursts.map((b) => b.sn)).toEqual([2]);
    expect(pacer.active).toBe(1);
  });
});
