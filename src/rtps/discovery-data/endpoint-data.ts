/**
 * DiscoveredWriterData / DiscoveredReaderData (RTPS 2.5 8.5.4, 9.6.2.2): what SEDP announces about
 * an endpoint, on the publications (writer 0x000003c2) and subscriptions (0x000004c2) builtin topics,
 * as a PL_CDR payload. Both have the same wire form; which one a payload is depends on the topic.
 *
 * What the two Jazzy peers put there (captures/README.md; the tests assert the full sets):
 * - Cyclone 0.10.5: USER_DATA (`[clientid=…;|serviceid=…;]typehash=RIHS01_…;`), TOPIC_NAME,
 *   TYPE_NAME, then only the QoS that differ from the defaults (RELIABILITY, HISTORY when the depth is
 *   not 1, DURABILITY when not VOLATILE, DURABILITY_SERVICE and LIFESPAN for /rosout), PROTOCOL_VERSION,
 *   VENDORID, ENDPOINT_GUID, 0x800c ADLINK_ENTITY_FACTORY, and for writers 0x8003
 *   ADLINK_WRITER_DATA_LIFECYCLE. No PARTICIPANT_GUID (it is the endpoint GUID's prefix), no locators
 *   (the participant's default locators apply), no KEY_HASH, no type information.
 * - Fast DDS 2.14.5: ENDPOINT_GUID, 0x8007, UNICAST_LOCATOR, (readers: EXPECTS_INLINE_QOS),
 *   PARTICIPANT_GUID, TOPIC_NAME, TYPE_NAME, KEY_HASH (= endpoint GUID), (writers:
 *   TYPE_MAX_SIZE_SERIALIZED), PROTOCOL_VERSION, VENDORID, every QoS except HISTORY (qos.ts), USER_DATA
 *   (`typehash=…;`), TOPIC_DATA and GROUP_DATA (empty), DATA_REPRESENTATION, (readers:
 *   TYPE_CONSISTENCY).
 * - Fast DDS 3.2.5 (Kilted) and 3.6.2 (Lyrical), captured against test/interop's fastdds3 peer:
 *   the same, plus TYPE_INFORMATION (0x0075, 92 bytes) on every endpoint and DATA_REPRESENTATION
 *   [XCDR] on readers too. ../shared/WIRE.md says neither rmw sends TypeInformation: true of Jazzy
 *   (Fast DDS 2.14) only; from Kilted on DomainParticipantImpl::register_type always registers the
 *   type object representation.
 * TYPE_INFORMATION (0x0075), when a peer sends it, is kept as raw bytes, never interpreted.
 */
import type { Parameter } from '../wire/parameter-list.js';
import type { Guid, Locator } from '../wire/types.js';
import { ENTITYID_PARTICIPANT } from '../wire/types.js';
import { DiscoveryDataError } from './errors.js';
import { PID, type VendorId } from './pids.js';
import { type EffectiveQos, type EndpointKind, effectiveQos, QOS_SCHEMA, type QosPolicies } from './qos.js';
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
  type FieldSpec,
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
  readRaw,
  readString,
  writeGuid,
  writeLocator,
  writeOctetPair,
  writeOctetSequence,
  writePropertyList,
  writeString,
} from './values.js';
import type { VendorSpecificParameters } from './vendor-parameters.js';

export interface EndpointData {
  /** ENDPOINT_GUID, or the KEY_HASH when only that was sent. */
  readonly guid: Guid;
  /** As sent (Cyclone does not): see `endpointParticipantGuid`. */
  readonly participantGuid?: Guid;
  readonly topicName: string;
  readonly typeName: string;
  /** The QoS policies as sent; `effectiveQos(kind, qos)` fills in the defaults. */
  readonly qos: QosPolicies;
  /** Absent: the participant's default locators apply. */
  readonly unicastLocators?: readonly Locator[];
  readonly multicastLocators?: readonly Locator[];
  readonly expectsInlineQos?: boolean;
  /** ROS 2 Iron+: `typehash=RIHS01_<hex>;`, with a `clientid=…;` / `serviceid=…;` first from Cyclone. */
  readonly userData?: Uint8Array;
  readonly topicData?: Uint8Array;
  readonly groupData?: Uint8Array;
  readonly protocolVersion?: readonly [number, number];
  readonly vendorId?: VendorId;
  readonly typeMaxSizeSerialized?: number;
  readonly entityName?: string;
  readonly groupGuid?: Guid;
  readonly properties?: PropertyList;
  /** TYPE_INFORMATION as sent (XTypes TypeInformation, not interpreted). */
  readonly typeInformation?: Uint8Array;
  readonly keyHash?: Uint8Array;
  readonly statusInfo?: number;
  /**
   * Parameters carried without interpretation: on decode, every one the fields above do not hold
   * (vendor-specific ones included), in wire order; on encode, written verbatim after the fields.
   * Leave it out of our own announcements.
   */
  readonly extra?: readonly Parameter[];
}

export interface DecodedEndpointData extends EndpointData {
  readonly kind: EndpointKind;
  readonly unicastLocators: readonly Locator[];
  readonly multicastLocators: readonly Locator[];
  /** The sender's own vendor-specific parameters we interpret (they are also in `extra`). */
  readonly vendorSpecific?: VendorSpecificParameters;
  readonly extra: readonly Parameter[];
}

export type DiscoveredWriterData = DecodedEndpointData & { readonly kind: 'writer' };
export type DiscoveredReaderData = DecodedEndpointData & { readonly kind: 'reader' };

type HeadFields = Pick<EndpointData, 'guid' | 'participantGuid' | 'topicName' | 'typeName'>;
type TailFields = Omit<EndpointData, keyof HeadFields | 'qos' | 'extra'>;

const locators = (pid: number) => repeated<Locator>(pid, readLocator, writeLocator);
const octets = (pid: number, what: string) =>
  scalar<Uint8Array>(pid, (r) => readOctetSequence(r, what), writeOctetSequence);

const HEAD_SCHEMA: Schema<HeadFields> = {
  guid: scalar(PID.ENDPOINT_GUID, (r) => readGuid(r, 'endpoint GUID'), writeGuid),
  participantGuid: scalar(PID.PARTICIPANT_GUID, (r) => readGuid(r, 'participant GUID'), writeGuid),
  topicName: scalar(PID.TOPIC_NAME, (r) => readString(r, 'topic name'), writeString),
  typeName: scalar(PID.TYPE_NAME, (r) => readString(r, 'type name'), writeString),
};

const TAIL_SCHEMA: Schema<TailFields> = {
  protocolVersion: scalar(PID.PROTOCOL_VERSION, (r) => readOctetPair(r, 'protocol version'), writeOctetPair),
  vendorId: scalar(PID.VENDORID, (r) => readOctetPair(r, 'vendor id'), writeOctetPair),
  unicastLocators: locators(PID.UNICAST_LOCATOR),
  multicastLocators: locators(PID.MULTICAST_LOCATOR),
  expectsInlineQos: scalar(
    PID.EXPECTS_INLINE_QOS,
    (r) => readBoolean(r, 'expects inline QoS'),
    (w, v) => w.u8(v ? 1 : 0),
  ),
  userData: octets(PID.USER_DATA, 'user data'),
  topicData: octets(PID.TOPIC_DATA, 'topic data'),
  groupData: octets(PID.GROUP_DATA, 'group data'),
  typeMaxSizeSerialized: scalar(
    PID.TYPE_MAX_SIZE_SERIALIZED,
    (r) => r.u32('type max size serialized'),
    (w, v) => w.u32(v),
  ),
  entityName: scalar(PID.ENTITY_NAME, (r) => readString(r, 'entity name'), writeString),
  groupGuid: scalar(PID.GROUP_GUID, (r) => readGuid(r, 'group GUID'), writeGuid),
  properties: scalar(PID.PROPERTY_LIST, readPropertyList, writePropertyList),
  typeInformation: scalar(PID.TYPE_INFORMATION, readRaw, (w, v) => w.bytes(v)),
  keyHash: keyHashField,
  statusInfo: statusInfoField,
};

type LooseSchema = Readonly<Record<string, FieldSpec<unknown>>>;

const GROUPS: readonly SchemaGroup[] = [
  { group: 'head', schema: HEAD_SCHEMA as LooseSchema },
  { group: 'qos', schema: QOS_SCHEMA as LooseSchema },
  { group: 'tail', schema: TAIL_SCHEMA as LooseSchema },
];

/**
 * Decodes SEDP endpoint data from its serialized payload (encapsulation header included). `kind`
 * says which topic it came on (publications: writer, subscriptions: reader); `vendor` is the
 * sender's vendor code. Throws DiscoveryDataError, and nothing else.
 */
export function decodeEndpointData(
  payload: Uint8Array,
  kind: EndpointKind,
  vendor: number,
): DecodedEndpointData {
  const decoded = decodeParameters(openParameterListPayload(payload), GROUPS, vendor);
  const head = decoded.groups.get('head') as Partial<HeadFields>;
  const tail = decoded.groups.get('tail') as Partial<TailFields>;
  const guid = head.guid ?? (tail.keyHash ? guidFromKeyHash(tail.keyHash) : undefined);
  if (!guid)
    throw new DiscoveryDataError('missing-parameter', 'endpoint data without ENDPOINT_GUID or KEY_HASH');
  if (head.topicName === undefined)
    throw new DiscoveryDataError('missing-parameter', 'endpoint data without TOPIC_NAME');
  if (head.typeName === undefined)
    throw new DiscoveryDataError('missing-parameter', 'endpoint data without TYPE_NAME');
  return {
    kind,
    ...head,
    guid,
    topicName: head.topicName,
    typeName: head.typeName,
    qos: decoded.groups.get('qos') as QosPolicies,
    ...tail,
    unicastLocators: tail.unicastLocators ?? [],
    multicastLocators: tail.multicastLocators ?? [],
    ...(decoded.vendorSpecific ? { vendorSpecific: decoded.vendorSpecific } : {}),
    extra: decoded.extra,
  };
}

export function decodeWriterData(payload: Uint8Array, vendor: number): DiscoveredWriterData {
  return decodeEndpointData(payload, 'writer', vendor) as DiscoveredWriterData;
}

export function decodeReaderData(payload: Uint8Array, vendor: number): DiscoveredReaderData {
  return decodeEndpointData(payload, 'reader', vendor) as DiscoveredReaderData;
}

/**
 * Our SEDP payload: PL_CDR_LE with the identity (ENDPOINT_GUID, PARTICIPANT_GUID, TOPIC_NAME,
 * TYPE_NAME), the QoS policies present, the other fields present, then `extra`, then the sentinel.
 * Announce every policy explicitly (at least RELIABILITY and DURABILITY: WIRE.md 3 and 7), e.g. by
 * passing an EffectiveQos as `qos`.
 */
export function encodeEndpointData(data: EndpointData): Uint8Array {
  const parameters: Parameter[] = [];
  const fields = data as unknown as Readonly<Record<string, unknown>>;
  encodeFields(parameters, fields, HEAD_SCHEMA as LooseSchema);
  encodeFields(parameters, data.qos as Readonly<Record<string, unknown>>, QOS_SCHEMA as LooseSchema);
  encodeFields(parameters, fields, TAIL_SCHEMA as LooseSchema);
  if (data.extra) parameters.push(...data.extra);
  return encodeParameterListPayload(parameters);
}

/**
 * Decodes a sample of an SEDP topic: the endpoint's data, or, for a dispose / unregister, its GUID.
 */
export function decodeEndpointSample(
  kind: EndpointKind,
  sample: DiscoverySample,
  vendor: number,
): DiscoveryChange<DecodedEndpointData> {
  return decodeSample(sample, vendor, PID.ENDPOINT_GUID, (payload) =>
    decodeEndpointData(payload, kind, vendor),
  );
}

/** The endpoint's participant: PARTICIPANT_GUID if sent, else the endpoint GUID's prefix. */
export function endpointParticipantGuid(data: EndpointData): Guid {
  return data.participantGuid ?? { prefix: data.guid.prefix, entityId: ENTITYID_PARTICIPANT };
}

/** The endpoint's QoS with the DDS defaults filled in (qos.ts says which and why). */
export function endpointQos(data: DecodedEndpointData): EffectiveQos {
  return effectiveQos(data.kind, data.qos);
}
