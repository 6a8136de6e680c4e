/**
 * Lets this process's JavaScript thread win the CPU from the process's own background threads.
 *
 * A Node.js process runs V8's optimizing compiler and parts of its garbage collector on helper
 * threads. On a machine with few cores, or when a process is pinned to one, a helper that is
 * compiling is runnable beside the event loop, and a message that arrives then waits for the
 * scheduler's next turn: bench:rtps (2-core VM, each side pinned to a core) measured a 64 B
 * ping-pong's p99 at 1.5-1.7 ms with the helpers at the same priority and 0.75-0.8 ms with them
 * at nice 19 (p50 unchanged). rclcpp has no such threads to compete with.
 *
 * Linux only (a thread's nice value is its own there: setpriority on a thread id); elsewhere it
 * does nothing. It lowers every thread of the process that exists when it is called except the
 * main one, so call it early, from the main thread, before starting Workers that should keep
 * their priority (libuv's thread pool, if some file or DNS work already started it, is lowered
 * too).
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** The nice value background threads get unless told otherwise: the lowest priority. */
export const BACKGROUND_NICE = 19;

/**
 * Gives every thread of this process but the main one the nice value `nice` (1-19); returns how
 * many it changed (0 off Linux). Throws from a Worker: there it would lower the caller itself.
 */
export function lowerBackgroundThreadPriority(nice: number = BACKGROUND_NICE): number {
  if (!Number.isInteger(nice) || nice < 1 || nice > 19)
    throw new RangeError(`a background nice value is an integer from 1 to 19 (got ${nice})`);
  if (!isMainThread) throw new Error('lowerBackgroundThreadPriority must be called from the main thread');
  if (process.platform !== 'linux') return 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0; // no /proc (a sandbox): nothing to do
  }
  let changed = 0;
  for (const entry of tasks) {
    const tid = Number(entry);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      setPriority(tid, nice);
      changed++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return changed;
}
