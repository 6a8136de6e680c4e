/**
 * How node API calls name a QoS: a profile name (`'sensorData'`), a depth (`10`, on the default
 * profile, as rclpy's `qos_profile=10`), or a partial profile over a base.
 */
import { QOS_PROFILES, type QosProfileName, qosProfile, type RosQos } from '../rmw/qos-profiles.js';

export type QosInput = QosProfileName | number | Partial<RosQos>;

export function resolveQos(input: QosInput | undefined, base: RosQos): RosQos {
  if (input === undefined) return base;
  if (typeof input === 'string') {
    const p = QOS_PROFILES[input];
    if (!p)
      throw new RangeError(`unknown QoS profile '${input}': one of ${Object.keys(QOS_PROFILES).join(', ')}`);
    return p;
  }
  if (typeof input === 'number') return qosProfile({ depth: input }, base);
  return qosProfile(input, base);
}
