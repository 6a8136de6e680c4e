/**
 * Parameter ids of RTPS discovery data and inline QoS, and which of them we understand for which
 * sender.
 *
 * Standard ids (below 0x8000): RTPS 2.5 tables 9.12 (discovery and QoS), 9.13 (inline QoS only) and
 * the deprecated ones, DDS-XTypes 1.3 (type information, data representation), DDS-Security 1.1
 * tables 10-14 and DDS-RPC 1.0. The same numbers are in Fast DDS `ParameterTypes.hpp` and Cyclone
 * `ddsi_protocol.h` (`q_protocol.h` in 0.10).
 *
 * Vendor-specific ids (0x8000 and up) mean different things per vendor: 0x8007 is Fast DDS's
 * NETWORK_CONFIGURATION_SET and Cyclone's ADLINK_PARTICIPANT_VERSION_INFO. They are interpreted only
 * when the sender's vendor id (from the RTPS header, or INFO_SRC) is the vendor that defined them;
 * from anyone else they are skipped, must-understand bit or not, as Cyclone does (`ddsi_plist.c`:
 * only unrecognised ids "in the reserved space or in our own vendor-specific space" with bit 0x4000
 * make a list incompatible).
 *
 * An unknown standard id is skipped, unless it carries the must-understand bit 0x4000 (RTPS
 * 9.6.2.2.1), which makes the whole list invalid; the same holds for an unknown id in the space of a
 * vendor whose table we keep (e.g. Cyclone's 0xc006 ADLINK_RELAXED_QOS_MATCHING, which we do not
 * implement). See `classifyPid`.
 */

/** Standard parameter ids. */
export const PID = {
  PAD: 0x0000,
  SENTINEL: 0x0001,
  PARTICIPANT_LEASE_DURATION: 0x0002,
  TIME_BASED_FILTER: 0x0004,
  TOPIC_NAME: 0x0005,
  OWNERSHIP_STRENGTH: 0x0006,
  TYPE_NAME: 0x0007,
  DOMAIN_ID: 0x000f,
  PROTOCOL_VERSION: 0x0015,
  VENDORID: 0x0016,
  RELIABILITY: 0x001a,
  LIVELINESS: 0x001b,
  DURABILITY: 0x001d,
  DURABILITY_SERVICE: 0x001e,
  OWNERSHIP: 0x001f,
  PRESENTATION: 0x0021,
  DEADLINE: 0x0023,
  DESTINATION_ORDER: 0x0025,
  LATENCY_BUDGET: 0x0027,
  PARTITION: 0x0029,
  LIFESPAN: 0x002b,
  USER_DATA: 0x002c,
  GROUP_DATA: 0x002d,
  TOPIC_DATA: 0x002e,
  UNICAST_LOCATOR: 0x002f,
  MULTICAST_LOCATOR: 0x0030,
  DEFAULT_UNICAST_LOCATOR: 0x0031,
  METATRAFFIC_UNICAST_LOCATOR: 0x0032,
  METATRAFFIC_MULTICAST_LOCATOR: 0x0033,
  PARTICIPANT_MANUAL_LIVELINESS_COUNT: 0x0034,
  CONTENT_FILTER_PROPERTY: 0x0035,
  HISTORY: 0x0040,
  RESOURCE_LIMITS: 0x0041,
  EXPECTS_INLINE_QOS: 0x0043,
  DEFAULT_MULTICAST_LOCATOR: 0x0048,
  TRANSPORT_PRIORITY: 0x0049,
  PARTICIPANT_GUID: 0x0050,
  GROUP_GUID: 0x0052,
  GROUP_ENTITYID: 0x0053,
  BUILTIN_ENDPOINT_SET: 0x0058,
  PROPERTY_LIST: 0x0059,
  ENDPOINT_GUID: 0x005a,
  TYPE_MAX_SIZE_SERIALIZED: 0x0060,
  ENTITY_NAME: 0x0062,
  KEY_HASH: 0x0070,
  STATUS_INFO: 0x0071,
  BUILTIN_ENDPOINT_QOS: 0x0077,
  DOMAIN_TAG: 0x4014,
  // RTPS 2.5 table 9.13: inline QoS only.
  CONTENT_FILTER_INFO: 0x0055,
  COHERENT_SET: 0x0056,
  DIRECTED_WRITE: 0x0057,
  ORIGINAL_WRITER_INFO: 0x0061,
  GROUP_COHERENT_SET: 0x0063,
  GROUP_SEQ_NUM: 0x0064,
  WRITER_GROUP_INFO: 0x0065,
  SECURE_WRITER_GROUP_INFO: 0x0066,
  // DDS-XTypes 1.3.
  TYPE_IDV1: 0x0069,
  TYPE_OBJECTV1: 0x0072,
  DATA_REPRESENTATION: 0x0073,
  TYPE_CONSISTENCY: 0x0074,
  TYPE_INFORMATION: 0x0075,
  // DDS-Security 1.1.
  IDENTITY_TOKEN: 0x1001,
  PERMISSIONS_TOKEN: 0x1002,
  DATA_TAGS: 0x1003,
  ENDPOINT_SECURITY_INFO: 0x1004,
  PARTICIPANT_SECURITY_INFO: 0x1005,
  IDENTITY_STATUS_TOKEN: 0x1006,
  // DDS-RPC 1.0 (ptc/2016-03-19).
  SERVICE_INSTANCE_NAME: 0x0080,
  RELATED_ENTITY_GUID: 0x0081,
  TOPIC_ALIASES: 0x0082,
  RELATED_SAMPLE_IDENTITY: 0x0083,
} as const;

/** Deprecated standard ids (RTPS 2.5 9.6.2.2.2): recognised, never interpreted. */
export const DEPRECATED_PID = {
  PERSISTENCE: 0x0003,
  TYPE_CHECKSUM: 0x0008,
  TYPE2_NAME: 0x0009,
  TYPE2_CHECKSUM: 0x000a,
  METATRAFFIC_MULTICAST_IPADDRESS: 0x000b,
  DEFAULT_UNICAST_IPADDRESS: 0x000c,
  METATRAFFIC_UNICAST_PORT: 0x000d,
  DEFAULT_UNICAST_PORT: 0x000e,
  EXPECTS_ACK: 0x0010,
  MULTICAST_IPADDRESS: 0x0011,
  MANAGER_KEY: 0x0012,
  SEND_QUEUE_SIZE: 0x0013,
  RELIABILITY_ENABLED: 0x0014,
  VARGAPPS_SEQUENCE_NUMBER_LAST: 0x0017,
  RECV_QUEUE_SIZE: 0x0018,
  RELIABILITY_OFFERED: 0x0019,
  PARTICIPANT_BUILTIN_ENDPOINTS: 0x0044,
  METATRAFFIC_UNICAST_IPADDRESS: 0x0045,
  METATRAFFIC_MULTICAST_PORT: 0x0046,
  PARTICIPANT_ENTITYID: 0x0051,
} as const;

/** PIDs at or above this are vendor-specific. */
export const PID_VENDOR_SPECIFIC_FLAG = 0x8000;
/** "Incompatible if not understood" (RTPS 9.6.2.2.1). */
export const PID_MUST_UNDERSTAND_FLAG = 0x4000;

/** STATUS_INFO flags (RTPS 9.6.3.9), in the last octet of the 4-octet value. */
export const STATUS_INFO_DISPOSED = 0x1;
export const STATUS_INFO_UNREGISTERED = 0x2;
export const STATUS_INFO_FILTERED = 0x4;

/** A vendor id as it travels: two octets. */
export type VendorId = readonly [number, number];

/** Vendor ids as one number (first octet << 8 | second), as the OMG registry lists them. */
export const VENDOR = {
  UNKNOWN: 0x0000,
  RTI_CONNEXT: 0x0101,
  OPENSPLICE: 0x0102,
  OPENDDS: 0x0103,
  FAST_DDS: 0x010f,
  CYCLONE_DDS: 0x0110,
  RUSTDDS: 0x0112,
  ROS2TS: 0x01f7,
} as const;

export function vendorCode(v: VendorId): number {
  return ((v[0] & 0xff) << 8) | (v[1] & 0xff);
}

/** eProsima Fast DDS (01.0F) vendor-specific ids (`ParameterTypes.hpp`). */
export const FASTDDS_PID = {
  PERSISTENCE_GUID: 0x8002,
  DISABLE_POSITIVE_ACKS: 0x8005,
  DATASHARING: 0x8006,
  NETWORK_CONFIGURATION_SET: 0x8007,
  /** Related sample identity in inline QoS, before 0x0083 existed (2.10) and still sent beside it. */
  CUSTOM_RELATED_SAMPLE_IDENTITY: 0x800f,
} as const;

/** Eclipse Cyclone DDS (01.10) vendor-specific ids (`q_protocol.h` in 0.10, `ddsi_protocol.h` later). */
export const CYCLONE_PID = {
  ADLINK_BUILTIN_ENDPOINT_SET: 0x8000,
  ADLINK_WRITER_INFO: 0x8001,
  ADLINK_READER_DATA_LIFECYCLE: 0x8002,
  ADLINK_WRITER_DATA_LIFECYCLE: 0x8003,
  ADLINK_ENDPOINT_GUID: 0x8004,
  ADLINK_SYNCHRONOUS_ENDPOINT: 0x8005,
  ADLINK_PARTICIPANT_VERSION_INFO: 0x8007,
  ADLINK_NODE_NAME: 0x8008,
  ADLINK_EXEC_NAME: 0x8009,
  ADLINK_PROCESS_ID: 0x800a,
  ADLINK_SERVICE_TYPE: 0x800b,
  ADLINK_ENTITY_FACTORY: 0x800c,
  ADLINK_WATCHDOG_SCHEDULING: 0x800d,
  ADLINK_LISTENER_SCHEDULING: 0x800e,
  ADLINK_SUBSCRIPTION_KEYS: 0x800f,
  ADLINK_READER_LIFESPAN: 0x8010,
  ADLINK_TYPE_DESCRIPTION: 0x8012,
  ADLINK_LAN: 0x8013,
  ADLINK_ENDPOINT_GID: 0x8014,
  ADLINK_GROUP_GID: 0x8015,
  ADLINK_EOTINFO: 0x8016,
  ADLINK_PART_CERT_NAME: 0x8017,
  ADLINK_LAN_CERT_NAME: 0x8018,
  CYCLONE_RECEIVE_BUFFER_SIZE: 0x8019,
  CYCLONE_TYPE_INFORMATION: 0x801a,
  CYCLONE_TOPIC_GUID: 0x801b,
  CYCLONE_REQUESTS_KEYHASH: 0x801c,
  CYCLONE_REDUNDANT_NETWORKING: 0x801d,
} as const;

function namesOf(table: Record<string, number>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, pid]) => [pid, name]));
}

const STANDARD_NAMES: ReadonlyMap<number, string> = new Map([...namesOf(PID), ...namesOf(DEPRECATED_PID)]);

/** Vendor-specific ids we recognise, per vendor code. ros2ts itself defines none. */
const VENDOR_NAMES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [VENDOR.FAST_DDS, namesOf(FASTDDS_PID)],
  [VENDOR.CYCLONE_DDS, namesOf(CYCLONE_PID)],
  [VENDOR.ROS2TS, new Map()],
]);

/**
 * How a parameter is to be treated, given the sender's vendor:
 * - `standard`: a standard id we recognise;
 * - `vendor`: the sender's own vendor-specific id, recognised;
 * - `foreign`: a vendor-specific id of a vendor whose ids we do not keep (skipped, whatever its bits);
 * - `unknown`: unrecognised, skipped;
 * - `must-understand`: unrecognised with bit 0x4000: the whole list is invalid.
 */
export type PidClass = 'standard' | 'vendor' | 'foreign' | 'unknown' | 'must-understand';

export function classifyPid(pid: number, vendor: number): PidClass {
  if (pid < PID_VENDOR_SPECIFIC_FLAG) {
    if (STANDARD_NAMES.has(pid)) return 'standard';
    return pid & PID_MUST_UNDERSTAND_FLAG ? 'must-understand' : 'unknown';
  }
  const table = VENDOR_NAMES.get(vendor);
  if (!table) return 'foreign';
  if (table.has(pid)) return 'vendor';
  return pid & PID_MUST_UNDERSTAND_FLAG ? 'must-understand' : 'unknown';
}

/** A readable name for logs: `TOPIC_NAME`, `CYCLONE_RECEIVE_BUFFER_SIZE`, or `0x8abc`. */
export function pidName(pid: number, vendor?: number): string {
  const name =
    pid < PID_VENDOR_SPECIFIC_FLAG
      ? STANDARD_NAMES.get(pid)
      : vendor === undefined
        ? undefined
        : VENDOR_NAMES.get(vendor)?.get(pid);
  return name ?? `0x${pid.toString(16).padStart(4, '0')}`;
}
