/**
 * One timer for all the protocol work of a participant (heartbeats, ACKNACK responses,
 * resends): endpoints report their next deadline, and the scheduler keeps a single clock timer
 * armed for the earliest one, instead of a timer per endpoint and event.
 */
import type { Clock, TimerHandle } from '../clock.js';

export interface Pollable {
  nextDeadline(): number | undefined;
  poll(now: number): void;
}

export class Scheduler {
  private readonly members = new Set<Pollable>();
  private timer: TimerHandle | undefined;
  private armedFor: number | undefined;
  private polling = false;

  constructor(private readonly clock: Clock) {}

  add(p: Pollable): void {
    this.members.add(p);
    this.reschedule();
  }

  delete(p: Pollable): void {
    this.members.delete(p);
  }

  /**
   * Re-arms the timer for the earliest deadline (call after anything that may have moved one).
   * A member that passes its own next deadline (Infinity for none) saves the walk over every
   * member unless that deadline is earlier than the one armed: a writer calls this on every write.
   */
  reschedule = (deadline?: number): void => {
    if (this.polling) return; // the poll loop re-arms when it is done
    if (deadline !== undefined) {
      if (deadline === Number.POSITIVE_INFINITY) return; // it has none: nothing came earlier
      if (this.armedFor !== undefined && deadline >= this.armedFor) return; // the armed timer comes first
    }
    let next: number | undefined;
    for (const m of this.members) {
      const d = m.nextDeadline();
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    if (next === this.armedFor) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = next;
    if (next === undefined) return;
    const delay = next - this.clock.now();
    // Due now (an ACKNACK a writer asked for): after the datagrams already read, not a 1 ms timer
    // later. Not twice in a row, so a member that stays due cannot spin the event loop.
    if (delay <= 0 && this.clock.setImmediate && !this.firedImmediate) {
      this.timer = this.clock.setImmediate(this.fireImmediate);
    } else this.timer = this.clock.setTimeout(this.fire, delay);
  };

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    this.members.clear();
  }

  private firedImmediate = false;

  private readonly fireImmediate = (): void => {
    this.firedImmediate = true;
    try {
      this.fire();
    } finally {
      this.firedImmediate = false;
    }
  };

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = undefined;
    this.polling = true;
    try {
      const now = this.clock.now();
      for (const m of [...this.members]) {
        const d = m.nextDeadline();
        if (d !== undefined && d <= now) m.poll(now);
      }
    } finally {
      this.polling = false;
    }
    this.reschedule();
  };
}
