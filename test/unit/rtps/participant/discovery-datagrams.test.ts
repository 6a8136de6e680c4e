/**
 * What discovery costs in datagrams (issue 13: N participants on one host were CPU-bound on
 * sendmsg calls, most of them a lone HEARTBEAT or ACKNACK). On the in-memory bus in simulated
 * time, participants that all listen on the multicast group:
 * - the first burst of SPDP announcements goes to the group, and to each peer directly only once
 *   (its introduction), not once per announcement; later periodic announcements still go to
 *   every peer directly, in case multicast does not reach it;
 * - the builtin endpoints' submessages for one peer in one turn share datagrams: the SEDP
 *   writers' HEARTBEATs to a peer travel together.
 */
import { describe, expect, it } from 'vitest';
import { isMulticastIPv4 } from '../../../../src/rtps/transport/address.js';
import type { Transport, UdpLocator } from '../../../../src/rtps/transport/transport.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import { simulatedBus } from '../../../support/simulated.js';

const SPDP_WRITER = 0x000100c2;
const SEDP_PUBLICATIONS_WRITER = 0x000003c2;
const SEDP_SUBSCRIPTIONS_WRITER = 0x000004c2;

interface Sent {
  readonly at: number;
  readonly to: UdpLocator;
  readonly spdp: boolean;
  /** Writers whose HEARTBEATs the datagram holds. */
  readonly heartbeats: readonly number[];
}

function recording(log: Sent[], now: () => number) {
  const drops = new DropCounter();
  return (t: Transport): Transport => ({
    get stats() {
      return t.stats;
    },
    send: (data, to) => {
      const m = parseMessage(data.slice(), drops);
      if (m)
        log.push({
          at: now(),
          to,
          spdp: m.submessages.some((s) => s.kind === 'DATA' && s.writerId === SPDP_WRITER),
          heartbeats: m.submessages.flatMap((s) => (s.kind === 'HEARTBEAT' ? [s.writerId] : [])),
        });
      t.send(data, to);
    },
    close: () => t.close(),
    openMulticast: (group, port) => t.openMulticast(group, port),
    openUnicast: (port) => t.openUnicast(port),
  });
}

describe('discovery datagrams', () => {
  it('introduces itself to each peer once during the first burst, then announces to every peer each period', async () => {
    const { run, participant, clock } = simulatedBus();
    const sent: Sent[] = [];
    const peers = 5;
    const us = await participant(
      '10.0.0.1',
      { announcePeriodMs: 3_000 },
      recording(sent, () => clock.now()),
    );
    const others = await Promise.all(
      Array.from({ length: peers }, (_, i) => participant(`10.0.0.${i + 2}`, { announcePeriodMs: 3_000 })),
    );
    const start = clock.now();
    await run(1_000);
    expect(us.participants).toHaveLength(peers);
    const direct = (from: number, to: number) =>
      sent.filter((s) => s.spdp && !isMulticastIPv4(s.to.address) && s.at >= from && s.at < to);
    const multicast = sent.filter((s) => s.spdp && isMulticastIPv4(s.to.address) && s.at < start + 1_000);
    // Five burst announcements to the group, and one introduction to each peer.
    expect(multicast.length).toBeGreaterThanOrEqual(5);
    const burst = direct(0, start + 1_000);
    expect(burst).toHaveLength(peers);
    expect(new Set(burst.map((s) => s.to.address)).size).toBe(peers);
    // The first periodic announcement reaches every peer directly too.
    await run(3_000);
    expect(new Set(direct(start + 1_000, start + 4_000).map((s) => s.to.address)).size).toBe(peers);
    await Promise.all([us, ...others].map((p) => p.close()));
  });

  it('sends the SEDP writers’ HEARTBEATs to a peer together', async () => {
    const { run, participant, clock } = simulatedBus();
    const sent: Sent[] = [];
    const us = await participant(
      '10.0.0.1',
      {},
      recording(sent, () => clock.now()),
    );
    const peer = await participant('10.0.0.2');
    await run(2_000);
    const toPeer = sent.filter((s) => s.to.address === '10.0.0.2' && s.heartbeats.length > 0);
    expect(toPeer.length).toBeGreaterThan(0);
    const together = toPeer.filter(
      (s) =>
        s.heartbeats.includes(SEDP_PUBLICATIONS_WRITER) && s.heartbeats.includes(SEDP_SUBSCRIPTIONS_WRITER),
    );
    const alone = toPeer.filter(
      (s) =>
        s.heartbeats.includes(SEDP_PUBLICATIONS_WRITER) !== s.heartbeats.includes(SEDP_SUBSCRIPTIONS_WRITER),
    );
    expect(together.length).toBeGreaterThan(0);
    expect(alone).toHaveLength(0);
    await Promise.all([us.close(), peer.close()]);
  });
});
