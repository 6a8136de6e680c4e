/**
 * A change as submessages: one DATA when it fits in a datagram, else DATA_FRAGs of
 * `fragmentSize` bytes, one fragment per submessage (what both vendors accept, WIRE.md 7 and
 * 9e; Fast DDS fixes a sample's fragment size from its first fragment, so it stays constant).
 */
import type { DataFragSubmessage, DataSubmessage } from '../wire/submessage.js';
import { DataFlags, DataFragFlags, FLAG_ENDIANNESS } from '../wire/submessage.js';
import type { EntityId } from '../wire/types.js';

export interface OutgoingChange {
  readonly sn: number;
  readonly payload?: Uint8Array;
  readonly inlineQos?: Uint8Array;
}

/** Bytes a DATA adds around its payload: submessage header 4, fixed fields 20. */
export const DATA_OVERHEAD = 24;
/** Bytes a DATA_FRAG adds around its fragment: submessage header 4, fixed fields 32. */
export const DATA_FRAG_OVERHEAD = 36;

/**
 * The change as one DATA, or undefined when it does not fit in `maxDataPayload` and must be
 * fragmented: the common case without the list dataSubmessages returns.
 */
export function dataSubmessage(
  change: OutgoingChange,
  readerId: EntityId,
  writerId: EntityId,
  maxDataPayload: number,
): DataSubmessage | undefined {
  const payload = change.payload;
  if (payload && payload.length + (change.inlineQos?.length ?? 0) > maxDataPayload) return undefined;
  return {
    kind: 'DATA',
    flags: FLAG_ENDIANNESS | (change.inlineQos ? DataFlags.INLINE_QOS : 0) | (payload ? DataFlags.DATA : 0),
    extraFlags: 0,
    readerId,
    writerId,
    writerSN: change.sn,
    // One shape with or without them (see readData).
    inlineQos: change.inlineQos,
    payload,
  };
}

export function dataSubmessages(
  change: OutgoingChange,
  readerId: EntityId,
  writerId: EntityId,
  /** The most payload one DATA may carry before the change is fragmented. */
  maxDataPayload: number,
  fragmentSize: number,
): (DataSubmessage | DataFragSubmessage)[] {
  const data = dataSubmessage(change, readerId, writerId, maxDataPayload);
  return data ? [data] : dataFragSubmessages(change, readerId, writerId, fragmentSize);
}

/** The change as DATA_FRAGs of `fragmentSize` bytes (one a submessage). */
export function dataFragSubmessages(
  change: OutgoingChange,
  readerId: EntityId,
  writerId: EntityId,
  fragmentSize: number,
): DataFragSubmessage[] {
  const payload = change.payload ?? new Uint8Array(0);
  if (fragmentSize < 4 || fragmentSize > 0xffff)
    throw new RangeError(`fragment size ${fragmentSize} out of range`);
  const out: DataFragSubmessage[] = [];
  const total = Math.ceil(payload.length / fragmentSize);
  for (let f = 0; f < total; f++) {
    // The inline QoS travels with the first fragment only.
    const withQos = f === 0 && change.inlineQos !== undefined;
    out.push({
      kind: 'DATA_FRAG',
      flags: FLAG_ENDIANNESS | (withQos ? DataFragFlags.INLINE_QOS : 0),
      extraFlags: 0,
      readerId,
      writerId,
      writerSN: change.sn,
      fragmentStartingNum: f + 1,
      fragmentsInSubmessage: 1,
      fragmentSize,
      sampleSize: payload.length,
      inlineQos: withQos ? change.inlineQos : undefined,
      fragments: payload.subarray(f * fragmentSize, Math.min(payload.length, (f + 1) * fragmentSize)),
    });
  }
  return out;
}
