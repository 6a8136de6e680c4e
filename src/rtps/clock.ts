/**
 * The one source of time for protocol timers (heartbeats, lease expiry, resend delays, fault
 * injection delays). Everything that waits takes a Clock, so state machines are tested with
 * FakeClock without real time passing, and a program's timers never keep Node alive on their own.
 */

import { MinHeap } from './min-heap.js';

declare const timerBrand: unique symbol;

/** Opaque: only the Clock that returned it knows what it is. */
export interface TimerHandle {
  readonly [timerBrand]: true;
}

export interface Clock {
  /** Milliseconds, monotonic (never jumps with wall-clock changes); only differences mean anything. */
  now(): number;
  /** Calls `callback` once, `ms` from now (negative or NaN counts as 0). */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a pending timer; a no-op for one that fired or was cleared already. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Calls `callback` once the I/O already read in this turn has been handled (Node's setImmediate),
   * sooner than a 0 ms timer (clamped to 1 ms); cancelled with clearTimeout. Clocks without it
   * use setTimeout(callback, 0).
   */
  setImmediate?(callback: () => void): TimerHandle;
}

/** A setImmediate behind a TimerHandle, told apart from a Timeout by clearTimeout. */
class ImmediateHandle {
  constructor(readonly immediate: ReturnType<typeof setImmediate>) {}
}

function delayOf(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.max(ms, 0);
}

/**
 * performance.now() and Node's timers. Timers are unref'd: protocol housekeeping (SPDP
 * announcements, heartbeats) must not stop a program from exiting; whatever the user waits on
 * keeps the process alive instead.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    // Node turns delays above 2^31-1 ms into 1 ms; clamp instead, so "very long" stays long (24.8 days).
    const delay = Math.min(delayOf(ms), 2 ** 31 - 1);
    const timer = setTimeout(callback, delay);
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    if (handle instanceof ImmediateHandle) clearImmediate(handle.immediate);
    else clearTimeout(handle as unknown as ReturnType<typeof setTimeout>);
  },
  setImmediate(callback) {
    // Kept ref'd: Node lets the event loop block in its poll phase while only unref'd immediates
    // are pending (their ref count is what keeps the poll from waiting), so an unref'd one runs at
    // the next datagram or timer, which in a quiet process was seconds later: an ACKNACK answer
    // or a Discovery Server announcement due "now" waited that long and the server expired the
    // client (the flaky lease test). A ref'd immediate holds the process only until this turn's
    // check phase, and the Scheduler never takes one twice in a row.
    return new ImmediateHandle(setImmediate(callback)) as unknown as TimerHandle;
  },
};

interface FakeTimer {
  readonly due: number;
  /** Creation order; breaks ties between timers due at the same instant. */
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

function before(a: FakeTimer, b: FakeTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Time moves only when a test calls `advance`. Timers fire in due order (then creation order),
 * each seeing `now()` equal to its due time, including timers that callbacks schedule while
 * `advance` runs, as long as they fall due within the advanced span.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextSeq = 0;
  private live = 0;
  // Cleared timers stay in the heap, flagged, and are skipped when they reach the top.
  private readonly heap = new MinHeap<FakeTimer>(before);

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = {
      due: this.current + delayOf(ms),
      seq: this.nextSeq++,
      callback,
      cancelled: false,
    };
    this.heap.push(timer);
    this.live++;
    return timer as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as unknown as FakeTimer;
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** Number of timers not yet fired or cleared. */
  get pending(): number {
    return this.live;
  }

  /** When the earliest pending timer falls due, or undefined if none is pending. */
  nextDue(): number | undefined {
    return this.peek()?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way. A callback that
   * throws stops the advance there (time stays at that timer's due time) and the error propagates
   * to the test; the remaining timers stay pending.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time` (see `advance`). */
  advanceTo(time: number): void {
    if (!(time >= this.current)) {
      throw new RangeError(`FakeClock.advanceTo: ${time} is before now (${this.current})`);
    }
    for (;;) {
      const next = this.peek();
      if (next === undefined || next.due > time) break;
      this.fire(next);
    }
    this.current = time;
  }

  /**
   * Fires timers until none is pending, advancing time to each; for "let everything settle".
   * Throws after `limit` timers, since a timer that re-arms itself would otherwise never end.
   */
  runAll(limit = 100_000): void {
    for (let fired = 0; ; fired++) {
      const next = this.peek();
      if (next === undefined) return;
      if (fired >= limit)
        throw new Error(`FakeClock.runAll: still ${this.live} timers after firing ${limit}`);
      this.fire(next);
    }
  }

  private fire(timer: FakeTimer): void {
    this.heap.pop();
    timer.cancelled = true; // a late clearTimeout of a fired timer must not touch the count
    this.live--;
    this.current = timer.due;
    timer.callback();
  }

  /** The earliest live timer, discarding cleared ones found on top. */
  private peek(): FakeTimer | undefined {
    while (this.heap.peek()?.cancelled) this.heap.pop();
    return this.heap.peek();
  }
}
