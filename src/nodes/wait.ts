/** Waiting for a condition of the graph with a timeout and an AbortSignal, never forever. */
import type { Clock } from '../rtps/clock.js';
import type { DeadlineQueue, Expiring } from './deadlines.js';
import { AbortError } from './errors.js';

export interface WaitOptions {
  /** Milliseconds; undefined waits until the condition holds or the signal aborts. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

/** What a wait needs of its context: its time, its deadlines, and the news that may make it true. */
export interface WaitHost {
  readonly clock: Clock;
  readonly deadlines: DeadlineQueue;
  /**
   * Calls `notify` after anything that may change a condition (the graph, a match, an
   * acknowledgement); returns the function that stops it.
   */
  watch(notify: () => void): () => void;
}

/**
 * Resolves true once `ready()` holds, false when the timeout passes first; rejects with
 * AbortError when the signal aborts. `ready` is checked at once and after each notification of
 * `host.watch`, never by polling: a condition must only depend on what the host notifies about.
 */
export function waitUntil(
  host: WaitHost,
  ready: () => boolean,
  what: string,
  options: WaitOptions = {},
): Promise<boolean> {
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(new AbortError(what, signal.reason));
  if (ready()) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    new Wait(host, ready, what, options, resolve, reject);
  });
}

class Wait implements Expiring {
  waiting = true;
  readonly deadline: number;
  private readonly unwatch: () => void;

  constructor(
    host: WaitHost,
    private readonly ready: () => boolean,
    private readonly what: string,
    private readonly options: WaitOptions,
    private readonly resolve: (ok: boolean) => void,
    private readonly reject: (e: Error) => void,
  ) {
    const timeout = options.timeout;
    this.deadline =
      timeout === undefined ? Number.POSITIVE_INFINITY : host.clock.now() + Math.max(0, timeout);
    this.unwatch = host.watch(this.check);
    options.signal?.addEventListener('abort', this, { once: true });
    host.deadlines.add(this);
  }

  private readonly check = (): void => {
    if (this.waiting && this.ready()) this.settle(true);
  };

  expire(): void {
    this.settle(this.ready());
  }

  /** The signal's abort (an EventListener object: no closure per wait). */
  handleEvent(): void {
    if (!this.waiting) return;
    this.finish();
    this.reject(new AbortError(this.what, this.options.signal?.reason));
  }

  private settle(ok: boolean): void {
    if (!this.waiting) return;
    this.finish();
    this.resolve(ok);
  }

  private finish(): void {
    this.waiting = false;
    this.unwatch();
    this.options.signal?.removeEventListener('abort', this);
  }
}
