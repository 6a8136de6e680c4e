/**
 * lowerBackgroundThreadPriority: every thread but the main one gets the nice value, read back
 * from /proc (vitest runs each test file in a process of its own, on its main thread).
 */
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

  it('refuses a nice value outside 1-19', () => {
    expect(() => lowerBackgroundThreadPriority(0)).toThrow(/integer from 1 to 19/);
    expect(() => lowerBackgroundThreadPriority(20)).toThrow(/integer from 1 to 19/);
    expect(() => lowerBackgroundThreadPriority(2.5)).toThrow(/integer from 1 to 19/);
  });
});
