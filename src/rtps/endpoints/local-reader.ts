/**
 * A reader of this participant: per matched writer a WriterProxy (ordering, duplicates, GAPs,
 * HEARTBEAT/ACKNACK) and a FragmentAssembler, wired to the network. Samples are handed to
 * `deliver` in order, exactly once for a reliable reader.
 */
import type { Clock } from '../clock.js';
import type { ReceiveContext } from '../message-receiver.js';
import {
  type AssemblerLimits,
  DEFAULT_ASSEMBLER_LIMITS,
  FragmentAssembler,
} from '../reader/fragment-assembler.js';
import { type ReceivedSample, WriterProxy } from '../reader/writer-proxy.js';
import { makeSet, setMembers } from '../wire/number-sets.js';
import type {
  DataFragSubmessage,
  DataSubmessage,
  GapSubmessage,
  HeartbeatFragSubmessage,
  HeartbeatSubmessage,
  Submessage,
} from '../wire/submessage.js';
import { AckNackFlags, DataFlags, FLAG_ENDIANNESS, HeartbeatFlags } from '../wire/submessage.js';
import { type Guid, prefixKey, timeToMillis } from '../wire/types.js';
import type { Outbox, RemoteEndpoint } from './outbox.js';

/** Fragments asked for in one NACK_FRAG: 64 of ~64 KB is 4 MB, what a socket buffer here takes. */
const MAX_NACKED_FRAGMENTS = 64;

export interface LocalReaderOptions {
  readonly reliable: boolean;
  readonly maxBuffered?: number;
  readonly heartbeatResponseDelayMs?: number;
  readonly assembler?: AssemblerLimits;
  /** Told why a fragment was refused (over a limit, inconsistent), to count it. */
  readonly onFragmentRejected?: (reason: string) => void;
  /** Told of samples lost from a matched writer (counted by its WriterProxy), when there are some. */
  readonly onMessageLost?: (count: number) => void;
}

export interface DeliveredSample extends ReceivedSample {
  readonly writer: Guid;
}

interface Matched {
  readonly writer: RemoteEndpoint;
  readonly proxy: WriterProxy;
  readonly assembler: FragmentAssembler;
  nackFragCount: number;
}

export class LocalReader {
  /** Matched writers by their participant's prefix key, then entity id: no string per lookup. */
  private readonly writers = new Map<string, Map<number, Matched>>();
  /** The same matched writers as a plain array, for poll. */
  private readonly list: Matched[] = [];
  /**
   * No later than the earliest deadline of any matched writer's proxy (or undefined: none has
   * one). The scheduler asks after every datagram, and a builtin reader has a proxy per remote
   * participant: a scan each time made discovery of N participants cost N^3. A proxy's deadline
   * only moves earlier outside poll, so each proxy call just lowers this; poll, which looks at
   * every proxy anyway, sets it exactly. Early (a proxy unmatched) costs one idle poll.
   */
  private earliest: number | undefined = undefined;

  constructor(
    readonly guid: Guid,
    readonly options: LocalReaderOptions,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly deliver: (sample: DeliveredSample) => void,
    private readonly reschedule: (deadline?: number) => void = () => {},
  ) {}

  get matchedWriters(): readonly RemoteEndpoint[] {
    return this.list.map((m) => m.writer);
  }

  matchWriter(writer: RemoteEndpoint): void {
    const key = prefixKey(writer.guid.prefix);
    const byId = this.writers.get(key) ?? new Map<number, Matched>();
    this.writers.set(key, byId);
    if (byId.has(writer.guid.entityId)) return;
    const reliable = this.options.reliable && writer.reliable;
    const matched: Matched = {
      writer,
      proxy: new WriterProxy({
        reliable,
        maxBuffered: this.options.maxBuffered ?? 1024,
        heartbeatResponseDelayMs: this.options.heartbeatResponseDelayMs ?? 5,
      }),
      assembler: new FragmentAssembler(this.options.assembler ?? DEFAULT_ASSEMBLER_LIMITS),
      nackFragCount: 0,
    };
    byId.set(writer.guid.entityId, matched);
    this.list.push(matched);
    if (reliable) {
      matched.proxy.requestPreemptiveAck(this.clock.now());
      this.noteDeadline(matched);
      this.reschedule(this.nextDeadline() ?? Number.POSITIVE_INFINITY);
    }
  }

  unmatchWriter(writer: Guid): void {
    const key = prefixKey(writer.prefix);
    const byId = this.writers.get(key);
    const gone = byId?.get(writer.entityId);
    byId?.delete(writer.entityId);
    if (byId?.size === 0) this.writers.delete(key);
    if (gone) {
      this.list.splice(this.list.indexOf(gone), 1);
      gone.assembler.clear();
    }
  }

  /** Whether a writer (its participant's prefix key and entity id) is matched. */
  isMatched(prefixKey: string, entityId: number): boolean {
    return this.writers.get(prefixKey)?.has(entityId) ?? false;
  }

  onData(ctx: ReceiveContext, m: DataSubmessage): void {
    const matched = this.matched(ctx, m.writerId);
    if (!matched) return;
    const keyOnly = (m.flags & DataFlags.KEY) !== 0 || (m.flags & DataFlags.DATA) === 0;
    const released = matched.proxy.onData(
      sampleOf(matched.writer.guid, m.writerSN, m.payload, m.inlineQos, keyOnly, ctx, m.flags),
      this.clock.now(),
    );
    this.noteDeadline(matched);
    this.reportLost(matched);
    this.emit(released);
  }

  onDataFrag(ctx: ReceiveContext, m: DataFragSubmessage): void {
    const matched = this.matched(ctx, m.writerId);
    if (!matched || m.writerSN < matched.proxy.expected) return;
    const outcome = matched.assembler.add(m, this.clock.now());
    if (outcome.kind === 'rejected') this.options.onFragmentRejected?.(outcome.reason);
    if (outcome.kind !== 'complete') return;
    const released = matched.proxy.onData(
      sampleOf(matched.writer.guid, m.writerSN, outcome.payload, outcome.inlineQos, false, ctx, m.flags),
      this.clock.now(),
    );
    this.noteDeadline(matched);
    this.reportLost(matched);
    this.emit(released);
  }

  onHeartbeat(ctx: ReceiveContext, m: HeartbeatSubmessage): void {
    const matched = this.matched(ctx, m.writerId);
    if (!matched) return;
    const final = (m.flags & HeartbeatFlags.FINAL) !== 0;
    const released = matched.proxy.onHeartbeat(m.firstSN, m.lastSN, m.count, final, this.clock.now());
    this.noteDeadline(matched);
    this.reportLost(matched);
    this.emit(released);
    matched.assembler.dropBelow(matched.proxy.expected);
    this.reschedule(this.nextDeadline() ?? Number.POSITIVE_INFINITY);
  }

  /** A writer says a fragmented sample is complete up to a fragment: ask for the holes. */
  onHeartbeatFrag(ctx: ReceiveContext, m: HeartbeatFragSubmessage): void {
    const matched = this.matched(ctx, m.writerId);
    if (!matched) return;
    const nack = this.nackFrag(matched, m.writerSN, m.lastFragmentNum);
    if (nack) this.sendTo(matched, [nack]);
  }

  /**
   * A NACK_FRAG for the holes of a sample in progress (fragments up to `upTo`), or undefined.
   * At most MAX_NACKED_FRAGMENTS at a time: asking for a whole large sample again would be a
   * burst the socket buffer drops, round after round.
   */
  private nackFrag(matched: Matched, sn: number, upTo = Number.POSITIVE_INFINITY): Submessage | undefined {
    const missing = matched.assembler.missingFragments(sn, MAX_NACKED_FRAGMENTS).filter((f) => f <= upTo);
    if (missing.length === 0) return undefined;
    return {
      kind: 'NACK_FRAG',
      flags: FLAG_ENDIANNESS,
      readerId: this.guid.entityId,
      writerId: matched.writer.guid.entityId,
      writerSN: sn,
      fragmentNumberState: makeSet(missing[0]!, missing),
      count: ++matched.nackFragCount,
    };
  }

  onGap(ctx: ReceiveContext, m: GapSubmessage): void {
    const matched = this.matched(ctx, m.writerId);
    if (!matched) return;
    const released = matched.proxy.onGap(m.gapStart, m.gapList);
    this.reportLost(matched);
    this.emit(released);
    matched.assembler.dropBelow(matched.proxy.expected);
  }

  nextDeadline(): number | undefined {
    return this.earliest;
  }

  poll(now: number): void {
    this.earliest = undefined;
    for (let i = 0; i < this.list.length; i++) {
      const m = this.list[i]!;
      const plan = m.proxy.poll(now);
      this.noteDeadline(m);
      if (!plan) continue;
      // Samples partly here are asked for by fragment (NACK_FRAG), not whole (ACKNACK). Most
      // readers have none in progress: then no set or array is made for them.
      const nacks: Submessage[] | undefined = m.assembler.inProgressCount > 0 ? [] : undefined;
      let state = plan.readerSNState;
      if (nacks !== undefined) {
        const partial = new Set(m.assembler.inProgress());
        const missing = setMembers(state);
        for (const sn of missing) {
          if (!partial.has(sn)) continue;
          const nack = this.nackFrag(m, sn);
          if (nack) nacks.push(nack);
        }
        if (nacks.length > 0) {
          state = makeSet(
            state.base,
            missing.filter((sn) => !partial.has(sn)),
            state.numBits,
          );
        }
      }
      const ack: Submessage = {
        kind: 'ACKNACK',
        flags: FLAG_ENDIANNESS | (plan.final ? AckNackFlags.FINAL : 0),
        readerId: this.guid.entityId,
        writerId: m.writer.guid.entityId,
        readerSNState: state,
        count: plan.count,
      };
      this.sendTo(m, nacks === undefined || nacks.length === 0 ? [ack] : [ack, ...nacks]);
    }
  }

  /** A proxy's deadline may have moved (earlier: see `earliest`). */
  private noteDeadline(m: Matched): void {
    const d = m.proxy.nextDeadline();
    if (d !== undefined && (this.earliest === undefined || d < this.earliest)) this.earliest = d;
  }

  /** Before the samples that showed the loss are handed on, as Fast DDS calls on_sample_lost first. */
  private reportLost(m: Matched): void {
    const lost = m.proxy.takeLost();
    if (lost > 0) this.options.onMessageLost?.(lost);
  }

  private matched(ctx: ReceiveContext, writerId: number): Matched | undefined {
    return this.writers.get(ctx.sourceKey)?.get(writerId);
  }

  /** Hands on what a proxy released: every sample was made by `sampleOf`, so it names its writer. */
  private emit(samples: readonly ReceivedSample[]): void {
    // Indexed: a for-of here made an iterator per call (the proxy returns arrays of two kinds).
    for (let i = 0; i < samples.length; i++) this.deliver(samples[i] as DeliveredSample);
  }

  /** ACKNACKs of one poll to one participant's writers leave together (destination-batcher.ts). */
  private sendTo(m: Matched, subs: readonly Submessage[]): void {
    this.outbox.submit(m.writer.guid.prefix, m.writer.locators, subs);
  }
}

function sampleOf(
  writer: Guid,
  sn: number,
  payload: Uint8Array | undefined,
  inlineQos: Uint8Array | undefined,
  keyOnly: boolean,
  ctx: ReceiveContext,
  flags: number,
): DeliveredSample {
  // One object shape for every sample (absent fields stay present, undefined): the code that
  // takes samples sees one shape, not one per combination of fields, from its first call.
  return {
    writer,
    sn,
    littleEndian: (flags & FLAG_ENDIANNESS) !== 0,
    payload,
    inlineQos,
    keyOnly: keyOnly || undefined,
    timestampMs: ctx.timestamp ? timeToMillis(ctx.timestamp) : undefined,
  };
}
