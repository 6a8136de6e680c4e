/**
 * SPDP work per announcement (issue 13: N participants announce to each of N every period): the
 * same announcement again only renews the lease, without decoding it or making a new record;
 * one that differs is taken in whole. On the in-memory bus in simulated time.
 */
import { describe, expect, it } from 'vitest';
import { simulatedBus } from '../../../support/simulated.js';

describe('SPDP renewals', () => {
  it('a repeated announcement renews the lease of the record we have; a changed one replaces it', async () => {
    const { run, participant } = simulatedBus();
    const us = await participant('10.0.0.1');
    const peer = await participant('10.0.0.2', { announcePeriodMs: 1_000 });
    await run(1_000);
    const first = us.remoteParticipant(peer.guidPrefix);
    expect(first).toBeDefined();
    const expiresAt = first!.expiresAt;

    // Ten periods of the same announcement: the same record, its lease moved on.
    await run(10_000);
    expect(us.remoteParticipant(peer.guidPrefix)).toBe(first);
    expect(first!.expiresAt).toBeGreaterThanOrEqual(expiresAt + 9_000);

    // The same participant announcing something else (it restarted with other locators and a
    // shorter lease, on the same GUID prefix): taken in whole, at once.
    await peer.close({ goodbye: false });
    const again = await participant('10.0.0.3', { guidPrefix: peer.guidPrefix, leaseDurationMs: 5_000 });
    await run(1_000);
    const second = us.remoteParticipant(peer.guidPrefix);
    expect(second).not.toBe(first);
    expect(second!.metatraffic.map((l) => l.address)).toEqual(['10.0.0.3']);

    // And when it stops announcing, its lease still ends on time.
    await again.close({ goodbye: false });
    await run(6_000);
    expect(us.remoteParticipant(peer.guidPrefix)).toBeUndefined();
    await us.close();
  });
});
