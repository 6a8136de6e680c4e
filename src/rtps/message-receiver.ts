/**
 * The RTPS message receiver (RTPS 2.5, 8.3.4): walks a parsed message, keeping the state the
 * interpreter submessages set (INFO_TS, INFO_DST, INFO_SRC, INFO_REPLY), and hands every entity
 * submessage to a handler together with that context. Submessages addressed (INFO_DST) to
 * another participant are skipped here, so endpoints never see them.
 */
import type { RtpsMessage } from './wire/message.js';
import type {
  AckNackSubmessage,
  DataFragSubmessage,
  DataSubmessage,
  GapSubmessage,
  HeartbeatFragSubmessage,
  HeartbeatSubmessage,
  NackFragSubmessage,
} from './wire/submessage.js';
import {
  GUID_PREFIX_UNKNOWN,
  type GuidPrefix,
  type Locator,
  prefixKey,
  type RtpsTime,
} from './wire/types.js';

/** What the submessages before an entity submessage said about it. */
export interface ReceiveContext {
  readonly sourceGuidPrefix: GuidPrefix;
  /** `prefixKey(sourceGuidPrefix)`, made once per message for endpoint lookups. */
  readonly sourceKey: string;
  readonly sourceVendorId: readonly [number, number];
  readonly sourceVersion: readonly [number, number];
  /** The participant it is for; all zeros when it is for everyone. */
  readonly destGuidPrefix: GuidPrefix;
  /** The source timestamp of the last INFO_TS, if one is in force. */
  readonly timestamp?: RtpsTime;
  readonly unicastReplyLocators: readonly Locator[];
  readonly multicastReplyLocators: readonly Locator[];
}

export interface SubmessageHandler {
  onData?(ctx: ReceiveContext, m: DataSubmessage): void;
  onDataFrag?(ctx: ReceiveContext, m: DataFragSubmessage): void;
  onHeartbeat?(ctx: ReceiveContext, m: HeartbeatSubmessage): void;
  onHeartbeatFrag?(ctx: ReceiveContext, m: HeartbeatFragSubmessage): void;
  onAckNack?(ctx: ReceiveContext, m: AckNackSubmessage): void;
  onNackFrag?(ctx: ReceiveContext, m: NackFragSubmessage): void;
  onGap?(ctx: ReceiveContext, m: GapSubmessage): void;
  /** An entity submessage skipped because an INFO_DST sent it to another participant. */
  onNotForUs?(ctx: ReceiveContext, kind: string): void;
}

/** Shared by every context without INFO_REPLY (nearly all): no two arrays per message. */
const NO_LOCATORS: readonly Locator[] = Object.freeze([]);

function samePrefix(a: GuidPrefix, b: GuidPrefix): boolean {
  for (let i = 0; i < 12; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isUnknown(p: GuidPrefix): boolean {
  return samePrefix(p, GUID_PREFIX_UNKNOWN);
}

/**
 * The context of one message, changed in place by the interpreter submessages. Handlers get it
 * for the duration of their call only (copy what they keep): one object per message instead of
 * one per INFO_TS / INFO_DST, and the same object again for the next message (see `spare`).
 */
class MessageContext implements ReceiveContext {
  sourceGuidPrefix: GuidPrefix = GUID_PREFIX_UNKNOWN;
  sourceKey = '';
  sourceVendorId: readonly [number, number] = [0, 0];
  sourceVersion: readonly [number, number] = [0, 0];
  destGuidPrefix: GuidPrefix = GUID_PREFIX_UNKNOWN;
  timestamp: RtpsTime | undefined = undefined;
  unicastReplyLocators: readonly Locator[] = NO_LOCATORS;
  multicastReplyLocators: readonly Locator[] = NO_LOCATORS;

  /** Every field as a message starts: nothing of the previous message stays. */
  begin(h: RtpsMessage['header']): this {
    this.sourceGuidPrefix = h.guidPrefix;
    this.sourceKey = prefixKey(h.guidPrefix);
    this.sourceVendorId = h.vendorId;
    this.sourceVersion = h.version;
    this.destGuidPrefix = GUID_PREFIX_UNKNOWN;
    this.timestamp = undefined;
    this.unicastReplyLocators = NO_LOCATORS;
    this.multicastReplyLocators = NO_LOCATORS;
    return this;
  }
}

/**
 * The context the last message was dispatched with, free for the next one: no object per
 * message. Taken while a message is dispatched, so a handler that dispatches another one (which
 * the transports never do: they deliver on a later turn) gets a context of its own.
 */
let spare: MessageContext | undefined;

/**
 * Dispatches the entity submessages of `message` for the participant `ownPrefix`. Reply
 * locators stay empty unless an INFO_REPLY sets them: replies go to the locators the peer
 * announced in discovery, not to the datagram's source address.
 */
export function receiveMessage(
  message: RtpsMessage,
  ownPrefix: GuidPrefix,
  handler: SubmessageHandler,
): void {
  const ctx = (spare ?? new MessageContext()).begin(message.header);
  spare = undefined;
  try {
    dispatch(message, ctx, ownPrefix, handler);
  } finally {
    spare = ctx;
  }
}

function dispatch(
  message: RtpsMessage,
  ctx: MessageContext,
  ownPrefix: GuidPrefix,
  handler: SubmessageHandler,
): void {
  let forUs = true;
  for (const m of message.submessages) {
    switch (m.kind) {
      case 'INFO_TS':
        ctx.timestamp = m.timestamp;
        break;
      case 'INFO_DST':
        ctx.destGuidPrefix = m.guidPrefix;
        forUs = isUnknown(m.guidPrefix) || samePrefix(m.guidPrefix, ownPrefix);
        break;
      case 'INFO_SRC':
        ctx.sourceGuidPrefix = m.guidPrefix;
        ctx.sourceKey = prefixKey(m.guidPrefix);
        ctx.sourceVendorId = m.vendorId;
        ctx.sourceVersion = m.version;
        ctx.destGuidPrefix = GUID_PREFIX_UNKNOWN;
        ctx.unicastReplyLocators = NO_LOCATORS;
        ctx.multicastReplyLocators = NO_LOCATORS;
        forUs = true;
        break;
      case 'INFO_REPLY':
        ctx.unicastReplyLocators = m.unicastLocators;
        ctx.multicastReplyLocators = m.multicastLocators ?? NO_LOCATORS;
        break;
      case 'DATA':
        if (forUs) handler.onData?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'DATA_FRAG':
        if (forUs) handler.onDataFrag?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'HEARTBEAT':
        if (forUs) handler.onHeartbeat?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'HEARTBEAT_FRAG':
        if (forUs) handler.onHeartbeatFrag?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'ACKNACK':
        if (forUs) handler.onAckNack?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'NACK_FRAG':
        if (forUs) handler.onNackFrag?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      case 'GAP':
        if (forUs) handler.onGap?.(ctx, m);
        else handler.onNotForUs?.(ctx, m.kind);
        break;
      default:
        // PAD, INFO_REPLY_IP4 (no ROS 2 peer sends it) and vendor submessages change nothing here.
        break;
    }
  }
}
