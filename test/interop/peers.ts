/**
 * Vendor-side peers of the interop suite: small publisher / subscriber programs of ours on each
 * vendor's own API, built from the Debian packages (Fast DDS 2.9.1 with fastddsgen 2.3.0, Cyclone
 * DDS 0.10.2 with idlc) and driven as child processes.
 *
 *   peer pub|sub --topic NAME --count N --size BYTES [--reliable|--best-effort] [--transient-local]
 *        [--depth D | --keep-all] [--domain ID] [--wait-for-match MS] [--timeout MS]
 *        [--interval-us US] [--await-go] [--await-writer] [--linger MS] [--idle MS]
 *
 * Defaults: reliable, volatile, KEEP_ALL, domain 0, --wait-for-match 10000, --timeout 30000.
 * Sample: `interop::InteropSample { uint64 seq; sequence<octet> data }` (peer.idl, keyless) with
 * data byte i = (seq + i) & 0xff. Both peers print JSON lines on stdout:
 *  - `{"event":"ready",...}` once the writer / reader exists; `{"event":"matched"|"unmatched","current":n}`.
 *  - pub: waits for a matched reader (or --wait-for-match; 0 = not at all), then with --await-go
 *    for a line on stdin, publishes seq 1..N, prints `{"event":"published"}`, waits for all
 *    acknowledgements (`{"event":"acked","ok":bool}`), stays --linger ms (for late joiners), and
 *    ends with `{"published":N,"acked":bool,"matched":bool,"elapsedMs":t}`; exit 0 iff all were
 *    published and acknowledged.
 *  - sub: with --await-writer, first waits until a writer of the topic has been discovered
 *    (`{"event":"writer-discovered"}`) and only then creates its reader; takes samples until N
 *    distinct ones, --timeout, or --idle ms without a sample, then
 *    prints `{"received","inOrder","duplicates","firstSeq","lastSeq","badData","elapsedMs"}`
 *    (elapsed = first to last sample); exit 0 iff all N arrived in order with good data.
 *  - errors: `{"event":"error","message":...}`, exit 2. SIGTERM / SIGINT end either one early,
 *    still printing its summary.
 *
 * Why --await-go and --await-writer: Cyclone 0.10 starts a volatile reliable reader at the first
 * HEARTBEAT it accepts from a non-Cyclone writer: everything up to that heartbeat's last sequence
 * number counts as a gap (`handle_Heartbeat`, "gap_end_seq = lastseq + 1"), delivering only what
 * it happened to have complete, and the writer sees it all acknowledged. Data or heartbeats that
 * arrive before Cyclone has discovered the writer are dropped. So:
 *  - publishing as soon as the *writer* sees the match loses samples: wait until both sides report
 *    `matched`, then send "go" (`PeerProcess.go()`);
 *  - even then, if Fast DDS's one heartbeat on matching (`1..0`) came before Cyclone knew the
 *    writer, the first heartbeat Cyclone accepts is the one piggy-backed after a DATA_FRAG of
 *    sample 1, and that whole sample is dropped. A reader created only after the writer is known
 *    (--await-writer) is matched before the writer learns of it, so it sees that first heartbeat.
 *
 * Every peer opens DDS sockets, so `startPeer` refuses to run outside the loopback-only network
 * namespace of scripts/netns-run.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildCached } from '../support/native-build.js';
import { assertSandboxed } from '../support/sandbox.js';

export type Vendor = 'fastdds' | 'cyclone';
export const VENDORS: readonly Vendor[] = ['fastdds', 'cyclone'];

/** The DDS type name both vendors register for peer.idl's struct. */
export const PEER_TYPE_NAME = 'interop::InteropSample';

/** One JSON object a peer printed. */
export type PeerLine = { readonly event?: string } & Readonly<Record<string, unknown>>;

export interface PeerOptions {
  readonly topic: string;
  readonly count: number;
  readonly size: number;
  /** Default true. */
  readonly reliable?: boolean;
  readonly transientLocal?: boolean;
  /** KEEP_LAST depth; omitted: KEEP_ALL. */
  readonly depth?: number;
  readonly domain?: number;
  readonly waitForMatchMs?: number;
  readonly timeoutMs?: number;
  readonly intervalUs?: number;
  /** pub: after matching, wait for a line on stdin (`PeerProcess.go()`) before publishing. */
  readonly awaitGo?: boolean;
  /** sub: create the reader only once a writer of the topic has been discovered (see above). */
  readonly awaitWriter?: boolean;
  /** pub: stay this long after the acknowledgements (for late joiners). */
  readonly lingerMs?: number;
  /** sub: give up after this long without a sample, once one arrived. */
  readonly idleMs?: number;
}

/** The command line for a peer; the inverse of the programs' parsers. */
export function peerArgs(role: 'pub' | 'sub', o: PeerOptions): string[] {
  const args = [role, '--topic', o.topic, '--count', String(o.count), '--size', String(o.size)];
  args.push(o.reliable === false ? '--best-effort' : '--reliable');
  if (o.transientLocal) args.push('--transient-local');
  if (o.depth !== undefined) args.push('--depth', String(o.depth));
  else args.push('--keep-all');
  const numbers: [string, number | undefined][] = [
    ['--domain', o.domain],
    ['--wait-for-match', o.waitForMatchMs],
    ['--timeout', o.timeoutMs],
    ['--interval-us', o.intervalUs],
    ['--linger', o.lingerMs],
    ['--idle', o.idleMs],
  ];
  for (const [flag, value] of numbers) if (value !== undefined) args.push(flag, String(value));
  if (o.awaitGo) args.push('--await-go');
  if (o.awaitWriter) args.push('--await-writer');
  return args;
}

export interface SubSummary {
  readonly received: number;
  readonly inOrder: boolean;
  readonly duplicates: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly badData: number;
  readonly elapsedMs: number;
}

export interface PubSummary {
  readonly published: number;
  readonly acked: boolean;
  readonly matched: boolean;
  readonly elapsedMs: number;
}

export interface PeerResult {
  /** Exit code, or null when ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: readonly PeerLine[];
  /** Lines on stdout that were not JSON objects (vendor log output, if any). */
  readonly text: readonly string[];
  readonly stderr: string;
}

export interface PeerProcess {
  readonly vendor: Vendor;
  readonly args: readonly string[];
  readonly pid: number | undefined;
  /** JSON lines printed so far. */
  readonly lines: readonly PeerLine[];
  /** The first line with this event (already printed or still to come); rejects on timeout or exit. */
  waitFor(event: string, timeoutMs: number): Promise<PeerLine>;
  /** Writes "go" to stdin, for a publisher started with `awaitGo`. */
  go(): void;
  result(): Promise<PeerResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** peer.idl and the two programs sit beside this file. */
const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-interop');

interface Recipe {
  readonly source: string;
  readonly packages: string;
  compile(dir: string): Promise<void>;
}

const RECIPES: Record<Vendor, Recipe> = {
  fastdds: {
    source: 'fastdds-peer.cpp',
    packages: 'libfastrtps-dev, libfastcdr-dev and fastddsgen (with a Java runtime)',
    async compile(dir) {
      await mkdir(join(dir, 'gen'));
      await run('fastddsgen', ['-replace', '-d', 'gen', 'peer.idl'], dir);
      // fastddsgen 2.3 exits 0 after some of its errors; a missing output tells.
      if (!existsSync(join(dir, 'gen', 'peerPubSubTypes.cxx')))
        throw new Error(`fastddsgen produced nothing in ${dir}`);
      await run(
        'g++',
        [
          ...['-std=c++17', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', 'fastdds-peer.cpp'],
          ...['gen/peer.cxx', 'gen/peerPubSubTypes.cxx', '-lfastrtps', '-lfastcdr', '-lpthread'],
        ],
        dir,
      );
    },
  },
  cyclone: {
    source: 'cyclone-peer.c',
    packages: 'cyclonedds-dev and cyclonedds-tools (idlc)',
    async compile(dir) {
      await mkdir(join(dir, 'gen'));
      await run('idlc', ['-x', 'final', '-o', 'gen', 'peer.idl'], dir);
      await run(
        'gcc',
        ['-std=gnu11', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', 'cyclone-peer.c', 'gen/peer.c', '-lddsc'],
        dir,
      );
    },
  },
};

/** Debian packages by command, for a command that is missing. */
const TOOL_PACKAGES: Record<string, string> = {
  fastddsgen: 'fastddsgen (and a Java runtime, default-jre-headless)',
  'g++': 'g++',
  idlc: 'cyclonedds-tools',
  gcc: 'gcc',
};

const builds = new Map<Vendor, Promise<string>>();
const built = new Map<Vendor, string>();

/**
 * Builds the vendor's peer (or finds it in the cache, keyed by a hash of its sources and build
 * steps); returns the executable's path. Concurrent callers share one build.
 */
export function buildPeer(vendor: Vendor): Promise<string> {
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
}

async function buildInto(vendor: Vendor): Promise<string> {
  const recipe = RECIPES[vendor];
  const files = ['peer.idl', recipe.source];
  const texts = await Promise.all(files.map((f) => readFile(join(SOURCE_DIR, f), 'utf8')));
  const hash = createHash('sha256').update(`${vendor}\0${recipe.compile.toString()}`);
  files.forEach((f, i) => {
    hash.update(`\0${f}\0${texts[i]}`);
  });
  return buildCached({
    cacheRoot: CACHE_ROOT,
    key: `${vendor}-${hash.digest('hex').slice(0, 20)}`,
    label: vendor,
    files: Object.fromEntries(files.map((f, i) => [f, texts[i]!])),
    exeName: 'peer',
    async compile(dir) {
      try {
        await recipe.compile(dir);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new Error(
          `building the ${vendor} interop peer failed (it needs the Debian packages ${recipe.packages}): ${why}`,
          { cause: e },
        );
      }
    },
  });
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
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

const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * Starts a built peer (see `buildPeer`) with these arguments (`peerArgs` makes them). Throws
 * outside the loopback-only namespace. `env` is added to the inherited environment.
 */
export function startPeer(
  vendor: Vendor,
  args: readonly string[],
  env?: Record<string, string>,
): PeerProcess {
  assertSandboxed('test/interop');
  const exe = built.get(vendor);
  if (exe === undefined)
    throw new Error(`the ${vendor} peer is not built: await buildPeer('${vendor}') first`);
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
    `${vendor} ${args.join(' ')}: stdout ${JSON.stringify(lines).slice(-1500)} ${text.join('\n').slice(-500)} ` +
    `stderr ${Buffer.concat(stderr).toString('utf8').slice(-1500)}`;

  return {
    vendor,
    args,
    pid: child.pid,
    lines,
    waitFor(event, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => l.event === event);
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
    go() {
      child.stdin.write('go\n');
    },
    result: () => done,
    kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
  };
}

/** Kills every peer still running (for afterEach). */
export function killAllPeers(): void {
  for (const child of running) child.kill('SIGKILL');
}

function lastWith(result: PeerResult, key: string): PeerLine | undefined {
  return [...result.lines].reverse().find((l) => key in l);
}

function parseLine(line: string): PeerLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as PeerLine;
  } catch {
    // Not JSON: vendor log output.
  }
  return undefined;
}

/** The subscriber's final summary line; throws if it is missing or malformed. */
export function subSummary(result: PeerResult): SubSummary {
  const line = lastWith(result, 'received');
  const fields = ['received', 'duplicates', 'firstSeq', 'lastSeq', 'badData', 'elapsedMs'] as const;
  if (!line || !fields.every((f) => typeof line[f] === 'number') || typeof line['inOrder'] !== 'boolean') {
    throw new Error(
      `no subscriber summary in ${JSON.stringify(result.lines)}; stderr ${result.stderr.slice(-2000)}`,
    );
  }
  return line as unknown as SubSummary;
}

/** The publisher's final summary line; throws if it is missing or malformed. */
export function pubSummary(result: PeerResult): PubSummary {
  const line = lastWith(result, 'published');
  if (
    !line ||
    typeof line['published'] !== 'number' ||
    typeof line['acked'] !== 'boolean' ||
    typeof line['matched'] !== 'boolean' ||
    typeof line['elapsedMs'] !== 'number'
  ) {
    throw new Error(
      `no publisher summary in ${JSON.stringify(result.lines)}; stderr ${result.stderr.slice(-2000)}`,
    );
  }
  return line as unknown as PubSummary;
}
