/**
 * The sending half of RTPS reliability (RTPS 8.4.9, StatefulWriter), as a pure state machine:
 * it is told about writes, matched readers and ACKNACKs, given `now`, and answers with what to
 * send and when it next needs attention. Sockets, encoding and fragmentation live elsewhere.
 *
 * Per reliable reader it keeps what was acknowledged and what was requested; requests are
 * answered after `nackResponseDelayMs` with the changes still in history and a GAP for the rest.
 * A HEARTBEAT goes out every `heartbeatPeriodMs` while anything is unacknowledged, and after a
 * write (piggy-backed) that asks for an acknowledgement or comes 1 ms or more after the last
 * one's, so readers learn of losses and the writer of what it may drop.
 */

import { isNewCount } from '../counts.js';
import type { CacheChange, WriterHistory } from './history.js';

export interface WriterOptions {
  readonly reliable: boolean;
  /** TRANSIENT_LOCAL: a late-joining RELIABLE TRANSIENT_LOCAL reader gets what the history still holds. */
  readonly transientLocal: boolean;
  readonly heartbeatPeriodMs: number;
  readonly nackResponseDelayMs: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = {
  reliable: true,
  transientLocal: false,
  // Cyclone's period is 100 ms, Fast DDS's 3 s; a short one repairs losses quickly on loopback.
  heartbeatPeriodMs: 100,
  nackResponseDelayMs: 5,
};

/** What the writer needs to know of a reader it matched. */
export interface MatchedReader {
  readonly reliable: boolean;
  /** Its durability is TRANSIENT_LOCAL or stronger: it asks for what the history holds. */
  readonly transientLocal: boolean;
}

/** What the participant should send on behalf of this writer. */
export type WriterAction =
  | { readonly kind: 'data'; readonly readers: readonly string[]; readonly change: CacheChange }
  /** Sequence numbers [from, to] will never be sent to this reader (history no longer has them). */
  | { readonly kind: 'gap'; readonly reader: string; readonly from: number; readonly to: number }
  | {
      readonly kind: 'heartbeat';
      readonly readers: readonly string[];
      readonly firstSN: number;
      readonly lastSN: number;
      readonly count: number;
      readonly final: boolean;
      /** The LIVELINESS flag: an assertion of a MANUAL_BY_TOPIC writer's liveliness. */
      readonly liveliness?: boolean;
    };

interface ReaderState {
  readonly reliable: boolean;
  /** [its key]: the readers of a change directed to it alone (made once, not per write). */
  readonly only: readonly string[];
  /**
   * The first change owed to it: 1 when both ends are TRANSIENT_LOCAL and it is RELIABLE, else
   * the next one written after it matched. Anything below that it asks for gets a GAP.
   */
  readonly startSN: number;
  /** Whether it ever sent an ACKNACK: until then it may not know us yet, so we keep telling it. */
  heard: boolean;
  /** Every sequence number below this is acknowledged by the reader. */
  ackedBelow: number;
  /** Requested by the reader (NACKed) and not yet resent. */
  readonly requested: Set<number>;
  lastAckNackCount: number;
  /** Periodic HEARTBEATs sent since its last ACKNACK (see SILENT_BEATS_AT_FULL_RATE). */
  silentBeats: number;
  /** When it is next owed a periodic HEARTBEAT (clock ms). */
  nextBeatAt: number;
}

/**
 * Periodic HEARTBEATs a reader gets at the full rate without answering; past them the period
 * doubles with each unanswered one, up to MAX_BEAT_BACKOFF times. A real reader answers within a
 * period or two (the first ones matter: a Cyclone reader drops data until it knows us); one that
 * never answers (a participant made up by a flood that claims to be a ROS node, issue 13's soak:
 * about a million HEARTBEATs to 1,000 fakes in 25 s) costs a datagram every 1.6 s instead of 10 a
 * second. Any ACKNACK brings it back to the full rate. Three, not more: on one host a reader
 * that has not answered three periods is in a process that is behind, and more HEARTBEATs only
 * put it further behind (100 participants in two processes: 14 s and 30 s of CPU to discover
 * each other after 10 at the full rate took 21 s and 43 s).
 */
export const SILENT_BEATS_AT_FULL_RATE = 3;
/** A write with none before it for this long asks for an ACKNACK (see asksForAck). */
const LONE_WRITE_MS = 80;
/**
 * A write that does not ask for an ACKNACK carries a (final) HEARTBEAT only this long after the
 * last write's. Such a HEARTBEAT tells a reader little that the DATA beside it does not: a hole
 * before it shows in its sequence number and is NACKed at once, and a lost DATA takes its
 * HEARTBEAT with it; what is left, the history's start and the tail of a stream, the periodic
 * HEARTBEAT tells within heartbeatPeriodMs. Cyclone rate-limits it to one per 100 µs
 * (ddsi_writer_hbcontrol_piggyback), Fast DDS to one per send-buffer's worth of bytes
 * (StatefulWriter, disable_heartbeat_piggyback); in-process, a ping-pong hop cost 2.50-2.90 µs
 * of CPU with this rule against 3.11-3.28 µs with one per write (bench:rtps-hop, 2026-12-04).
 * 1 ms, not 100 µs, so a service called back to back (40-150 µs a call) skips it too, while a
 * 1 kHz publisher still sends it every time.
 */
const PIGGYBACK_BEAT_INTERVAL_MS = 1;
/** How long an unanswered request for an ACKNACK stands before a write asks again (see asksForAck). */
const ACK_REQUEST_INTERVAL_MS = 5;
/**
 * What a writer writes before it asks for an ACKNACK (see asksForAck): about Cyclone's first
 * (WhcLow + WhcHigh) / 2 with its defaults (1 kB, 30 kB WhcHighInit).
 */
const ACK_REQUEST_BYTES = 16 * 1024;
const MAX_BEAT_BACKOFF = 16;

export class StatefulWriter {
  private readonly readers = new Map<string, ReaderState>();
  private reliableKeys: string[] | undefined;
  private allKeys: string[] | undefined;
  /** The readers' states in `allKeys` order: walked by index on every write (no iterator). */
  private allStates: ReaderState[] | undefined;
  private heartbeatCount = 0;
  private heartbeatDue: number | undefined;
  private resendDue: number | undefined;
  /**
   * Readers whose first ACKNACK just came: each gets a HEARTBEAT at once. A Cyclone reader that
   * matched us after our first HEARTBEATs takes the first one it sees as the start of a VOLATILE
   * stream and skips what was written before it (q_receive.c handle_Heartbeat, the reader's
   * "in sync" start); answering its first (pre-emptive) ACKNACK sets that start before more data
   * goes out, instead of a heartbeat period later. The CI run of 2026-12-02 lost the first of two
   * samples written in that window.
   */
  private readonly greet = new Set<string>();
  private greetDue: number | undefined;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private lastAckRequestAt = Number.NEGATIVE_INFINITY;
  /** When a write last carried a HEARTBEAT (see PIGGYBACK_BEAT_INTERVAL_MS). */
  private lastWriteBeatAt = Number.NEGATIVE_INFINITY;
  /** A write's HEARTBEAT asked for an ACKNACK and none came since. */
  private ackRequestOutstanding = false;
  /** Payload bytes written since a HEARTBEAT last asked. */
  private bytesSinceAsk = 0;

  constructor(
    readonly history: WriterHistory,
    private readonly options: WriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  get readerCount(): number {
    return this.readers.size;
  }

  /**
   * A reader matched. It is owed what the history holds (sent now, to it alone) only when both
   * this writer and the reader are TRANSIENT_LOCAL (or stronger) and the reader is RELIABLE;
   * otherwise it starts after the last change written, as both vendors do. Fast DDS 2.14
   * StatefulWriter::matched_reader_add (the durability from the reader's ReaderProxyData,
   * ReaderProxy::start) sends the history only to a reliable reader (`if (is_reliable)`) that
   * has `TRANSIENT_LOCAL <= rp->durability_kind()` while the writer is TRANSIENT_LOCAL, else a
   * GAP of all of it; a best-effort one is marked as having acknowledged everything up to the
   * next sequence number ("Acknowledged all for best-effort reader"), and StatelessWriter::
   * matched_reader_add sends a late reader nothing. Cyclone 0.10 (ddsi_entity_match.c)
   * delivers history to a local reader only if it is reliable and its durability is above
   * VOLATILE (writer_add_local_connection: "we don't do historical data for best-effort data
   * over the wire, so also not locally"); writer_add_connection counts a remote best-effort
   * reader as having acknowledged everything (MAX_SEQ_NUMBER) and a reliable one up to the last
   * change, q_receive.c handle_AckNack answers a VOLATILE Cyclone reader's request for those with
   * a GAP, and a VOLATILE reader starts at the first HEARTBEAT it sees
   * (proxy_writer_add_connection, `handle_as_transient_local`). So a BEST_EFFORT reader, whatever
   * its durability, gets only the changes written after it matched.
   */
  addReader(key: string, reader: MatchedReader, now: number): WriterAction[] {
    const reliable = reader.reliable && this.options.reliable;
    const fromStart = reliable && this.options.transientLocal && reader.transientLocal;
    const startSN = fromStart ? 1 : this.history.lastSN + 1;
    const state: ReaderState = {
      reliable,
      only: [key],
      startSN,
      ackedBelow: startSN,
      requested: new Set(),
      lastAckNackCount: Number.NEGATIVE_INFINITY,
      heard: false,
      silentBeats: 0,
      nextBeatAt: Number.NEGATIVE_INFINITY,
    };
    this.readers.set(key, state);
    this.reliableKeys = this.allKeys = this.allStates = undefined;
    const actions: WriterAction[] = [];
    if (!fromStart && state.reliable && startSN > 1) {
      // Our HEARTBEATs announce the whole history; a reader that is not owed it must not wait for
      // what was written before it came (it would hold back everything after, forever).
      actions.push({ kind: 'gap', reader: key, from: 1, to: startSN - 1 });
    }
    if (fromStart) {
      for (const change of this.history.values()) {
        if (isFor(change, key)) actions.push({ kind: 'data', readers: [key], change });
        else if (state.reliable) actions.push({ kind: 'gap', reader: key, from: change.sn, to: change.sn });
      }
      if (this.history.firstSN > 1)
        actions.push({ kind: 'gap', reader: key, from: 1, to: this.history.firstSN - 1 });
    }
    if (state.reliable) {
      // Announce what we have at once, so the reader can ask for what it lacks.
      actions.push(this.heartbeat([key], false));
      this.scheduleHeartbeat(now);
    }
    return actions;
  }

  removeReader(key: string): void {
    this.readers.delete(key);
    this.reliableKeys = this.allKeys = this.allStates = undefined;
    this.trimHistory();
  }

  /** A new change: send it to every reader, and follow it with a HEARTBEAT for the reliable ones. */
  write(change: Omit<CacheChange, 'sn'>, now: number): { change: CacheChange; actions: WriterAction[] } {
    const full = this.history.add(change, this.forgetRequest);
    let data: WriterAction | undefined;
    let gaps: WriterAction[] | undefined;
    if (full.readers === undefined) {
      if (this.readers.size > 0) data = { kind: 'data', readers: this.allReaders(), change: full };
    } else {
      const keys = this.allReaders();
      const states = this.allStates!;
      let first = -1; // the one reader it is for, the common case
      let more: string[] | undefined; // or all of them, when more than one
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (full.readers.has(key)) {
          if (first < 0) first = i;
          else if (more === undefined) more = [keys[first]!, key];
          else more.push(key);
        }
        // The other reliable readers learn at once that this one is not for them.
        else if (states[i]!.reliable) {
          const gap: WriterAction = { kind: 'gap', reader: key, from: full.sn, to: full.sn };
          if (gaps === undefined) gaps = [gap];
          else gaps.push(gap);
        }
      }
      const to = more ?? (first < 0 ? undefined : states[first]!.only);
      if (to !== undefined) data = { kind: 'data', readers: to, change: full };
    }
    const reliable = this.reliableReaders();
    let heartbeat: WriterAction | undefined;
    if (reliable.length > 0) {
      // Some writes ask for an answer; the rest announce themselves at most once a ms (see
      // PIGGYBACK_BEAT_INTERVAL_MS): a reader that lost one asks when the next DATA shows the hole.
      this.bytesSinceAsk += change.payload?.length ?? 0;
      const asks = this.asksForAck(now);
      if (asks || now - this.lastWriteBeatAt >= PIGGYBACK_BEAT_INTERVAL_MS) {
        heartbeat = this.heartbeat(reliable, !asks);
        this.lastWriteBeatAt = now;
      }
      this.scheduleHeartbeat(now);
    }
    this.lastWriteAt = now;
    return { change: full, actions: inOrder(data, gaps, heartbeat) };
  }

  /** A change the history evicted is no longer requested: readers learn from HEARTBEATs it is gone. */
  private readonly forgetRequest = (sn: number): void => {
    this.allReaders();
    const states = this.allStates!;
    for (let i = 0; i < states.length; i++) states[i]!.requested.delete(sn);
  };

  /**
   * Whether the HEARTBEAT after a write at `now` asks for an ACKNACK (no F flag). Readers answer
   * one at once (Cyclone does; Fast DDS waits its 5 ms heartbeatResponseDelay), so asking after
   * every write would double the datagrams of a stream; as Cyclone's ddsi_hbcontrol.c
   * (writer_hbcontrol_ack_required_generic) does, a writer asks:
   * - after a lone write (none in the last 80 ms, 4/5 of Cyclone's 100 ms heartbeat interval),
   *   so a publish-and-wait (`waitForAllAcked`, `topic pub --once`) is answered at once;
   * - once ACK_REQUEST_BYTES were written since it last asked, as Cyclone asks by unacknowledged
   *   bytes (half its watermarks) and never by count, and a KEEP_ALL writer also when half its
   *   history is unacknowledged (it would block); once until an ACKNACK comes, or again after
   *   5 ms without one (Cyclone's const_hb_intv_min). So a writer held to a window is not left
   *   waiting: with the 5 ms delay before each answer, a window of 1 KB samples moved every
   *   ~7 ms (75 k samples/s).
   * A stream of small samples otherwise never asks: the periodic HEARTBEAT (every
   * heartbeatPeriodMs while anything is unacknowledged) does. A service's writer (KEEP_LAST 10)
   * that asked at half its history asked every 5 calls (1,962 ACKNACK datagrams for 5,000 calls
   * of a warm Trigger pair, tshark, 2026-12-04), and one that asked every 5 ms as well one per ~50.
   */
  private asksForAck(now: number): boolean {
    const asks =
      now - this.lastWriteAt >= LONE_WRITE_MS ||
      ((!this.ackRequestOutstanding || now - this.lastAckRequestAt >= ACK_REQUEST_INTERVAL_MS) &&
        (this.bytesSinceAsk >= ACK_REQUEST_BYTES ||
          (this.history.keepsAll && this.unacknowledgedCount() >= this.history.limit / 2)));
    if (asks) {
      this.ackRequestOutstanding = true;
      this.lastAckRequestAt = now;
      this.bytesSinceAsk = 0;
    }
    return asks;
  }

  /**
   * An ACKNACK: everything below `base` is acknowledged, `missing` is requested. Requests are
   * answered on the next poll after the NACK response delay.
   */
  onAckNack(key: string, base: number, missing: readonly number[], count: number, now: number): void {
    const r = this.readers.get(key);
    if (!r?.reliable || !isNewCount(count, r.lastAckNackCount)) return;
    r.lastAckNackCount = count;
    this.ackRequestOutstanding = false;
    const firstAnswer = !r.heard;
    r.heard = true;
    r.silentBeats = 0;
    r.nextBeatAt = Number.NEGATIVE_INFINITY;
    if (base > r.ackedBelow) r.ackedBelow = Math.min(base, this.history.lastSN + 1);
    // Most ACKNACKs find nothing requested: no iterator then.
    if (r.requested.size > 0) for (const sn of r.requested) if (sn < r.ackedBelow) r.requested.delete(sn);
    // Even below what the reader acknowledged before: a real reader asks again only after it was
    // lied to (a forged HEARTBEAT or GAP made it skip, then a sample showed the skip was false),
    // and then it waits for that number until it gets the sample or a GAP.
    for (let i = 0; i < missing.length; i++) {
      const sn = missing[i]!;
      if (sn <= this.history.lastSN) r.requested.add(sn);
    }
    if (r.requested.size > 0) this.resendDue ??= now + this.options.nackResponseDelayMs;
    // A resend (due soon) ends with a HEARTBEAT anyway, and a reader that acknowledges all we
    // wrote has its start; otherwise greet it now.
    else if (firstAnswer && r.reliable && !(this.history.lastSN > 0 && base > this.history.lastSN)) {
      this.greet.add(key);
      this.greetDue ??= now;
    }
    this.trimHistory();
  }

  /**
   * Whether a reliable reader has sent us an ACKNACK, so it surely knows this writer: a Cyclone
   * reader drops data from writers it has not discovered yet (see unacknowledgedReaders).
   */
  hasHeardFrom(key: string): boolean {
    return this.readers.get(key)?.heard ?? false;
  }

  /** Changes written but not yet acknowledged by every reliable reader (for flow control). */
  unacknowledgedCount(): number {
    let low = this.history.lastSN + 1;
    this.allReaders();
    // By index over the cached states: asked on most writes (see asksForAck).
    const states = this.allStates!;
    for (let i = 0; i < states.length; i++) {
      const r = states[i]!;
      if (r.reliable) low = Math.min(low, r.ackedBelow);
    }
    return this.history.lastSN + 1 - low;
  }

  /** Whether every reliable reader acknowledged everything written. */
  allAcknowledged(): boolean {
    for (const r of this.readers.values())
      if (r.reliable && r.ackedBelow <= this.history.lastSN) return false;
    return true;
  }

  nextDeadline(): number | undefined {
    if (this.greetDue !== undefined) return this.greetDue;
    if (this.heartbeatDue === undefined) return this.resendDue;
    if (this.resendDue === undefined) return this.heartbeatDue;
    return Math.min(this.heartbeatDue, this.resendDue);
  }

  /** What is due at `now`: resends (and GAPs for what history no longer holds), HEARTBEATs. */
  poll(now: number): WriterAction[] {
    const actions: WriterAction[] = [];
    if (this.resendDue !== undefined && now >= this.resendDue) {
      this.resendDue = undefined;
      for (const [key, r] of this.readers) {
        if (r.requested.size === 0) continue;
        let gap: { from: number; to: number } | undefined;
        for (const sn of [...r.requested].sort((a, b) => a - b)) {
          const change = sn < r.startSN ? undefined : this.history.get(sn);
          if (change && isFor(change, key)) {
            // In sequence order: a GAP below a resent change goes first.
            if (gap) actions.push({ kind: 'gap', reader: key, ...gap });
            gap = undefined;
            actions.push({ kind: 'data', readers: [key], change });
            continue;
          }
          // Runs of what history no longer holds (or holds for other readers) become one GAP each.
          if (gap && sn === gap.to + 1) gap.to = sn;
          else {
            if (gap) actions.push({ kind: 'gap', reader: key, ...gap });
            gap = { from: sn, to: sn };
          }
        }
        if (gap) actions.push({ kind: 'gap', reader: key, ...gap });
        r.requested.clear();
      }
      const reliable = this.reliableReaders();
      if (reliable.length > 0) actions.push(this.heartbeat(reliable, true));
    }
    this.greetDue = undefined;
    if (this.greet.size > 0) {
      const greeted = [...this.greet].filter((key) => this.readers.has(key));
      this.greet.clear();
      if (greeted.length > 0) actions.push(this.heartbeat(greeted, true));
    }
    if (this.heartbeatDue !== undefined && now >= this.heartbeatDue) {
      this.heartbeatDue = undefined;
      const unacked = this.unacknowledgedReaders();
      if (unacked.length > 0) {
        const due = unacked.filter((key) => this.beatDue(key, now));
        if (due.length > 0) actions.push(this.heartbeat(due, false));
        this.scheduleHeartbeat(now);
      }
    }
    return actions;
  }

  /** Whether an unacknowledged reader is owed this periodic HEARTBEAT (and counts it). */
  private beatDue(key: string, now: number): boolean {
    const r = this.readers.get(key)!;
    if (now < r.nextBeatAt) return false;
    r.silentBeats++;
    const over = r.silentBeats - SILENT_BEATS_AT_FULL_RATE;
    const factor = over <= 0 ? 1 : Math.min(MAX_BEAT_BACKOFF, 2 ** over);
    // Half a period early: the writer's own period decides when it next looks.
    r.nextBeatAt = now + (factor - 0.5) * this.options.heartbeatPeriodMs;
    return true;
  }

  /**
   * A HEARTBEAT with the LIVELINESS flag to every matched reader: a MANUAL_BY_TOPIC writer
   * asserting its liveliness without data (RTPS 2.5 8.3.7.5; Fast DDS's assert_liveliness and
   * Cyclone's dds_assert_liveliness send one). Final: it asks for no answer.
   */
  livelinessHeartbeat(): WriterAction {
    return {
      kind: 'heartbeat',
      readers: this.allReaders(),
      firstSN: this.history.firstSN,
      lastSN: this.history.lastSN,
      count: ++this.heartbeatCount,
      final: true,
      liveliness: true,
    };
  }

  private heartbeat(readers: string[], final: boolean): WriterAction {
    return {
      kind: 'heartbeat',
      readers,
      firstSN: this.history.firstSN,
      lastSN: this.history.lastSN,
      count: ++this.heartbeatCount,
      final,
    };
  }

  private scheduleHeartbeat(now: number): void {
    this.heartbeatDue ??= now + this.options.heartbeatPeriodMs;
  }

  private allReaders(): string[] {
    // Cached like reliableKeys: a write makes no array of its own.
    if (this.allKeys === undefined) {
      this.allKeys = [...this.readers.keys()];
      this.allStates = [...this.readers.values()];
    }
    return this.allKeys;
  }

  private reliableReaders(): string[] {
    // Cached: asked on every write, changed only when readers come and go.
    this.reliableKeys ??= [...this.readers].filter(([, r]) => r.reliable).map(([k]) => k);
    return this.reliableKeys;
  }

  /**
   * Readers owed a HEARTBEAT: those missing acknowledgements, and those never heard from. A
   * Cyclone reader drops what arrives before it knows the writer, then takes the next HEARTBEAT
   * as the start of the stream (q_receive.c handle_Heartbeat); HEARTBEATs until the first
   * ACKNACK make sure it knows us before it matters.
   */
  private unacknowledgedReaders(): string[] {
    return [...this.readers]
      .filter(([, r]) => r.reliable && (!r.heard || r.ackedBelow <= this.history.lastSN))
      .map(([k]) => k);
  }

  /**
   * KEEP_ALL changes can go once every reliable reader has them, unless TRANSIENT_LOCAL keeps
   * them for readers yet to come.
   */
  private trimHistory(): void {
    if (this.history.policy.kind !== 'keep-all' || this.options.transientLocal) return;
    let low = this.history.lastSN + 1;
    for (const r of this.readers.values()) if (r.reliable) low = Math.min(low, r.ackedBelow);
    this.history.removeBelow(low);
  }
}

/**
 * A write's actions in their order (its DATA, GAPs, HEARTBEAT) in an array of their number: the
 * common shapes as literals, since a push onto an empty array reserves 16 slots.
 */
function inOrder(
  data: WriterAction | undefined,
  gaps: WriterAction[] | undefined,
  heartbeat: WriterAction | undefined,
): WriterAction[] {
  if (gaps !== undefined) {
    const out = data === undefined ? gaps : [data, ...gaps];
    if (heartbeat !== undefined) out.push(heartbeat);
    return out;
  }
  if (data === undefined) return heartbeat === undefined ? [] : [heartbeat];
  return heartbeat === undefined ? [data] : [data, heartbeat];
}

function isFor(change: CacheChange, readerKey: string): boolean {
  return change.readers === undefined || change.readers.has(readerKey);
}
