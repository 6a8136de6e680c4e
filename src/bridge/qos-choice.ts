/**
 * The QoS a bridge subscription asks for: what every publisher on the topic offers, as
 * `ros2 topic echo` chooses it (reliable only if all publishers are, transient-local only if all
 * are), so the bridge matches them all and late web clients still get latched samples such as
 * `/tf_static`'s.
 */
import type { GraphEndpoint, RosQos } from '../index.js';
import { QOS_PROFILES } from '../index.js';
import { offerOfEndpoint, requestMatchingOffers } from '../rmw/qos-profiles.js';

export function subscriptionQos(publishers: readonly GraphEndpoint[], depth = 10): RosQos {
  return requestMatchingOffers(publishers.map(offerOfEndpoint), { ...QOS_PROFILES.default, depth });
}

export function sameQos(a: RosQos, b: RosQos): boolean {
  return a.reliability === b.reliability && a.durability === b.durability && a.depth === b.depth;
}
