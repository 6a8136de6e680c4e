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

export class HistoryFullError extends Error {
  override name = 'HistoryFullError';
}

export class WriterHistory {
  /**
   * A ring indexed by sequence number (`sn & mask`) over [low, nextSN); a removed change leaves a
   * hole. Not a Map: a stream's every write set one key and deleted another, and the Map's
   * upkeep was a tenth of a small sample's write.
   */
  private slots: (CacheChange | undefined)[] = new Array<CacheChange | undefined>(16).fill(undefined);
  private mask = 15;
  private count = 0;
  private nextSN = 1;
  /** No change below it is held (the lowest held one once advanceLow ran). */
  private low = 1;

  constructor(
    readonly policy: HistoryKind,
    readonly maxSamples = 100_000,
  ) {
    if (policy.kind === 'keep-last' && !(policy.depth >= 1))
      throw new RangeError('KEEP_LAST depth must be at least 1');
  }

  /** How many changes it holds at most: KEEP_LAST's depth, else `maxSamples`. */
  /** KEEP_ALL: a full history refuses writes (KEEP_LAST evicts the oldest instead). */
  get keepsAll(): boolean {
    return this.policy.kind === 'keep-all';
  }

  get limit(): number {
    return this.policy.kind === 'keep-last' ? this.policy.depth : this.maxSamples;
  }

  /**
   * Adds a change with the next sequence number and returns it; `onEvict` hears each sequence
   * number evicted to make room, oldest first (a callback, not a list: a KEEP_LAST writer evicts
   * on every write once full, and a list and a result object a write were ~200 bytes).
   */
  add(change: Omit<CacheChange, 'sn'>, onEvict?: (sn: number) => void): CacheChange {
    if (this.policy.kind === 'keep-all' && this.count >= this.maxSamples) {
      throw new HistoryFullError(`KEEP_ALL history holds ${this.maxSamples} unacknowledged samples`);
    }
    const full: CacheChange = {
      sn: this.nextSN,
      payload: change.payload,
      inlineQos: change.inlineQos,
      timestampMs: change.timestampMs,
      readers: change.readers,
    };
    if (this.nextSN - this.low >= this.slots.length) this.grow();
    this.slots[this.nextSN & this.mask] = full;
    this.nextSN++;
    this.count++;
    const limit = this.limit;
    while (this.count > limit) {
      const sn = this.evictOldest();
      onEvict?.(sn);
    }
    return full;
  }

  get(sn: number): CacheChange | undefined {
    if (sn < this.low || sn >= this.nextSN) return undefined;
    return this.slots[sn & this.mask];
  }

  /** The first and last sequence numbers held; an empty history gives first = last + 1. */
  get firstSN(): number {
    this.advanceLow();
    return this.count === 0 ? this.nextSN : this.low;
  }

  get lastSN(): number {
    return this.nextSN - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Drops changes below `sn` (all readers acknowledged them: only KEEP_ALL needs to). */
  removeBelow(sn: number): void {
    for (let s = this.low; s < sn && s < this.nextSN; s++) this.drop(s);
    this.advanceLow();
  }

  /**
   * Drops one change (e.g. an endpoint's announcement superseded by its disposal). Readers that
   * ask for it get a GAP.
   */
  remove(sn: number): void {
    if (sn >= this.low && sn < this.nextSN) this.drop(sn);
    this.advanceLow();
  }

  *values(): IterableIterator<CacheChange> {
    for (let s = this.firstSN; s <= this.lastSN; s++) {
      const c = this.get(s);
      if (c) yield c;
    }
  }

  private drop(sn: number): void {
    const i = sn & this.mask;
    if (this.slots[i] === undefined) return;
    this.slots[i] = undefined;
    this.count--;
  }

  private evictOldest(): number {
    this.advanceLow();
    const sn = this.low;
    this.drop(sn);
    this.advanceLow();
    return sn;
  }

  private advanceLow(): void {
    while (this.low < this.nextSN && this.slots[this.low & this.mask] === undefined) this.low++;
  }

  /** Doubles the ring until [low, nextSN] fits, keeping each change at its new index. */
  private grow(): void {
    this.advanceLow();
    let size = this.slots.length;
    while (this.nextSN - this.low >= size) size *= 2;
    if (size === this.slots.length) return;
    const slots = new Array<CacheChange | undefined>(size).fill(undefined);
    const mask = size - 1;
    for (let s = this.low; s < this.nextSN; s++) slots[s & mask] = this.slots[s & this.mask];
    this.slots = slots;
    this.mask = mask;
  }
}
