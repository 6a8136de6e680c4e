import { describe, expect, it } from 'vitest';
import { type ReceiveContext, receiveMessage } from '../../../src/rtps/message-receiver.js';
import type { RtpsMessage } from '../../../src/rtps/wire/message.js';
import type { DataSubmessage, Submessage } from '../../../src/rtps/wire/submessage.js';
import { udpv4Locator } from '../../../src/rtps/wire/types.js';

const prefix = (b: number) => new Uint8Array(12).fill(b);
const OURS = prefix(0xaa);
const data = (writerSN: number): DataSubmessage => ({
  kind: 'DATA',
  flags: 0x05,
  extraFlags: 0,
  readerId: 0,
  writerId: 0x103,
  writerSN,
});

function run(submessages: Submessage[]): { sn: number; ctx: ReceiveContext }[] {
  const message: RtpsMessage = {
    header: { version: [2, 1], vendorId: [1, 0x10], guidPrefix: prefix(0x11) },
    submessages,
  };
  const seen: { sn: number; ctx: ReceiveContext }[] = [];
  // The context is valid during the call only: keep a copy.
  receiveMessage(message, OURS, { onData: (ctx, m) => seen.push({ sn: m.writerSN, ctx: { ...ctx } }) });
  return seen;
}

describe('message receiver', () => {
  it('gives each DATA the source, and the timestamp in force', () => {
    const seen = run([
      data(1),
      { kind: 'INFO_TS', flags: 1, timestamp: { seconds: 5, fraction: 0 } },
      data(2),
      { kind: 'INFO_TS', flags: 3 },
      data(3),
    ]);
    expect(seen.map((s) => [s.sn, s.ctx.timestamp?.seconds])).toEqual([
      [1, undefined],
      [2, 5],
      [3, undefined],
    ]);
    expect(Buffer.from(seen[0]!.ctx.sourceGuidPrefix).toString('hex')).toBe('11'.repeat(12));
    expect(seen[0]!.ctx.sourceVendorId).toEqual([1, 0x10]);
  });

  it('skips what INFO_DST addresses to another participant, delivers what it addresses to us', () => {
    const seen = run([
      { kind: 'INFO_DST', flags: 1, guidPrefix: prefix(0xbb) },
      data(1),
      { kind: 'INFO_DST', flags: 1, guidPrefix: OURS },
      data(2),
      { kind: 'INFO_DST', flags: 1, guidPrefix: prefix(0) },
      data(3),
    ]);
    expect(seen.map((s) => s.sn)).toEqual([2, 3]);
  });

  it('lets INFO_SRC change the source and reset the destination; INFO_REPLY sets reply locators', () => {
    const seen = run([
      { kind: 'INFO_DST', flags: 1, guidPrefix: prefix(0xbb) },
      {
        kind: 'INFO_SRC',
        flags: 1,
        unused: 0,
        version: [2, 2],
        vendorId: [1, 0x0f],
        guidPrefix: prefix(0x22),
      },
      { kind: 'INFO_REPLY', flags: 1, unicastLocators: [udpv4Locator('127.0.0.1', 7415)] },
      data(1),
    ]);
    expect(seen.length).toBe(1);
    expect(seen[0]!.ctx.sourceVendorId).toEqual([1, 0x0f]);
    expect(seen[0]!.ctx.sourceGuidPrefix[0]).toBe(0x22);
    expect(seen[0]!.ctx.unicastReplyLocators[0]?.port).toBe(7415);
  });

  it('starts each message afresh: nothing of the previous message is in force', () => {
    const first = run([
      { kind: 'INFO_TS', flags: 1, timestamp: { seconds: 5, fraction: 0 } },
      { kind: 'INFO_REPLY', flags: 1, unicastLocators: [udpv4Locator('127.0.0.1', 7415)] },
      { kind: 'INFO_DST', flags: 1, guidPrefix: OURS },
      data(1),
    ]);
    const second = run([data(2)]);
    expect(first[0]!.ctx.timestamp?.seconds).toBe(5);
    expect(second[0]!.ctx).toMatchObject({
      timestamp: undefined,
      unicastReplyLocators: [],
      multicastReplyLocators: [],
      destGuidPrefix: new Uint8Array(12),
    });
  });

  it('gives a message dispatched from inside a handler a context of its own', () => {
    const outer: RtpsMessage = {
      header: { version: [2, 1], vendorId: [1, 0x10], guidPrefix: prefix(0x11) },
      submessages: [{ kind: 'INFO_TS', flags: 1, timestamp: { seconds: 5, fraction: 0 } }, data(1), data(2)],
    };
    const inner: RtpsMessage = {
      header: { version: [2, 3], vendorId: [1, 0x0f], guidPrefix: prefix(0x22) },
      submessages: [data(10)],
    };
    const seen: [number, number, number | undefined][] = [];
    const handler = {
      onData: (ctx: ReceiveContext, m: DataSubmessage) => {
        seen.push([m.writerSN, ctx.sourceGuidPrefix[0]!, ctx.timestamp?.seconds]);
        if (m.writerSN === 1) receiveMessage(inner, OURS, handler);
      },
    };
    receiveMessage(outer, OURS, handler);
    expect(seen).toEqual([
      [1, 0x11, 5],
      [10, 0x22, undefined],
      [2, 0x11, 5],
    ]);
  });
});
