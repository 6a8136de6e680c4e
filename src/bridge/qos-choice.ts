/**
 * The QoS a bridge subscription asks for: what every publisher on the topic offers, as
 * `ros2 topic echo` chooses it (reliable only if all publishers are, transient-local only if all
 * are), so the bridge matches them all and late web clients still get latched samples such as
 * `/tf_static`'s.
 */
import type { GraphEndpoint, RosQos } from '../index.js';
import { QOS_PROFILES } from '../index.js';

export function subscriptionQos(publishers: readonly GraphEndpoint[], depth = 10): RosQos {
  const base = QOS_PROFILES.default;
  if (publishers.length === 0) return { ...base, depth };
  const reliable = publishers.every((p) => p.reliable !== false);
  const transientLocal = publishers.every((p) => p.durability === 'TRANSIENT_LOCAL');
  return {
    ...base,
    depth,
    reliability: reliable ? 'RELIABLE' : 'BEST_EFFORT',
    durability: transientLocal ? 'TRANSIENT_LOCAL' : 'VOLATILE',
  };
}

export function sameQos(a: RosQos, b: RosQos): boolean {
  return a.reliability === b.reliability && a.durability === b.durability && a.depth === b.depth;
}
