/**
 * The deadlines of a context's pending work (service calls, waits for a server or a match), on
 * one clock timer instead of a timer each: a service call that answers in 100 µs must not pay
 * for arming and clearing a timer, and a control loop's thousands of calls must not leave
 * thousands of timers behind.
 *
 * Entries sit in a min-heap by deadline and the timer is armed for the earliest one still
 * waiting; it is re-armed only when an earlier deadline comes (calls with the same timeout come
 * in deadline order, so one timer serves them all). An entry that settles early is not taken
 * out, which would cost a search: it is dropped when it surfaces, and the heap is compacted when
 * it has doubled since the last compaction, so it holds at most about twice what still waits.
 */
import type { Clock, TimerHandle } from '../rtps/clock.js';
import { MinHeap } from '../rtps/min-heap.js';

export interface Expiring {
  /** When it expires, in the clock's milliseconds (finite). */
  readonly deadline: number;
  /** Whether it still waits for its deadline; false once settled otherwise. */
  readonly waiting: boolean;
  /** Called once its deadline has passed, if it still waits. */
  expire(): void;
}

const earlier = (a: Expiring, b: Expiring) => a.deadline < b.deadline;

/** Entries below which the heap is never compacted. */
const COMPACT_MIN = 64;

export class DeadlineQueue {
  private heap = new MinHeap<Expiring>(earlier);
  private timer: TimerHandle | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private compactAt = COMPACT_MIN;
  private firing = false;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Entries held, settled ones not yet dropped included. */
  get size(): number {
    return this.heap.size;
  }

  /** When the timer is armed for (Infinity when it is not). */
  get nextExpiry(): number {
    return this.armedFor;
  }

  /** Expires `entry` at its deadline unless it settles first (a deadline of Infinity never comes). */
  add(entry: Expiring): void {
    if (this.closed || !(entry.deadline < Number.POSITIVE_INFINITY)) return;
    this.heap.push(entry);
    if (this.heap.size >= this.compactAt) this.compact();
    if (!this.firing && entry.deadline < this.armedFor) this.arm();
  }

  /** Forgets every entry and stops the timer (the context closes; its owners settle them). */
  close(): void {
    this.closed = true;
    this.disarm();
    this.heap.clear();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.firing = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const top = this.heap.peek();
        if (top === undefined || top.deadline > now) break;
        this.heap.pop();
        if (top.waiting) top.expire();
      }
    } finally {
      this.firing = false;
      if (!this.closed) this.arm();
    }
  };

  /** Arms the timer for the earliest entry that still waits, dropping settled ones on top. */
  private arm(): void {
    let top = this.heap.peek();
    while (top !== undefined && !top.waiting) {
      this.heap.pop();
      top = this.heap.peek();
    }
    const at = top === undefined ? Number.POSITIVE_INFINITY : top.deadline;
    if (at === this.armedFor) return;
    this.disarm();
    if (top === undefined) return;
    this.armedFor = at;
    this.timer = this.clock.setTimeout(this.fire, at - this.clock.now());
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private compact(): void {
    const kept = new MinHeap<Expiring>(earlier);
    while (this.heap.size > 0) {
      const e = this.heap.pop()!;
      if (e.waiting) kept.push(e);
    }
    this.heap = kept;
    this.compactAt = Math.max(COMPACT_MIN, 2 * kept.size);
  }
}
