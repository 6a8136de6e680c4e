/**
 * Why a datagram, or the rest of one, was dropped. Each reason is counted, and published on the
 * `ros2ts:rtps:drop` diagnostics channel (free when nobody listens), never thrown out of the
 * receive path.
 */
import { channel } from 'node:diagnostics_channel';

export type DropReason =
  | 'not-rtps' // no 'RTPS' magic: not ours to read (Cyclone sends 1-byte pings on leaving)
  | 'short-header'
  | 'unsupported-version'
  | 'truncated-submessage' // a submessage claims more bytes than the datagram has
  | 'malformed-submessage' // a field inconsistent with the spec (bad set size, bad length...)
  | 'malformed-parameter-list'
  | 'invalid-sequence-numbers' // breaks a validity rule of RTPS 8.3.7 (HEARTBEAT firstSN > lastSN + 1...)
  | 'fragment-rejected' // a DATA_FRAG over a reassembly limit, or inconsistent with the sample's others
  | 'unreachable-locator' // an announced address outside the discovery range (or multicast)
  | 'locator-limit' // an announcement with more locators of a kind than we keep
  | 'participant-limit' // a new participant while the table of known ones is full
  | 'new-participant-rate' // a new participant past the rate at which we take them in
  | 'endpoint-limit' // a new endpoint of a participant that has as many as we keep of one
  | 'early-arrival-over-budget' // from a writer not yet announced, and the hold limits are reached
  | 'early-arrival-expired' // from a writer whose announcement did not come in time
  | 'not-for-us' // addressed (INFO_DST, or a writer/reader id) to a participant or endpoint that is not ours
  | 'unmatched-writer' // from a writer none of our readers is matched with (and not one we wait to hear announced)
  | 'decode-failed'; // a discovery sample whose body does not decode

/** Thrown inside the parser only; turned into a counted drop at the message boundary. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
  constructor(
    readonly reason: DropReason,
    message: string,
  ) {
    super(message);
  }
}

export interface DropEvent {
  readonly reason: DropReason;
  readonly detail: string;
  readonly source?: string;
  /** How many were dropped for this reason at once (1 unless said). */
  readonly count?: number;
}

const dropChannel = channel('ros2ts:rtps:drop');

/** Senders remembered per reason: enough to name who is flooding, bounded whatever arrives. */
export const MAX_SOURCES_PER_REASON = 8;
/** Where drops from senders past that bound are counted. */
export const OTHER_SOURCES = 'other';

/** The address a datagram came from, as the receive path has it (a UDP locator). */
export interface DropSender {
  readonly address: string;
  readonly port: number;
}

/** Counts drops by reason, and by sender within a reason; one per receive path. */
export class DropCounter {
  readonly counts = new Map<DropReason, number>();
  private readonly senders = new Map<DropReason, Map<string, number>>();
  /**
   * The datagram being handled, set by the receive loop around its handling so that every drop it
   * causes, however deep, is charged to the address it came from without passing it down.
   */
  current: DropSender | undefined = undefined;

  /** Counts `count` drops of one reason at once (the locators refused from one announcement...). */
  drop(reason: DropReason, detail: string, source?: string, count = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
    const from = source ?? (this.current ? `${this.current.address}:${this.current.port}` : undefined);
    if (from !== undefined) this.chargeSender(reason, from, count);
    if (dropChannel.hasSubscribers)
      dropChannel.publish({ reason, detail, source: from, count } satisfies DropEvent);
  }

  /** Who sent what was dropped for `reason`, most first; past the bound, under OTHER_SOURCES. */
  sources(reason: DropReason): Array<[string, number]> {
    return [...(this.senders.get(reason) ?? [])].sort((a, b) => b[1] - a[1]);
  }

  private chargeSender(reason: DropReason, from: string, count: number): void {
    let bySender = this.senders.get(reason);
    if (!bySender) {
      bySender = new Map();
      this.senders.set(reason, bySender);
    }
    const known = bySender.get(from);
    if (known !== undefined) bySender.set(from, known + count);
    else {
      const key = bySender.size < MAX_SOURCES_PER_REASON ? from : OTHER_SOURCES;
      bySender.set(key, (bySender.get(key) ?? 0) + count);
    }
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
