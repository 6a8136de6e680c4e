/**
 * One timer for all the protocol work of a participant (heartbeats, ACKNACK responses,
 * resends): endpoints report their next deadline, and the scheduler keeps a single clock timer
 * armed for the earliest one (and a setImmediate for one due now), instead of a timer per
 * endpoint and event.
 */
import type { Clock, TimerHandle } from '../clock.js';

export interface Pollable {
  nextDeadline(): number | undefined;
  poll(now: number): void;
}

export class Scheduler {
  private readonly members = new Set<Pollable>();
  /** The clock timer, and the deadline it is armed for. */
  private timeout: TimerHandle | undefined;
  private timeoutFor: number | undefined;
  /**
   * A setImmediate for a deadline due now, and that deadline. The timer stays armed meanwhile:
   * what is due after the immediate work is mostly what it was armed for (the next HEARTBEAT),
   * and re-arming it after every immediate (a reader's ACKNACK answer) made a Node timer each
   * time (issue 14).
   */
  private immediate: TimerHandle | undefined;
  private immediateFor: number | undefined;
  private polling = false;

  constructor(private readonly clock: Clock) {}

  /** The members as a list, made again only after one comes or goes (fire walks it often). */
  private list: readonly Pollable[] | undefined;

  add(p: Pollable): void {
    this.members.add(p);
    this.list = undefined;
    this.reschedule();
  }

  delete(p: Pollable): void {
    this.members.delete(p);
    this.list = undefined;
  }

  /** The earliest deadline something is armed for. */
  private get armedFor(): number | undefined {
    return this.immediate !== undefined ? this.immediateFor : this.timeoutFor;
  }

  /**
   * Re-arms for the earliest deadline (call after anything that may have moved one). A member
   * that passes its own next deadline (Infinity for none) saves the walk over every member unless
   * that deadline is earlier than the one armed: a writer calls this on every write.
   */
  reschedule = (deadline?: number): void => {
    if (this.polling) return; // the poll loop re-arms when it is done
    if (deadline !== undefined) {
      if (deadline === Number.POSITIVE_INFINITY) return; // it has none: nothing came earlier
      const armed = this.armedFor;
      if (armed !== undefined && deadline >= armed) return; // what is armed comes first
    }
    let next: number | undefined;
    const list = this.memberList();
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!.nextDeadline();
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    if (next === undefined) {
      this.cancelImmediate();
      this.cancelTimeout();
      return;
    }
    const delay = next - this.clock.now();
    // Due now (an ACKNACK a writer asked for): after the datagrams already read, not a 1 ms timer
    // later. Not twice in a row, so a member that stays due cannot spin the event loop.
    if (delay <= 0 && this.clock.setImmediate && !this.firedImmediate) {
      this.immediate ??= this.clock.setImmediate(this.fireImmediate);
      this.immediateFor = next;
      return;
    }
    this.cancelImmediate();
    if (this.timeout !== undefined && this.timeoutFor === next) return;
    this.cancelTimeout();
    this.timeout = this.clock.setTimeout(this.fireTimeout, delay);
    this.timeoutFor = next;
  };

  private memberList(): readonly Pollable[] {
    this.list ??= [...this.members];
    return this.list;
  }

  private cancelImmediate(): void {
    if (this.immediate !== undefined) this.clock.clearTimeout(this.immediate);
    this.immediate = this.immediateFor = undefined;
  }

  private cancelTimeout(): void {
    if (this.timeout !== undefined) this.clock.clearTimeout(this.timeout);
    this.timeout = this.timeoutFor = undefined;
  }

  stop(): void {
    this.cancelImmediate();
    this.cancelTimeout();
    this.members.clear();
    this.list = undefined;
  }

  private firedImmediate = false;

  private readonly fireImmediate = (): void => {
    this.immediate = this.immediateFor = undefined;
    this.firedImmediate = true;
    try {
      this.fire();
    } finally {
      this.firedImmediate = false;
    }
  };

  private readonly fireTimeout = (): void => {
    this.timeout = this.timeoutFor = undefined;
    this.fire();
  };

  /** Polls every member that is due, then re-arms. */
  private fire(): void {
    this.polling = true;
    try {
      const now = this.clock.now();
      // A snapshot: a poll may add or remove members (they are seen next time).
      const list = this.memberList();
      for (let i = 0; i < list.length; i++) {
        const m = list[i]!;
        const d = m.nextDeadline();
        if (d !== undefined && d <= now) m.poll(now);
      }
    } finally {
      this.polling = false;
    }
    this.reschedule();
  }
}
