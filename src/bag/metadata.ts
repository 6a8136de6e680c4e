/**
 * rosbag2's bag metadata (rosbag2_storage `bag_metadata.hpp` and `yaml.hpp`, version 9 as Jazzy
 * writes it): `metadata.yaml` beside the files, under `rosbag2_bagfile_information`, and the same
 * document in each MCAP file's `rosbag2` metadata record (`serialized_metadata`).
 */
import { parse, stringify } from 'yaml';
import type { RosQos } from '../rmw/qos-profiles.js';
import { parseQosProfiles, serializeQosProfiles } from './qos-yaml.js';

export const METADATA_VERSION = 9;

export interface BagTopic {
  /** `/turtle1/pose`. */
  readonly name: string;
  /** `turtlesim/msg/Pose`. */
  readonly type: string;
  /** `cdr`. */
  readonly serializationFormat: string;
  readonly offeredQosProfiles: readonly RosQos[];
  /** RIHS01 hash; '' when unknown. */
  readonly typeDescriptionHash: string;
}

export interface BagTopicInfo {
  readonly topic: BagTopic;
  readonly messageCount: number;
}

export interface BagFileInfo {
  readonly path: string;
  readonly startNs: bigint;
  readonly durationNs: bigint;
  readonly messageCount: number;
}

export interface BagMetadata {
  readonly version: number;
  readonly storageIdentifier: string;
  readonly startNs: bigint;
  readonly durationNs: bigint;
  readonly messageCount: number;
  readonly topics: readonly BagTopicInfo[];
  readonly compressionFormat: string;
  readonly compressionMode: string;
  readonly relativeFilePaths: readonly string[];
  readonly files: readonly BagFileInfo[];
  readonly customData: Readonly<Record<string, string>>;
  readonly rosDistro: string;
}

function topicYaml(t: BagTopicInfo) {
  return {
    topic_metadata: {
      name: t.topic.name,
      type: t.topic.type,
      serialization_format: t.topic.serializationFormat,
      offered_qos_profiles: parse(serializeQosProfiles(t.topic.offeredQosProfiles)) as unknown,
      type_description_hash: t.topic.typeDescriptionHash,
    },
    message_count: t.messageCount,
  };
}

/** The `rosbag2_bagfile_information` map, in rosbag2's key order. */
function metadataYaml(m: BagMetadata) {
  return {
    version: m.version,
    storage_identifier: m.storageIdentifier,
    duration: { nanoseconds: m.durationNs },
    starting_time: { nanoseconds_since_epoch: m.startNs },
    message_count: m.messageCount,
    topics_with_message_count: m.topics.map(topicYaml),
    compression_format: m.compressionFormat,
    compression_mode: m.compressionMode,
    relative_file_paths: [...m.relativeFilePaths],
    files: m.files.map((f) => ({
      path: f.path,
      starting_time: { nanoseconds_since_epoch: f.startNs },
      duration: { nanoseconds: f.durationNs },
      message_count: f.messageCount,
    })),
    custom_data: Object.keys(m.customData).length > 0 ? { ...m.customData } : null,
    ros_distro: m.rosDistro,
  };
}

/** The document inside an MCAP file's `rosbag2` metadata record. */
export function serializeMetadataBody(m: BagMetadata): string {
  return stringify(metadataYaml(m), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** `metadata.yaml`'s text. */
export function serializeMetadataFile(m: BagMetadata): string {
  return stringify(
    { rosbag2_bagfile_information: metadataYaml(m) },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
}

const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v ?? 0))));
const num = (v: unknown): number => Number(v ?? 0);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
type Map_ = Record<string, unknown>;

/** Reads a metadata document (either form), any version rosbag2 wrote. */
export function parseMetadata(text: string): BagMetadata {
  const doc = parse(text, { intAsBigInt: true }) as Map_ | null;
  const m = ((doc?.['rosbag2_bagfile_information'] as Map_ | undefined) ?? doc ?? {}) as Map_;
  const version = num(m['version']);
  const topics = ((m['topics_with_message_count'] as Map_[] | undefined) ?? []).map((t) => {
    const tm = (t['topic_metadata'] ?? {}) as Map_;
    const qos = tm['offered_qos_profiles'];
    // Before version 9 the profiles are one YAML string; since, a YAML list.
    const qosText =
      typeof qos === 'string'
        ? qos
        : qos
          ? stringify(qos, { lineWidth: 0, aliasDuplicateObjects: false })
          : '';
    return {
      topic: {
        name: str(tm['name']),
        type: str(tm['type']),
        serializationFormat: str(tm['serialization_format']),
        offeredQosProfiles: parseQosProfiles(qosText),
        typeDescriptionHash: str(tm['type_description_hash']),
      },
      messageCount: num(t['message_count']),
    };
  });
  return {
    version,
    storageIdentifier: str(m['storage_identifier']),
    startNs: big((m['starting_time'] as Map_ | undefined)?.['nanoseconds_since_epoch']),
    durationNs: big((m['duration'] as Map_ | undefined)?.['nanoseconds']),
    messageCount: num(m['message_count']),
    topics,
    compressionFormat: str(m['compression_format']),
    compressionMode: str(m['compression_mode']),
    relativeFilePaths: ((m['relative_file_paths'] as unknown[] | undefined) ?? []).map(str),
    files: ((m['files'] as Map_[] | undefined) ?? []).map((f) => ({
      path: str(f['path']),
      startNs: big((f['starting_time'] as Map_ | undefined)?.['nanoseconds_since_epoch']),
      durationNs: big((f['duration'] as Map_ | undefined)?.['nanoseconds']),
      messageCount: num(f['message_count']),
    })),
    customData: Object.fromEntries(
      Object.entries((m['custom_data'] as Map_ | null | undefined) ?? {}).map(([k, v]) => [k, str(v)]),
    ),
    rosDistro: str(m['ros_distro']),
  };
}
