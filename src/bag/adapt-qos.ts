/**
 * rosbag2's QoS choices (rosbag2_storage `qos.cpp`): what a recorder requests given the
 * publishers it found, and what a player offers given the profiles it recorded.
 */
import { QOS_PROFILES, type RosQos } from '../rmw/qos-profiles.js';

/**
 * The recorder's request: RELIABLE only if every publisher is, TRANSIENT_LOCAL only if every one
 * is (so it connects to all of them); other policies left to what matches anything.
 */
export function adaptRequestToOffers(offers: readonly RosQos[]): RosQos {
  const base = QOS_PROFILES.default;
  if (offers.length === 0) return base;
  const reliable = offers.every((o) => o.reliability !== 'BEST_EFFORT');
  const transientLocal = offers.every((o) => o.durability === 'TRANSIENT_LOCAL');
  return {
    ...base,
    reliability: reliable ? 'RELIABLE' : 'BEST_EFFORT',
    durability: transientLocal ? 'TRANSIENT_LOCAL' : 'VOLATILE',
  };
}

/**
 * The player's offer: the recorded profile when all recorded publishers offered the same
 * compatibility-relevant policies (history reset to the default), else the default profile.
 */
export function adaptOfferToRecordedOffers(profiles: readonly RosQos[]): RosQos {
  const first = profiles[0];
  if (!first) return QOS_PROFILES.default;
  const same = profiles.every(
    (p) =>
      p.reliability === first.reliability &&
      p.durability === first.durability &&
      p.deadlineMs === first.deadlineMs &&
      p.liveliness === first.liveliness &&
      p.livelinessLeaseMs === first.livelinessLeaseMs,
  );
  if (!same) return QOS_PROFILES.default;
  return { ...first, history: 'KEEP_LAST', depth: QOS_PROFILES.default.depth };
}
