/**
 * The communication statuses of one local writer or reader (DDS 1.4 2.2.4.1), counted as the
 * participant matches, unmatches and times it, and handed to the endpoint's listeners. Each
 * `*Change` field is the change since the status was last handed over, as DDS resets them when a
 * listener is called (Fast DDS DataReaderImpl::deadline_missed, Cyclone dds_reader.c): a listener
 * called at every event sees the change of that event.
 *
 * A matched writer is alive from its match (Cyclone's LIVELINESS_CHANGED_ADD_ALIVE) until it is
 * unmatched (REMOVE_ALIVE) or its participant's lease expires. The lease is a failure to assert, which DDS counts as a writer
 * becoming not alive (ALIVE_TO_NOT_ALIVE: alive_count - 1, not_alive_count + 1); its endpoints are
 * dropped right after, which takes it out of not_alive_count (REMOVE_NOT_ALIVE), as Fast DDS's
 * StatefulReader::matched_writer_remove does for a writer whose liveliness lease ran out. Cyclone
 * reports a lost participant's writers as removed alive ones (ddsi_lease.c deletes the proxy
 * participant), with no not-alive step. A MANUAL_BY_TOPIC writer with a finite lease also turns
 * not alive when it neither writes nor asserts within its lease, and alive again when it does
 * (writer-leases.ts); AUTOMATIC writers are judged by their participant's lease alone.
 *
 * An endpoint of another type on the endpoint's topic (writer or reader, remote or ours) is DDS's
 * INCONSISTENT_TOPIC (DDS 1.4 2.2.4.1: same name, another type), which rmw reports to publishers
 * and subscriptions as RMW_EVENT_{PUBLISHER,SUBSCRIPTION}_INCOMPATIBLE_TYPE. rmw_connextdds counts
 * it on the DDS Topic (rmw_impl_waitset_std.cpp sets an on_inconsistent_topic listener on it);
 * rmw_fastrtps and rmw_cyclonedds read their DDS's topic status, which neither DDS ever raises
 * (Fast DDS 2.14 EDP.cpp valid_matching: "TODO Trigger INCONSISTENT_TOPIC", Topic.cpp
 * get_inconsistent_topic_status: RETCODE_UNSUPPORTED; Cyclone dds_topic.c: dds_topic_status_cb
 * is `#if 0`). Here each local endpoint counts every endpoint found once, as incompatible QoS is
 * counted (Connext's count is the Topic's, shared by a participant's endpoints on it); the total
 * never goes down, and an endpoint that goes away and comes back is found again.
 */

/** rmw_matched_status_t. */
export interface MatchedStatus {
  /** Matches ever made. */
  readonly totalCount: number;
  readonly totalCountChange: number;
  /** Endpoints matched now. */
  readonly currentCount: number;
  readonly currentCountChange: number;
}

/** rmw_offered_deadline_missed_status_t / rmw_requested_deadline_missed_status_t. */
export interface DeadlineMissedStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
}

/** rmw_liveliness_lost_status_t. */
export interface LivelinessLostStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
}

/** rmw_liveliness_changed_status_t. */
export interface LivelinessChangedStatus {
  /** Matched writers alive now. */
  readonly aliveCount: number;
  /** Matched writers that failed to assert their liveliness. */
  readonly notAliveCount: number;
  readonly aliveCountChange: number;
  readonly notAliveCountChange: number;
}

/** rmw_message_lost_status_t (DDS SAMPLE_LOST): samples of matched writers that never came. */
export interface MessageLostStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
}

/** The offered/requested incompatible QoS status, with the DDS policy last found at fault. */
export interface IncompatibleQosStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
  /** The policy as qos-compatibility.ts names it (`RELIABILITY`, `DURABILITY`, `DEADLINE`...). */
  readonly lastPolicy: string;
  /** Its offered and requested values, in words (for messages). */
  readonly offered: string;
  readonly requested: string;
}

/** rmw_incompatible_type_status_t (DDS INCONSISTENT_TOPIC), with the type last found. */
export interface IncompatibleTypeStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
  /** The DDS type name of the endpoint last found (for messages). */
  readonly lastTypeName: string;
}

export interface WriterStatusListeners {
  matched?(s: MatchedStatus): void;
  incompatibleQos?(s: IncompatibleQosStatus): void;
  incompatibleType?(s: IncompatibleTypeStatus): void;
  deadlineMissed?(s: DeadlineMissedStatus): void;
  livelinessLost?(s: LivelinessLostStatus): void;
}

export interface ReaderStatusListeners {
  matched?(s: MatchedStatus): void;
  incompatibleQos?(s: IncompatibleQosStatus): void;
  incompatibleType?(s: IncompatibleTypeStatus): void;
  deadlineMissed?(s: DeadlineMissedStatus): void;
  livelinessChanged?(s: LivelinessChangedStatus): void;
  /** Samples lost (reader/writer-proxy.ts says which), reported as the loss is found. */
  messageLost?(s: MessageLostStatus): void;
}

export type EndpointStatusListeners = WriterStatusListeners & ReaderStatusListeners;

/** A counter and its change since it was last handed over. */
class Count {
  total = 0;
  change = 0;
  add(n: number): void {
    this.total += n;
    this.change += n;
  }
  take(): number {
    const c = this.change;
    this.change = 0;
    return c;
  }
}

export class EndpointStatus {
  /** Remote (or local) endpoints matched now, by GUID key, and whether each is alive. */
  private readonly matches = new Map<string, { readonly prefix: string; alive: boolean }>();
  /** Endpoints already counted as incompatible: a repeated announcement is not a new one. */
  private readonly incompatibles = new Set<string>();
  /** Endpoints already counted as of another type on the topic; forgotten when they go away. */
  private readonly otherTypes = new Set<string>();
  private readonly matchedTotal = new Count();
  private readonly matchedCurrent = new Count();
  private readonly incompatible = new Count();
  private readonly typeMismatch = new Count();
  private readonly deadline = new Count();
  private readonly lost = new Count();
  private readonly alive = new Count();
  private readonly notAlive = new Count();
  private readonly messages = new Count();

  constructor(private readonly listeners: EndpointStatusListeners) {}

  /** Whether anyone listens for the liveliness of matched writers (then their leases are watched). */
  get watchesLiveliness(): boolean {
    return this.listeners.livelinessChanged !== undefined;
  }

  /** A compatible endpoint matched; `prefix` is its participant's prefix key. */
  matched(key: string, prefix: string): void {
    if (this.matches.has(key)) return;
    this.matches.set(key, { prefix, alive: true });
    this.incompatibles.delete(key);
    this.otherTypes.delete(key);
    this.matchedTotal.add(1);
    this.matchedCurrent.add(1);
    this.alive.add(1);
    this.emitMatched();
    this.emitLiveliness();
  }

  /** An endpoint went away (or was never matched: then nothing happens). */
  unmatched(key: string): void {
    this.incompatibles.delete(key);
    this.otherTypes.delete(key);
    const m = this.matches.get(key);
    if (!m) return;
    this.matches.delete(key);
    this.matchedCurrent.add(-1);
    if (m.alive) this.alive.add(-1);
    else this.notAlive.add(-1);
    this.emitMatched();
    this.emitLiveliness();
  }

  /** The participant `prefix` stopped asserting its liveliness (its lease expired). */
  participantLost(prefix: string): void {
    let changed = false;
    for (const m of this.matches.values()) {
      if (m.prefix !== prefix || !m.alive) continue;
      m.alive = false;
      this.alive.add(-1);
      this.notAlive.add(1);
      changed = true;
    }
    if (changed) this.emitLiveliness();
  }

  /** The matched writer `key` let its liveliness lease pass (MANUAL_BY_TOPIC: writer-leases.ts). */
  writerNotAlive(key: string): void {
    const m = this.matches.get(key);
    if (!m?.alive) return;
    m.alive = false;
    this.alive.add(-1);
    this.notAlive.add(1);
    this.emitLiveliness();
  }

  /** The matched writer `key` asserted its liveliness: alive again if it was not. */
  writerAlive(key: string): void {
    const m = this.matches.get(key);
    if (!m || m.alive) return;
    m.alive = true;
    this.notAlive.add(-1);
    this.alive.add(1);
    this.emitLiveliness();
  }

  /** The endpoint `key` is incompatible: `policy` at fault, with its offered and requested values. */
  incompatibleWith(key: string, fault: { policy: string; offered: string; requested: string }): void {
    if (this.incompatibles.has(key)) return;
    this.incompatibles.add(key);
    this.incompatible.add(1);
    this.listeners.incompatibleQos?.({
      totalCount: this.incompatible.total,
      totalCountChange: this.incompatible.take(),
      lastPolicy: fault.policy,
      offered: fault.offered,
      requested: fault.requested,
    });
  }

  /** The endpoint `key`, on this endpoint's topic, has the type `typeName`, not ours. */
  typeDiffers(key: string, typeName: string): void {
    if (this.otherTypes.has(key)) return;
    this.otherTypes.add(key);
    this.typeMismatch.add(1);
    this.listeners.incompatibleType?.({
      totalCount: this.typeMismatch.total,
      totalCountChange: this.typeMismatch.take(),
      lastTypeName: typeName,
    });
  }

  deadlineMissed(): void {
    this.deadline.add(1);
    this.listeners.deadlineMissed?.({
      totalCount: this.deadline.total,
      totalCountChange: this.deadline.take(),
    });
  }

  livelinessLost(): void {
    this.lost.add(1);
    this.listeners.livelinessLost?.({ totalCount: this.lost.total, totalCountChange: this.lost.take() });
  }

  /** `count` samples of a matched writer were lost (bounded by the caller: writer-proxy.ts). */
  messagesLost(count: number): void {
    this.messages.add(count);
    // A hostile writer's numbers may push it this far; a total that stops is still a total.
    if (this.messages.total > Number.MAX_SAFE_INTEGER) this.messages.total = Number.MAX_SAFE_INTEGER;
    this.listeners.messageLost?.({
      totalCount: this.messages.total,
      totalCountChange: this.messages.take(),
    });
  }

  private emitMatched(): void {
    this.listeners.matched?.({
      totalCount: this.matchedTotal.total,
      totalCountChange: this.matchedTotal.take(),
      currentCount: this.matchedCurrent.total,
      currentCountChange: this.matchedCurrent.take(),
    });
  }

  private emitLiveliness(): void {
    this.listeners.livelinessChanged?.({
      aliveCount: this.alive.total,
      notAliveCount: this.notAlive.total,
      aliveCountChange: this.alive.take(),
      notAliveCountChange: this.notAlive.take(),
    });
  }
}
