/**
 * Which ROS 2 distribution a context speaks as, and what that changes on the wire. Everything
 * else ros2ts writes is the same in every distribution it knows; the facts, from each
 * distribution's branch of the ROS 2 sources:
 *
 * - ros_discovery_info gids: rmw_dds_common's `msg/Gid.msg` is `char[24] data` up to Humble and
 *   `char[16] data` from Iron on (`RMW_GID_STORAGE_SIZE` 24u / 16u in rmw's `types.h`).
 *   Humble's rmws zero the whole gid and copy the 16-byte GUID to its front
 *   (rmw_fastrtps_shared_cpp `create_rmw_gid.cpp`, rmw_cyclonedds_cpp `convert_guid_to_gid`), and
 *   rmw_dds_common's `convert_gid_to_msg` and graph cache copy and compare all 24 bytes: the 8
 *   trailing bytes must be zero for a Humble peer to tie our endpoints to our nodes.
 * - Endpoint USER_DATA: Iron's and later rmws put `typehash=RIHS01_…;` there
 *   (`rmw_dds_common::encode_type_hash_for_user_data_qos` in rmw_fastrtps_shared_cpp `qos.cpp`,
 *   rmw_cyclonedds_cpp `create_readwrite_qos`); Humble's rmw_fastrtps sets no endpoint USER_DATA
 *   and Humble's rmw_cyclonedds only `clientid=…;` / `serviceid=…;` on service endpoints.
 *
 * The same in Humble and Jazzy, so not here: participant USER_DATA `enclave=…;`; Cyclone's
 * `clientid`/`serviceid` text (`csid_to_string`) and its 16-byte request header
 * `{uint64 guid; int64 seq}` (`serdata.hpp`); Fast DDS's request correlation (the client puts its
 * reply reader's GUID in the related sample identity, `__rmw_send_request` in `rmw_request.cpp`;
 * Humble's Fast DDS 2.6 reads it only under PID 0x800f, from any vendor, `ParameterList.cpp`
 * `updateCacheChangeFromInlineQos` of v2.6.12, and we always send it there as well as under 0x0083,
 * see service-fastdds.ts); the rcl QoS profiles (rmw `qos_profiles.h`, rcl `logging_rosout.h`);
 * `rmw_request_id_t`'s `writer_guid`, 16 bytes in both (`int8_t[16]` in Humble's rmw `types.h`,
 * `uint8_t[RMW_GID_STORAGE_SIZE]` = 16 from Iron on; never on the wire).
 */
import { GID_SIZE_HUMBLE, GID_SIZE_JAZZY, type GidSize } from './graph/participant-entities.js';

export const KNOWN_DISTROS = ['humble', 'iron', 'jazzy', 'kilted', 'lyrical', 'rolling'] as const;
export type RosDistro = (typeof KNOWN_DISTROS)[number];
export const DEFAULT_DISTRO: RosDistro = 'jazzy';

/** What a distribution's rmws write where they differ. */
export interface DistroWire {
  /** Bytes of each gid in `ros_discovery_info`. */
  readonly gidSize: GidSize;
  /** Whether endpoint USER_DATA carries `typehash=RIHS01_…;`. */
  readonly typeHashInUserData: boolean;
}

const HUMBLE_WIRE: DistroWire = { gidSize: GID_SIZE_HUMBLE, typeHashInUserData: false };
const IRON_AND_LATER_WIRE: DistroWire = { gidSize: GID_SIZE_JAZZY, typeHashInUserData: true };

export function distroWire(distro: RosDistro): DistroWire {
  return distro === 'humble' ? HUMBLE_WIRE : IRON_AND_LATER_WIRE;
}

export function isRosDistro(value: string): value is RosDistro {
  return (KNOWN_DISTROS as readonly string[]).includes(value);
}

export interface ResolvedDistro {
  readonly distro: RosDistro;
  /** Set the first time this process meets a given unknown value (a program opening many contexts warns once). */
  readonly warning?: string;
}

const warnedValues = new Set<string>();

/**
 * The distribution of `requested` (an explicit setting), else of `ROS_DISTRO` in `env`, else
 * jazzy. Case and surrounding blanks are ignored; an empty value counts as unset; an unknown one
 * falls back to jazzy with a warning.
 */
export function resolveDistro(
  requested: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedDistro {
  const fromOption = requested !== undefined && requested.trim() !== '';
  const raw = fromOption ? requested : env['ROS_DISTRO'];
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '') return { distro: DEFAULT_DISTRO };
  if (isRosDistro(value)) return { distro: value };
  const source = fromOption ? 'distro option' : 'ROS_DISTRO';
  const key = `${source}\0${value}`;
  if (warnedValues.has(key)) return { distro: DEFAULT_DISTRO };
  warnedValues.add(key);
  return {
    distro: DEFAULT_DISTRO,
    warning:
      `${source} "${raw}" is not a ROS 2 distribution ros2ts knows (${KNOWN_DISTROS.join(', ')}): ` +
      `writing what ${DEFAULT_DISTRO} writes`,
  };
}
