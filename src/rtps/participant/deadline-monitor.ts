/**
 * The periods an endpoint must not let pass idle (DEADLINE; a MANUAL_BY_TOPIC writer's liveliness
 * lease), for every endpoint of a participant on its one Scheduler timer, not a timer each.
 *
 * A watch starts at its first activity (a sample written or received), as Fast DDS arms its
 * deadline timer at the first change of an instance (DataWriterImpl::create_new_change_with_params,
 * DataReaderImpl::on_new_cache_change_added) and Cyclone registers an instance's deadline when the
 * instance appears. Activity itself costs one clock read: the heap holds one entry per armed watch,
 * and when that entry comes due the watch either finds activity since and moves it on, or misses.
 * A deadline watch misses again each period while nothing comes (Fast DDS deadline_missed
 * re-arms at now + period); a liveliness watch misses once, then waits for activity, as
 * LIVELINESS_LOST counts a writer becoming not alive, not its staying so.
 */
import type { Clock } from '../clock.js';
import type { Pollable } from '../endpoints/scheduler.js';
import { MinHeap } from '../min-heap.js';

interface Entry {
  readonly at: number;
  readonly watch: DeadlineWatch;
}

const earlier = (a: Entry, b: Entry) => a.at < b.at;

export class DeadlineWatch {
  /** When the current period began: the last activity, or the last miss. */
  private since = 0;
  private armed = false;
  /** A liveliness watch waiting for activity after its miss. */
  private lapsed = false;
  private cancelled = false;

  /** @internal Made by DeadlineMonitor.watch. */
  constructor(
    private readonly monitor: DeadlineMonitor,
    private readonly clock: Clock,
    readonly periodMs: number,
    private readonly repeat: boolean,
    private readonly onMissed: () => void,
  ) {}

  /** A sample was written or received. */
  activity(): void {
    if (this.cancelled) return;
    this.since = this.clock.now();
    this.lapsed = false;
    if (!this.armed) {
      this.armed = true;
      this.monitor.arm(this, this.since + this.periodMs);
    }
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** @internal The entry came due at `now`: when it is due next, or undefined to disarm. */
  due(now: number): number | undefined {
    if (this.cancelled) return undefined;
    const next = this.since + this.periodMs;
    if (next > now) return next;
    this.since = now;
    if (!this.repeat) {
      this.lapsed = true;
      this.armed = false;
    }
    this.onMissed();
    if (this.cancelled || this.lapsed) return undefined;
    return now + this.periodMs;
  }
}

export class DeadlineMonitor implements Pollable {
  private readonly heap = new MinHeap<Entry>(earlier);

  constructor(
    private readonly clock: Clock,
    private readonly reschedule: () => void,
  ) {}

  /**
   * Calls `onMissed` when `periodMs` passes without activity, from the first activity on; again
   * each period while none comes if `repeat`, else once until there is activity again. A period
   * under 1 ms counts as 1 ms: a zero period must not spin.
   */
  watch(periodMs: number, repeat: boolean, onMissed: () => void): DeadlineWatch {
    return new DeadlineWatch(this, this.clock, Math.max(1, periodMs), repeat, onMissed);
  }

  /** @internal */
  arm(watch: DeadlineWatch, at: number): void {
    const earliest = this.heap.peek()?.at;
    this.heap.push({ at, watch });
    if (earliest === undefined || at < earliest) this.reschedule();
  }

  nextDeadline(): number | undefined {
    return this.heap.peek()?.at;
  }

  poll(now: number): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.at > now) return;
      this.heap.pop();
      const next = top.watch.due(now);
      if (next !== undefined) this.heap.push({ at: next, watch: top.watch });
    }
  }
}
