/**
 * SPDPdiscoveredParticipantData (RTPS 2.5 8.5.3.2, 9.6.2.2): what a participant announces on the
 * SPDP builtin topic (writer 0x000100c2), as a PL_CDR payload.
 *
 * What the two Jazzy peers put there (captures/README.md), and the defaults for what is absent:
 * - Cyclone 0.10.5: USER_DATA, PROPERTY_LIST, PROTOCOL_VERSION, VENDORID, PARTICIPANT_LEASE_DURATION
 *   (10 s), PARTICIPANT_GUID, BUILTIN_ENDPOINT_SET (0x0000fc3f), DOMAIN_ID, the four locator kinds,
 *   0x8007 ADLINK_PARTICIPANT_VERSION_INFO, 0x8019 CYCLONE_RECEIVE_BUFFER_SIZE. No ENTITY_NAME.
 * - Fast DDS 2.14.5: PROTOCOL_VERSION, VENDORID, PARTICIPANT_GUID, 0x8007 NETWORK_CONFIGURATION_SET,
 *   METATRAFFIC_UNICAST, DEFAULT_UNICAST, PARTICIPANT_LEASE_DURATION (20 s), BUILTIN_ENDPOINT_SET
 *   (0x00000c3f), ENTITY_NAME, USER_DATA, PROPERTY_LIST. No DOMAIN_ID, and (UDPv4-only) no
 *   multicast locators.
 * - An absent lease means 100 s (RTPS 9.6.2.2: the default of PARTICIPANT_LEASE_DURATION; Cyclone
 *   assumes the same), an absent EXPECTS_INLINE_QOS false, an absent DOMAIN_ID "the domain it was
 *   received in" (Fast DDS never sends it), an absent DOMAIN_TAG the empty tag.
 *
 * Our own SPDP (`encodeParticipantData`) is PL_CDR_LE with the fields given, in the order of the
 * schema below; DOMAIN_TAG (a must-understand PID) is written only when non-empty.
 */
import type { Parameter } from '../wire/parameter-list.js';
import type { Guid, GuidPrefix, Locator } from '../wire/types.js';
import { type Duration, durationFromMillis, readDuration, writeDuration } from './duration.js';
import { DiscoveryDataError } from './errors.js';
import { PID, type VendorId } from './pids.js';
import {
  type DiscoveryChange,
  type DiscoverySample,
  decodeSample,
  guidFromKeyHash,
  keyHashField,
  statusInfoField,
} from './sample.js';
import {
  decodeParameters,
  encodeFields,
  encodeParameterListPayload,
  openParameterListPayload,
  repeated,
  type Schema,
  type SchemaGroup,
  scalar,
} from './schema.js';
import {
  type PropertyList,
  readBoolean,
  readGuid,
  readLocator,
  readOctetPair,
  readOctetSequence,
  readPropertyList,
  readString,
  writeGuid,
  writeLocator,
  writeOctetPair,
  writeOctetSequence,
  writePropertyList,
  writeString,
} from './values.js';
import type { VendorSpecificParameters } from './vendor-parameters.js';

/** Bits of BUILTIN_ENDPOINT_SET (RTPS 2.5 9.3.2.8, DDS-XTypes 7.6.3.3, DDS-Security 7.4.1.4). */
export const BuiltinEndpoint = {
  PARTICIPANT_ANNOUNCER: 1 << 0,
  PARTICIPANT_DETECTOR: 1 << 1,
  PUBLICATIONS_ANNOUNCER: 1 << 2,
  PUBLICATIONS_DETECTOR: 1 << 3,
  SUBSCRIPTIONS_ANNOUNCER: 1 << 4,
  SUBSCRIPTIONS_DETECTOR: 1 << 5,
  PARTICIPANT_PROXY_ANNOUNCER: 1 << 6,
  PARTICIPANT_PROXY_DETECTOR: 1 << 7,
  PARTICIPANT_STATE_ANNOUNCER: 1 << 8,
  PARTICIPANT_STATE_DETECTOR: 1 << 9,
  PARTICIPANT_MESSAGE_DATA_WRITER: 1 << 10,
  PARTICIPANT_MESSAGE_DATA_READER: 1 << 11,
  TYPELOOKUP_REQUEST_WRITER: 1 << 12,
  TYPELOOKUP_REQUEST_READER: 1 << 13,
  TYPELOOKUP_REPLY_WRITER: 1 << 14,
  TYPELOOKUP_REPLY_READER: 1 << 15,
  TOPICS_ANNOUNCER: 1 << 28,
  TOPICS_DETECTOR: 1 << 29,
} as const;

/** The RTPS default of PARTICIPANT_LEASE_DURATION when it is not sent. */
export const DEFAULT_PARTICIPANT_LEASE: Duration = durationFromMillis(100_000);

export interface ParticipantData {
  /** PARTICIPANT_GUID (entity id 0x000001c1), or the KEY_HASH when only that was sent. */
  readonly guid: Guid;
  readonly protocolVersion?: readonly [number, number];
  readonly vendorId?: VendorId;
  readonly builtinEndpointSet?: number;
  readonly leaseDuration?: Duration;
  readonly domainId?: number;
  readonly domainTag?: string;
  readonly metatrafficUnicastLocators?: readonly Locator[];
  readonly metatrafficMulticastLocators?: readonly Locator[];
  readonly defaultUnicastLocators?: readonly Locator[];
  readonly defaultMulticastLocators?: readonly Locator[];
  readonly expectsInlineQos?: boolean;
  readonly manualLivelinessCount?: number;
  readonly builtinEndpointQos?: number;
  readonly entityName?: string;
  /** ROS 2: `enclave=/;` (Fast DDS adds a NUL; Cyclone does not). */
  readonly userData?: Uint8Array;
  readonly properties?: PropertyList;
  readonly keyHash?: Uint8Array;
  readonly statusInfo?: number;
  /**
   * Parameters carried without interpretation: on decode, every one the fields above do not hold
   * (vendor-specific ones included), in wire order; on encode, written verbatim after the fields.
   * Leave it out of our own announcements.
   */
  readonly extra?: readonly Parameter[];
}

export interface DecodedParticipantData extends ParticipantData {
  readonly metatrafficUnicastLocators: readonly Locator[];
  readonly metatrafficMulticastLocators: readonly Locator[];
  readonly defaultUnicastLocators: readonly Locator[];
  readonly defaultMulticastLocators: readonly Locator[];
  /** The sender's own vendor-specific parameters we interpret (they are also in `extra`). */
  readonly vendorSpecific?: VendorSpecificParameters;
  readonly extra: readonly Parameter[];
}

type Fields = Omit<ParticipantData, 'extra'>;

const locators = (pid: number) => repeated<Locator>(pid, readLocator, writeLocator);

const PARTICIPANT_SCHEMA: Schema<Fields> = {
  protocolVersion: scalar(PID.PROTOCOL_VERSION, (r) => readOctetPair(r, 'protocol version'), writeOctetPair),
  vendorId: scalar(PID.VENDORID, (r) => readOctetPair(r, 'vendor id'), writeOctetPair),
  guid: scalar(PID.PARTICIPANT_GUID, (r) => readGuid(r, 'participant GUID'), writeGuid),
  builtinEndpointSet: scalar(
    PID.BUILTIN_ENDPOINT_SET,
    (r) => r.u32('builtin endpoint set'),
    (w, v) => w.u32(v),
  ),
  leaseDuration: scalar(
    PID.PARTICIPANT_LEASE_DURATION,
    (r) => readDuration(r, 'lease duration'),
    writeDuration,
  ),
  domainId: scalar(
    PID.DOMAIN_ID,
    (r) => r.u32('domain id'),
    (w, v) => w.u32(v),
  ),
  domainTag: scalar(PID.DOMAIN_TAG, (r) => readString(r, 'domain tag'), writeString),
  metatrafficUnicastLocators: locators(PID.METATRAFFIC_UNICAST_LOCATOR),
  metatrafficMulticastLocators: locators(PID.METATRAFFIC_MULTICAST_LOCATOR),
  defaultUnicastLocators: locators(PID.DEFAULT_UNICAST_LOCATOR),
  defaultMulticastLocators: locators(PID.DEFAULT_MULTICAST_LOCATOR),
  expectsInlineQos: scalar(
    PID.EXPECTS_INLINE_QOS,
    (r) => readBoolean(r, 'expects inline QoS'),
    (w, v) => w.u8(v ? 1 : 0),
  ),
  manualLivelinessCount: scalar(
    PID.PARTICIPANT_MANUAL_LIVELINESS_COUNT,
    (r) => r.i32('manual liveliness count'),
    (w, v) => w.i32(v),
  ),
  builtinEndpointQos: scalar(
    PID.BUILTIN_ENDPOINT_QOS,
    (r) => r.u32('builtin endpoint QoS'),
    (w, v) => w.u32(v),
  ),
  entityName: scalar(PID.ENTITY_NAME, (r) => readString(r, 'entity name'), writeString),
  userData: scalar(PID.USER_DATA, (r) => readOctetSequence(r, 'user data'), writeOctetSequence),
  properties: scalar(PID.PROPERTY_LIST, readPropertyList, writePropertyList),
  keyHash: keyHashField,
  statusInfo: statusInfoField,
};

/** The builtin endpoints a participant of SPDP, SEDP and liveliness messages has (ros2ts's own set). */
export const STANDARD_BUILTIN_ENDPOINTS =
  BuiltinEndpoint.PARTICIPANT_ANNOUNCER |
  BuiltinEndpoint.PARTICIPANT_DETECTOR |
  BuiltinEndpoint.PUBLICATIONS_ANNOUNCER |
  BuiltinEndpoint.PUBLICATIONS_DETECTOR |
  BuiltinEndpoint.SUBSCRIPTIONS_ANNOUNCER |
  BuiltinEndpoint.SUBSCRIPTIONS_DETECTOR |
  BuiltinEndpoint.PARTICIPANT_MESSAGE_DATA_WRITER |
  BuiltinEndpoint.PARTICIPANT_MESSAGE_DATA_READER;

const GROUPS: readonly SchemaGroup[] = [{ group: 'participant', schema: PARTICIPANT_SCHEMA }];

/**
 * Decodes SPDP participant data from its serialized payload (encapsulation header included).
 * `vendor` is the sender's vendor code (`vendorCode(header.vendorId)`), which decides how
 * vendor-specific parameters are read. Throws DiscoveryDataError, and nothing else.
 */
export function decodeParticipantData(payload: Uint8Array, vendor: number): DecodedParticipantData {
  const decoded = decodeParameters(openParameterListPayload(payload), GROUPS, vendor);
  const f = decoded.groups.get('participant') as Partial<Record<keyof Fields, unknown>>;
  let guid = f.guid as Guid | undefined;
  if (!guid && f.keyHash) guid = guidFromKeyHash(f.keyHash as Uint8Array);
  if (!guid)
    throw new DiscoveryDataError(
      'missing-parameter',
      'participant data without PARTICIPANT_GUID or KEY_HASH',
    );
  return {
    ...(f as Fields),
    guid,
    metatrafficUnicastLocators: (f.metatrafficUnicastLocators as Locator[] | undefined) ?? [],
    metatrafficMulticastLocators: (f.metatrafficMulticastLocators as Locator[] | undefined) ?? [],
    defaultUnicastLocators: (f.defaultUnicastLocators as Locator[] | undefined) ?? [],
    defaultMulticastLocators: (f.defaultMulticastLocators as Locator[] | undefined) ?? [],
    ...(decoded.vendorSpecific ? { vendorSpecific: decoded.vendorSpecific } : {}),
    extra: decoded.extra,
  };
}

/** Our SPDP payload: PL_CDR_LE, the fields present in schema order, then `extra`, then the sentinel. */
export function encodeParticipantData(data: ParticipantData): Uint8Array {
  const parameters: Parameter[] = [];
  const { extra, ...fields } = data;
  encodeFields(parameters, fields, PARTICIPANT_SCHEMA);
  if (extra) parameters.push(...extra);
  return encodeParameterListPayload(parameters);
}

/**
 * Decodes a sample of the SPDP topic: the participant's data, or, for a dispose / unregister
 * ("participant X left"), its GUID.
 */
export function decodeParticipantSample(
  sample: DiscoverySample,
  vendor: number,
): DiscoveryChange<DecodedParticipantData> {
  return decodeSample(sample, vendor, PID.PARTICIPANT_GUID, (payload) =>
    decodeParticipantData(payload, vendor),
  );
}

/** The participant's GUID prefix. */
export function participantPrefix(data: ParticipantData): GuidPrefix {
  return data.guid.prefix;
}

/** The lease the participant asked for, or the RTPS default (100 s) when it sent none. */
export function participantLease(data: ParticipantData): Duration {
  return data.leaseDuration ?? DEFAULT_PARTICIPANT_LEASE;
}
