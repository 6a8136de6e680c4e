/**
 * One sample of a builtin discovery topic (SPDP, SEDP publications / subscriptions) as a DATA, or
 * reassembled DATA_FRAGs, delivers it: either the entity's data, or its disposal / unregistration.
 *
 * What the peers send when an entity goes away (captures/README.md, "Goodbye"):
 * - Cyclone: DATA with the K flag, inline QoS STATUS_INFO only (00 00 00 03), and a key-only
 *   PL_CDR_LE payload holding PARTICIPANT_GUID (SPDP) or ENDPOINT_GUID (SEDP);
 * - Fast DDS: DATA without payload, inline QoS KEY_HASH (the GUID) and STATUS_INFO (2.9.1 adds its
 *   0x800f related sample identity, skipped).
 * Some implementations put STATUS_INFO or KEY_HASH in the payload instead; both places are read,
 * inline QoS first.
 */
import type { Parameter } from '../wire/parameter-list.js';
import { DataFlags, type DataSubmessage, FLAG_ENDIANNESS } from '../wire/submessage.js';
import type { Guid } from '../wire/types.js';
import { DiscoveryDataError } from './errors.js';
import { PID, STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { decodeParameters, openParameterListPayload, parseList, type Schema, scalar } from './schema.js';
import { readGuid, readOctets } from './values.js';

export interface DiscoverySample {
  /** The serialized payload, encapsulation header included (DATA, or DATA_FRAGs reassembled). */
  readonly serializedPayload?: Uint8Array;
  /** The payload is a serialized key (DATA K flag / DATA_FRAG key flag), not the whole data. */
  readonly keyOnly?: boolean;
  /** The inline QoS parameter list, sentinel included. */
  readonly inlineQos?: Uint8Array;
  /** Byte order of the inline QoS: the E flag of the submessage that carried it (default: little). */
  readonly inlineQosLittleEndian?: boolean;
}

/** The sample a DATA submessage carries. */
export function sampleFromData(d: DataSubmessage): DiscoverySample {
  return {
    ...(d.payload ? { serializedPayload: d.payload } : {}),
    keyOnly: (d.flags & DataFlags.KEY) !== 0,
    ...(d.inlineQos ? { inlineQos: d.inlineQos } : {}),
    inlineQosLittleEndian: (d.flags & FLAG_ENDIANNESS) !== 0,
  };
}

/** The entity's (new) data, or its end. */
export type DiscoveryChange<T> =
  | { readonly kind: 'alive'; readonly data: T }
  | {
      readonly kind: 'gone';
      /** The participant's or endpoint's GUID, from KEY_HASH or the key in the payload. */
      readonly guid: Guid;
      readonly disposed: boolean;
      readonly unregistered: boolean;
    };

export const KEY_HASH_SIZE = 16;

/** A KEY_HASH of a builtin topic is the entity's GUID itself (its key is exactly 16 bytes). */
export function guidFromKeyHash(keyHash: Uint8Array): Guid {
  const b = keyHash;
  return {
    prefix: b.slice(0, 12),
    entityId: ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0,
  };
}

export const keyHashField = scalar<Uint8Array>(
  PID.KEY_HASH,
  (r) => readOctets(r, KEY_HASH_SIZE, 'key hash'),
  (w, v) => w.bytes(v),
);

/** STATUS_INFO: four octets, the flags in the last (read as a big-endian u32 whatever the order). */
export const statusInfoField = scalar<number>(
  PID.STATUS_INFO,
  (r) => r.octets4('status info'),
  (w, v) => w.octets4(v),
);

interface KeyFields {
  readonly guid?: Guid;
  readonly keyHash?: Uint8Array;
  readonly statusInfo?: number;
}

const INLINE_QOS_GROUPS = [
  {
    group: 'inline',
    schema: { keyHash: keyHashField, statusInfo: statusInfoField } satisfies Schema<Omit<KeyFields, 'guid'>>,
  },
];

const keyGroupsCache = new Map<number, readonly { group: string; schema: Schema<KeyFields> }[]>();

function keyGroups(identityPid: number) {
  let groups = keyGroupsCache.get(identityPid);
  if (!groups) {
    const schema: Schema<KeyFields> = {
      guid: scalar<Guid>(
        identityPid,
        (r) => readGuid(r),
        () => {},
      ),
      keyHash: keyHashField,
      statusInfo: statusInfoField,
    };
    groups = [{ group: 'key', schema }];
    keyGroupsCache.set(identityPid, groups);
  }
  return groups;
}

/** The KEY_HASH and STATUS_INFO of an inline QoS (other parameters checked, then ignored). */
export function readInlineQos(
  inlineQos: Uint8Array,
  littleEndian: boolean,
  vendor: number,
): { readonly keyHash?: Uint8Array; readonly statusInfo?: number; readonly extra: readonly Parameter[] } {
  const list = parseList(inlineQos, littleEndian, 'inline QoS');
  const decoded = decodeParameters(list, INLINE_QOS_GROUPS, vendor);
  const fields = decoded.groups.get('inline') as Omit<KeyFields, 'guid'>;
  return { ...fields, extra: decoded.extra };
}

/**
 * Decodes a sample of a builtin topic whose data is decoded by `decodeData` and whose key is the
 * GUID in `identityPid` (PARTICIPANT_GUID or ENDPOINT_GUID).
 */
export function decodeSample<T extends { readonly guid: Guid; readonly statusInfo?: number }>(
  sample: DiscoverySample,
  vendor: number,
  identityPid: number,
  decodeData: (payload: Uint8Array) => T,
): DiscoveryChange<T> {
  const inline = sample.inlineQos
    ? readInlineQos(sample.inlineQos, sample.inlineQosLittleEndian ?? true, vendor)
    : undefined;
  const payload = sample.serializedPayload;
  let data: T | undefined;
  let key: KeyFields | undefined;
  if (payload && !sample.keyOnly) data = decodeData(payload);
  else if (payload) {
    const decoded = decodeParameters(openParameterListPayload(payload), keyGroups(identityPid), vendor);
    key = decoded.groups.get('key') as KeyFields;
  }
  const status = inline?.statusInfo ?? data?.statusInfo ?? key?.statusInfo ?? 0;
  const disposed = (status & STATUS_INFO_DISPOSED) !== 0;
  const unregistered = (status & STATUS_INFO_UNREGISTERED) !== 0;
  if (disposed || unregistered) {
    const keyHash = inline?.keyHash ?? key?.keyHash;
    const guid = data?.guid ?? key?.guid ?? (keyHash ? guidFromKeyHash(keyHash) : undefined);
    if (!guid) {
      throw new DiscoveryDataError(
        'missing-parameter',
        'dispose/unregister without a KEY_HASH or a key in the payload',
      );
    }
    return { kind: 'gone', guid, disposed, unregistered };
  }
  if (data) return { kind: 'alive', data };
  throw new DiscoveryDataError(
    'invalid-sample',
    payload
      ? `key-only sample with status info 0x${status.toString(16)} (neither disposed nor unregistered)`
      : 'sample without payload that is neither a dispose nor an unregister',
  );
}
