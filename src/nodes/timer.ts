/**
 * A periodic timer of a node, as rclpy/rclcpp timers behave: the first call one period after
 * creation, then every period; `cancel` stops it, `reset` starts the period again. An exception in
 * the callback is logged and the timer goes on, as an executor would.
 *
 * It runs on its context's clock, so a test can drive a node's timers with a FakeClock. Calls are
 * due at fixed steps from the start (a late call does not push the later ones back); a callback
 * that overruns several periods is followed by one call, not a burst of the missed ones.
 */
import { type Clock, realClock, type TimerHandle } from '../rtps/clock.js';

export class Timer {
  private handle: TimerHandle | undefined;
  private due = 0;
  private calls = 0;

  constructor(
    readonly periodMs: number,
    private readonly callback: (timer: Timer) => unknown,
    private readonly onError: (error: unknown) => void,
    private readonly onCancel: (timer: Timer) => void = () => {},
    private readonly clock: Clock = realClock,
  ) {
    if (!(periodMs > 0) || !Number.isFinite(periodMs))
      throw new RangeError(`timer period must be a positive number of milliseconds, got ${periodMs}`);
    this.start();
  }

  /** How many times the callback ran. */
  get callCount(): number {
    return this.calls;
  }

  get isCanceled(): boolean {
    return this.handle === undefined;
  }

  cancel(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.onCancel(this);
  }

  /** Restarts the period from now (and revives a canceled timer). */
  reset(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.start();
  }

  private start(): void {
    this.due = this.clock.now() + this.periodMs;
    this.handle = this.clock.setTimeout(this.tick, this.periodMs);
  }

  private readonly tick = (): void => {
    const now = this.clock.now();
    this.due += this.periodMs;
    if (this.due <= now) this.due = now + this.periodMs;
    // Armed before the callback runs, which may cancel or reset it.
    this.handle = this.clock.setTimeout(this.tick, this.due - now);
    this.calls++;
    try {
      const r = this.callback(this);
      if (r instanceof Promise) r.catch(this.onError);
    } catch (error) {
      this.onError(error);
    }
  };
}
