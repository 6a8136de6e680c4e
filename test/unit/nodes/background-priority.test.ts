/**
 * lowerBackgroundThreadPriority: every thread but the main one gets the nice value, read back
 * from /proc (vitest runs each test file in a process of its own, on its main thread).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerBackgroundThreadPriority } from '../../../src/nodes/background-priority.js';

/** The nice value of each thread of this process, from /proc/self/task/<tid>/stat (field 19). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(t), Number(rest[16]));
  }
  return out;
}

/** Linux's SCHED_IDLE (include/uapi/linux/sched.h). */
const SCHED_IDLE = 5;

/** A thread's scheduling policy, from /proc/self/task/<tid>/stat (field 41). */
function policyOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

describe.skipIf(process.platform !== 'linux')('lowerBackgroundThreadPriority', () => {
  it('gives every thread but the main one the nice value, and leaves the main one alone', () => {
    const mainBefore = getPriority(process.pid);
    const changed = lowerBackgroundThreadPriority(17);
    const nice = niceByThread();
    expect(changed).toBeGreaterThan(0); // V8's helper threads at least
    expect(changed).toBe(nice.size - 1);
    expect(nice.get(process.pid)).toBe(mainBefore);
    for (const [tid, n] of nice) if (tid !== process.pid) expect(n).toBe(17);
  });

  it("with 'idle' puts every thread but the main one in SCHED_IDLE at nice 19", (ctx) => {
    if (spawnSync('chrt', ['--version']).status !== 0) ctx.skip(); // util-linux's chrt is missing
    const mainPolicy = policyOf(process.pid);
    const changed = lowerBackgroundThreadPriority('idle');
    const nice = niceByThread();
    expect(changed).toBe(nice.size - 1);
    expect(policyOf(process.pid)).toBe(mainPolicy);
    for (const [tid, n] of nice) {
      if (tid === process.pid) continue;
      expect(n).toBe(19);
      expect(policyOf(tid)).toBe(SCHED_IDLE);
    }
  });

  it('refuses a nice value outside 1-19', () => {
    expect(() => lowerBackgroundThreadPriority(0)).toThrow(/an integer from 1 to 19/);
    expect(() => lowerBackgroundThreadPriority(20)).toThrow(/an integer from 1 to 19/);
    expect(() => lowerBackgroundThreadPriority(2.5)).toThrow(/an integer from 1 to 19/);
  });
});
