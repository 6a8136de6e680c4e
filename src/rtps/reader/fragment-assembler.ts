/**
 * Reassembly of samples sent as DATA_FRAG (RTPS 8.4.14.1), bounded: a sample is accepted only up
 * to `maxSampleSize`, and only `maxSamples` samples may be in progress per writer (the oldest is
 * abandoned for a new one). The buffer of a sample is allocated when its first valid fragment
 * arrives, at the size that fragment declares and the limit allows.
 */
import type { DataFragSubmessage } from '../wire/submessage.js';

export interface AssemblerLimits {
  /** The largest sample we reassemble, in bytes. */
  readonly maxSampleSize: number;
  /** Samples in progress at once, per writer. */
  readonly maxSamples: number;
}

export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = { maxSampleSize: 64 * 1024 * 1024, maxSamples: 8 };

interface Partial {
  readonly sampleSize: number;
  readonly fragmentSize: number;
  readonly total: number;
  readonly data: Uint8Array;
  readonly have: Uint8Array; // one byte per fragment: 1 when received
  missing: number;
  readonly inlineQos?: Uint8Array;
}

export type FragmentOutcome =
  | { readonly kind: 'complete'; readonly payload: Uint8Array; readonly inlineQos?: Uint8Array }
  | { readonly kind: 'partial' }
  | { readonly kind: 'rejected'; readonly reason: string };

export class FragmentAssembler {
  private readonly samples = new Map<number, Partial>();

  constructor(private readonly limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS) {}

  add(m: DataFragSubmessage): FragmentOutcome {
    let p = this.samples.get(m.writerSN);
    if (!p) {
      if (m.sampleSize > this.limits.maxSampleSize) {
        return {
          kind: 'rejected',
          reason: `sample of ${m.sampleSize} bytes exceeds the limit of ${this.limits.maxSampleSize}`,
        };
      }
      if (this.samples.size >= this.limits.maxSamples) {
        // Abandon the oldest sample in progress; its writer will be asked again if it matters.
        const oldest = Math.min(...this.samples.keys());
        this.samples.delete(oldest);
      }
      const total = Math.ceil(m.sampleSize / m.fragmentSize);
      p = {
        sampleSize: m.sampleSize,
        fragmentSize: m.fragmentSize,
        total,
        data: new Uint8Array(m.sampleSize),
        have: new Uint8Array(total),
        missing: total,
        ...(m.inlineQos ? { inlineQos: m.inlineQos.slice() } : {}),
      };
      this.samples.set(m.writerSN, p);
    } else if (p.sampleSize !== m.sampleSize || p.fragmentSize !== m.fragmentSize) {
      return {
        kind: 'rejected',
        reason: 'fragment disagrees with earlier fragments of the sample on its sizes',
      };
    }
    const first = m.fragmentStartingNum - 1;
    const count = Math.min(m.fragmentsInSubmessage, p.total - first);
    p.data.set(
      m.fragments.subarray(0, Math.min(m.fragments.length, p.sampleSize - first * p.fragmentSize)),
      first * p.fragmentSize,
    );
    for (let f = first; f < first + count; f++) {
      if (p.have[f] === 0) {
        p.have[f] = 1;
        p.missing--;
      }
    }
    if (p.missing > 0) return { kind: 'partial' };
    this.samples.delete(m.writerSN);
    return { kind: 'complete', payload: p.data, ...(p.inlineQos ? { inlineQos: p.inlineQos } : {}) };
  }

  /** The 1-based numbers of the fragments still missing of a sample in progress (at most `max`). */
  missingFragments(sn: number, max = 256): number[] {
    const p = this.samples.get(sn);
    if (!p) return [];
    const out: number[] = [];
    for (let f = 0; f < p.total && out.length < max; f++) if (p.have[f] === 0) out.push(f + 1);
    return out;
  }

  inProgress(): number[] {
    return [...this.samples.keys()].sort((a, b) => a - b);
  }

  /** Forgets samples below `sn` (delivered, or declared irrelevant by the writer). */
  dropBelow(sn: number): void {
    for (const k of this.samples.keys()) if (k < sn) this.samples.delete(k);
  }
}
