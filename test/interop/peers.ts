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
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSandboxed } from '../support/sandbox.js';
import {
  killAllPeerProcesses,
  type PeerLine,
  type PeerRecipe,
  type PeerResult,
  peerBuilder,
  runBuildStep as run,
  type SpawnedPeer,
  spawnPeerProcess,
  type Vendor,
} from './peer-process.js';

export { type PeerLine, type PeerResult, VENDORS, type Vendor } from './peer-process.js';

/** The DDS type name both vendors register for peer.idl's struct. */
export const PEER_TYPE_NAME = 'interop::InteropSample';

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
  /** The DEADLINE period offered (pub) or requested (sub); omitted: infinite. */
  readonly deadlineMs?: number;
  /**
   * MANUAL_BY_TOPIC liveliness with this lease; omitted: AUTOMATIC, infinite. A sub then emits a
   * `liveliness` line (`alive`, `notAlive`) at each change of its liveliness-changed status.
   */
  readonly manualLivelinessMs?: number;
  /** pub: after the acknowledgements, assert liveliness every 50 ms for this long, then emit `asserted`. */
  readonly assertForMs?: number;
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
    ['--deadline', o.deadlineMs],
    ['--manual-liveliness', o.manualLivelinessMs],
    ['--assert-for', o.assertForMs],
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

/** A running peer; `waitFor`, `events`, `result`, `kill` as in `SpawnedPeer`. */
export interface PeerProcess extends SpawnedPeer {
  /** Writes "go" to stdin, for a publisher started with `awaitGo`. */
  go(): void;
}

/** peer.idl and the two programs sit beside this file. */
const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-interop');

const RECIPES: Record<Vendor, PeerRecipe> = {
  fastdds: {
    files: ['peer.idl', 'fastdds-peer.cpp'],
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
    files: ['peer.idl', 'cyclone-peer.c'],
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

const builder = peerBuilder({
  what: 'interop peer',
  sourceDir: SOURCE_DIR,
  cacheRoot: CACHE_ROOT,
  recipes: RECIPES,
});

/**
 * Builds the vendor's peer (or finds it in the cache, keyed by a hash of its sources and build
 * steps); returns the executable's path. Concurrent callers share one build.
 */
export function buildPeer(vendor: Vendor): Promise<string> {
  return builder.build(vendor);
}

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
  const exe = builder.built(vendor);
  if (exe === undefined)
    throw new Error(`the ${vendor} peer is not built: await buildPeer('${vendor}') first`);
  const peer = spawnPeerProcess(vendor, exe, args, env);
  return { ...peer, go: () => peer.send('go') };
}

/** Kills every peer still running (for afterEach). */
export function killAllPeers(): void {
  killAllPeerProcesses();
}

function lastWith(result: PeerResult, key: string): PeerLine | undefined {
  return [...result.lines].reverse().find((l) => key in l);
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
