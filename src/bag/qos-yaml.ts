/**
 * rosbag2's `offered_qos_profiles`: the QoS of the publishers a topic was recorded from, as YAML
 * (rosbag2_storage `qos.cpp`, metadata version 9: policies as rmw's lowercase strings, durations
 * as `{sec, nsec}`, rmw's infinite duration as sec 9223372036 nsec 854775807). Older bags write
 * the policies as rmw's enum numbers; both are read.
 */
import { parse, stringify } from 'yaml';
import type {
  DurabilityPolicy,
  HistoryPolicy,
  LivelinessPolicy,
  ReliabilityPolicy,
  RosQos,
} from '../rmw/qos-profiles.js';

/** RMW_DURATION_INFINITE, as rosbag2 writes it. */
const INFINITE = { sec: 9223372036, nsec: 854775807 };

// rmw's enum order (rmw/types.h): SYSTEM_DEFAULT 0, then the named policies; UNKNOWN last.
const HISTORY: readonly (HistoryPolicy | undefined)[] = [
  'SYSTEM_DEFAULT',
  'KEEP_LAST',
  'KEEP_ALL',
  undefined,
];
const RELIABILITY: readonly (ReliabilityPolicy | undefined)[] = [
  'SYSTEM_DEFAULT',
  'RELIABLE',
  'BEST_EFFORT',
  undefined,
];
const DURABILITY: readonly (DurabilityPolicy | undefined)[] = [
  'SYSTEM_DEFAULT',
  'TRANSIENT_LOCAL',
  'VOLATILE',
  undefined,
];
const LIVELINESS: readonly (LivelinessPolicy | undefined)[] = [
  'SYSTEM_DEFAULT',
  'AUTOMATIC',
  undefined,
  'MANUAL_BY_TOPIC',
];

function durationYaml(ms: number): { sec: number; nsec: number } {
  if (!Number.isFinite(ms)) return INFINITE;
  const ns = Math.round(ms * 1e6);
  return { sec: Math.floor(ns / 1e9), nsec: ns % 1e9 };
}

function durationMs(v: unknown): number {
  const d = v as { sec?: number; nsec?: number } | undefined;
  const sec = Number(d?.sec ?? 0);
  const nsec = Number(d?.nsec ?? 0);
  // rosbag2 reads the old per-vendor "infinite" values as infinite too; 0 is rmw's "default".
  if ((sec === 0 && nsec === 0) || sec >= 0x7fffffff) return Number.POSITIVE_INFINITY;
  return sec * 1000 + nsec / 1e6;
}

function policyName(p: string): string {
  return p === 'SYSTEM_DEFAULT' ? 'system_default' : p.toLowerCase();
}

function policy<T extends string>(v: unknown, table: readonly (T | undefined)[], fallback: T): T {
  if (typeof v === 'number') return table[v] ?? fallback;
  if (typeof v === 'string') {
    const found = table.find((t) => t !== undefined && policyName(t) === v.toLowerCase());
    if (found) return found;
  }
  return fallback;
}

/** One profile as rosbag2 writes it (its key order). */
function profileYaml(q: RosQos, depthKnown: boolean) {
  return {
    history: depthKnown ? policyName(q.history) : 'unknown',
    depth: depthKnown ? q.depth : 0,
    reliability: policyName(q.reliability),
    durability: policyName(q.durability),
    deadline: durationYaml(q.deadlineMs),
    lifespan: durationYaml(q.lifespanMs),
    liveliness: policyName(q.liveliness),
    liveliness_lease_duration: durationYaml(q.livelinessLeaseMs),
    avoid_ros_namespace_conventions: q.avoidRosNamespaceConventions,
  };
}

/**
 * The YAML text of a list of profiles. `depthKnown` false writes history `unknown`, depth 0, as
 * rmw reports a remote publisher whose history DDS discovery does not carry.
 */
export function serializeQosProfiles(profiles: readonly RosQos[], depthKnown = false): string {
  if (profiles.length === 0) return '[]';
  return stringify(
    profiles.map((p) => profileYaml(p, depthKnown)),
    { lineWidth: 0, aliasDuplicateObjects: false },
  ).trimEnd();
}

/** Reads `offered_qos_profiles` text (v9 strings or older numbers); [] for empty text. */
export function parseQosProfiles(text: string): RosQos[] {
  if (text.trim() === '') return [];
  const doc = parse(text) as unknown;
  if (!Array.isArray(doc)) return [];
  return doc.map((raw) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const history = policy(p['history'], HISTORY, 'KEEP_LAST');
    return {
      history,
      depth: Number(p['depth'] ?? 0),
      reliability: policy(p['reliability'], RELIABILITY, 'RELIABLE'),
      durability: policy(p['durability'], DURABILITY, 'VOLATILE'),
      deadlineMs: durationMs(p['deadline']),
      lifespanMs: durationMs(p['lifespan']),
      liveliness: policy(p['liveliness'], LIVELINESS, 'SYSTEM_DEFAULT'),
      livelinessLeaseMs: durationMs(p['liveliness_lease_duration']),
      avoidRosNamespaceConventions: p['avoid_ros_namespace_conventions'] === true,
    };
  });
}
