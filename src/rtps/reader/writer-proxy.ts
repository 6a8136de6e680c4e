/**
 * A reader's view of one matched remote writer (RTPS 8.4.10.4, WriterProxy): which sequence
 * numbers were delivered, buffered out of order, or declared irrelevant, and when to answer a
 * HEARTBEAT with an ACKNACK. A pure state machine: it is given `now` and returns what to
 * deliver and when it next needs attention, so it is tested without real time passing.
 *
 * Reliable: samples are delivered in order, exactly once; out-of-order ones wait (bounded by
 * `maxBuffered`; past it the newest are dropped and asked for again later). Best effort:
 * a sample is delivered if it is newer than the last one delivered.
 *
 * Lost samples (DDS SAMPLE_LOST, rmw's RMW_EVENT_MESSAGE_LOST) are counted as Fast DDS 2.14 counts
 * them; Cyclone 0.10 counts none of these (dds_rhc_default.c raises SAMPLE_LOST only for a sample
 * its history rejects, and q_receive.c deliver_user_data_synchronously leaves gaps uncounted):
 * - best effort: the numbers skipped between two samples received (StatelessReader.cpp
 *   processDataMsg: `seq - previous_seq - 1`), none before the first one;
 * - reliable: the numbers a HEARTBEAT's firstSN moves past that were neither received nor
 *   declared irrelevant by a GAP (WriterProxy.cpp lost_changes_update, called from
 *   process_heartbeat), none on the first HEARTBEAT (its `received_at_least_one_heartbeat_`: what
 *   was written before we matched is not lost). A GAP never counts: Fast DDS takes its numbers as
 *   irrelevant (process_gap -> irrelevant_change_set), and the wire does not say why they are
 *   skipped -- our StatefulWriter sends one for a sample directed to another reader (a service
 *   reply), for what was written before the reader matched, and for a requested sample the
 *   history no longer holds. The last is lost, but a reader learns of it first from the
 *   HEARTBEAT every write sends with the history's new firstSN, and counts it there.
 * A reliable skip is counted once something past it is delivered: until then `rewind` may undo
 * it (a forged HEARTBEAT), and a forged HEARTBEAT alone then counts nothing. One event adds at
 * most 2^31 - 1, as Fast DDS clamps it to int32.
 */
import { isNewCount } from '../counts.js';
import { MAX_SET_BITS, makeSet, type NumberSet, setMembers } from '../wire/number-sets.js';

/** The most one event counts as lost (Fast DDS clamps each to int32: WriterProxy.cpp). */
const MAX_LOST_PER_EVENT = 0x7fff_ffff;

/** What most calls release: shared, so that they make no array. */
const NOTHING: readonly ReceivedSample[] = Object.freeze([]);
/** The bitmap of an empty sequence number set. */
const NO_WORDS: readonly number[] = Object.freeze([]);

export interface ReceivedSample {
  readonly sn: number;
  readonly payload?: Uint8Array;
  readonly inlineQos?: Uint8Array;
  /** Key-only or dispose/unregister sample (status info in the inline QoS). */
  readonly keyOnly?: boolean;
  readonly timestampMs?: number;
  /** Byte order of the inline QoS (the E flag of the submessage that carried it). */
  readonly littleEndian?: boolean;
}

export interface WriterProxyOptions {
  readonly reliable: boolean;
  /** Out-of-order samples kept per writer. */
  readonly maxBuffered: number;
  /** Delay before answering a HEARTBEAT (Fast DDS: 5 ms; Cyclone answers at once). */
  readonly heartbeatResponseDelayMs: number;
}

export const DEFAULT_WRITER_PROXY_OPTIONS: WriterProxyOptions = {
  reliable: true,
  maxBuffered: 1024,
  heartbeatResponseDelayMs: 5,
};

export interface AckNackPlan {
  readonly readerSNState: NumberSet;
  /** Nothing missing: the ACKNACK is a pure acknowledgement (F flag). */
  readonly final: boolean;
  readonly count: number;
}

export class WriterProxy {
  /** Every sequence number below this was delivered or is irrelevant. */
  private next = 1;
  /** One past the last sample delivered: what `next` may fall back to if a skip was a lie. */
  private deliveredNext = 1;
  /** HEARTBEATs whose numbers contradicted what we had skipped (see onHeartbeat). */
  contradictions = 0;
  /** The highest sequence number the writer said it has (HEARTBEAT lastSN). */
  private lastAvailable = 0;
  private readonly buffered = new Map<number, ReceivedSample>();
  /** Sequence numbers above `next` the writer declared irrelevant (GAP), as [from, to] ranges. */
  private irrelevant: [number, number][] = [];
  private lastHeartbeatCount = Number.NEGATIVE_INFINITY;
  private ackCount = 0;
  private ackDue: number | undefined;
  private preemptive = false;
  /** Whether a HEARTBEAT was taken: skips on the first one are not losses. */
  private heardHeartbeat = false;
  /** Skipped by a HEARTBEAT since the last delivery, not yet counted (a rewind forgets them). */
  private pendingLost = 0;
  /** Counted as lost and not yet taken (see takeLost). */
  private lost = 0;

  constructor(private readonly options: WriterProxyOptions = DEFAULT_WRITER_PROXY_OPTIONS) {}

  /** The next sequence number in order (for tests and diagnostics). */
  get expected(): number {
    return this.next;
  }

  get bufferedCount(): number {
    return this.buffered.size;
  }

  /** Samples counted as lost since the last call (see the header); 0 most of the time. */
  takeLost(): number {
    const n = this.lost;
    this.lost = 0;
    return n;
  }

  /**
   * A sample arrived; returns the samples now deliverable, in order. A sample past a hole
   * schedules an ACKNACK (at `now` plus the response delay) asking for what is missing, without
   * waiting for a HEARTBEAT: samples sent before we matched the writer were dropped, and a writer
   * that writes rarely (Fast DDS: HEARTBEAT every 3 s) would otherwise leave us holding back
   * everything after the hole until its next HEARTBEAT, or forever if it goes away first.
   */
  onData(sample: ReceivedSample, now?: number): readonly ReceivedSample[] {
    const sn = sample.sn;
    if (!this.options.reliable) {
      if (sn < this.next) return NOTHING;
      // `next` is 1 until the first sample: what came before it is not lost.
      if (sn > this.next && this.next > 1) this.countLost(sn - this.next);
      this.next = sn + 1;
      return [sample];
    }
    // A sample we skipped without delivering past it: the writer still sends what a HEARTBEAT
    // or GAP in its name said was gone, so that was a lie (or the sample was on its way when the
    // writer let it go): take it, in order, rather than lose what the writer really sends. A
    // stream of forged HEARTBEATs can then not starve the reader between the real ones.
    if (sn < this.next && sn >= this.deliveredNext && !this.buffered.has(sn)) this.rewind(sn);
    if (sn < this.next || this.buffered.has(sn) || this.isIrrelevant(sn)) return NOTHING; // duplicate
    if (sn > this.lastAvailable) this.lastAvailable = sn;
    if (sn !== this.next) {
      if (this.buffered.size < this.options.maxBuffered) this.buffered.set(sn, sample);
      if (now !== undefined) this.ackDue ??= now + this.options.heartbeatResponseDelayMs;
      return NOTHING;
    }
    const out = [sample];
    this.next = sn + 1;
    this.delivered();
    this.drain(out);
    return out;
  }

  /** GAP: `gapStart` up to `gapList.base - 1`, and the members of `gapList`, will never come. */
  onGap(gapStart: number, gapList: NumberSet): readonly ReceivedSample[] {
    // A best-effort reader waits for nothing, so a GAP has nothing to tell it (and a forged one
    // would make it drop everything below a number the writer may never reach).
    if (!this.options.reliable) return NOTHING;
    if (gapList.base - 1 >= gapStart) this.markIrrelevant(gapStart, gapList.base - 1);
    for (const sn of setMembers(gapList)) this.markIrrelevant(sn, sn);
    const out: ReceivedSample[] = [];
    this.drain(out);
    return out;
  }

  /**
   * HEARTBEAT: the writer has [firstSN, lastSN]. What is below firstSN is gone for good; a
   * reply is scheduled when something is missing or the writer asked for one (no F flag).
   */
  onHeartbeat(
    firstSN: number,
    lastSN: number,
    count: number,
    final: boolean,
    now: number,
  ): readonly ReceivedSample[] {
    if (!this.options.reliable) return NOTHING;
    if (!isNewCount(count, this.lastHeartbeatCount)) return NOTHING; // an old or repeated HEARTBEAT (8.4.15.4)
    this.lastHeartbeatCount = count;
    // The writer says its newest sample is older than what we skipped: the skip came from a lie
    // (a forged HEARTBEAT or GAP in its name) or a reordering. Go back to what was delivered and
    // ask again; a real skip is simply told to us again.
    if (lastSN < this.next - 1 && this.next > this.deliveredNext) this.rewind(lastSN);
    if (lastSN > this.lastAvailable) this.lastAvailable = lastSN;
    let out = NOTHING;
    const first = !this.heardHeartbeat;
    this.heardHeartbeat = true;
    if (firstSN > this.next) {
      if (!first)
        this.pendingLost = Math.min(this.pendingLost + this.unaccounted(firstSN), MAX_LOST_PER_EVENT);
      this.markIrrelevant(this.next, firstSN - 1);
      const drained: ReceivedSample[] = [];
      this.drain(drained);
      out = drained;
    }
    if (this.hasMissing()) this.ackDue ??= now + this.options.heartbeatResponseDelayMs;
    else if (!final) this.ackDue = Math.min(this.ackDue ?? now, now);
    return out;
  }

  private rewind(lastSN: number): void {
    this.contradictions++;
    this.pendingLost = 0;
    this.next = this.deliveredNext;
    this.irrelevant = [];
    let highest = lastSN;
    for (const sn of this.buffered.keys()) if (sn > highest) highest = sn;
    this.lastAvailable = highest;
  }

  /**
   * A preemptive ACKNACK (RTPS 8.4.12.1 lets a reader send one before any HEARTBEAT): sent when
   * the writer matches, it tells the writer we are here, so it sends us a HEARTBEAT (and what
   * we lack) at once instead of at its next period (3 s for Fast DDS), whose first messages to
   * us may have come before we knew it.
   */
  requestPreemptiveAck(now: number): void {
    if (!this.options.reliable) return;
    this.preemptive = true;
    this.ackDue ??= now;
  }

  /** When this proxy next needs `poll` (an ACKNACK to send), if ever. */
  nextDeadline(): number | undefined {
    return this.ackDue;
  }

  /** The ACKNACK to send now, if one is due. */
  poll(now: number): AckNackPlan | undefined {
    if (this.ackDue === undefined || now < this.ackDue) return undefined;
    this.ackDue = undefined;
    return this.ackNack();
  }

  /** The ACKNACK describing what we have and miss, as of now. */
  ackNack(): AckNackPlan {
    const missing = this.hasMissing() ? this.missing() : undefined;
    this.ackCount++;
    // Not final while preemptive: the writer must answer with a HEARTBEAT.
    const final = missing === undefined && !this.preemptive;
    this.preemptive = false;
    return {
      // Nothing missing (nearly always): the empty set without the arrays makeSet goes through.
      readerSNState:
        missing === undefined
          ? { base: this.next, numBits: 0, bitmap: NO_WORDS }
          : makeSet(this.next, missing),
      final,
      count: this.ackCount,
    };
  }

  /** Sequence numbers in [next, lastAvailable] we have not got (at most 256, from `next`). */
  missing(): number[] {
    const out: number[] = [];
    const end = Math.min(this.lastAvailable, this.next + MAX_SET_BITS - 1);
    for (let sn = this.next; sn <= end; sn++) {
      if (!this.buffered.has(sn) && !this.isIrrelevant(sn)) out.push(sn);
    }
    return out;
  }

  /** Whether `missing()` has any (asked at every HEARTBEAT: no array for the answer). */
  private hasMissing(): boolean {
    const end = Math.min(this.lastAvailable, this.next + MAX_SET_BITS - 1);
    for (let sn = this.next; sn <= end; sn++)
      if (!this.buffered.has(sn) && !this.isIrrelevant(sn)) return true;
    return false;
  }

  /**
   * Numbers in [next, to) a GAP has not declared irrelevant. Samples buffered there count: the
   * skip drops them undelivered (drain). The ranges are merged and above `next` (drain).
   */
  private unaccounted(to: number): number {
    let n = to - this.next;
    for (const [a, b] of this.irrelevant) if (a < to) n -= Math.min(b, to - 1) - a + 1;
    return n;
  }

  private countLost(n: number): void {
    this.lost = Math.min(this.lost + Math.min(n, MAX_LOST_PER_EVENT), Number.MAX_SAFE_INTEGER);
  }

  /** A sample was delivered at `next - 1`: the skips below it were real. */
  private delivered(): void {
    this.deliveredNext = this.next;
    if (this.pendingLost === 0) return;
    this.countLost(this.pendingLost);
    this.pendingLost = 0;
  }

  private isIrrelevant(sn: number): boolean {
    return this.irrelevantEnd(sn) !== undefined;
  }

  /** The end of the irrelevant range holding `sn`, if one does (an indexed loop: no iterator). */
  private irrelevantEnd(sn: number): number | undefined {
    const ranges = this.irrelevant;
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      if (sn >= r[0] && sn <= r[1]) return r[1];
    }
    return undefined;
  }

  private markIrrelevant(from: number, to: number): void {
    if (to < this.next) return;
    this.irrelevant.push([Math.max(from, this.next), to]);
    // Keep the list short: merge overlapping and adjacent ranges.
    this.irrelevant.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const r of this.irrelevant) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.irrelevant = merged;
  }

  /**
   * Moves `next` past everything delivered or irrelevant, appending deliverable samples. Runs
   * for every sample taken in order: nothing is allocated unless there is something to drop.
   */
  private drain(out: ReceivedSample[]): void {
    for (;;) {
      const s = this.buffered.size > 0 ? this.buffered.get(this.next) : undefined;
      if (s) {
        this.buffered.delete(this.next);
        out.push(s);
        this.next++;
        this.delivered();
        continue;
      }
      const to = this.irrelevant.length > 0 ? this.irrelevantEnd(this.next) : undefined;
      if (to !== undefined) {
        this.next = to + 1;
        if (this.buffered.size > 0)
          for (const k of this.buffered.keys()) if (k < this.next) this.buffered.delete(k);
        continue;
      }
      break;
    }
    // The ranges are sorted and merged (markIrrelevant): those now below `next` lead the list.
    let passed = 0;
    while (passed < this.irrelevant.length && this.irrelevant[passed]![1] < this.next) passed++;
    if (passed > 0) this.irrelevant = this.irrelevant.slice(passed);
  }
}
