/**
 * Shared by the test/ros2 files that run against a real ROS 2 (Jazzy): whether one is installed
 * (ROS2_SETUP names its setup.bash), its processes (one-shot commands and long-running ones, each
 * in a process group of its own: `ros2 run` starts the node as its child), and the compiled ros2ts
 * programs they meet (dist/, rebuilt when a source is newer).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { Node } from '../../src/nodes/node.js';
import type { Subscription } from '../../src/nodes/subscription.js';

export const SETUP = process.env['ROS2_SETUP'];
export const RMWS = ['rmw_fastrtps_cpp', 'rmw_cyclonedds_cpp'] as const;
export type Rmw = (typeof RMWS)[number];
export const available = SETUP !== undefined && existsSync(SETUP);
const why = SETUP === undefined ? 'ROS2_SETUP is not set' : `ROS2_SETUP=${SETUP} does not exist`;

export const root = join(import.meta.dirname, '..', '..');
export const dist = (path: string) => join(root, 'dist', path);
/** The ros2ts CLI, as `ros2ts` runs it once installed. */
export const ROS2TS = `node ${dist('src/cli/main.js')}`;

/** Without a ROS 2 installation, one skipped test that says why the file did not run. */
export function skipUnlessAvailable(what: string): void {
  if (available) return;
  describe(what, () => {
    it.skip(`skipped: no ROS 2 installation (${why}); these tests have not run`, () => {});
  });
}

export function rosEnv(rmw: Rmw, domainId: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RMW_IMPLEMENTATION: rmw,
    ROS_DOMAIN_ID: String(domainId),
    QT_QPA_PLATFORM: 'offscreen',
    // Python's stdout is a pipe here: unbuffered, or a killed process's last lines are lost.
    PYTHONUNBUFFERED: '1',
    RCUTILS_LOGGING_BUFFERED_STREAM: '0',
  };
}

export interface Finished {
  /** Exit code; null when killed (by a signal, or by the timeout: then `timedOut`). */
  readonly code: number | null;
  readonly out: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** A running process with its combined output; `exited` resolves when it ends. */
export interface Running {
  readonly child: ChildProcess;
  out(): string;
  readonly exited: Promise<Finished>;
}

function startGroup(rmw: Rmw, domainId: number, command: string, timeoutMs?: number): Running {
  const started = Date.now();
  const child = spawn('bash', ['-c', `source "${SETUP}" && exec ${command}`], {
    env: rosEnv(rmw, domainId),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          signalGroup(child, 'SIGKILL');
        }, timeoutMs);
  const exited = new Promise<Finished>((resolve) => {
    // 'close', not 'exit': the output pipes are drained by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, timedOut, ms: Date.now() - started });
    });
  });
  return { child, out: () => out, exited };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * The processes of one test file: one-shot commands (`run`) and long-running ones (`start`), all
 * with ROS 2 sourced. `stopAll` (for afterEach) ends every group still running.
 */
export class Processes {
  private readonly running = new Set<Running>();

  /** Runs a command to its end; killed (with its whole group) after `timeoutMs`. */
  run(rmw: Rmw, domainId: number, command: string, timeoutMs: number): Promise<Finished> {
    const r = startGroup(rmw, domainId, command, timeoutMs);
    this.running.add(r);
    return r.exited.finally(() => this.running.delete(r));
  }

  /** Starts a long-running command, stopped by `stop` or `stopAll`. */
  start(rmw: Rmw, domainId: number, command: string): Running {
    const r = startGroup(rmw, domainId, command);
    this.running.add(r);
    void r.exited.finally(() => this.running.delete(r));
    return r;
  }

  /** Ctrl+C to the whole group (as a terminal sends it), SIGKILL if it is still there after `graceMs`. */
  async stop(r: Running, graceMs = 3000): Promise<Finished> {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      signalGroup(r.child, 'SIGINT');
      const timer = setTimeout(() => signalGroup(r.child, 'SIGKILL'), graceMs);
      const finished = await r.exited;
      clearTimeout(timer);
      // A node's own children (none expected) must not outlive the test either.
      signalGroup(r.child, 'SIGKILL');
      return finished;
    }
    return r.exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((r) => this.stop(r)));
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Compiles src/ and examples/ to dist/ (tsc, as `npm run build` ends) unless dist/ is already newer
 * than every source: rewriting dist/ while another test file's programs load from it could hand
 * them a half-written file.
 */
export function ensureBuilt(): void {
  const marker = dist('src/cli/main.js');
  const sources = ['src', 'examples', 'scripts', 'bench'].map((d) => newestMtime(join(root, d)));
  if (existsSync(marker) && statSync(marker).mtimeMs > Math.max(...sources)) return;
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

/** Polls `cond` until it holds (true) or `ms` have passed (false). */
export async function within(ms: number, cond: () => boolean, stepMs = 10): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

/** The difference of two headings, in (-π, π]. */
export function angleDiff(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI);
  if (d <= -Math.PI) d += 2 * Math.PI;
  if (d > Math.PI) d -= 2 * Math.PI;
  return d;
}

/** "12/20 (failed: #3 timed out, ...)" for a case's console line and its assertion message. */
export function tally(results: readonly (string | true)[]): string {
  const ok = results.filter((r) => r === true).length;
  const failures = results.flatMap((r, i) => (r === true ? [] : [`#${i + 1} ${r}`]));
  return `${ok}/${results.length}${failures.length > 0 ? ` (failed: ${failures.join('; ')})` : ''}`;
}

export interface PoseSample {
  readonly theta: number;
  readonly angularVelocity: number;
  readonly at: number;
}

/** The poses of one turtle as a ros2ts subscription in the test process receives them. */
export class PoseWatch {
  readonly poses: PoseSample[] = [];
  private readonly subscription: Subscription<'turtlesim/msg/Pose'>;

  constructor(node: Node, topic: string) {
    this.subscription = node.createSubscription('turtlesim/msg/Pose', topic, (p) =>
      this.poses.push({ theta: p.theta, angularVelocity: p.angular_velocity, at: Date.now() }),
    );
  }

  destroy(): void {
    this.subscription.destroy();
  }

  get last(): PoseSample | undefined {
    return this.poses[this.poses.length - 1];
  }

  /** Waits for a pose newer than now that shows the turtle not turning (a command lasts 1 s). */
  async still(ms: number): Promise<PoseSample | undefined> {
    const from = this.poses.length;
    const found = await within(ms, () => this.poses.length > from && this.last?.angularVelocity === 0);
    return found ? this.last : undefined;
  }
}
