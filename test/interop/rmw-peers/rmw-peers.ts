/**
 * ROS 2 nodes of the two DDS RMWs, for interop tests of the ros2ts node layer: small programs of
 * ours on each vendor's own API (Fast DDS 2.9.1 DDS API with fastddsgen 2.3.0 types; Cyclone DDS
 * 0.10.2 C API with idlc types) that put on the wire what rmw_fastrtps_cpp and rmw_cyclonedds_cpp
 * nodes put there (/work/shared/WIRE.md sections 1-5 and 9):
 *
 *   peer trigger-server SVC | trigger-client SVC | twist-pub TOPIC | twist-sub TOPIC | graph
 *        [--count N] [--node NAME] [--namespace NS] [--domain ID] [--timeout MS] [--interval MS]
 *        [--message TEXT] [--topic TOPIC] [--linger MS] [--startup MS] [--pause MS] [--ack-wait MS]
 *        [--humble]
 *
 * - `--humble`: what Humble's rmws put there instead (src/rmw/distro.ts): no endpoint USER_DATA
 *   (the Cyclone peer sends no clientid / serviceid in either mode), and ros_discovery_info read
 *   and written with 24-byte gids (rmw_dds_common_humble.idl, registered under the same DDS type
 *   name; each gid the 16-byte GUID and 8 zero bytes). A peer reads one layout only, as a real
 *   node does: a Humble peer cannot decode a Jazzy sample, nor the reverse.
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
 * - twist-pub: after its match and --pause ms (default 200), publishes N (0: until stopped)
 *   Twists every --interval ms (default 100): linear (0.5, 0, 0), angular (0, 0, k) for k = 1, 2,
 *   …; `published` {count, acked (by every matched reader within --ack-wait ms, default 5000;
 *   null with --ack-wait 0, which does not wait)}; exit 0 iff all N were published. `ros2 topic
 *   pub --once` is `--count 1 --pause 0 --ack-wait 0 --linger 100 --startup 500`.
 * - twist-sub: `twist` {linear_x, linear_y, linear_z, angular_x, angular_y, angular_z, writer}
 *   per sample; `done` {count} and exit 0 after N (0: until stopped); `timeout`, exit 1.
 * - all: `graph` {gid, gid_size (16, or 24 with --humble), gid_tails_zero (the bytes after each
 *   GUID are all 0), nodes: [{name, namespace, gid, readers, writers, reader_gids, writer_gids}]}
 *   for every ParticipantEntitiesInfo read from another participant; gids printed as their 16
 *   GUID bytes.
 * - `error` {message}, exit 2. --timeout (default 60000 ms, 0: none) bounds every command;
 *   --linger MS keeps the participant up after it (SIGTERM ends that early, exit code unchanged);
 *   --startup MS waits between creating the participant and the command's endpoints (ros2cli's
 *   DirectNode spins 0.5 s before a verb creates its publisher or client).
 *
 * Graph latency: between two Fast DDS processes a node can take up to the 3 s heartbeat period
 * to appear (the writer's first heartbeat and the reader's first ACKNACK can both arrive before
 * the other side has matched), as with rmw_fastrtps itself; keep a short-lived peer up with
 * --linger when a test needs the other side to see its node.
 *
 * Every peer opens DDS sockets, so `startRmwPeer` refuses to run outside the loopback-only network
 * namespace of scripts/netns-run.
 */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSandboxed } from '../../support/sandbox.js';
import {
  idlPeerRecipes,
  killAllPeerProcesses,
  type PeerLine,
  peerBuilder,
  type SpawnedPeer,
  spawnPeerProcess,
  type Vendor,
} from '../peer-process.js';

export { type PeerLine, type PeerResult, VENDORS, type Vendor } from '../peer-process.js';

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
  /** Wait this long between creating the participant and the command's endpoints (default 0). */
  readonly startupMs?: number;
  /** twist-pub: wait this long after the match before the first sample (default 200). */
  readonly pauseMs?: number;
  /** twist-pub: wait this long for acknowledgements after the last sample (default 5000; 0: none). */
  readonly ackWaitMs?: number;
  /**
   * Humble's conventions (`--humble`): no type hash in endpoint USER_DATA, and ros_discovery_info
   * with 24-byte gids (rmw_dds_common_humble.idl), read and written.
   */
  readonly humble?: boolean;
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
    ['--startup', o.startupMs],
    ['--pause', o.pauseMs],
    ['--ack-wait', o.ackWaitMs],
  ];
  for (const [flag, value] of values) if (value !== undefined) args.push(flag, String(value));
  if (o.humble) args.push('--humble');
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

/** A running rmw peer (see `SpawnedPeer`). */
export type RmwPeer = SpawnedPeer;

const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-rmw-peers');

const RECIPES = idlPeerRecipes(
  {
    fastdds: ['ros_msgs.idl', 'trigger_fastdds.idl', 'rmw_dds_common_humble.idl'],
    cyclone: ['ros_msgs.idl', 'trigger_cyclone.idl', 'rmw_dds_common_humble.idl'],
  },
  { fastdds: 'fastdds-rmw-peer.cpp', cyclone: 'cyclone-rmw-peer.c' },
);

const builder = peerBuilder({
  what: 'rmw peer',
  sourceDir: SOURCE_DIR,
  cacheRoot: CACHE_ROOT,
  recipes: RECIPES,
});

/**
 * Builds the vendor's rmw peer (or finds it in the cache under os.tmpdir(), keyed by a hash of
 * its sources and build steps); returns the executable's path. Concurrent callers share a build.
 */
export function buildRmwPeer(vendor: Vendor): Promise<string> {
  return builder.build(vendor);
}

/**
 * Starts a built rmw peer (`await buildRmwPeer(vendor)` first) with these arguments
 * (`rmwPeerArgs` makes them), in the current network namespace; throws outside the loopback-only
 * one. `env` is added to the inherited environment.
 */
export function startRmwPeer(vendor: Vendor, args: readonly string[], env?: Record<string, string>): RmwPeer {
  assertSandboxed('test/interop/rmw-peers');
  const exe = builder.built(vendor);
  if (exe === undefined)
    throw new Error(`the ${vendor} rmw peer is not built: await buildRmwPeer('${vendor}') first`);
  return spawnPeerProcess(vendor, exe, args, env);
}

/** Kills every rmw peer still running (for afterEach / afterAll). */
export function killAllRmwPeers(): void {
  killAllPeerProcesses();
}
