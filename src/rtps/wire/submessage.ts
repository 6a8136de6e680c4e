/**
 * Submessage ids and flags (RTPS 2.5, 9.4.5), and the parsed form of every submessage a ROS 2
 * peer sends or expects. Parsed submessages hold views of the datagram; nothing is copied.
 */
import type { NumberSet } from './number-sets.js';
import type { EntityId, GuidPrefix, Locator, RtpsTime } from './types.js';

export const SubmessageId = {
  PAD: 0x01,
  ACKNACK: 0x06,
  HEARTBEAT: 0x07,
  GAP: 0x08,
  INFO_TS: 0x09,
  INFO_SRC: 0x0c,
  INFO_REPLY_IP4: 0x0d,
  INFO_DST: 0x0e,
  INFO_REPLY: 0x0f,
  NACK_FRAG: 0x12,
  HEARTBEAT_FRAG: 0x13,
  DATA: 0x15,
  DATA_FRAG: 0x16,
} as const;

/** Flag bit 0 of every submessage: its fields are little-endian. */
export const FLAG_ENDIANNESS = 0x01;

export const DataFlags = { INLINE_QOS: 0x02, DATA: 0x04, KEY: 0x08, NON_STANDARD: 0x10 } as const;
export const DataFragFlags = { INLINE_QOS: 0x02, KEY: 0x04, NON_STANDARD: 0x08 } as const;
export const HeartbeatFlags = { FINAL: 0x02, LIVELINESS: 0x04 } as const;
export const AckNackFlags = { FINAL: 0x02 } as const;
export const InfoTsFlags = { INVALIDATE: 0x02 } as const;
export const InfoReplyFlags = { MULTICAST: 0x02 } as const;

interface Base {
  /** Flags as received (bit 0 is the byte order of the fields). */
  readonly flags: number;
}

export interface DataSubmessage extends Base {
  readonly kind: 'DATA';
  readonly extraFlags: number;
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  /** The inline QoS parameter list, sentinel included, when the Q flag is set. */
  readonly inlineQos?: Uint8Array;
  /** The serialized payload (data or key, per the D and K flags), padding included. */
  readonly payload?: Uint8Array;
}

export interface DataFragSubmessage extends Base {
  readonly kind: 'DATA_FRAG';
  readonly extraFlags: number;
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  /** 1-based number of the first fragment carried. */
  readonly fragmentStartingNum: number;
  readonly fragmentsInSubmessage: number;
  readonly fragmentSize: number;
  readonly sampleSize: number;
  readonly inlineQos?: Uint8Array;
  /** The fragments' bytes, exactly (padding after them is not included). */
  readonly fragments: Uint8Array;
}

export interface HeartbeatSubmessage extends Base {
  readonly kind: 'HEARTBEAT';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly firstSN: number;
  readonly lastSN: number;
  readonly count: number;
}

export interface HeartbeatFragSubmessage extends Base {
  readonly kind: 'HEARTBEAT_FRAG';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  readonly lastFragmentNum: number;
  readonly count: number;
}

export interface AckNackSubmessage extends Base {
  readonly kind: 'ACKNACK';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly readerSNState: NumberSet;
  readonly count: number;
}

export interface NackFragSubmessage extends Base {
  readonly kind: 'NACK_FRAG';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  readonly fragmentNumberState: NumberSet;
  readonly count: number;
}

export interface GapSubmessage extends Base {
  readonly kind: 'GAP';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly gapStart: number;
  readonly gapList: NumberSet;
}

export interface InfoTimestampSubmessage extends Base {
  readonly kind: 'INFO_TS';
  /** Absent when the I flag invalidates the timestamp. */
  readonly timestamp?: RtpsTime;
}

export interface InfoDestinationSubmessage extends Base {
  readonly kind: 'INFO_DST';
  readonly guidPrefix: GuidPrefix;
}

export interface InfoSourceSubmessage extends Base {
  readonly kind: 'INFO_SRC';
  readonly unused: number;
  readonly version: readonly [number, number];
  readonly vendorId: readonly [number, number];
  readonly guidPrefix: GuidPrefix;
}

export interface InfoReplySubmessage extends Base {
  readonly kind: 'INFO_REPLY';
  readonly unicastLocators: readonly Locator[];
  readonly multicastLocators?: readonly Locator[];
}

export interface InfoReplyIp4Submessage extends Base {
  readonly kind: 'INFO_REPLY_IP4';
  readonly unicast: { readonly address: number; readonly port: number };
  readonly multicast?: { readonly address: number; readonly port: number };
}

export interface PadSubmessage extends Base {
  readonly kind: 'PAD';
  readonly body: Uint8Array;
}

/** A submessage we do not interpret (vendor-specific ids 0x80-0xff, or unknown ones): skipped. */
export interface UnknownSubmessage extends Base {
  readonly kind: 'UNKNOWN';
  readonly id: number;
  readonly body: Uint8Array;
}

export type Submessage =
  | DataSubmessage
  | DataFragSubmessage
  | HeartbeatSubmessage
  | HeartbeatFragSubmessage
  | AckNackSubmessage
  | NackFragSubmessage
  | GapSubmessage
  | InfoTimestampSubmessage
  | InfoDestinationSubmessage
  | InfoSourceSubmessage
  | InfoReplySubmessage
  | InfoReplyIp4Submessage
  | PadSubmessage
  | UnknownSubmessage;
