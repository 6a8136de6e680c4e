/** Waiting for a condition of the graph with a timeout and an AbortSignal, never forever. */
import { AbortError } from './errors.js';

export interface WaitOptions {
  /** Milliseconds; undefined waits until the condition holds or the signal aborts. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

/**
 * Resolves true once `ready()` holds, false when the timeout passes first; rejects with
 * AbortError when the signal aborts. `ready` is checked at once, on every `subscribe`
 * notification, and every `pollMs` (matching state that has no event of its own, such as a remote
 * reader's first acknowledgement).
 */
export function waitUntil(
  ready: () => boolean,
  subscribe: (notify: () => void) => () => void,
  what: string,
  options: WaitOptions = {},
  pollMs = 10,
): Promise<boolean> {
  if (options.signal?.aborted) return Promise.reject(new AbortError(what, options.signal.reason));
  if (ready()) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      unsubscribe();
      clearInterval(poll);
      if (deadline) clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const check = () => {
      if (!ready()) return;
      cleanup();
      resolve(true);
    };
    const onAbort = () => {
      cleanup();
      reject(new AbortError(what, options.signal?.reason));
    };
    const unsubscribe = subscribe(check);
    const poll = setInterval(check, pollMs);
    const deadline =
      options.timeout === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            resolve(ready());
          }, options.timeout);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
