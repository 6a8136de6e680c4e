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
 * A low nice value only shrinks a helper's share: Linux (EEVDF since 6.6, CFS before) still lets a
 * helper that is running finish a slice before a woken event loop preempts it. A SCHED_IDLE
 * thread is preempted at once by any normal one (kernel/sched/fair.c, check_preempt_wakeup_fair:
 * "idle tasks are by definition preempted by non-idle tasks"), which is what `'idle'` asks for.
 * Node has no call for sched_setscheduler, so `'idle'` runs util-linux's `chrt` once per thread
 * (a few ms at start-up); where chrt is missing or refused, those threads keep nice 19.
 *
 * Linux only (a thread's nice value and policy are its own there: setpriority and
 * sched_setscheduler on a thread id); elsewhere it does nothing. It lowers every thread of the
 * process that exists when it is called except the main one, so call it early, from the main
 * thread, before starting Workers that should keep their priority (libuv's thread pool, if some
 * file or DNS work already started it, is lowered too).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** The nice value background threads get unless told otherwise: the lowest priority. */
export const BACKGROUND_NICE = 19;

/**
 * Gives every thread of this process but the main one the nice value `level` (1-19), or with
 * `'idle'` nice 19 and the SCHED_IDLE policy; returns how many threads it lowered (0 off Linux).
 * Throws from a Worker: there it would lower the caller itself.
 */
export function lowerBackgroundThreadPriority(level: number | 'idle' = BACKGROUND_NICE): number {
  const nice = level === 'idle' ? BACKGROUND_NICE : level;
  if (!Number.isInteger(nice) || nice < 1 || nice > 19)
    throw new RangeError(
      `a background priority is 'idle' or a nice value, an integer from 1 to 19 (got ${level})`,
    );
  if (!isMainThread) throw new Error('lowerBackgroundThreadPriority must be called from the main thread');
  if (process.platform !== 'linux') return 0;
  let changed = 0;
  for (const tid of backgroundThreads()) {
    try {
      setPriority(tid, nice);
    } catch {
      continue; // the thread ended meanwhile
    }
    changed++;
    if (level === 'idle') toIdlePolicy(tid);
  }
  return changed;
}

/** The ids of this process's threads but the main one (none where /proc is missing). */
function backgroundThreads(): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return []; // no /proc (a sandbox): nothing to do
  }
  return tasks.map(Number).filter((tid) => Number.isInteger(tid) && tid !== process.pid);
}

/** SCHED_IDLE for one thread, by `chrt -i -p 0 <tid>`; a failure leaves it at its nice value. */
function toIdlePolicy(tid: number): void {
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 2000 });
  } catch {
    // no chrt, or the thread ended: nice 19 is the fallback
  }
}
