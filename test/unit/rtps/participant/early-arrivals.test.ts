/**
 * EarlyArrivals alone (no sockets, simulated time): what is held for a writer comes back in
 * arrival order and only for that writer; copies, not views; every limit (count, bytes per
 * participant, total, age) holds and each refusal or expiry is counted.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiveContext } from '../../../../src/rtps/message-receiver.js';
import {
  type EarlyArrivalDrop,
  type EarlyArrivalLimits,
  EarlyArrivals,
} from '../../../../src/rtps/participant/early-arrivals.js';
import type { DataSubmessage, HeartbeatSubmessage } from '../../../../src/rtps/wire/submessage.js';
import { type GuidPrefix, prefixKey } from '../../../../src/rtps/wire/types.js';

const prefix = (n: number): GuidPrefix => new Uint8Array([1, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, n]);
const ctx = (n: number, seconds = 7): ReceiveContext => ({
  sourceGuidPrefix: prefix(n),
  sourceKey: prefixKey(prefix(n)),
  sourceVendorId: [1, 15],
  sourceVersion: [2, 3],
  destGuidPrefix: new Uint8Array(12),
  timestamp: { seconds, fraction: 0 },
  unicastReplyLocators: [],
  multicastReplyLocators: [],
});
const data = (writerId: number, sn: number, payload: Uint8Array): DataSubmessage => ({
  kind: 'DATA',
  flags: 0x05,
  extraFlags: 0,
  readerId: 0x1104,
  writerId,
  writerSN: sn,
  payload,
});
const heartbeat = (writerId: number): HeartbeatSubmessage => ({
  kind: 'HEARTBEAT',
  flags: 0x01,
  readerId: 0x1104,
  writerId,
  firstSN: 1,
  lastSN: 0,
  count: 1,
});
const LIMITS: EarlyArrivalLimits = {
  maxAgeMs: 1_000,
  perParticipant: 4,
  perParticipantBytes: 2_000,
  totalBytes: 3_000,
};

function make(limits = LIMITS) {
  const drops: EarlyArrivalDrop[] = [];
  const early = new EarlyArrivals(limits, (why, n) => {
    for (let i = 0; i < n; i++) drops.push(why);
  });
  return { early, drops };
}

describe('EarlyArrivals', () => {
  it("hands back one writer's submessages in arrival order, with the context they came in", () => {
    const { early } = make();
    early.hold(ctx(1, 5), heartbeat(0x703), 0);
    early.hold(ctx(1, 6), data(0x803, 1, new Uint8Array([9])), 1);
    early.hold(ctx(1, 7), data(0x703, 1, new Uint8Array([1, 2])), 2);
    const got = early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 3);
    expect(got.map((a) => a.m.kind)).toEqual(['HEARTBEAT', 'DATA']);
    expect(got.map((a) => a.ctx.timestamp?.seconds)).toEqual([5, 7]);
    expect((got[1]!.m as DataSubmessage).payload).toEqual(new Uint8Array([1, 2]));
    expect(early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 3)).toEqual([]);
    expect(early.size).toBe(1);
    expect(early.released).toBe(2);
  });

  it('keeps a copy: the datagram it came in can be reused', () => {
    const { early } = make();
    const datagram = new Uint8Array([1, 2, 3, 4]);
    early.hold(ctx(1), data(0x703, 1, datagram.subarray(1, 3)), 0);
    datagram.fill(0);
    const [a] = early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 0);
    expect((a!.m as DataSubmessage).payload).toEqual(new Uint8Array([2, 3]));
  });

  it('does not take a receive context that changes later for what it was', () => {
    const { early } = make();
    const c = { ...ctx(1, 5) };
    early.hold(c, heartbeat(0x703), 0);
    (c as { timestamp: unknown }).timestamp = { seconds: 99, fraction: 0 };
    const [a] = early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 0);
    expect(a!.ctx.timestamp?.seconds).toBe(5);
  });

  it('refuses past the count per participant, and counts each refusal', () => {
    const { early, drops } = make();
    for (let i = 0; i < 6; i++) early.hold(ctx(1), heartbeat(0x700 + i), 0);
    expect(early.size).toBe(4);
    expect(drops).toEqual(['over-budget', 'over-budget']);
    // Another participant has a budget of its own.
    expect(early.hold(ctx(2), heartbeat(0x703), 0)).toBe(true);
  });

  it('refuses past the bytes of a participant and past the total', () => {
    const { early, drops } = make();
    const kb = () => new Uint8Array(800);
    expect(early.hold(ctx(1), data(0x703, 1, kb()), 0)).toBe(true);
    expect(early.hold(ctx(1), data(0x703, 2, kb()), 0)).toBe(true);
    expect(early.hold(ctx(1), data(0x703, 3, kb()), 0)).toBe(false); // > 2,000 for participant 1
    expect(early.hold(ctx(2), data(0x703, 1, kb()), 0)).toBe(true);
    expect(early.hold(ctx(3), data(0x703, 1, kb()), 0)).toBe(false); // > 3,000 in all
    expect(drops).toEqual(['over-budget', 'over-budget']);
    expect(early.bytes).toBeLessThanOrEqual(LIMITS.totalBytes);
    // Taking frees the budget again.
    early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 0);
    expect(early.hold(ctx(3), data(0x703, 1, kb()), 0)).toBe(true);
  });

  it('expires what waited longer than the age limit, and says when it next needs a call', () => {
    const { early, drops } = make();
    expect(early.nextDeadline()).toBeUndefined();
    early.hold(ctx(1), heartbeat(0x703), 100);
    early.hold(ctx(2), heartbeat(0x703), 600);
    expect(early.nextDeadline()).toBe(1_100);
    early.poll(1_100);
    expect(drops).toEqual(['expired']);
    expect(early.size).toBe(1);
    expect(early.nextDeadline()).toBe(1_600);
    expect(early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 1_100)).toEqual([]);
    early.poll(1_600);
    expect(early.size).toBe(0);
    expect(early.bytes).toBe(0);
    expect(early.nextDeadline()).toBeUndefined();
  });

  it('forgets a participant that left', () => {
    const { early } = make();
    early.hold(ctx(1), data(0x703, 1, new Uint8Array(10)), 0);
    early.hold(ctx(2), heartbeat(0x703), 0);
    early.forgetParticipant(prefixKey(prefix(1)));
    expect(early.size).toBe(1);
    expect(early.take(prefixKey(prefix(1)), { prefix: prefix(1), entityId: 0x703 }, 0)).toEqual([]);
  });
});
