/**
 * A writer of this participant: the StatefulWriter state machine wired to the network. It turns
 * the state machine's actions into datagrams (INFO_DST to the reader's participant, INFO_TS,
 * DATA or DATA_FRAGs, GAP, HEARTBEAT) and feeds ACKNACKs and NACK_FRAGs back in.
 */
import type { Clock } from '../clock.js';
import { isNewCount } from '../counts.js';
import {
  DATA_OVERHEAD,
  dataFragSubmessages,
  dataSubmessage,
  dataSubmessages,
} from '../sender/data-submessages.js';
import { approximateSize } from '../sender/destination-batcher.js';
import { type DueItem, DueList, sent } from '../sender/due-list.js';
import { type Burst, FragmentPacer } from '../sender/fragment-pacer.js';
import { inMicrotask } from '../sender/microtasks.js';
import { ReusableList } from '../sender/reusable-list.js';
import { RTPS_HEADER_SIZE } from '../wire/message.js';
import { makeSet, setMembers } from '../wire/number-sets.js';
import type {
  AckNackSubmessage,
  InfoTimestampSubmessage,
  NackFragSubmessage,
  Submessage,
} from '../wire/submessage.js';
import { FLAG_ENDIANNESS, HeartbeatFlags } from '../wire/submessage.js';
import { type Guid, guidKey, timeFromMillis } from '../wire/types.js';
import { type CacheChange, type HistoryKind, WriterHistory } from '../writer/history.js';
import { StatefulWriter, type WriterAction, type WriterOptions } from '../writer/stateful-writer.js';
import type { Outbox, RemoteEndpoint } from './outbox.js';

export interface LocalWriterOptions extends WriterOptions {
  readonly history: HistoryKind;
  readonly maxSamples?: number;
}

/** Room for INFO_DST (16) and INFO_TS (12) ahead of the data, and a HEARTBEAT (32) after it. */
const CONTEXT_OVERHEAD = 16 + 12 + 32;
const INFO_TS_SIZE = 12;
/** What a datagram holds besides a queue: the RTPS header, INFO_DST and a closing HEARTBEAT. */
const DATAGRAM_PREAMBLE = RTPS_HEADER_SIZE + 16 + 32;

export class LocalWriter {
  readonly history: WriterHistory;
  private readonly machine: StatefulWriter;
  private readonly readers = new Map<string, RemoteEndpoint>();
  private readonly nackFragCounts = new Map<string, number>();
  /**
   * Submessages waiting to go out, per reader: everything this writer sends in one turn of the
   * event loop leaves together at its end (a microtask), packed into as few datagrams as fit.
   * Samples published in a burst then cost one datagram (one syscall, one wake-up of the reader)
   * per ~64 KB instead of one each, which is where a Node.js stack's throughput is capped
   * (issue 14). A HEARTBEAT superseded by a later one of the same turn is left out. A reader's
   * queue that holds a datagram's worth goes at once: large samples are not held back to leave
   * in one burst that the reader's socket buffer cannot take.
   *
   * Each reader's queue is kept from turn to turn with the storage of its list (see
   * ReusableList): a queue object, a list and an emptied map per turn were ~400 bytes a write.
   */
  private readonly queues = new Map<string, PendingSubmessages>();
  /** The queues with something in them (see DueList). */
  private readonly due = new DueList<PendingSubmessages>();
  private flushQueued = false;
  /** Samples larger than a burst leave in paced bursts (fragment-pacer.ts says why). */
  private readonly pacer = new FragmentPacer();
  private heartbeatFragCount = 0;
  /** The last INFO_TS made (see infoTs), and its timestamp. */
  private lastInfoTs: InfoTimestampSubmessage | undefined;
  private lastInfoTsMs = Number.NaN;
  /** The key of each matched reader's GUID object: a directed write names readers without a string each. */
  private readonly keys = new WeakMap<Guid, string>();
  /**
   * The `readers` of a change directed to one reader, by its GUID object: a client's requests and
   * a server's replies go to one reader each, write after write (a change never alters its set).
   */
  private readonly singleTargets = new WeakMap<Guid, ReadonlySet<string>>();
  /**
   * Told after each ACKNACK (a reader heard from, something acknowledged): what waits for
   * acknowledgements (a service client for its server, `waitForAllAcked`) checks again then.
   */
  onAckNackReceived: (() => void) | undefined = undefined;

  constructor(
    readonly guid: Guid,
    readonly options: LocalWriterOptions,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    /** Called with the writer's next deadline (Infinity for none) when it may have changed. */
    private readonly reschedule: (deadline?: number) => void = () => {},
  ) {
    this.history = new WriterHistory(options.history, options.maxSamples);
    this.machine = new StatefulWriter(this.history, options);
  }

  get matchedReaders(): readonly RemoteEndpoint[] {
    return [...this.readers.values()];
  }

  matchReader(reader: RemoteEndpoint): void {
    const key = guidKey(reader.guid);
    if (this.readers.has(key)) return;
    this.readers.set(key, reader);
    this.keys.set(reader.guid, key);
    const matched = { reliable: reader.reliable, transientLocal: reader.transientLocal ?? false };
    this.perform(this.machine.addReader(key, matched, this.clock.now()));
  }

  unmatchReader(reader: Guid): void {
    const key = guidKey(reader);
    if (this.readers.delete(key)) this.machine.removeReader(key);
    // One still due is emptied at the flush (sendQueued finds no reader).
    this.queues.delete(key);
    this.pacer.cancel(key);
  }

  /**
   * Writes one serialized sample (encapsulation header included); returns its change. With `to`,
   * only those matched readers get it (the others a GAP).
   */
  write(payload: Uint8Array | undefined, inlineQos?: Uint8Array, to?: readonly Guid[]): CacheChange {
    const now = this.clock.now();
    const readers = to === undefined ? undefined : this.keysOf(to);
    // One object shape for every change: optional fields stay present (undefined) on purpose.
    const { change, actions } = this.machine.write(
      { payload, inlineQos, timestampMs: Date.now(), readers },
      now,
    );
    this.perform(actions);
    return change;
  }

  /** Asserts a MANUAL_BY_TOPIC writer's liveliness to every matched reader, without data. */
  assertLiveliness(): void {
    this.perform([this.machine.livelinessHeartbeat()]);
  }

  private keysOf(to: readonly Guid[]): ReadonlySet<string> {
    if (to.length === 1) {
      const g = to[0]!;
      let one = this.singleTargets.get(g);
      if (one === undefined) {
        one = new Set([this.keys.get(g) ?? guidKey(g)]);
        this.singleTargets.set(g, one);
      }
      return one;
    }
    const out = new Set<string>();
    for (const g of to) out.add(this.keys.get(g) ?? guidKey(g));
    return out;
  }

  /** Forgets one change (readers asking for it get a GAP). */
  removeChange(sn: number): void {
    this.history.remove(sn);
  }

  /** Whether a matched reliable reader has acknowledged anything yet (so it knows us). */
  hasHeardFrom(reader: Guid): boolean {
    return this.machine.hasHeardFrom(guidKey(reader));
  }

  unacknowledgedCount(): number {
    return this.machine.unacknowledgedCount();
  }

  /** Whether every matched reliable reader acknowledged everything written. */
  allAcknowledged(): boolean {
    return this.machine.allAcknowledged();
  }

  onAckNack(readerPrefix: Uint8Array, m: AckNackSubmessage): void {
    const key = guidKey({ prefix: readerPrefix, entityId: m.readerId });
    this.machine.onAckNack(key, m.readerSNState.base, setMembers(m.readerSNState), m.count, this.clock.now());
    this.reschedule(this.nextDeadline() ?? Number.POSITIVE_INFINITY);
    this.onAckNackReceived?.();
  }

  /**
   * A reader misses fragments of a sample: resend just those. Resending the whole sample would
   * make a large sample a burst the reader's socket buffer drops again, over and over.
   */
  onNackFrag(readerPrefix: Uint8Array, m: NackFragSubmessage): void {
    const key = guidKey({ prefix: readerPrefix, entityId: m.readerId });
    const reader = this.readers.get(key);
    if (!reader || !isNewCount(m.count, this.nackFragCounts.get(key) ?? Number.NEGATIVE_INFINITY)) return;
    this.nackFragCounts.set(key, m.count);
    const change = this.history.get(m.writerSN);
    if (!change?.payload) return; // gone: the next HEARTBEAT tells the reader it may skip it
    const wanted = new Set(this.pacer.requested(key, m.writerSN, setMembers(m.fragmentNumberState)));
    const maxDataPayload = this.maxDataPayload();
    const fragments = dataSubmessages(
      change,
      reader.guid.entityId,
      this.guid.entityId,
      maxDataPayload,
      maxDataPayload & ~3,
    ).filter((s) => s.kind === 'DATA_FRAG' && wanted.has(s.fragmentStartingNum));
    if (fragments.length === 0) return;
    this.sendTo(reader, [this.infoTs(change.timestampMs), ...fragments]);
  }

  nextDeadline(): number | undefined {
    const machine = this.machine.nextDeadline();
    const pacer = this.pacer.nextDeadline();
    if (pacer === undefined) return machine;
    return machine === undefined ? pacer : Math.min(machine, pacer);
  }

  poll(now: number): void {
    this.perform(this.machine.poll(now));
    if (this.pacer.active === 0) return;
    for (const burst of this.pacer.poll(now, (sn) => this.history.get(sn) !== undefined)) {
      const change = this.history.get(burst.sn);
      if (!change || !this.readers.has(burst.reader)) continue;
      this.enqueue(burst.reader, this.burstSubmessages(change.timestampMs, burst));
    }
    this.queueFlush();
    this.reschedule();
  }

  /** A burst of a paced sample: its fragments, then (unless it ends the sample) a HEARTBEAT_FRAG. */
  private burstSubmessages(timestampMs: number, burst: Burst): Submessage[] {
    const first = burst.fragments[0]!;
    const out: Submessage[] = [this.infoTs(timestampMs), ...burst.fragments];
    // Readers learn how far the sample got, so they ask for the holes of a burst at once.
    if (!burst.done)
      out.push({
        kind: 'HEARTBEAT_FRAG',
        flags: FLAG_ENDIANNESS,
        readerId: first.readerId,
        writerId: first.writerId,
        writerSN: burst.sn,
        lastFragmentNum: burst.lastFragmentNum,
        count: ++this.heartbeatFragCount,
      });
    return out;
  }

  private queueFlush(): void {
    if (!this.flushQueued && this.due.length > 0) {
      this.flushQueued = true;
      inMicrotask(this.flush);
    }
  }

  private perform(actions: readonly WriterAction[]): void {
    if (actions.length === 0) return;
    // Straight into the per-reader queues (one datagram stream per reader, so each carries the
    // right INFO_DST): no per-call map or copies, since this runs for every sample and reply.
    const maxDataPayload = this.maxDataPayload();
    const fragmentSize = maxDataPayload & ~3;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i]!;
      if (a.kind === 'data') {
        for (let r = 0; r < a.readers.length; r++) {
          const key = a.readers[r]!;
          const reader = this.readers.get(key);
          if (!reader) continue;
          const data = dataSubmessage(a.change, reader.guid.entityId, this.guid.entityId, maxDataPayload);
          if (data === undefined) {
            const subs = dataFragSubmessages(
              a.change,
              reader.guid.entityId,
              this.guid.entityId,
              fragmentSize,
            );
            const burst = this.pacer.start(key, a.change.sn, subs, this.clock.now());
            if (burst) this.enqueue(key, this.burstSubmessages(a.change.timestampMs, burst));
          } else {
            const queued = this.queueOf(key);
            const stamped = queued.timestampMs === a.change.timestampMs;
            const p = this.roomFor(key, queued, approximateSize(data) + (stamped ? 0 : INFO_TS_SIZE));
            // One INFO_TS per timestamp in a datagram (as Cyclone sends): it holds for what follows.
            if (p.timestampMs !== a.change.timestampMs) {
              this.push(p, this.infoTs(a.change.timestampMs));
              p.timestampMs = a.change.timestampMs;
            }
            this.push(p, data);
            this.sendIfFull(p);
          }
        }
      } else if (a.kind === 'gap') {
        const reader = this.readers.get(a.reader);
        if (!reader) continue;
        this.enqueueOne(a.reader, {
          kind: 'GAP',
          flags: FLAG_ENDIANNESS,
          readerId: reader.guid.entityId,
          writerId: this.guid.entityId,
          gapStart: a.from,
          gapList: makeSet(a.to + 1, [], 0),
        });
      } else {
        for (let r = 0; r < a.readers.length; r++) {
          const key = a.readers[r]!;
          const reader = this.readers.get(key);
          if (!reader) continue;
          this.enqueueOne(key, {
            kind: 'HEARTBEAT',
            flags:
              FLAG_ENDIANNESS |
              (a.final ? HeartbeatFlags.FINAL : 0) |
              (a.liveliness ? HeartbeatFlags.LIVELINESS : 0),
            readerId: reader.guid.entityId,
            writerId: this.guid.entityId,
            firstSN: a.firstSN,
            lastSN: a.lastSN,
            count: a.count,
          });
        }
      }
    }
    this.queueFlush();
    this.reschedule(this.nextDeadline() ?? Number.POSITIVE_INFINITY);
  }

  /** Queues a group of submessages for a reader (kept in one datagram); a datagram's worth leaves at once. */
  private enqueue(key: string, subs: readonly Submessage[]): void {
    const p = this.queueOf(key);
    for (const m of subs) this.push(p, m);
    this.sendIfFull(p);
  }

  private enqueueOne(key: string, m: Submessage): void {
    const p = this.queueOf(key);
    this.push(p, m);
    this.sendIfFull(p);
  }

  /** A reader's queue, due at this turn's flush. */
  private queueOf(key: string): PendingSubmessages {
    let p = this.queues.get(key);
    if (!p) {
      p = { key, subs: new ReusableList(), heartbeat: -1, bytes: 0, timestampMs: Number.NaN, dueAt: -1 };
      this.queues.set(key, p);
    }
    this.due.mark(p);
    return p;
  }

  /**
   * A reader's queue (`p`, its current one) with room for `bytes` more (and the HEARTBEAT that may follow) in one
   * datagram: a queue that would overflow leaves first, so a datagram is never split into a
   * full one and a few submessages of their own.
   */
  private roomFor(key: string, p: PendingSubmessages, bytes: number): PendingSubmessages {
    if (p.bytes === 0 || p.bytes + bytes <= this.outbox.maxDatagramSize - DATAGRAM_PREAMBLE) return p;
    this.sendQueued(p);
    return this.queueOf(key);
  }

  private push(p: PendingSubmessages, m: Submessage): void {
    // Whose INFO_TS this is, only the data path knows (and notes it after pushing).
    if (m.kind === 'INFO_TS') p.timestampMs = Number.NaN;
    else if (m.kind === 'HEARTBEAT') {
      const superseded = p.heartbeat >= 0 ? p.subs.items[p.heartbeat] : undefined;
      if (superseded) {
        p.subs.items[p.heartbeat] = undefined;
        p.bytes -= approximateSize(superseded);
        // A liveliness assertion, or a request for an ACKNACK (no F flag: StatefulWriter asks
        // only now and then), must not be lost to the HEARTBEAT that replaces it.
        const liveliness = superseded.flags & HeartbeatFlags.LIVELINESS;
        const asks = (superseded.flags & HeartbeatFlags.FINAL) === 0;
        if (liveliness || (asks && m.flags & HeartbeatFlags.FINAL)) {
          const flags = m.flags | liveliness;
          m = { ...m, flags: asks ? flags & ~HeartbeatFlags.FINAL : flags };
        }
      }
      p.heartbeat = p.subs.length;
    }
    p.subs.push(m);
    p.bytes += approximateSize(m);
  }

  private sendIfFull(p: PendingSubmessages): void {
    if (p.bytes >= this.outbox.maxDatagramSize) this.sendQueued(p);
  }

  /** Hands a queue to the outbox (which copies it) and empties it; not due until it fills again. */
  private readonly sendQueued = (p: PendingSubmessages): void => {
    const reader = this.readers.get(p.key);
    // Holes (superseded HEARTBEATs) are skipped by the outbox.
    if (reader) this.outbox.submit(reader.guid.prefix, reader.locators, p.subs.items, p.subs.length);
    p.subs.clear();
    p.heartbeat = -1;
    p.bytes = 0;
    p.timestampMs = Number.NaN;
    sent(p);
  };

  /** Sends what this turn of the loop queued (also called before the writer goes away). */
  readonly flush = (): void => {
    this.flushQueued = false;
    this.due.flush(this.sendQueued);
  };

  /** The most payload one DATA carries (the fragment size above it is this rounded down to 4). */
  private maxDataPayload(): number {
    return this.outbox.maxDatagramSize - RTPS_HEADER_SIZE - CONTEXT_OVERHEAD - DATA_OVERHEAD;
  }

  /**
   * An INFO_TS for `timestampMs`: the last one made when it is of the same millisecond, as most
   * of a busy writer's changes are (a submessage is never changed once made, so queues share it).
   */
  private infoTs(timestampMs: number): InfoTimestampSubmessage {
    if (this.lastInfoTs === undefined || this.lastInfoTsMs !== timestampMs) {
      this.lastInfoTs = { kind: 'INFO_TS', flags: FLAG_ENDIANNESS, timestamp: timeFromMillis(timestampMs) };
      this.lastInfoTsMs = timestampMs;
    }
    return this.lastInfoTs;
  }

  /** Hands submessages for one reader to the participant, which sends them with the rest for its participant. */
  private sendTo(reader: RemoteEndpoint, subs: readonly Submessage[]): void {
    this.outbox.submit(reader.guid.prefix, reader.locators, subs);
  }
}

interface PendingSubmessages extends DueItem {
  /** The reader's key. */
  readonly key: string;
  /** In order; a HEARTBEAT superseded by a later one is left as a hole. */
  readonly subs: ReusableList<Submessage>;
  /** Where the last HEARTBEAT is in `subs` (-1: none). */
  heartbeat: number;
  bytes: number;
  /** The timestamp of the last INFO_TS in `subs` (NaN: none). */
  timestampMs: number;
}
