/**
 * Microtasks for the send path, without Node's queueMicrotask wrapper: that wraps each callback
 * in an AsyncResource and a bound function (node:internal/process/task_queues, ~250 bytes a
 * call), and a sample or reply queued three (issue 14). A reaction on a kept, resolved promise
 * goes into the same V8 microtask queue, so callbacks run in the same order as with
 * queueMicrotask; a callback that throws rejects a promise nobody holds, which Node reports as an
 * unhandled rejection (an uncaught exception unless a handler is set).
 */

const RESOLVED = Promise.resolve();

/** Runs `fn` in a microtask (as queueMicrotask does). */
export function inMicrotask(fn: () => void): void {
  void RESOLVED.then(fn);
}

/**
 * Runs `fn` after the microtasks queued so far, and after those they queue in turn: the first
 * `then` passes through in one microtask, which only then queues `fn`.
 */
export function afterTwoMicrotasks(fn: () => void): void {
  void RESOLVED.then().then(fn);
}
