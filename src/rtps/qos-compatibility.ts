/**
 * Whether a writer's offered QoS satisfies a reader's requested QoS (DDS 1.4, 2.2.3, the
 * "RxO" policies), and if not, which policy is at fault with both values, so a mismatch can be
 * reported in words a user can act on.
 */
import { compareDurations, type Duration, durationToMillis, isInfinite } from './discovery-data/duration.js';
import type { EffectiveQos } from './discovery-data/qos.js';

export type QosCheck =
  | { readonly compatible: true }
  | {
      readonly compatible: false;
      readonly policy: string;
      readonly offered: string;
      readonly requested: string;
    };

const RELIABILITY = ['BEST_EFFORT', 'RELIABLE'];
const DURABILITY = ['VOLATILE', 'TRANSIENT_LOCAL', 'TRANSIENT', 'PERSISTENT'];
const LIVELINESS = ['AUTOMATIC', 'MANUAL_BY_PARTICIPANT', 'MANUAL_BY_TOPIC'];
const DESTINATION_ORDER = ['BY_RECEPTION_TIMESTAMP', 'BY_SOURCE_TIMESTAMP'];
const ACCESS_SCOPE = ['INSTANCE', 'TOPIC', 'GROUP'];

const fmt = (d: Duration) => (isInfinite(d) ? 'infinite' : `${durationToMillis(d)} ms`);

function fail(policy: string, offered: string, requested: string): QosCheck {
  return { compatible: false, policy, offered, requested };
}

/** Checks the writer's QoS (`offered`) against the reader's (`requested`). */
export function checkCompatibility(offered: EffectiveQos, requested: EffectiveQos): QosCheck {
  const o = offered;
  const r = requested;
  if (RELIABILITY.indexOf(o.reliability.kind) < RELIABILITY.indexOf(r.reliability.kind)) {
    return fail('RELIABILITY', o.reliability.kind, r.reliability.kind);
  }
  if (DURABILITY.indexOf(o.durability) < DURABILITY.indexOf(r.durability)) {
    return fail('DURABILITY', o.durability, r.durability);
  }
  if (compareDurations(o.deadline, r.deadline) > 0) return fail('DEADLINE', fmt(o.deadline), fmt(r.deadline));
  if (compareDurations(o.latencyBudget, r.latencyBudget) > 0) {
    return fail('LATENCY_BUDGET', fmt(o.latencyBudget), fmt(r.latencyBudget));
  }
  if (
    LIVELINESS.indexOf(o.liveliness.kind) < LIVELINESS.indexOf(r.liveliness.kind) ||
    compareDurations(o.liveliness.leaseDuration, r.liveliness.leaseDuration) > 0
  ) {
    return fail(
      'LIVELINESS',
      `${o.liveliness.kind} ${fmt(o.liveliness.leaseDuration)}`,
      `${r.liveliness.kind} ${fmt(r.liveliness.leaseDuration)}`,
    );
  }
  if (o.ownership !== r.ownership) return fail('OWNERSHIP', o.ownership, r.ownership);
  if (DESTINATION_ORDER.indexOf(o.destinationOrder) < DESTINATION_ORDER.indexOf(r.destinationOrder)) {
    return fail('DESTINATION_ORDER', o.destinationOrder, r.destinationOrder);
  }
  const op = o.presentation;
  const rp = r.presentation;
  if (
    ACCESS_SCOPE.indexOf(op.accessScope) < ACCESS_SCOPE.indexOf(rp.accessScope) ||
    (rp.coherentAccess && !op.coherentAccess) ||
    (rp.orderedAccess && !op.orderedAccess)
  ) {
    return fail('PRESENTATION', JSON.stringify(op), JSON.stringify(rp));
  }
  if (!partitionsMatch(o.partition, r.partition)) {
    return fail('PARTITION', JSON.stringify(o.partition), JSON.stringify(r.partition));
  }
  const writerRepresentation = o.dataRepresentation[0] ?? 0;
  if (!(r.dataRepresentation.length === 0 ? [0] : r.dataRepresentation).includes(writerRepresentation)) {
    return fail('DATA_REPRESENTATION', String(writerRepresentation), JSON.stringify(r.dataRepresentation));
  }
  return { compatible: true };
}

/** Partitions match when they share a name; no partition is the default partition ''. */
function partitionsMatch(a: readonly string[], b: readonly string[]): boolean {
  const left = a.length === 0 ? [''] : a;
  const right = b.length === 0 ? [''] : b;
  // DDS partition names may use fnmatch wildcards; ROS 2 uses none, so only exact names match.
  return left.some((p) => right.includes(p));
}
