/**
 * rosbag2's QoS choices (rosbag2_transport `qos.cpp`): what a recorder requests given the
 * publishers it found, and what a player offers given the profiles it recorded.
 */
import { QOS_PROFILES, type RosQos, requestMatchingOffers } from '../rmw/qos-profiles.js';

/** The recorder's request: one that matches every publisher found (`requestMatchingOffers`). */
export function adaptRequestToOffers(offers: readonly RosQos[]): RosQos {
  return requestMatchingOffers(offers);
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
