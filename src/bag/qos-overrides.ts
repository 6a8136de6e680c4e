/**
 * rosbag2's `--qos-profile-overrides-path` file: a YAML mapping of topic names to QoS profiles
 * (ros2bag `api/__init__.py`, `convert_yaml_to_qos_profile`; the README's "Overriding QoS
 * Profiles"). Each profile is read as rclpy's QoSProfile would build it: policies by their short
 * names (`keep_last`, `best_effort`...), durations as `{sec, nsec}` (both required; 0 is rmw's
 * "unspecified", i.e. infinite), policies left out take rmw's default profile, and history or
 * depth must be given (KEEP_LAST needs a depth). The recorder subscribes, and the player
 * publishes, with the override instead of the adapted profile (rosbag2_transport recorder.cpp
 * `subscription_qos_for_topic`, player.cpp `publisher_qos_for_topic`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  type DurabilityPolicy,
  type HistoryPolicy,
  type LivelinessPolicy,
  QOS_PROFILES,
  type ReliabilityPolicy,
  type RosQos,
} from '../rmw/qos-profiles.js';
import { BagError } from './errors.js';

/** A QoS override file that rosbag2 would refuse too, with its reason. */
export class QosOverrideError extends BagError {
  override name = 'QosOverrideError';
}

const HISTORY: readonly HistoryPolicy[] = ['KEEP_LAST', 'KEEP_ALL', 'SYSTEM_DEFAULT'];
const RELIABILITY: readonly ReliabilityPolicy[] = ['RELIABLE', 'BEST_EFFORT', 'SYSTEM_DEFAULT'];
const DURABILITY: readonly DurabilityPolicy[] = ['VOLATILE', 'TRANSIENT_LOCAL', 'SYSTEM_DEFAULT'];
const LIVELINESS: readonly LivelinessPolicy[] = ['AUTOMATIC', 'MANUAL_BY_TOPIC', 'SYSTEM_DEFAULT'];
const DURATIONS = {
  deadline: 'deadlineMs',
  lifespan: 'lifespanMs',
  liveliness_lease_duration: 'livelinessLeaseMs',
} as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function policy<T extends string>(key: string, value: unknown, names: readonly T[]): T {
  // rclpy's get_from_short_key: the enum member of that name, case-insensitive.
  const found = typeof value === 'string' ? names.find((n) => n === value.toUpperCase()) : undefined;
  if (found) return found;
  const hint = /best_available/i.test(String(value)) ? ' (best_available is not supported by ros2ts)' : '';
  throw new QosOverrideError(
    `invalid ${key} '${String(value)}'${hint}: one of ${names.map((n) => n.toLowerCase()).join(', ')}`,
  );
}

/** `{sec, nsec}` in ms; 0 (rmw's "unspecified") and rosbag2's infinite values are infinite. */
function duration(value: unknown): number {
  if (value === null || value === undefined) return Number.POSITIVE_INFINITY;
  const d = value as Record<string, unknown>;
  if (typeof value !== 'object' || !('sec' in d) || !('nsec' in d)) {
    throw new QosOverrideError('Time overrides must include both seconds (sec) and nanoseconds (nsec).');
  }
  const sec = Number(d['sec']);
  const nsec = Number(d['nsec']);
  if (!Number.isFinite(sec) || !Number.isFinite(nsec)) {
    throw new QosOverrideError(`invalid duration {sec: ${String(d['sec'])}, nsec: ${String(d['nsec'])}}`);
  }
  const ns = sec * 1e9 + nsec;
  if (ns < 0) throw new QosOverrideError('Time duration may not be a negative value.');
  if (ns === 0 || sec >= 0x7fffffff) return Number.POSITIVE_INFINITY;
  return ns / 1e6;
}

function count(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new QosOverrideError(`\`${key}\` must be an integer, got '${String(value)}'`);
  }
  if (value < 0) throw new QosOverrideError(`\`${key}\` may not be a negative value.`);
  return value;
}

/** One topic's profile, as rclpy's QoSProfile(**dict) builds it. */
function profile(raw: unknown): RosQos {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new QosOverrideError('a profile must be a mapping of policies');
  }
  const fields = raw as Record<string, unknown>;
  const q: Mutable<RosQos> = { ...QOS_PROFILES.default };
  for (const [key, value] of Object.entries(fields)) {
    if (key in DURATIONS) q[DURATIONS[key as keyof typeof DURATIONS]] = duration(value);
    else if (key === 'history') q.history = policy(key, value, HISTORY);
    else if (key === 'reliability') q.reliability = policy(key, value, RELIABILITY);
    else if (key === 'durability') q.durability = policy(key, value, DURABILITY);
    else if (key === 'liveliness') q.liveliness = policy(key, value, LIVELINESS);
    else if (key === 'depth') q.depth = count(key, value);
    else if (key === 'avoid_ros_namespace_conventions') {
      if (typeof value !== 'boolean') throw new QosOverrideError(`\`${key}\` must be true or false`);
      q.avoidRosNamespaceConventions = value;
    } else throw new QosOverrideError(`Unexpected key \`${key}\` for QoS profile.`);
  }
  if (!('history' in fields)) {
    if (!('depth' in fields)) throw new QosOverrideError('History and/or depth settings are required.');
    q.history = 'KEEP_LAST';
  }
  if (q.history === 'KEEP_LAST' && !('depth' in fields)) {
    throw new QosOverrideError('History set to KEEP_LAST without a depth setting.');
  }
  return q;
}

/** The overrides in a file's text, by topic name; QosOverrideError naming the topic at fault. */
export function parseQosOverrides(text: string): Map<string, RosQos> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new QosOverrideError(`not YAML: ${(error as Error).message}`);
  }
  const out = new Map<string, RosQos>();
  if (doc === null || doc === undefined) return out;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new QosOverrideError('expected a mapping of topic names to QoS profiles');
  }
  for (const [topic, raw] of Object.entries(doc as Record<string, unknown>)) {
    try {
      out.set(topic, profile(raw));
    } catch (error) {
      if (error instanceof QosOverrideError) throw new QosOverrideError(`${topic}: ${error.message}`);
      throw error;
    }
  }
  return out;
}

/** Reads and parses an overrides file; errors name the file. */
export function readQosOverrides(path: string): Map<string, RosQos> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new QosOverrideError(`cannot read QoS overrides ${path}: ${(error as Error).message}`);
  }
  try {
    return parseQosOverrides(text);
  } catch (error) {
    if (error instanceof QosOverrideError) throw new QosOverrideError(`${path}: ${error.message}`);
    throw error;
  }
}
