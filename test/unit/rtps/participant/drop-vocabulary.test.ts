/**
 * Issue 13's drop vocabulary on a whole participant: what it refuses is counted under a named
 * reason and charged to the address it came from, so `ros2ts doctor` can say who is sending it.
 */
import { describe, expect, it } from 'vitest';
import { rtpsPorts } from '../../../../src/rtps/transport/ports.js';
import { DropCounter, MAX_SOURCES_PER_REASON, OTHER_SOURCES } from '../../../../src/rtps/wire/errors.js';
import { encodeMessage } from '../../../../src/rtps/wire/message.js';
import { makeSet } from '../../../../src/rtps/wire/number-sets.js';
import type { DataSubmessage, Submessage } from '../../../../src/rtps/wire/submessage.js';
import { ENTITYID_SPDP_READER, ENTITYID_SPDP_WRITER } from '../../../../src/rtps/wire/types.js';
import { simulatedBus } from '../../../support/simulated.js';

const STRANGER = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
const OTHER_PARTICIPANT = new Uint8Array([7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
const data = (writerId: number, readerId = 0): DataSubmessage => ({
  kind: 'DATA',
  flags: 0x05,
  extraFlags: 0,
  readerId,
  writerId,
  writerSN: 1,
  payload: new Uint8Array([0, 1, 0, 0, 1, 2, 3, 4]),
});

describe('drop vocabulary', () => {
  it("names the reason and the sender's address of what a participant refuses", async () => {
    const { bus, run, participant } = simulatedBus();
    const p = await participant('10.0.0.2');
    const attacker = bus.transport('10.0.0.9');
    const send = (submessages: Submessage[]) =>
      attacker.send(
        encodeMessage({ header: { version: [2, 3], vendorId: [1, 15], guidPrefix: STRANGER }, submessages }),
        { address: '10.0.0.2', port: rtpsPorts(0, 0).userUnicast },
      );
    // Sent to another participant: skipped, and counted as not for us.
    send([{ kind: 'INFO_DST', flags: 1, guidPrefix: OTHER_PARTICIPANT }, data(0x1102)]);
    // From a writer no reader of ours is matched with, of a participant we do not know.
    send([data(0x1102), data(0x1202)]);
    // An ACKNACK to a writer we do not have.
    send([
      {
        kind: 'ACKNACK',
        flags: 1,
        readerId: 0x1107,
        writerId: 0x4402,
        readerSNState: makeSet(1, []),
        count: 1,
      },
    ]);
    // A participant announcement whose body does not decode (a parameter list with no GUID).
    send([
      {
        ...data(ENTITYID_SPDP_WRITER, ENTITYID_SPDP_READER),
        payload: new Uint8Array([0, 3, 0, 0, 1, 0, 0, 0]),
      },
    ]);
    await run(50);
    expect(p.drops.counts.get('not-for-us')).toBe(2);
    expect(p.drops.counts.get('unmatched-writer')).toBe(2);
    expect(p.drops.counts.get('decode-failed')).toBe(1);
    for (const reason of ['not-for-us', 'unmatched-writer', 'decode-failed'] as const) {
      const sources = p.drops.sources(reason);
      expect(sources).toHaveLength(1);
      expect(sources[0]![0]).toMatch(/^10\.0\.0\.9:\d+$/);
    }
    await Promise.all([p.close(), attacker.close()]);
  });

  it('remembers a bounded number of senders per reason, the rest under "other"', () => {
    const drops = new DropCounter();
    for (let i = 0; i < 1_000; i++) {
      drops.current = { address: `10.1.${i >> 8}.${i & 255}`, port: 7400 };
      drops.drop('not-rtps', 'junk');
      drops.drop('not-rtps', 'junk');
    }
    drops.current = undefined;
    drops.drop('not-rtps', 'junk');
    const sources = drops.sources('not-rtps');
    expect(sources.length).toBe(MAX_SOURCES_PER_REASON + 1);
    expect(sources[0]).toEqual([OTHER_SOURCES, 2 * (1_000 - MAX_SOURCES_PER_REASON)]);
    expect(sources.slice(1).every(([, n]) => n === 2)).toBe(true);
    expect(drops.counts.get('not-rtps')).toBe(2_001);
  });
});
