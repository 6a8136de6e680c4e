/**
 * What the interop harnesses (peers.ts, rmw-peers/rmw-peers.ts) share: building a vendor's peer
 * program into the native-build cache, and running one as a child process that prints JSON lines
 * on stdout. Sandboxing (`assertSandboxed`) is the harnesses' job: they call it before
 * `spawnPeerProcess`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildCached } from '../support/native-build.js';

export type Vendor = 'fastdds' | 'cyclone';
export const VENDORS: readonly Vendor[] = ['fastdds', 'cyclone'];
/** What a running peer is: a Debian vendor's, or the Fast DDS 3.x rmw peer (rmw-peers/fastdds3-peer.ts). */
export type PeerKind = Vendor | 'fastdds3';

/** One JSON object a peer printed. */
export type PeerLine = { readonly event?: string } & Readonly<Record<string, unknown>>;

export interface PeerResult {
  /** Exit code, or null when ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: readonly PeerLine[];
  /** Lines on stdout that were not JSON objects (vendor log output, if any). */
  readonly text: readonly string[];
  readonly stderr: string;
}

/** A running peer program. */
export interface SpawnedPeer {
  readonly vendor: PeerKind;
  readonly args: readonly string[];
  readonly pid: number | undefined;
  /** JSON lines printed so far. */
  readonly lines: readonly PeerLine[];
  /**
   * The first line with this event (and, if given, matching `match`), already printed or still
   * to come; rejects on timeout or when the peer exits first.
   */
  waitFor(event: string, timeoutMs: number, match?: (line: PeerLine) => boolean): Promise<PeerLine>;
  /** The lines with this event printed so far. */
  events(event: string): PeerLine[];
  /** Writes this line (and a newline) to the peer's stdin. */
  send(line: string): void;
  result(): Promise<PeerResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** How to build one vendor's peer from sources beside the harness. */
export interface PeerRecipe {
  /** Source files (relative to the harness's directory) copied into the build directory. */
  readonly files: readonly string[];
  /** The Debian packages the build needs, for its error message. */
  readonly packages: string;
  /** Builds the program `peer` in `dir`, which holds `files`. */
  compile(dir: string): Promise<void>;
}

export interface PeerBuilder {
  /**
   * Builds the vendor's peer (or finds it in the cache, keyed by a hash of its sources and build
   * steps); returns the executable's path. Concurrent callers share one build.
   */
  build(vendor: Vendor): Promise<string>;
  /** The executable of a finished `build`, else undefined. */
  built(vendor: Vendor): string | undefined;
}

/** A builder of one harness's peers; `what` names them in errors (e.g. "interop peer"). */
export function peerBuilder(o: {
  readonly what: string;
  readonly sourceDir: string;
  readonly cacheRoot: string;
  readonly recipes: Readonly<Record<Vendor, PeerRecipe>>;
}): PeerBuilder {
  const builds = new Map<Vendor, Promise<string>>();
  const built = new Map<Vendor, string>();

  async function buildInto(vendor: Vendor): Promise<string> {
    const recipe = o.recipes[vendor];
    const texts = await Promise.all(recipe.files.map((f) => readFile(join(o.sourceDir, f), 'utf8')));
    const hash = createHash('sha256').update(`${vendor}\0${recipe.compile.toString()}`);
    recipe.files.forEach((f, i) => {
      hash.update(`\0${f}\0${texts[i]}`);
    });
    return buildCached({
      cacheRoot: o.cacheRoot,
      key: `${vendor}-${hash.digest('hex').slice(0, 20)}`,
      label: vendor,
      files: Object.fromEntries(recipe.files.map((f, i) => [f, texts[i]!])),
      exeName: 'peer',
      async compile(dir) {
        try {
          await recipe.compile(dir);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new Error(
            `building the ${vendor} ${o.what} failed (it needs the Debian packages ${recipe.packages}): ${why}`,
            { cause: e },
          );
        }
      },
    });
  }

  return {
    build(vendor) {
      let pending = builds.get(vendor);
      if (!pending) {
        pending = buildInto(vendor).then((exe) => {
          built.set(vendor, exe);
          return exe;
        });
        builds.set(vendor, pending);
        pending.catch(() => builds.delete(vendor));
      }
      return pending;
    },
    built: (vendor) => built.get(vendor),
  };
}

/** Debian packages by command, for a command that is missing. */
const TOOL_PACKAGES: Record<string, string> = {
  fastddsgen: 'fastddsgen (and a Java runtime, default-jre-headless)',
  'g++': 'g++',
  idlc: 'cyclonedds-tools',
  gcc: 'gcc',
};

/** Runs one build step in `cwd`; rejects with its output unless it exits 0. */
export function runBuildStep(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(`${cmd} not found: install the Debian package ${TOOL_PACKAGES[cmd] ?? cmd}`)
          : e,
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const output = Buffer.concat(out).toString('utf8').slice(-4000);
        reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
      }
    });
  });
}

/** Every peer process of this module instance (this test file) still running. */
const running = new Set<ChildProcessWithoutNullStreams>();

/** Starts `exe` with these arguments; `env` is added to the inherited environment. */
export function spawnPeerProcess(
  vendor: PeerKind,
  exe: string,
  args: readonly string[],
  env?: Record<string, string>,
): SpawnedPeer {
  const child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  const lines: PeerLine[] = [];
  const text: string[] = [];
  const stderr: Buffer[] = [];
  const listeners = new Set<() => void>();
  let exited = false;
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.stdin.on('error', () => {
    // The peer may have exited; result() reports that.
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = parseLine(line);
    if (parsed) lines.push(parsed);
    else text.push(line);
    notify();
  });
  const done = new Promise<PeerResult>((resolve, reject) => {
    child.on('error', (e) => {
      exited = true;
      running.delete(child);
      notify();
      reject(e);
    });
    // 'close' comes after stdout has ended, so every line is in.
    child.on('close', (code, signal) => {
      exited = true;
      running.delete(child);
      notify();
      resolve({ code, signal, lines, text, stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  done.catch(() => {
    // Reported through result() and waitFor().
  });
  const describe = () =>
    `${vendor} ${args.join(' ')}: stdout ${JSON.stringify(lines).slice(-2000)} ${text.join('\n').slice(-500)} ` +
    `stderr ${Buffer.concat(stderr).toString('utf8').slice(-1500)}`;

  return {
    vendor,
    args,
    pid: child.pid,
    lines,
    waitFor(event, timeoutMs, match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => l.event === event && (match === undefined || match(l)));
          if (hit) finish(() => resolve(hit));
          else if (exited) finish(() => reject(new Error(`peer exited before "${event}": ${describe()}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no "${event}" within ${timeoutMs} ms: ${describe()}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    events: (event) => lines.filter((l) => l.event === event),
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    result: () => done,
    kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
  };
}

/** Kills every peer process still running (for afterEach / afterAll). */
export function killAllPeerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** A JSON object line, or undefined for anything else (vendor log output). */
export function parseLine(line: string): PeerLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as PeerLine;
  } catch {
    // Not JSON: vendor log output.
  }
  return undefined;
}

/**
 * The recipes of an rmw-like peer pair: a C++ program on Fast DDS (types by fastddsgen) and a C
 * program on Cyclone DDS (types by idlc), each built from its IDL files and one source file.
 * `idl` lists each vendor's IDL files (shared ones included), `source` each vendor's program.
 */
export function idlPeerRecipes(
  idl: Readonly<Record<Vendor, readonly string[]>>,
  source: Readonly<Record<Vendor, string>>,
): Record<Vendor, PeerRecipe> {
  const base = (f: string) => f.replace(/\.idl$/, '');
  return {
    fastdds: {
      files: [...idl.fastdds, source.fastdds],
      packages: 'libfastrtps-dev, libfastcdr-dev and fastddsgen (with a Java runtime)',
      async compile(dir) {
        await mkdir(join(dir, 'gen'));
        await runBuildStep('fastddsgen', ['-replace', '-d', 'gen', ...idl.fastdds], dir);
        // fastddsgen 2.3 exits 0 after some of its errors; a missing output tells.
        for (const f of idl.fastdds.map((i) => `${base(i)}PubSubTypes.cxx`))
          if (!existsSync(join(dir, 'gen', f))) throw new Error(`fastddsgen produced no ${f} in ${dir}`);
        await runBuildStep(
          'g++',
          [
            ...['-std=c++17', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', source.fastdds],
            ...idl.fastdds.flatMap((i) => [`gen/${base(i)}.cxx`, `gen/${base(i)}PubSubTypes.cxx`]),
            ...['-lfastrtps', '-lfastcdr', '-lpthread'],
          ],
          dir,
        );
      },
    },
    cyclone: {
      files: [...idl.cyclone, source.cyclone],
      packages: 'cyclonedds-dev and cyclonedds-tools (idlc)',
      async compile(dir) {
        await mkdir(join(dir, 'gen'));
        // -t: no type information in the descriptors, so no TYPE_INFORMATION in SEDP (rmw's
        // sertype has none either).
        for (const i of idl.cyclone) await runBuildStep('idlc', ['-t', '-x', 'final', '-o', 'gen', i], dir);
        await runBuildStep(
          'gcc',
          [
            ...['-std=gnu11', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', source.cyclone],
            ...idl.cyclone.map((i) => `gen/${base(i)}.c`),
            '-lddsc',
          ],
          dir,
        );
      },
    },
  };
}
