/**
 * ros2topic's QoS options (`add_qos_arguments`, `profile_configure_short_keys`, Jazzy): a preset
 * profile by its rclpy short key and per-policy overrides.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { QOS_PROFILES, type QosProfileName, type RosQos } from '../index.js';

/** rclpy's QoSPresetProfiles short keys that ros2ts has a profile for. */
export const PRESETS: Readonly<Record<string, QosProfileName>> = {
  default: 'default',
  sensor_data: 'sensorData',
  services_default: 'servicesDefault',
  parameters: 'parameters',
  parameter_events: 'parameterEvents',
  system_default: 'systemDefault',
  action_status_default: 'actionStatus',
};

export interface QosArgs {
  qosProfile: string;
  qosDepth?: number;
  qosHistory?: string;
  qosReliability?: string;
  qosDurability?: string;
  qosLiveliness?: string;
  qosLivelinessLeaseDurationSeconds?: number;
}

export function addQosOptions(cmd: Command, verb: 'subscribe' | 'publish', defaultProfile: string): Command {
  const history = QOS_PROFILES[PRESETS[defaultProfile]!].history.toLowerCase();
  return cmd
    .addOption(
      new Option('--qos-profile <profile>', `Quality of service preset profile to ${verb} with`)
        .choices(Object.keys(PRESETS))
        .default(defaultProfile),
    )
    .option(
      '--qos-depth <N>',
      `Queue size setting to ${verb} with (overrides depth value of --qos-profile option)`,
      (t) => {
        if (!/^[-+]?\d+$/.test(t.trim())) throw new InvalidArgumentError('expects an integer');
        return Number(t);
      },
    )
    .addOption(
      new Option(
        '--qos-history <history>',
        `History of samples setting to ${verb} with (overrides history value of --qos-profile option, default: ${history})`,
      ).choices(['system_default', 'keep_last', 'keep_all']),
    )
    .addOption(
      new Option(
        '--qos-reliability <reliability>',
        `Quality of service reliability setting to ${verb} with (overrides reliability value of --qos-profile option, default: Compatible profile with running endpoints )`,
      ).choices(['system_default', 'reliable', 'best_effort']),
    )
    .addOption(
      new Option(
        '--qos-durability <durability>',
        `Quality of service durability setting to ${verb} with (overrides durability value of --qos-profile option, default: Compatible profile with running endpoints )`,
      ).choices(['system_default', 'transient_local', 'volatile']),
    )
    .addOption(
      new Option(
        '--qos-liveliness <liveliness>',
        `Quality of service liveliness setting to ${verb} with (overrides liveliness value of --qos-profile option`,
      ).choices(['system_default', 'automatic', 'manual_by_topic']),
    )
    .option(
      '--qos-liveliness-lease-duration-seconds <seconds>',
      `Quality of service liveliness lease duration setting to ${verb} with (overrides liveliness lease duration value of --qos-profile option`,
      (t) => {
        const v = Number(t);
        if (t.trim() === '' || Number.isNaN(v)) throw new InvalidArgumentError('expects a number');
        return v;
      },
    );
}

/** Whether any per-policy override was given (ros2 topic echo then skips its QoS adaptation). */
export function hasQosOverrides(a: QosArgs): boolean {
  return (
    a.qosReliability !== undefined ||
    a.qosDurability !== undefined ||
    a.qosDepth !== undefined ||
    a.qosHistory !== undefined ||
    a.qosLiveliness !== undefined ||
    a.qosLivelinessLeaseDurationSeconds !== undefined
  );
}

/** The preset with the overrides applied (profile_configure_short_keys). */
export function qosFromArgs(a: QosArgs): RosQos {
  const p: { -readonly [K in keyof RosQos]: RosQos[K] } = {
    ...QOS_PROFILES[PRESETS[a.qosProfile] ?? 'default'],
  };
  if (a.qosHistory) p.history = a.qosHistory.toUpperCase() as RosQos['history'];
  if (a.qosDurability) p.durability = a.qosDurability.toUpperCase() as RosQos['durability'];
  if (a.qosReliability) p.reliability = a.qosReliability.toUpperCase() as RosQos['reliability'];
  if (a.qosLiveliness) p.liveliness = a.qosLiveliness.toUpperCase() as RosQos['liveliness'];
  const lease = a.qosLivelinessLeaseDurationSeconds;
  if (lease !== undefined && lease > 0) p.livelinessLeaseMs = lease * 1000;
  if (a.qosDepth !== undefined && a.qosDepth > 0) p.depth = a.qosDepth;
  else if (p.durability === 'TRANSIENT_LOCAL' && p.depth === 0) p.depth = 1;
  return p;
}
