/**
 * Participants on the in-memory bus with simulated time, for tests of whole participants: each
 * on its own address (so each is participant id 0 there), discovering each other over SUBNET.
 */
import { FakeClock } from '../../src/rtps/clock.js';
import { type ParticipantOptions, RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { MemoryBus } from '../../src/rtps/transport/memory-transport.js';
import type { Transport } from '../../src/rtps/transport/transport.js';

export const DISCOVERY = { domainId: 0, range: 'subnet' as const, staticPeers: [] };

export function simulatedBus(): {
  clock: FakeClock;
  bus: MemoryBus;
  /** Advances time 1 ms at a time for `ms`, letting promises settle; `each(t)` runs before each step. */
  run(ms: number, each?: (t: number) => void): Promise<void>;
  /** A participant at `address`; `wrap` may wrap its transport (to delay or drop what it receives). */
  participant(
    address: string,
    options?: Partial<ParticipantOptions>,
    wrap?: (t: Transport) => Transport,
  ): Promise<RtpsParticipant>;
} {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  return {
    clock,
    bus,
    async run(ms, each) {
      for (let t = 0; t < ms; t++) {
        each?.(t);
        clock.advance(1);
        await Promise.resolve();
      }
    },
    participant(address, options = {}, wrap = (t) => t) {
      return RtpsParticipant.create({
        transport: wrap(bus.transport(address)),
        clock,
        announceAddresses: [address],
        discovery: DISCOVERY,
        ...options,
      });
    },
  };
}
