/**
 * Running the `ros2ts` binary (`node dist/src/cli/main.js`, compiled by `buildDist`) as a user
 * would, on one domain with LOCALHOST discovery, for the CLI test files. Every child started is
 * killed by `killChildren` (call it in afterEach/afterAll).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly done: Promise<CliResult>;
}

export function cliRunner(domainId: number, extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROS_DOMAIN_ID: String(domainId),
    ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST',
    AMENT_PREFIX_PATH: '',
    ...extraEnv,
  };
  const children: ChildProcess[] = [];
  const start = (args: readonly string[], moreEnv: NodeJS.ProcessEnv = {}): RunningCli => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], {
      env: { ...env, ...moreEnv },
      cwd: root,
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
    );
    return { child, stdout: () => stdout, stderr: () => stderr, done };
  };
  return {
    env,
    start,
    run: (...args: string[]): Promise<CliResult> => start(args).done,
    killChildren: () => {
      for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    },
  };
}

/** Compiles src into dist (the binary the tests run). */
export function buildDist(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    tsc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`))));
  });
}
