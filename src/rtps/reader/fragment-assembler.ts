/**
 * Reassembly of samples sent as DATA_FRAG (RTPS 8.4.14.1), bounded by what has arrived: a
 * sample's fragments are kept as the runs of new fragments that came, and the whole sample is
 * allocated only when every fragment is here. A run that is most of its datagram (a large
 * sample's fragments fill their datagrams) is kept as a view of it, and the whole datagram is
 * counted against the limits; a smaller run is copied, so a datagram is not kept alive by a few
 * bytes of it. The sample is then copied once, into memory not zeroed first when the runs cover
 * every byte of it: a 1 MB sample used to be zeroed and copied twice (perf of bench:rtps's 1 MB
 * sink: memset and memmove from the assembler were ~15% of its CPU). Announcing a huge sample in
 * a tiny DATA_FRAG costs the announcer, not us (issue 13: eight 70-byte DATA_FRAGs with
 * fragmentSize 1 and sampleSize 64 MiB made the old assembler reserve 1 GiB).
 *
 * Limits: the largest sample, fragments per sample (the bitmap of received fragments is sized by
 * it), samples in progress per writer (the oldest is abandoned for a new one), bytes in progress
 * per writer, and a budget shared by every assembler of a participant. Each refusal is returned
 * with its reason, to be counted.
 *
 * Memory a sender stops filling is taken back when it is needed: a sample that has not grown for
 * STALE_ASSEMBLY_MS is abandoned when a fragment would otherwise be refused for want of room
 * (issue 13's soak: forged fragments in a matched writer's name, at numbers the writer never
 * reaches, kept the participant's budget full after the attack, and real samples were refused).
 * A real writer resends what is missing within a HEARTBEAT period, so a sample it still sends
 * is not stale; one it gave up on is asked for again if it matters.
 */
import type { DataFragSubmessage } from '../wire/submessage.js';

/** How long a sample in progress may go without a new fragment before its room may be taken back. */
export const STALE_ASSEMBLY_MS = 3_000;

/** Bytes in progress shared by several assemblers (one participant's readers). */
export class FragmentBudget {
  private usedBytes = 0;
  private readonly members = new Set<FragmentAssembler>();

  constructor(readonly limit: number) {}

  get used(): number {
    return this.usedBytes;
  }

  tryReserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limit) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }

  join(a: FragmentAssembler): void {
    this.members.add(a);
  }

  leave(a: FragmentAssembler): void {
    this.members.delete(a);
  }

  /** Abandons every member's samples that stopped growing before `now - STALE_ASSEMBLY_MS`. */
  reclaim(now: number): void {
    for (const a of this.members) a.abandonStale(now);
  }
}

export interface AssemblerLimits {
  /** The largest sample we reassemble, in bytes. */
  readonly maxSampleSize: number;
  /** Samples in progress at once, per writer. */
  readonly maxSamples: number;
  /** Fragments a sample may be cut into (Cyclone's 1,344-byte fragments give 49,932 for 64 MiB). */
  readonly maxFragments?: number;
  /** Bytes held for samples in progress, per writer. */
  readonly maxBytesInProgress?: number;
  /** A budget shared with other assemblers (per participant), if any. */
  readonly shared?: FragmentBudget;
}

export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = {
  maxSampleSize: 64 * 1024 * 1024,
  maxSamples: 8,
  maxFragments: 131_072,
  maxBytesInProgress: 128 * 1024 * 1024,
};

/** A run of consecutive fragments received together: where its bytes go, and the bytes. */
interface Run {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

interface Partial {
  readonly sampleSize: number;
  readonly fragmentSize: number;
  readonly total: number;
  /** One bit per fragment: set when received. */
  readonly have: Uint8Array;
  readonly runs: Run[];
  missing: number;
  /** Bytes counted against the limits: the runs' own, or their datagrams' for those kept as views. */
  held: number;
  /** Bytes of the sample the runs hold. */
  covered: number;
  /** When the last new fragment came (the clock's ms), or -Infinity without a clock. */
  touched: number;
  readonly inlineQos?: Uint8Array;
}

export type FragmentOutcome =
  | { readonly kind: 'complete'; readonly payload: Uint8Array; readonly inlineQos?: Uint8Array }
  | { readonly kind: 'partial' }
  | { readonly kind: 'rejected'; readonly reason: string };

/** A plain Uint8Array of `n` bytes, not zeroed: every byte is written before anyone reads it. */
function uninitialized(n: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
}

const has = (p: Partial, f: number) => (p.have[f >> 3]! & (1 << (f & 7))) !== 0;
const mark = (p: Partial, f: number) => {
  p.have[f >> 3] = p.have[f >> 3]! | (1 << (f & 7));
};

export class FragmentAssembler {
  private readonly samples = new Map<number, Partial>();
  private heldBytes = 0;

  constructor(private readonly limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS) {
    limits.shared?.join(this);
  }

  /** Bytes held for samples in progress. */
  get bytesInProgress(): number {
    return this.heldBytes;
  }

  /** `now` (the clock's ms) lets stale samples give their room to new fragments; without it none is. */
  add(m: DataFragSubmessage, now = Number.NEGATIVE_INFINITY): FragmentOutcome {
    let p = this.samples.get(m.writerSN);
    if (!p) {
      if (m.sampleSize > this.limits.maxSampleSize) {
        return {
          kind: 'rejected',
          reason: `sample of ${m.sampleSize} bytes exceeds the limit of ${this.limits.maxSampleSize}`,
        };
      }
      const total = Math.ceil(m.sampleSize / m.fragmentSize);
      const maxFragments = this.limits.maxFragments ?? DEFAULT_ASSEMBLER_LIMITS.maxFragments!;
      if (total > maxFragments) {
        return {
          kind: 'rejected',
          reason: `sample of ${m.sampleSize} bytes in ${total} fragments of ${m.fragmentSize} (limit ${maxFragments} fragments)`,
        };
      }
      if (this.samples.size >= this.limits.maxSamples) {
        // Abandon the oldest sample in progress; its writer will be asked again if it matters.
        this.abandon(Math.min(...this.samples.keys()));
      }
      p = {
        sampleSize: m.sampleSize,
        fragmentSize: m.fragmentSize,
        total,
        have: new Uint8Array((total + 7) >> 3),
        runs: [],
        missing: total,
        held: 0,
        covered: 0,
        touched: now,
        ...(m.inlineQos ? { inlineQos: new Uint8Array(m.inlineQos) } : {}),
      };
      this.samples.set(m.writerSN, p);
    } else if (p.sampleSize !== m.sampleSize || p.fragmentSize !== m.fragmentSize) {
      return {
        kind: 'rejected',
        reason: 'fragment disagrees with earlier fragments of the sample on its sizes',
      };
    }
    // Growing now: not stale, whatever room is reclaimed for this fragment.
    p.touched = now;
    const first = m.fragmentStartingNum - 1;
    const end = Math.min(first + m.fragmentsInSubmessage, p.total);
    // Keep each run of fragments not had before, copied.
    for (let f = first; f < end; ) {
      if (has(p, f)) {
        f++;
        continue;
      }
      let g = f;
      while (g < end && !has(p, g)) g++;
      const from = (f - first) * p.fragmentSize;
      const to = Math.min((g - first) * p.fragmentSize, m.fragments.length);
      const run = m.fragments.subarray(from, to);
      const datagram = run.buffer.byteLength;
      const asView = 2 * run.length >= datagram;
      const cost = asView ? datagram : run.length;
      if (!this.reserve(cost, now)) {
        return {
          kind: 'rejected',
          reason: `fragments over the in-progress budget (${this.heldBytes} bytes held)`,
        };
      }
      p.runs.push({ offset: f * p.fragmentSize, bytes: asView ? run : new Uint8Array(run) });
      p.held += cost;
      p.covered += run.length;
      for (let k = f; k < g; k++) mark(p, k);
      p.missing -= g - f;
      f = g;
    }
    if (p.missing > 0) return { kind: 'partial' };
    // Runs are disjoint (one per fragment number), so covering sampleSize bytes is covering all
    // of it; otherwise (a hand-made short fragment) what no run covers stays zero.
    const payload = p.covered === p.sampleSize ? uninitialized(p.sampleSize) : new Uint8Array(p.sampleSize);
    for (const r of p.runs) payload.set(r.bytes, r.offset);
    this.forget(m.writerSN, p);
    return { kind: 'complete', payload, ...(p.inlineQos ? { inlineQos: p.inlineQos } : {}) };
  }

  /** The 1-based numbers of the fragments still missing of a sample in progress (at most `max`). */
  missingFragments(sn: number, max = 256): number[] {
    const p = this.samples.get(sn);
    if (!p) return [];
    const out: number[] = [];
    for (let f = 0; f < p.total && out.length < max; f++) if (!has(p, f)) out.push(f + 1);
    return out;
  }

  inProgress(): number[] {
    return [...this.samples.keys()].sort((a, b) => a - b);
  }

  /** How many samples are in progress (asked at every poll: `inProgress` makes an array). */
  get inProgressCount(): number {
    return this.samples.size;
  }

  /** Forgets samples below `sn` (delivered, or declared irrelevant by the writer). */
  dropBelow(sn: number): void {
    // Called at every HEARTBEAT: no copy of the keys when nothing is in progress, the usual case.
    if (this.samples.size === 0) return;
    for (const k of [...this.samples.keys()]) if (k < sn) this.abandon(k);
  }

  /** Forgets every sample in progress (the writer went away), giving their bytes back. */
  clear(): void {
    for (const k of [...this.samples.keys()]) this.abandon(k);
    this.limits.shared?.leave(this);
  }

  /** Abandons the samples that have not grown since before `now - STALE_ASSEMBLY_MS`. */
  abandonStale(now: number): void {
    for (const [sn, p] of [...this.samples]) if (now - p.touched >= STALE_ASSEMBLY_MS) this.forget(sn, p);
  }

  private reserve(bytes: number, now: number): boolean {
    const perWriter = this.limits.maxBytesInProgress ?? DEFAULT_ASSEMBLER_LIMITS.maxBytesInProgress!;
    if (this.heldBytes + bytes > perWriter) {
      this.abandonStale(now);
      if (this.heldBytes + bytes > perWriter) return false;
    }
    const shared = this.limits.shared;
    if (shared && !shared.tryReserve(bytes)) {
      shared.reclaim(now);
      if (!shared.tryReserve(bytes)) return false;
    }
    this.heldBytes += bytes;
    return true;
  }

  private abandon(sn: number): void {
    const p = this.samples.get(sn);
    if (p) this.forget(sn, p);
  }

  private forget(sn: number, p: Partial): void {
    this.samples.delete(sn);
    this.heldBytes -= p.held;
    this.limits.shared?.release(p.held);
  }
}
