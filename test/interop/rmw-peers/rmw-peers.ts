/**
 * ROS 2 nodes of the two DDS RMWs, for interop tests of the ros2ts node layer: small programs of
 * ours on each vendor's own API (Fast DDS 2.9.1 DDS API with fastddsgen 2.3.0 types; Cyclone DDS
 * 0.10.2 C API with idlc types) that put on the wire what rmw_fastrtps_cpp and rmw_cyclonedds_cpp
 * nodes put there (/work/shared/WIRE.md sections 1-5 and 9):
 *
 *   peer trigger-server SVC | trigger-client SVC | twist-pub TOPIC | twist-sub TOPIC | graph
 *        [--count N] [--node NAME] [--namespace NS] [--domain ID] [--timeout MS] [--interval MS]
 *        [--message TEXT] [--topic TOPIC] [--linger MS]
 *
 * - Names are ROS names, with or without the leading slash: topic T is DDS topic `rt/T`, service
 *   S is `rq/SRequest` / `rr/SReply`. Types `std_srvs::srv::dds_::Trigger_Request_` /
 *   `_Response_`, `geometry_msgs::msg::dds_::Twist_`, keyless.
 * - QoS: RELIABLE, VOLATILE, KEEP_LAST 10; `ros_discovery_info` writer TRANSIENT_LOCAL KEEP_LAST 1,
 *   reader TRANSIENT_LOCAL KEEP_ALL. Participant USER_DATA `enclave=/;` (Fast DDS with a trailing
 *   NUL); endpoint USER_DATA `typehash=RIHS01_…;` (Jazzy).
 * - Services: Fast DDS correlates through inline QoS PID 0x800f (related sample identity, as
 *   rmw_fastrtps on Fast DDS 2.9: client sends (its reply-reader GUID, SN unknown); the server
 *   answers with (that GUID, or the request writer's GUID if none was sent; the request's SN),
 *   after waiting up to 100 ms for its reply writer to match that reader, else drops the reply).
 *   Cyclone prepends {uint64 guid; int64 seq} to every request and reply payload (client: its
 *   request writer's instance handle, a counter from 1; server: echoes them). No cross-vendor
 *   services, as with the real RMWs.
 * - Every process is one participant with one node (default name `<vendor>_<subcommand>` with
 *   `_` for `-`, namespace `/`), published on `ros_discovery_info` with the GIDs of its endpoints
 *   (a server lists its request reader and reply writer, a client its request writer and reply
 *   reader); `graph` has no endpoints unless `--topic T` adds a Twist publisher on it.
 * - Fast DDS runs on UDPv4 only (no SHM, no data sharing). Cyclone takes its ports from a
 *   participant index (`ParticipantIndex` auto, at most 32: 7410 + 250 d + 2 i, as the Jazzy
 *   rmw_cyclonedds nodes in /work/shared/captures; 0.10.2's own default is random ports), then
 *   `CYCLONEDDS_URI` if set (pass it in `env`). So all of both vendors' traffic is on the domain's
 *   ports, where a tcpdump port-range filter sees it.
 * - Known difference from the real RMWs: Cyclone 0.10.2's serializer writes the number of padding
 *   bytes into the encapsulation options (`00 01 00 03` for a Trigger request); rmw_cyclonedds and
 *   rmw_fastrtps always send `00 00` there. Receivers must ignore them either way.
 *
 * Events, one JSON object per line, every one with `"vendor"`:
 * - `ready`: `role`, `node`, `namespace`, `participant` (16-byte GID hex), `reader_gids`,
 *   `writer_gids`; plus `request_reader`/`reply_writer` (server), `request_writer`/`reply_reader`
 *   (client; Cyclone also `client_guid`: the 8 header bytes as on the wire), `writer` / `reader`.
 * - `matched` / `unmatched`: all of the command's endpoints have a match / one lost its last.
 * - server: `request` {seq, Fast DDS: writer, related (GID hex or null); Cyclone: guid},
 *   `replied` {seq, to | guid}, Fast DDS `dropped` {seq, to}; ends (--count replies, --timeout, or
 *   SIGTERM) with `done` {count}, exit 0.
 * - client: waits for both matches, then per request `request` {seq} and `response`
 *   {seq, success, message}; `done` {count} and exit 0 after N (default 1); `timeout`, exit 1.
 * - twist-pub: after its match and 200 ms, publishes N (0: until stopped) Twists every --interval
 *   ms (default 100): linear (0.5, 0, 0), angular (0, 0, k) for k = 1, 2, …; `published`
 *   {count, acked (by every matched reader within 5 s)}; exit 0 iff all N were published.
 * - twist-sub: `twist` {linear_x, linear_y, linear_z, angular_x, angular_y, angular_z, writer}
 *   per sample; `done` {count} and exit 0 after N (0: until stopped); `timeout`, exit 1.
 * - all: `graph` {gid, nodes: [{name, namespace, gid, readers, writers, reader_gids,
 *   writer_gids}]} for every ParticipantEntitiesInfo read from another participant.
 * - `error` {message}, exit 2. --timeout (default 60000 ms, 0: none) bounds every command;
 *   --linger MS keeps the participant up after it (SIGTERM ends that early, exit code unchanged).
 *
 * Graph latency: between two Fast DDS processes a node can take up to the 3 s heartbeat period
 * to appear (the writer's first heartbeat and the reader's first ACKNACK can both arrive before
 * the other side has matched), as with rmw_fastrtps itself; keep a short-lived peer up with
 * --linger when a test needs the other side to see its node.
 *
 * Every peer opens DDS sockets, so `startRmwPeer` refuses to run outside the loopback-only network
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
import { buildCached } from '../../support/native-build.js';
import { assertSandboxed } from '../../support/sandbox.js';
import type { PeerLine, PeerResult, Vendor } from '../peers.js';

export type { PeerLine, PeerResult, Vendor } from '../peers.js';
export { VENDORS } from '../peers.js';

export type RmwCommand = 'trigger-server' | 'trigger-client' | 'twist-pub' | 'twist-sub' | 'graph';

/** DDS type names both peers register. */
export const RMW_TYPES = {
  triggerRequest: 'std_srvs::srv::dds_::Trigger_Request_',
  triggerResponse: 'std_srvs::srv::dds_::Trigger_Response_',
  twist: 'geometry_msgs::msg::dds_::Twist_',
  graph: 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_',
} as const;

/** The reply message each vendor's trigger-server sends (unless --message). */
export const TRIGGER_MESSAGE: Record<Vendor, string> = {
  fastdds: 'from fastdds',
  cyclone: 'from cyclone',
};

export interface RmwPeerOptions {
  /** Requests (client), replies before exiting (server), samples (pub/sub); 0 = unlimited. */
  readonly count?: number;
  readonly node?: string;
  readonly namespace?: string;
  readonly domain?: number;
  /** Default 60000; 0 = none. */
  readonly timeoutMs?: number;
  /** twist-pub: ms between samples (default 100). */
  readonly intervalMs?: number;
  /** trigger-server: the reply's message. */
  readonly message?: string;
  /** graph: also a Twist publisher on this topic (listed in the node's writers). */
  readonly topic?: string;
  /** Stay this long after the command is done (SIGTERM ends it early, exit code unchanged). */
  readonly lingerMs?: number;
}

/** The command line of a peer: `name` is the service or topic (not for `graph`). */
export function rmwPeerArgs(command: RmwCommand, name: string | undefined, o: RmwPeerOptions = {}): string[] {
  const args: string[] = [command];
  if (command !== 'graph') {
    if (name === undefined) throw new Error(`${command} needs a service or topic name`);
    args.push(name);
  }
  const values: [string, string | number | undefined][] = [
    ['--count', o.count],
    ['--node', o.node],
    ['--namespace', o.namespace],
    ['--domain', o.domain],
    ['--timeout', o.timeoutMs],
    ['--interval', o.intervalMs],
    ['--message', o.message],
    ['--topic', o.topic],
    ['--linger', o.lingerMs],
  ];
  for (const [flag, value] of values) if (value !== undefined) args.push(flag, String(value));
  return args;
}

/** One node of a `graph` event. */
export interface GraphNode {
  readonly name: string;
  readonly namespace: string;
  /** The participant GID (hex) the node was published under. */
  readonly gid: string;
  readonly readers: number;
  readonly writers: number;
  readonly reader_gids: readonly string[];
  readonly writer_gids: readonly string[];
}

/** The nodes of a `graph` line. */
export function graphNodes(line: PeerLine): readonly GraphNode[] {
  const nodes = line['nodes'];
  return Array.isArray(nodes) ? (nodes as GraphNode[]) : [];
}

/** A predicate for `waitFor('graph', …)`: the line lists a node of this name. */
export const hasNode =
  (name: string) =>
  (line: PeerLine): boolean =>
    graphNodes(line).some((n) => n.name === name);

export interface RmwPeer {
  readonly vendor: Vendor;
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
  result(): Promise<PeerResult>;
  kill(signal?: NodeJS.Signals): void;
}

const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-rmw-peers');

interface Recipe {
  readonly files: readonly string[];
  readonly packages: string;
  compile(dir: string): Promise<void>;
}

const RECIPES: Record<Vendor, Recipe> = {
  fastdds: {
    files: ['ros_msgs.idl', 'trigger_fastdds.idl', 'fastdds-rmw-peer.cpp'],
    packages: 'libfastrtps-dev, libfastcdr-dev and fastddsgen (with a Java runtime)',
    async compile(dir) {
      await mkdir(join(dir, 'gen'));
      await run('fastddsgen', ['-replace', '-d', 'gen', 'ros_msgs.idl', 'trigger_fastdds.idl'], dir);
      // fastddsgen 2.3 exits 0 after some of its errors; a missing output tells.
      for (const f of ['ros_msgsPubSubTypes.cxx', 'trigger_fastddsPubSubTypes.cxx'])
        if (!existsSync(join(dir, 'gen', f))) throw new Error(`fastddsgen produced no ${f} in ${dir}`);
      await run(
        'g++',
        [
          ...['-std=c++17', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', 'fastdds-rmw-peer.cpp'],
          ...['gen/ros_msgs.cxx', 'gen/ros_msgsPubSubTypes.cxx'],
          ...['gen/trigger_fastdds.cxx', 'gen/trigger_fastddsPubSubTypes.cxx'],
          ...['-lfastrtps', '-lfastcdr', '-lpthread'],
        ],
        dir,
      );
    },
  },
  cyclone: {
    files: ['ros_msgs.idl', 'trigger_cyclone.idl', 'cyclone-rmw-peer.c'],
    packages: 'cyclonedds-dev and cyclonedds-tools (idlc)',
    async compile(dir) {
      await mkdir(join(dir, 'gen'));
      // -t: no type information in the descriptors, so no TYPE_INFORMATION in SEDP (rmw's sertype
      // has none either).
      for (const idl of ['ros_msgs.idl', 'trigger_cyclone.idl'])
        await run('idlc', ['-t', '-x', 'final', '-o', 'gen', idl], dir);
      await run(
        'gcc',
        [
          ...['-std=gnu11', '-O2', '-Wall', '-I', 'gen', '-o', 'peer', 'cyclone-rmw-peer.c'],
          ...['gen/ros_msgs.c', 'gen/trigger_cyclone.c', '-lddsc'],
        ],
        dir,
      );
    },
  },
};

const TOOL_PACKAGES: Record<string, string> = {
  fastddsgen: 'fastddsgen (and a Java runtime, default-jre-headless)',
  'g++': 'g++',
  idlc: 'cyclonedds-tools',
  gcc: 'gcc',
};

const builds = new Map<Vendor, Promise<string>>();
const built = new Map<Vendor, string>();

/**
 * Builds the vendor's rmw peer (or finds it in the cache under os.tmpdir(), keyed by a hash of
 * its sources and build steps); returns the executable's path. Concurrent callers share a build.
 */
export function buildRmwPeer(vendor: Vendor): Promise<string> {
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
  const texts = await Promise.all(recipe.files.map((f) => readFile(join(SOURCE_DIR, f), 'utf8')));
  const hash = createHash('sha256').update(`${vendor}\0${recipe.compile.toString()}`);
  recipe.files.forEach((f, i) => {
    hash.update(`\0${f}\0${texts[i]}`);
  });
  return buildCached({
    cacheRoot: CACHE_ROOT,
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
          `building the ${vendor} rmw peer failed (it needs the Debian packages ${recipe.packages}): ${why}`,
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
 * Starts a built rmw peer (`await buildRmwPeer(vendor)` first) with these arguments
 * (`rmwPeerArgs` makes them), in the current network namespace; throws outside the loopback-only
 * one. `env` is added to the inherited environment.
 */
export function startRmwPeer(vendor: Vendor, args: readonly string[], env?: Record<string, string>): RmwPeer {
  assertSandboxed('test/interop/rmw-peers');
  const exe = built.get(vendor);
  if (exe === undefined)
    throw new Error(`the ${vendor} rmw peer is not built: await buildRmwPeer('${vendor}') first`);
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
    result: () => done,
    kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
  };
}

/** Kills every rmw peer still running (for afterEach / afterAll). */
export function killAllRmwPeers(): void {
  for (const child of running) child.kill('SIGKILL');
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
