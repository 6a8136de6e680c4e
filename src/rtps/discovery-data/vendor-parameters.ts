/**
 * The vendor-specific parameters we interpret, per vendor (pids.ts says why they are read only
 * from their own vendor). They are informational: nothing in ros2ts depends on them for matching,
 * and our own encoders never write them (they stay in `extra` when a decoded peer's data is
 * re-encoded). Values are checked like standard ones: a malformed one refuses the whole data.
 *
 * Fast DDS (01.0F): NETWORK_CONFIGURATION_SET 0x8007 (u32, 2.12+), PERSISTENCE_GUID 0x8002,
 * DISABLE_POSITIVE_ACKS 0x8005, DATASHARING 0x8006 (kept raw), related sample identity 0x800f
 * (inline QoS; Fast DDS 2.9.1 also puts it on its SPDP dispose).
 * Cyclone (01.10): ADLINK_READER/WRITER_DATA_LIFECYCLE 0x8002/0x8003, ADLINK_PARTICIPANT_VERSION_INFO
 * 0x8007, ADLINK_ENTITY_FACTORY 0x800c, CYCLONE_RECEIVE_BUFFER_SIZE 0x8019, CYCLONE_TYPE_INFORMATION
 * 0x801a (kept raw), CYCLONE_TOPIC_GUID 0x801b, CYCLONE_REQUESTS_KEYHASH 0x801c,
 * CYCLONE_REDUNDANT_NETWORKING 0x801d (kept raw), ADLINK_ENDPOINT_GUID 0x8004.
 */
import type { ByteReader } from '../wire/byte-reader.js';
import type { Parameter } from '../wire/parameter-list.js';
import { type Guid, readSequenceNumber } from '../wire/types.js';
import { type Duration, readDuration } from './duration.js';
import { CYCLONE_PID, FASTDDS_PID, VENDOR } from './pids.js';
import { readBoolean, readGuid, readRaw, readString, readValue } from './values.js';

/** A writer GUID and sequence number (SampleIdentity). SN_UNKNOWN is -2^32. */
export interface SampleIdentity {
  readonly writerGuid: Guid;
  readonly sequenceNumber: number;
}

export interface FastDdsParameters {
  readonly vendor: 'fastdds';
  /** Which transports the participant has (bit mask; 1 = UDPv4 only in the captures). */
  readonly networkConfigurationSet?: number;
  readonly persistenceGuid?: Guid;
  readonly disablePositiveAcks?: boolean;
  readonly dataSharing?: Uint8Array;
  readonly relatedSampleIdentity?: SampleIdentity;
}

export interface CycloneParticipantVersionInfo {
  readonly version: number;
  readonly flags: number;
  /** e.g. `vm/0.10.5/Linux/Linux`: host, Cyclone version, OS, platform. */
  readonly internals?: string;
}

export interface CycloneParameters {
  readonly vendor: 'cyclone';
  readonly participantVersionInfo?: CycloneParticipantVersionInfo;
  /** WRITER_DATA_LIFECYCLE.autodispose_unregistered_instances (rmw_cyclonedds sets it false). */
  readonly autodisposeUnregisteredInstances?: boolean;
  readonly readerDataLifecycle?: {
    readonly autopurgeNoWriterSamplesDelay: Duration;
    readonly autopurgeDisposedSamplesDelay: Duration;
  };
  /** ENTITY_FACTORY.autoenable_created_entities. */
  readonly autoenableCreatedEntities?: boolean;
  readonly receiveBufferSize?: number;
  readonly typeInformation?: Uint8Array;
  readonly topicGuid?: Guid;
  readonly requestsKeyHash?: boolean;
  readonly redundantNetworking?: Uint8Array;
  readonly endpointGuid?: Guid;
}

export type VendorSpecificParameters = FastDdsParameters | CycloneParameters;

type Readers<T> = ReadonlyMap<number, readonly [keyof T & string, (r: ByteReader) => unknown]>;

const FASTDDS: Readers<FastDdsParameters> = new Map<
  number,
  readonly [keyof FastDdsParameters & string, (r: ByteReader) => unknown]
>([
  [
    FASTDDS_PID.NETWORK_CONFIGURATION_SET,
    ['networkConfigurationSet', (r) => r.u32('network configuration set')],
  ],
  [FASTDDS_PID.PERSISTENCE_GUID, ['persistenceGuid', (r) => readGuid(r, 'persistence GUID')]],
  [
    FASTDDS_PID.DISABLE_POSITIVE_ACKS,
    ['disablePositiveAcks', (r) => readBoolean(r, 'disable positive acks')],
  ],
  [FASTDDS_PID.DATASHARING, ['dataSharing', readRaw]],
  [
    FASTDDS_PID.CUSTOM_RELATED_SAMPLE_IDENTITY,
    [
      'relatedSampleIdentity',
      (r): SampleIdentity => ({
        writerGuid: readGuid(r, 'related writer GUID'),
        sequenceNumber: readSequenceNumber(r, 'related sequence number'),
      }),
    ],
  ],
]);

const CYCLONE: Readers<CycloneParameters> = new Map<
  number,
  readonly [keyof CycloneParameters & string, (r: ByteReader) => unknown]
>([
  [
    CYCLONE_PID.ADLINK_PARTICIPANT_VERSION_INFO,
    [
      'participantVersionInfo',
      (r): CycloneParticipantVersionInfo => {
        const version = r.u32('version');
        const flags = r.u32('flags');
        r.skip(12, 'unused');
        if (r.remaining < 4) return { version, flags };
        return { version, flags, internals: readString(r, 'internals') };
      },
    ],
  ],
  [
    CYCLONE_PID.ADLINK_WRITER_DATA_LIFECYCLE,
    ['autodisposeUnregisteredInstances', (r) => readBoolean(r, 'autodispose')],
  ],
  [
    CYCLONE_PID.ADLINK_READER_DATA_LIFECYCLE,
    [
      'readerDataLifecycle',
      (r) => ({
        autopurgeNoWriterSamplesDelay: readDuration(r, 'autopurge_nowriter_samples_delay'),
        autopurgeDisposedSamplesDelay: readDuration(r, 'autopurge_disposed_samples_delay'),
      }),
    ],
  ],
  [CYCLONE_PID.ADLINK_ENTITY_FACTORY, ['autoenableCreatedEntities', (r) => readBoolean(r, 'autoenable')]],
  [CYCLONE_PID.CYCLONE_RECEIVE_BUFFER_SIZE, ['receiveBufferSize', (r) => r.u32('receive buffer size')]],
  [CYCLONE_PID.CYCLONE_TYPE_INFORMATION, ['typeInformation', readRaw]],
  [CYCLONE_PID.CYCLONE_TOPIC_GUID, ['topicGuid', (r) => readGuid(r, 'topic GUID')]],
  [CYCLONE_PID.CYCLONE_REQUESTS_KEYHASH, ['requestsKeyHash', (r) => readBoolean(r, 'requests keyhash')]],
  [CYCLONE_PID.CYCLONE_REDUNDANT_NETWORKING, ['redundantNetworking', readRaw]],
  [CYCLONE_PID.ADLINK_ENDPOINT_GUID, ['endpointGuid', (r) => readGuid(r, 'endpoint GUID')]],
]);

/**
 * Interprets `p` (a vendor-specific PID of the sender's vendor) into `into`, returning the updated
 * record. PIDs of the vendor we recognise but do not interpret leave it unchanged; the first
 * occurrence of each wins.
 */
export function decodeVendorParameter(
  p: Parameter,
  littleEndian: boolean,
  vendor: number,
  into: VendorSpecificParameters | undefined,
): VendorSpecificParameters | undefined {
  let name: 'fastdds' | 'cyclone';
  let readers: ReadonlyMap<number, readonly [string, (r: ByteReader) => unknown]>;
  if (vendor === VENDOR.FAST_DDS) {
    name = 'fastdds';
    readers = FASTDDS;
  } else if (vendor === VENDOR.CYCLONE_DDS) {
    name = 'cyclone';
    readers = CYCLONE;
  } else return into;
  const entry = readers.get(p.pid);
  if (!entry) return into;
  const [key, read] = entry;
  const value = readValue(p, littleEndian, vendor, read);
  const current: Record<string, unknown> = into ? { ...into } : { vendor: name };
  if (!Object.hasOwn(current, key)) current[key] = value;
  return current as unknown as VendorSpecificParameters;
}
