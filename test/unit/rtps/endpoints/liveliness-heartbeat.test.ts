/**
 * A LocalWriter's liveliness assertion (DDS assert_liveliness): one HEARTBEAT with the LIVELINESS
 * flag (RTPS 2.5 8.3.7.5) to each matched reader, with a fresh count; and when a periodic
 * HEARTBEAT of the same turn replaces it in the datagram, the flag stays; so does a write's request
 * for an ACKNACK (no F flag) when a later write's final HEARTBEAT replaces it.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { LocalWriter } from '../../../../src/rtps/endpoints/local-writer.js';
import { createOutbox } from '../../../../src/rtps/endpoints/outbox.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import { HeartbeatFlags, type HeartbeatSubmessage } from '../../../../src/rtps/wire/submessage.js';

const WRITER = { prefix: new Uint8Array(12).fill(0xa), entityId: 0x00000103 };
const READERS = [0x104, 0x204].map((entityId) => ({ prefix: new Uint8Array(12).fill(0xb), entityId }));

function writer() {
  const clock = new FakeClock();
  const sent: HeartbeatSubmessage[] = [];
  const outbox = createOutbox(
    { version: [2, 3], vendorId: [1, 0xf7], guidPrefix: WRITER.prefix },
    1400,
    (datagram) => {
      const m = parseMessage(datagram, new DropCounter());
      for (const s of m?.submessages ?? []) if (s.kind === 'HEARTBEAT') sent.push(s);
    },
  );
  const w = new LocalWriter(
    WRITER,
    {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 5,
      history: { kind: 'keep-last', depth: 10 },
    },
    outbox,
    clock,
  );
  for (const guid of READERS)
    w.matchReader({ guid, locators: [{ address: '10.0.0.2', port: 7413 }], reliable: true });
  return { clock, w, sent, outbox };
}

const liveliness = (h: HeartbeatSubmessage) => (h.flags & HeartbeatFlags.LIVELINESS) !== 0;

describe('LocalWriter.assertLiveliness', () => {
  it('sends each matched reader a final HEARTBEAT with the LIVELINESS flag and a new count', async () => {
    const { w, sent, outbox } = writer();
    await Promise.resolve();
    outbox.flush();
    sent.length = 0;
    w.assertLiveliness();
    await Promise.resolve();
    outbox.flush();
    expect(sent.map((h) => h.readerId).sort()).toEqual([0x104, 0x204]);
    expect(sent.every(liveliness)).toBe(true);
    expect(sent.every((h) => (h.flags & HeartbeatFlags.FINAL) !== 0)).toBe(true);
    const counts = sent.map((h) => h.count);
    w.assertLiveliness();
    await Promise.resolve();
    outbox.flush();
    expect(sent.slice(2).every((h) => h.count > Math.max(...counts))).toBe(true);
  });

  it('keeps the flag when a periodic HEARTBEAT of the same turn replaces the assertion', async () => {
    const { clock, w, sent, outbox } = writer();
    w.write(new Uint8Array([0, 1, 0, 0, 7, 0, 0, 0]));
    await Promise.resolve();
    outbox.flush();
    sent.length = 0;
    // Unacknowledged: a periodic HEARTBEAT falls due; the assertion is queued in the same turn.
    clock.advance(150);
    w.assertLiveliness();
    w.poll(clock.now());
    await Promise.resolve();
    outbox.flush();
    const perReader = new Map<number, HeartbeatSubmessage[]>();
    for (const h of sent) perReader.set(h.readerId, [...(perReader.get(h.readerId) ?? []), h]);
    expect([...perReader.keys()].sort()).toEqual([0x104, 0x204]);
    for (const hs of perReader.values()) expect(hs.some(liveliness)).toBe(true);
  });

  it("keeps a write's request for an ACKNACK when the next write's final HEARTBEAT replaces it", async () => {
    const { clock, w, sent, outbox } = writer();
    clock.advance(1000);
    // A lone write asks (no F flag); the next one in the same turn, a ms later, only announces (F).
    w.write(new Uint8Array([0, 1, 0, 0, 7, 0, 0, 0]));
    clock.advance(1);
    w.write(new Uint8Array([0, 1, 0, 0, 8, 0, 0, 0]));
    await Promise.resolve();
    outbox.flush();
    expect(sent.map((h) => h.readerId).sort()).toEqual([0x104, 0x204]);
    for (const h of sent) {
      expect(h.lastSN).toBe(2);
      expect(h.flags & HeartbeatFlags.FINAL).toBe(0);
    }
  });
});
