/**
 * A periodic timer of a node, as rclpy/rclcpp timers behave: the first call one period after
 * creation, then every period; `cancel` stops it, `reset` starts the period again. An exception in
 * the callback is logged and the timer goes on, as an executor would.
 */
export class Timer {
  private handle: ReturnType<typeof setInterval> | undefined;
  private calls = 0;

  constructor(
    readonly periodMs: number,
    private readonly callback: (timer: Timer) => unknown,
    private readonly onError: (error: unknown) => void,
    private readonly onCancel: (timer: Timer) => void = () => {},
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
    clearInterval(this.handle);
    this.handle = undefined;
    this.onCancel(this);
  }

  /** Restarts the period from now (and revives a canceled timer). */
  reset(): void {
    if (this.handle !== undefined) clearInterval(this.handle);
    this.start();
  }

  private start(): void {
    this.handle = setInterval(() => {
      this.calls++;
      try {
        const r = this.callback(this);
        if (r instanceof Promise) r.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }, this.periodMs);
  }
}
