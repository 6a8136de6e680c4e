/**
 * ROS 2 QoS profiles (rmw `qos_profiles.h` and the rcl/rcl_action/rmw profiles of WIRE.md section
 * 3), and their translation into the policies the RTPS layer announces and honours.
 *
 * Translation choices (rmw_fastrtps and rmw_cyclonedds differ; we take the one that needs no
 * guessing from peers):
 * - SYSTEM_DEFAULT is resolved as rmw_cyclonedds does, whatever the endpoint kind: RELIABLE,
 *   VOLATILE, KEEP_LAST with the given depth, AUTOMATIC liveliness. (rmw_fastrtps leaves the Fast
 *   DDS defaults, which make a reader BEST_EFFORT and a 2.x writer TRANSIENT_LOCAL.) Depth 0 is
 *   rmw's "system default depth": 1.
 * - max_blocking_time is 100 ms, the DDS default that rmw_fastrtps announces, for RELIABLE and
 *   BEST_EFFORT alike. rmw_cyclonedds announces infinite (0 for BEST_EFFORT), but our writers never
 *   block, and no vendor matches on the value.
 * - KEEP_ALL announces depth -1 (LENGTH_UNLIMITED), as Cyclone does.
 * - Deadline, lifespan and the liveliness lease are sent only when finite, and the liveliness
 *   policy only when it is not the default (AUTOMATIC, infinite): DDS defaults fill the gaps.
 * Jazzy's `best_available` policies are not supported: they are resolved against the endpoints
 * already discovered, which is not a static conversion.
 */
import { DURATION_INFINITE, type Duration, durationFromMillis } from '../rtps/discovery-data/duration.js';
import type { DurabilityKind, HistoryQos, QosPolicies } from '../rtps/discovery-data/qos.js';
import { InvalidQosError } from './errors.js';

export type HistoryPolicy = 'KEEP_LAST' | 'KEEP_ALL' | 'SYSTEM_DEFAULT';
export type ReliabilityPolicy = 'RELIABLE' | 'BEST_EFFORT' | 'SYSTEM_DEFAULT';
export type DurabilityPolicy = 'VOLATILE' | 'TRANSIENT_LOCAL' | 'SYSTEM_DEFAULT';
export type LivelinessPolicy = 'AUTOMATIC' | 'MANUAL_BY_TOPIC' | 'SYSTEM_DEFAULT';

/** rmw_qos_profile_t; durations in milliseconds, Infinity for rmw's "default" (= infinite). */
export interface RosQos {
  readonly history: HistoryPolicy;
  /** KEEP_LAST depth; 0 is rmw's "system default" (1). Ignored for KEEP_ALL. */
  readonly depth: number;
  readonly reliability: ReliabilityPolicy;
  readonly durability: DurabilityPolicy;
  readonly deadlineMs: number;
  readonly lifespanMs: number;
  readonly liveliness: LivelinessPolicy;
  readonly livelinessLeaseMs: number;
  /** No `rt`/`rq`/`rr` prefix on the DDS topic name (see `topicToDds` in src/rmw/names.ts). */
  readonly avoidRosNamespaceConventions: boolean;
}

const DEFAULT: RosQos = Object.freeze({
  history: 'KEEP_LAST',
  depth: 10,
  reliability: 'RELIABLE',
  durability: 'VOLATILE',
  deadlineMs: Number.POSITIVE_INFINITY,
  lifespanMs: Number.POSITIVE_INFINITY,
  liveliness: 'SYSTEM_DEFAULT',
  livelinessLeaseMs: Number.POSITIVE_INFINITY,
  avoidRosNamespaceConventions: false,
});

const profile = (changes: Partial<RosQos>): RosQos => Object.freeze({ ...DEFAULT, ...changes });

/**
 * The named profiles. Action feedback uses `default` and the action services `servicesDefault`
 * (rcl_action), so they have no profile of their own.
 */
export const QOS_PROFILES = Object.freeze({
  /** rmw_qos_profile_default: topics. */
  default: DEFAULT,
  /** rmw_qos_profile_sensor_data. */
  sensorData: profile({ depth: 5, reliability: 'BEST_EFFORT' }),
  /** rmw_qos_profile_services_default: service request and reply topics. */
  servicesDefault: profile({}),
  /** rmw_qos_profile_parameters: the parameter services. */
  parameters: profile({ depth: 1000 }),
  /** rmw_qos_profile_parameter_events: `/parameter_events`. */
  parameterEvents: profile({ depth: 1000 }),
  /** rmw_qos_profile_system_default: every policy left to the middleware (resolved as in `toRtpsQos`). */
  systemDefault: profile({
    history: 'SYSTEM_DEFAULT',
    depth: 0,
    reliability: 'SYSTEM_DEFAULT',
    durability: 'SYSTEM_DEFAULT',
  }),
  /** rcl_qos_profile_rosout_default: late joiners get the recent log, for 10 s. */
  rosout: profile({ depth: 1000, durability: 'TRANSIENT_LOCAL', lifespanMs: 10_000 }),
  /** The graph writer on the bare DDS topic `ros_discovery_info` (both rmw). */
  rosDiscoveryInfoWriter: profile({
    depth: 1,
    durability: 'TRANSIENT_LOCAL',
    avoidRosNamespaceConventions: true,
  }),
  /** Its reader keeps every participant's last sample: the topic is not keyed. */
  rosDiscoveryInfoReader: profile({
    history: 'KEEP_ALL',
    depth: 1,
    durability: 'TRANSIENT_LOCAL',
    avoidRosNamespaceConventions: true,
  }),
  /** rcl_action_qos_profile_status_default: `<action>/_action/status`. */
  actionStatus: profile({ depth: 1, durability: 'TRANSIENT_LOCAL' }),
} satisfies Record<string, RosQos>);

export type QosProfileName = keyof typeof QOS_PROFILES;

const MAX_DEPTH = 0x7fffffff;

function checkDuration(policy: string, ms: number): void {
  if (!(ms >= 0))
    throw new InvalidQosError(policy, `${ms} is not a duration: expected milliseconds >= 0 or Infinity`);
}

/** Throws InvalidQosError for a value rmw would refuse or DDS cannot carry. */
export function validateQos(q: RosQos): void {
  if (!Number.isInteger(q.depth) || q.depth < 0 || q.depth > MAX_DEPTH) {
    throw new InvalidQosError('depth', `${q.depth} is not an integer from 0 to ${MAX_DEPTH}`);
  }
  checkDuration('deadline', q.deadlineMs);
  checkDuration('lifespan', q.lifespanMs);
  checkDuration('liveliness lease duration', q.livelinessLeaseMs);
}

/** A profile: `base` (the default profile unless given) with `changes` over it, validated. */
export function qosProfile(changes: Partial<RosQos> = {}, base: RosQos = DEFAULT): RosQos {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const q: RosQos = Object.freeze({ ...base, ...defined });
  validateQos(q);
  return q;
}

/** The two policies of an offer that decide whether a request can match it. */
export type QosOffer = Pick<RosQos, 'reliability' | 'durability'>;

/**
 * The offer of a discovered endpoint (graph cache or SEDP): an unknown reliability counts as
 * RELIABLE (the DDS writer default), and only TRANSIENT_LOCAL as more than VOLATILE (TRANSIENT and
 * PERSISTENT are no ROS 2 policies; rosbag2 and ros2cli count TRANSIENT_LOCAL alone).
 */
export function offerOfEndpoint(e: {
  readonly reliable?: boolean;
  readonly durability?: DurabilityKind;
}): QosOffer {
  return {
    reliability: e.reliable === false ? 'BEST_EFFORT' : 'RELIABLE',
    durability: e.durability === 'TRANSIENT_LOCAL' ? 'TRANSIENT_LOCAL' : 'VOLATILE',
  };
}

/** A policy on which some, but not all, offers have the stronger value. */
export type MixedOfferPolicy = 'reliability' | 'durability';

/**
 * A request that matches every offer: RELIABLE only if every offer is, TRANSIENT_LOCAL only if
 * every one is, every other policy from `base` (they do not decide matching, or `base` already
 * matches anything). rosbag2's recorder (`adapt_request_to_offers`, rosbag2_transport qos.cpp) and
 * `ros2 topic echo` (`choose_qos`, ros2cli qos.py) both choose so, and both warn when the offers
 * are mixed: `onMixed` hears of each such policy. No offers: `base` as it is.
 */
export function requestMatchingOffers(
  offers: readonly QosOffer[],
  base: RosQos = DEFAULT,
  onMixed?: (policy: MixedOfferPolicy) => void,
): RosQos {
  if (offers.length === 0) return base;
  // SYSTEM_DEFAULT reliability is RELIABLE here, as `toRtpsQos` resolves it.
  const reliable = offers.filter((o) => o.reliability !== 'BEST_EFFORT').length;
  const transientLocal = offers.filter((o) => o.durability === 'TRANSIENT_LOCAL').length;
  const all = offers.length;
  if (reliable > 0 && reliable < all) onMixed?.('reliability');
  if (transientLocal > 0 && transientLocal < all) onMixed?.('durability');
  return {
    ...base,
    reliability: reliable === all ? 'RELIABLE' : 'BEST_EFFORT',
    durability: transientLocal === all ? 'TRANSIENT_LOCAL' : 'VOLATILE',
  };
}

/** What `RtpsParticipant.createWriter` / `createReader` take: the policies, and the writer's history. */
export interface RtpsEndpointQos {
  readonly qos: QosPolicies;
  readonly history: { readonly depth: number; readonly keepAll: boolean };
}

const MAX_BLOCKING_TIME = durationFromMillis(100);

const toDuration = (ms: number): Duration =>
  ms === Number.POSITIVE_INFINITY ? DURATION_INFINITE : durationFromMillis(ms);

function historyOf(q: RosQos): HistoryQos {
  if (q.history === 'KEEP_ALL') return { kind: 'KEEP_ALL', depth: -1 };
  return { kind: 'KEEP_LAST', depth: q.depth === 0 ? 1 : q.depth };
}

/** The RTPS-level QoS of an endpoint with this profile (choices in the header comment). */
export function toRtpsQos(q: RosQos): RtpsEndpointQos {
  validateQos(q);
  const history = historyOf(q);
  const livelinessKind = q.liveliness === 'MANUAL_BY_TOPIC' ? 'MANUAL_BY_TOPIC' : 'AUTOMATIC';
  const qos: QosPolicies = {
    reliability: {
      kind: q.reliability === 'BEST_EFFORT' ? 'BEST_EFFORT' : 'RELIABLE',
      maxBlockingTime: MAX_BLOCKING_TIME,
    },
    durability: q.durability === 'TRANSIENT_LOCAL' ? 'TRANSIENT_LOCAL' : 'VOLATILE',
    history,
    ...(Number.isFinite(q.deadlineMs) ? { deadline: toDuration(q.deadlineMs) } : {}),
    ...(Number.isFinite(q.lifespanMs) ? { lifespan: toDuration(q.lifespanMs) } : {}),
    ...(livelinessKind !== 'AUTOMATIC' || Number.isFinite(q.livelinessLeaseMs)
      ? { liveliness: { kind: livelinessKind, leaseDuration: toDuration(q.livelinessLeaseMs) } }
      : {}),
  };
  return { qos, history: { depth: Math.max(1, history.depth), keepAll: history.kind === 'KEEP_ALL' } };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * One line for messages: `RELIABLE, VOLATILE, KEEP_LAST(10)`, then whatever is not a default
 * (`lifespan 10 s`, `deadline 250 ms`, `liveliness MANUAL_BY_TOPIC lease 2 s`, `no ROS prefix`).
 */
export function describeQos(q: RosQos): string {
  const history =
    q.history === 'KEEP_LAST'
      ? `KEEP_LAST(${q.depth})`
      : q.history === 'KEEP_ALL'
        ? 'KEEP_ALL'
        : 'SYSTEM_DEFAULT history';
  const parts = [
    q.reliability === 'SYSTEM_DEFAULT' ? 'SYSTEM_DEFAULT reliability' : q.reliability,
    q.durability === 'SYSTEM_DEFAULT' ? 'SYSTEM_DEFAULT durability' : q.durability,
    history,
  ];
  if (Number.isFinite(q.deadlineMs)) parts.push(`deadline ${formatMs(q.deadlineMs)}`);
  if (Number.isFinite(q.lifespanMs)) parts.push(`lifespan ${formatMs(q.lifespanMs)}`);
  if (q.liveliness !== 'SYSTEM_DEFAULT' || Number.isFinite(q.livelinessLeaseMs)) {
    const lease = Number.isFinite(q.livelinessLeaseMs) ? ` lease ${formatMs(q.livelinessLeaseMs)}` : '';
    parts.push(`liveliness ${q.liveliness}${lease}`);
  }
  if (q.avoidRosNamespaceConventions) parts.push('no ROS prefix');
  return parts.join(', ');
}
