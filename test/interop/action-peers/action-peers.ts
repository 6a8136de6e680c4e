/**
 * ROS 2 action clients and servers of the two DDS RMWs, for interop tests of ros2ts actions: small
 * programs of ours on each vendor's own API (Fast DDS 2.9.1 with fastddsgen types; Cyclone DDS
 * 0.10.2 with idlc types) that put example_interfaces/action/Fibonacci on the wire as rcl_action
 * over rmw_fastrtps_cpp / rmw_cyclonedds_cpp does:
 *
 *   peer action-client ACTION | action-server ACTION | status-watch ACTION
 *        [--order N] [--cancel-after K] [--interval MS] [--count N] [--node NAME] [--namespace NS]
 *        [--domain ID] [--timeout MS] [--linger MS] [--startup MS]
 *
 * - Names (rcl_action names.c): services `<ACTION>/_action/{send_goal,cancel_goal,get_result}`
 *   (DDS `rq/…Request`, `rr/…Reply`), topics `<ACTION>/_action/{feedback,status}` (DDS `rt/…`).
 *   Types `example_interfaces::action::dds_::Fibonacci_SendGoal_Request_` (…_Response_,
 *   Fibonacci_GetResult_…, Fibonacci_FeedbackMessage_), `action_msgs::srv::dds_::CancelGoal_…`,
 *   `action_msgs::msg::dds_::GoalStatusArray_`; endpoint USER_DATA `typehash=RIHS01_…;`.
 * - QoS: services and feedback RELIABLE VOLATILE KEEP_LAST 10; status RELIABLE TRANSIENT_LOCAL
 *   KEEP_LAST 1 on writer and reader (rcl_action_qos_profile_status_default).
 * - Request/reply correlation as each rmw (see rmw-peers.ts): Fast DDS related sample identity in
 *   inline QoS 0x800f; Cyclone's 16-byte {guid, seq} header before every request and reply.
 * - Each process is one participant with one node on ros_discovery_info, as in the rmw peers.
 *
 * Events, one JSON object per line, every one with `"vendor"`:
 * - all: `ready` {role, node, namespace, participant, reader_gids, writer_gids}; `error`
 *   {message} (exit 2); `timeout` (exit 1) when --timeout (default 60000 ms) ends the command.
 * - action-client (rclcpp_action's way: get_result is asked right after acceptance): `matched`
 *   once the three services and both topics have a match; `goal` {goal_id (32 hex), order, seq};
 *   `accepted` {accepted, stamp_sec, stamp_nanosec} (exit 3 if rejected); `result_requested`;
 *   `feedback` {index (1, 2, …), sequence} for its own goal's feedback only; `status` {status,
 *   goals} when its goal's status in a GoalStatusArray differs from the last one seen; with
 *   --cancel-after K, `cancel` {seq} after the K-th feedback (goal id set, stamp zero) and
 *   `cancel_response` {return_code, goals_canceling: [goal ids]}; `result` {status, sequence};
 *   `done` {status, feedbacks, other_feedbacks} (exit 0) once the result and a terminal status came
 *   (or 1 s after the result).
 * - action-server (the tutorial's Fibonacci, one step per --interval ms, default 50): `matched` /
 *   `unmatched` (its three services); `goal` {goal_id, order, accepted, feedback_readers}; `status`
 *   {goal_id, status} per transition published (ACCEPTED, EXECUTING, CANCELING, SUCCEEDED,
 *   CANCELED); `feedback` {goal_id, index, readers}; `cancel` {goal_id, return_code, canceling}
 *   (every active selected goal's cancel is accepted); `result_request` {goal_id, known};
 *   `result_sent` {goal_id, status, sent}; Fast DDS `dropped` {service, seq, to} (its reply writer
 *   never matched the client's reader); `done` {goals, finished} after --count finished goals
 *   (0: until SIGTERM or --timeout).
 * - status-watch: `matched`, then `status` {list: [{goal_id, status, stamp_sec, stamp_nanosec}]} per
 *   GoalStatusArray taken; `done` {count} after --count (default 1) of them.
 *
 * Every peer opens DDS sockets, so `startActionPeer` refuses to run outside the loopback-only
 * network namespace of scripts/netns-run.
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

export type ActionCommand = 'action-client' | 'action-server' | 'status-watch';

export interface ActionPeerOptions {
  /** action-client: the goal's order (default 10). */
  readonly order?: number;
  /** action-client: cancel the goal after this many feedbacks. */
  readonly cancelAfter?: number;
  /** action-server: ms between Fibonacci steps (default 50). */
  readonly intervalMs?: number;
  /** action-server: finished goals before exiting (0 = until stopped); status-watch: samples. */
  readonly count?: number;
  readonly node?: string;
  readonly namespace?: string;
  readonly domain?: number;
  /** Default 60000; 0 = none. */
  readonly timeoutMs?: number;
  /** Stay this long after the command is done (SIGTERM ends it early, exit code unchanged). */
  readonly lingerMs?: number;
  /** Wait this long between creating the participant and the command's endpoints. */
  readonly startupMs?: number;
}

/** The command line of a peer for the action `action` (a ROS name). */
export function actionPeerArgs(command: ActionCommand, action: string, o: ActionPeerOptions = {}): string[] {
  const args: string[] = [command, action];
  const values: [string, string | number | undefined][] = [
    ['--order', o.order],
    ['--cancel-after', o.cancelAfter],
    ['--interval', o.intervalMs],
    ['--count', o.count],
    ['--node', o.node],
    ['--namespace', o.namespace],
    ['--domain', o.domain],
    ['--timeout', o.timeoutMs],
    ['--linger', o.lingerMs],
    ['--startup', o.startupMs],
  ];
  for (const [flag, value] of values) if (value !== undefined) args.push(flag, String(value));
  return args;
}

/** A running action peer (see `SpawnedPeer`). */
export type ActionPeer = SpawnedPeer;

/** The `sequence` of a `feedback` or `result` line. */
export function sequenceOf(line: PeerLine): number[] {
  const s = line['sequence'];
  if (!Array.isArray(s)) throw new Error(`no sequence in ${JSON.stringify(line)}`);
  return s as number[];
}

const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-action-peers');

const RECIPES = idlPeerRecipes(
  {
    fastdds: ['action_types.idl', 'action_srv_fastdds.idl'],
    cyclone: ['action_types.idl', 'action_srv_cyclone.idl'],
  },
  { fastdds: 'fastdds-action-peer.cpp', cyclone: 'cyclone-action-peer.c' },
);

const builder = peerBuilder({
  what: 'action peer',
  sourceDir: SOURCE_DIR,
  cacheRoot: CACHE_ROOT,
  recipes: RECIPES,
});

/**
 * Builds the vendor's action peer (or finds it in the cache under os.tmpdir(), keyed by a hash of
 * its sources and build steps); returns the executable's path. Concurrent callers share a build.
 */
export function buildActionPeer(vendor: Vendor): Promise<string> {
  return builder.build(vendor);
}

/**
 * A CYCLONEDDS_URI under which Cyclone uses multicast for SPDP only (`AllowMulticast spdp`, a
 * common rmw_cyclonedds setting), so its SPDP announces no default multicast locator.
 */
export const CYCLONE_SPDP_MULTICAST_ONLY = {
  CYCLONEDDS_URI:
    '<CycloneDDS><Domain id="any"><General><AllowMulticast>spdp</AllowMulticast></General></Domain></CycloneDDS>',
};

/**
 * Starts a built action peer (`await buildActionPeer(vendor)` first) with these arguments
 * (`actionPeerArgs` makes them), in the current network namespace; throws outside the
 * loopback-only one. `env` is added to the inherited environment.
 */
export function startActionPeer(
  vendor: Vendor,
  args: readonly string[],
  env?: Record<string, string>,
): ActionPeer {
  assertSandboxed('test/interop/action-peers');
  const exe = builder.built(vendor);
  if (exe === undefined)
    throw new Error(`the ${vendor} action peer is not built: await buildActionPeer('${vendor}') first`);
  return spawnPeerProcess(vendor, exe, args, env);
}

/** Kills every peer process of this test file still running (for afterEach). */
export function killAllActionPeers(): void {
  killAllPeerProcesses();
}
