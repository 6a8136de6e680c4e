/**
 * Pacing of very large samples (issue 14): the fragments of a sample bigger than a burst leave
 * in bursts, not all at once. On loopback a send runs the whole delivery into the receiver's
 * socket buffer; 16 MB sent in one go overruns any buffer a peer configures (ours 4 MB, Fast
 * DDS's system default ~208 KB, Cyclone's 1 MB minimum), and every lost fragment then costs a
 * NACK_FRAG round trip. Samples up to a first burst (2 MiB by default) go at once, as before,
 * so the 1 MB case keeps its speed; the rest of a larger one follows in bursts of 512 KiB, one a
 * timer tick while nothing is lost: about 500 MB/s, what a Node.js reader takes on a quiet
 * machine (bench:rtps's 1 MB row), rather than what the sender could push.
 *
 * Between bursts the pacer waits `interval` ms: 1 while nothing is lost (a timer tick; the
 * receiving process drains its buffer meanwhile, and the sender's loop takes the readers'
 * requests), doubled (up to `maxIntervalMs`) each time a reader asks for fragments of a sample
 * that is still being paced (loss: it was too fast for that reader), halved after each burst
 * that drew no request. A pure state machine on a clock: which fragments to send and when; the
 * writer encodes and sends them.
 */
import type { DataFragSubmessage } from '../wire/submessage.js';

export interface PacerOptions {
  /** Bytes of fragments of a sample sent at once, before any pacing. */
  readonly firstBurstBytes: number;
  /** Bytes of fragments sent back to back, after the first burst, before the pacer waits. */
  readonly burstBytes: number;
  /** The longest wait between two bursts, reached after repeated losses. */
  readonly maxIntervalMs: number;
}

export const DEFAULT_PACER_OPTIONS: PacerOptions = {
  firstBurstBytes: 2 * 1024 * 1024,
  burstBytes: 512 * 1024,
  maxIntervalMs: 16,
};

/** One sample on its way to one reader. */
interface Stream {
  readonly reader: string;
  readonly sn: number;
  readonly fragments: readonly DataFragSubmessage[];
  next: number;
  due: number;
  /** A reader asked for fragments of this sample since its last burst. */
  lossSeen: boolean;
}

/** A burst to send: fragments of sample `sn` for `reader`, and the highest fragment number sent so far. */
export interface Burst {
  readonly reader: string;
  readonly sn: number;
  readonly fragments: readonly DataFragSubmessage[];
  readonly lastFragmentNum: number;
  /** Whether this burst ends the sample (else a HEARTBEAT_FRAG should follow it). */
  readonly done: boolean;
}

export class FragmentPacer {
  private readonly streams: Stream[] = [];
  private intervalMs = 1;

  constructor(private readonly options: PacerOptions = DEFAULT_PACER_OPTIONS) {}

  /** How many samples are still being paced. */
  get active(): number {
    return this.streams.length;
  }

  /** The wait between bursts now (for tests and diagnostics). */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /**
   * A sample's fragments for one reader: the first burst to send now. The rest, if any, is
   * handed out by `poll`. Undefined when that sample is being paced to that reader already (a
   * whole-sample resend asked for mid-way): its bursts go on, and what is missing at the end is
   * asked for by fragment.
   */
  start(
    reader: string,
    sn: number,
    fragments: readonly DataFragSubmessage[],
    now: number,
  ): Burst | undefined {
    if (this.find(reader, sn)) return undefined;
    const s: Stream = { reader, sn, fragments, next: 0, due: now, lossSeen: false };
    const burst = this.take(s, now);
    if (!burst.done) this.streams.push(s);
    return burst;
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const s of this.streams) if (next === undefined || s.due < next) next = s.due;
    return next;
  }

  /** The bursts due at `now`; `stillWanted(sn)` says whether the writer still has the sample. */
  poll(now: number, stillWanted: (sn: number) => boolean): Burst[] {
    const out: Burst[] = [];
    for (let i = 0; i < this.streams.length; ) {
      const s = this.streams[i]!;
      if (!stillWanted(s.sn)) {
        this.streams.splice(i, 1);
        continue;
      }
      if (s.due > now) {
        i++;
        continue;
      }
      this.adapt(s.lossSeen);
      s.lossSeen = false;
      const burst = this.take(s, now);
      out.push(burst);
      if (burst.done) this.streams.splice(i, 1);
      else i++;
    }
    return out;
  }

  /**
   * A reader asks for fragments of sample `sn`: the ones to resend now. While the sample is
   * being paced, only fragments already sent can be missing (the rest are on their way), and a
   * request for one means a burst was lost: the pacer waits longer between bursts.
   */
  requested(reader: string, sn: number, fragmentNums: readonly number[]): number[] {
    const s = this.find(reader, sn);
    if (!s) return [...fragmentNums];
    const sentUpTo = s.next === 0 ? 0 : lastNum(s.fragments[s.next - 1]!);
    const resend = fragmentNums.filter((f) => f <= sentUpTo);
    if (resend.length > 0) s.lossSeen = true;
    return resend;
  }

  private find(reader: string, sn: number): Stream | undefined {
    for (const s of this.streams) if (s.reader === reader && s.sn === sn) return s;
    return undefined;
  }

  /** Stops pacing to a reader (it went away), or one sample of it. */
  cancel(reader: string, sn?: number): void {
    for (let i = this.streams.length - 1; i >= 0; i--) {
      const s = this.streams[i]!;
      if (s.reader === reader && (sn === undefined || s.sn === sn)) this.streams.splice(i, 1);
    }
  }

  private adapt(loss: boolean): void {
    if (loss) this.intervalMs = Math.min(this.options.maxIntervalMs, this.intervalMs * 2);
    else this.intervalMs = Math.max(1, Math.floor(this.intervalMs / 2));
  }

  private take(s: Stream, now: number): Burst {
    const from = s.next;
    const limit = from === 0 ? this.options.firstBurstBytes : this.options.burstBytes;
    let bytes = 0;
    // At least one fragment a burst, however large: a burst smaller than a fragment still moves.
    while (s.next < s.fragments.length && (s.next === from || bytes < limit)) {
      bytes += s.fragments[s.next]!.fragments.length;
      s.next++;
    }
    s.due = now + this.intervalMs;
    const last = s.fragments[s.next - 1]!;
    return {
      reader: s.reader,
      sn: s.sn,
      fragments: s.fragments.slice(from, s.next),
      lastFragmentNum: lastNum(last),
      done: s.next >= s.fragments.length,
    };
  }
}

function lastNum(f: DataFragSubmessage): number {
  return f.fragmentStartingNum + f.fragmentsInSubmessage - 1;
}
