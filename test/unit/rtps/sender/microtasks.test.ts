/**
 * The send path's microtasks (issue 14) run where queueMicrotask would run them: the batcher
 * relies on the writers' end-of-turn flushes running before its own.
 */
import { describe, expect, it } from 'vitest';
import { afterTwoMicrotasks, inMicrotask } from '../../../../src/rtps/sender/microtasks.js';

/** A turn of work queued with `once` and `twice`, among promise continuations; the order it ran in. */
async function order(once: (fn: () => void) => void, twice: (fn: () => void) => void): Promise<string> {
  const log: string[] = [];
  once(() => {
    log.push('w1');
    twice(() => log.push('batch'));
    once(() => log.push('w1-again'));
  });
  once(() => {
    log.push('w2');
    once(() => {
      log.push('w2-again');
      once(() => log.push('w2-third'));
    });
  });
  void Promise.resolve()
    .then(() => log.push('p1'))
    .then(() => log.push('p2'))
    .then(() => log.push('p3'));
  await new Promise((resolve) => setTimeout(resolve, 1));
  return log.join(' ');
}

describe('send-path microtasks', () => {
  it('run in the order queueMicrotask runs them', async () => {
    const expected = await order(queueMicrotask, (fn) => queueMicrotask(() => queueMicrotask(fn)));
    expect(expected).toBe('w1 w2 p1 w1-again w2-again p2 batch w2-third p3');
    expect(await order(inMicrotask, afterTwoMicrotasks)).toBe(expected);
  });
});
