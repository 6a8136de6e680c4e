/**
 * Reader-bound submessages (DATA, DATA_FRAG, HEARTBEAT, HEARTBEAT_FRAG, GAP) from a writer that
 * a known participant has not announced to us yet, held for a moment and handed back when that
 * writer's SEDP arrives and matches. Pure: it takes `now` and says when it next needs a call.
 *
 * Why (issue 11, seen on the wire with a real Jazzy `ros2 topic pub --once` over Fast DDS 2.14):
 * the new participant sends, within a millisecond, a HEARTBEAT 1-0 to our user port, its SEDP
 * DATA(w) to our metatraffic port, and its first user DATA to our user port. The two ports are
 * two sockets; when the event loop is busy for that millisecond, it then reads the user socket
 * first, and without this the DATA comes from a writer we have not matched and is dropped. The
 * SEDP that follows matches the writer, our preemptive ACKNACK (base 1, nothing missing as far
 * as we know) asks for nothing, and Fast DDS's next HEARTBEAT is 3 s away: the publisher exits
 * first and the sample is lost. A real Fast DDS reader reads each socket on its own thread and
 * wins the race; rclcpp never sees it. A `ros2 param list` asked as soon as our node shows up
 * loses its first request the same way.
 *
 * Holding is bounded so that it cannot be abused: only for participants we know (SPDP) and
 * writers we have not heard of in SEDP (a known writer that did not match is not for us), a few
 * submessages and bytes per participant, a total, and a short age; payloads are copied, so what
 * is held is what is counted, not the datagrams they came in.
 */
import type { ReceiveContext } from '../message-receiver.js';
import type {
  DataFragSubmessage,
  DataSubmessage,
  GapSubmessage,
  HeartbeatFragSubmessage,
  HeartbeatSubmessage,
} from '../wire/submessage.js';
import type { Guid } from '../wire/types.js';

export type HeldSubmessage =
  | DataSubmessage
  | DataFragSubmessage
  | HeartbeatSubmessage
  | HeartbeatFragSubmessage
  | GapSubmessage;

export interface EarlyArrival {
  readonly ctx: ReceiveContext;
  readonly m: HeldSubmessage;
}

export interface EarlyArrivalLimits {
  /** How long a submessage waits for its writer's SEDP: about one Fast DDS heartbeat period (3 s), after which a lost SEDP is resent. */
  readonly maxAgeMs: number;
  /** Submessages held per remote participant. */
  readonly perParticipant: number;
  /** Bytes held per remote participant. */
  readonly perParticipantBytes: number;
  /** Bytes held in all. */
  readonly totalBytes: number;
}

export const DEFAULT_EARLY_ARRIVAL_LIMITS: EarlyArrivalLimits = {
  maxAgeMs: 3_000,
  perParticipant: 64,
  perParticipantBytes: 256 * 1024,
  totalBytes: 2 * 1024 * 1024,
};

/** What a held submessage costs beyond its payload: the objects that describe it. */
const OVERHEAD_BYTES = 160;

export type EarlyArrivalDrop = 'over-budget' | 'expired';

interface Held extends EarlyArrival {
  readonly writerId: number;
  readonly at: number;
  readonly bytes: number;
}

interface ParticipantQueue {
  readonly items: Held[];
  bytes: number;
}

export class EarlyArrivals {
  private readonly byParticipant = new Map<string, ParticipantQueue>();
  private totalBytes = 0;
  /** Held submessages later handed back to a matched writer. */
  released = 0;

  constructor(
    private readonly limits: EarlyArrivalLimits = DEFAULT_EARLY_ARRIVAL_LIMITS,
    private readonly onDrop: (why: EarlyArrivalDrop, count: number) => void = () => {},
  ) {}

  get size(): number {
    let n = 0;
    for (const q of this.byParticipant.values()) n += q.items.length;
    return n;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * Keeps a copy of `m` (received in the context `ctx`) for when its writer matches; false when
   * a limit says no (counted as 'over-budget').
   */
  hold(ctx: ReceiveContext, m: HeldSubmessage, now: number): boolean {
    this.expire(now);
    const copy = copySubmessage(m);
    const bytes = OVERHEAD_BYTES + payloadBytes(copy);
    let q = this.byParticipant.get(ctx.sourceKey);
    if (
      (q?.items.length ?? 0) >= this.limits.perParticipant ||
      (q?.bytes ?? 0) + bytes > this.limits.perParticipantBytes ||
      this.totalBytes + bytes > this.limits.totalBytes
    ) {
      this.onDrop('over-budget', 1);
      return false;
    }
    if (!q) {
      q = { items: [], bytes: 0 };
      this.byParticipant.set(ctx.sourceKey, q);
    }
    q.items.push({ ctx: snapshot(ctx), m: copy, writerId: m.writerId, at: now, bytes });
    q.bytes += bytes;
    this.totalBytes += bytes;
    return true;
  }

  /** Removes and returns, in arrival order, what is held from `writer` (its participant's key). */
  take(prefixKey: string, writer: Guid, now: number): EarlyArrival[] {
    this.expire(now);
    const q = this.byParticipant.get(prefixKey);
    if (!q) return [];
    const out: EarlyArrival[] = [];
    const keep: Held[] = [];
    for (const h of q.items) {
      if (h.writerId === writer.entityId) out.push(h);
      else keep.push(h);
    }
    if (out.length === 0) return [];
    this.replace(prefixKey, q, keep);
    this.released += out.length;
    return out.map(({ ctx, m }) => ({ ctx, m }));
  }

  /** Drops what a participant sent: it left, or its lease ended. */
  forgetParticipant(prefixKey: string): void {
    const q = this.byParticipant.get(prefixKey);
    if (q) this.replace(prefixKey, q, []);
  }

  /** When the oldest held submessage expires, or undefined when nothing is held. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const q of this.byParticipant.values()) {
      const first = q.items[0];
      if (first && (next === undefined || first.at + this.limits.maxAgeMs < next))
        next = first.at + this.limits.maxAgeMs;
    }
    return next;
  }

  poll(now: number): void {
    this.expire(now);
  }

  /** Drops what has waited longer than the age limit. */
  expire(now: number): void {
    if (this.totalBytes === 0) return;
    for (const [key, q] of this.byParticipant) {
      const limit = now - this.limits.maxAgeMs;
      let n = 0;
      while (n < q.items.length && q.items[n]!.at <= limit) n++;
      if (n === 0) continue;
      this.onDrop('expired', n);
      this.replace(key, q, q.items.slice(n));
    }
  }

  private replace(key: string, q: ParticipantQueue, items: Held[]): void {
    let bytes = 0;
    for (const h of items) bytes += h.bytes;
    this.totalBytes -= q.bytes - bytes;
    if (items.length === 0) {
      this.byParticipant.delete(key);
      return;
    }
    q.items.length = 0;
    q.items.push(...items);
    q.bytes = bytes;
  }
}

/** The receive context is changed in place as a message is walked: keep what it is now. */
function snapshot(ctx: ReceiveContext): ReceiveContext {
  return {
    sourceGuidPrefix: ctx.sourceGuidPrefix,
    sourceKey: ctx.sourceKey,
    sourceVendorId: ctx.sourceVendorId,
    sourceVersion: ctx.sourceVersion,
    destGuidPrefix: ctx.destGuidPrefix,
    ...(ctx.timestamp ? { timestamp: ctx.timestamp } : {}),
    unicastReplyLocators: ctx.unicastReplyLocators,
    multicastReplyLocators: ctx.multicastReplyLocators,
  };
}

/** Payloads view the datagram they came in: copy them so that only their own bytes are kept. */
function copySubmessage(m: HeldSubmessage): HeldSubmessage {
  switch (m.kind) {
    case 'DATA':
      return {
        ...m,
        ...(m.inlineQos ? { inlineQos: copyBytes(m.inlineQos) } : {}),
        ...(m.payload ? { payload: copyBytes(m.payload) } : {}),
      };
    case 'DATA_FRAG':
      return {
        ...m,
        ...(m.inlineQos ? { inlineQos: copyBytes(m.inlineQos) } : {}),
        fragments: copyBytes(m.fragments),
      };
    default:
      return m;
  }
}

/** A copy (a Buffer's `slice` would be a view). */
const copyBytes = (b: Uint8Array): Uint8Array => new Uint8Array(b);

function payloadBytes(m: HeldSubmessage): number {
  switch (m.kind) {
    case 'DATA':
      return (m.inlineQos?.byteLength ?? 0) + (m.payload?.byteLength ?? 0);
    case 'DATA_FRAG':
      return (m.inlineQos?.byteLength ?? 0) + m.fragments.byteLength;
    default:
      return 0;
  }
}
