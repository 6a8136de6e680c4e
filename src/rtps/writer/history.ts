/**
 * A writer's history cache (RTPS 8.2.2 / DDS HISTORY and RESOURCE_LIMITS): the changes a writer
 * keeps for resending and for late-joining TRANSIENT_LOCAL readers. KEEP_LAST(n) evicts the
 * oldest change past n; KEEP_ALL keeps changes until every reliable reader acknowledged them,
 * up to `maxSamples`, and refuses a write past that (the caller waits for acknowledgements).
 */
export interface CacheChange {
  readonly sn: number;
  /** The serialized payload, encapsulation header included. */
  readonly payload?: Uint8Array | undefined;
  /** Inline QoS parameter list to send with it (e.g. related sample identity), sentinel included. */
  readonly inlineQos?: Uint8Array | undefined;
  readonly timestampMs: number;
  /**
   * The only readers (their keys) the change is for, or undefined for every reader. The others
   * get a GAP for it: a service reply goes to the client that asked, in that client's format.
   */
  readonly readers?: ReadonlySet<string> | undefined;
}

export type HistoryKind =
  | { readonly kind: 'keep-last'; readonly depth: number }
  | { readonly kind: 'keep-all' };

/** What most writes evict: shared, so a write that evicts nothing allocates no list. */
const NONE_EVICTED: readonly number[] = Object.freeze([]);

export class HistoryFullError extends Error {
  override name = 'HistoryFullError';
}

export class WriterHistory {
  private readonly changes = new Map<number, CacheChange>();
  private nextSN = 1;
  /** The lowest sequence number still held (or `nextSN` when empty). */
  private low = 1;

  constructor(
    readonly policy: HistoryKind,
    readonly maxSamples = 100_000,
  ) {
    if (policy.kind === 'keep-last' && !(policy.depth >= 1))
      throw new RangeError('KEEP_LAST depth must be at least 1');
  }

  /** How many changes it holds at most: KEEP_LAST's depth, else `maxSamples`. */
  get limit(): number {
    return this.policy.kind === 'keep-last' ? this.policy.depth : this.maxSamples;
  }

  /** Adds a change with the next sequence number; returns it and the sequence numbers evicted. */
  add(change: Omit<CacheChange, 'sn'>): { change: CacheChange; evicted: readonly number[] } {
    if (this.policy.kind === 'keep-all' && this.changes.size >= this.maxSamples) {
      throw new HistoryFullError(`KEEP_ALL history holds ${this.maxSamples} unacknowledged samples`);
    }
    const full: CacheChange = {
      sn: this.nextSN++,
      payload: change.payload,
      inlineQos: change.inlineQos,
      timestampMs: change.timestampMs,
      readers: change.readers,
    };
    this.changes.set(full.sn, full);
    const limit = this.limit;
    if (this.changes.size <= limit) return { change: full, evicted: NONE_EVICTED };
    const evicted: number[] = [];
    while (this.changes.size > limit) evicted.push(this.evictOldest());
    return { change: full, evicted };
  }

  get(sn: number): CacheChange | undefined {
    return this.changes.get(sn);
  }

  /** The first and last sequence numbers held; an empty history gives first = last + 1. */
  get firstSN(): number {
    this.advanceLow();
    return this.changes.size === 0 ? this.nextSN : this.low;
  }

  get lastSN(): number {
    return this.nextSN - 1;
  }

  get size(): number {
    return this.changes.size;
  }

  /** Drops changes below `sn` (all readers acknowledged them: only KEEP_ALL needs to). */
  removeBelow(sn: number): void {
    for (let s = this.low; s < sn && s < this.nextSN; s++) this.changes.delete(s);
    this.advanceLow();
  }

  /**
   * Drops one change (e.g. an endpoint's announcement superseded by its disposal). Readers that
   * ask for it get a GAP.
   */
  remove(sn: number): void {
    this.changes.delete(sn);
    this.advanceLow();
  }

  *values(): IterableIterator<CacheChange> {
    for (let s = this.firstSN; s <= this.lastSN; s++) {
      const c = this.changes.get(s);
      if (c) yield c;
    }
  }

  private evictOldest(): number {
    this.advanceLow();
    const sn = this.low;
    this.changes.delete(sn);
    this.advanceLow();
    return sn;
  }

  private advanceLow(): void {
    while (this.low < this.nextSN && !this.changes.has(this.low)) this.low++;
  }
}
