/**
 * What discovery accepts from the network, bounded so that a flood of well-formed announcements
 * cannot size our memory, our event loop or our traffic (issue 13: 30,000 SPDP announcements with
 * random GUID prefixes stalled the loop for a second and partitioned real peers; 500 locators an
 * announcement made us send 3.4 M datagrams in 30 s).
 */
import { isLoopbackIPv4, isMulticastIPv4 } from '../transport/address.js';
import type { DiscoveryRange } from '../transport/discovery-options.js';

export interface DiscoveryLimits {
  /** Remote participants known at once; past it a new one is refused (renewals always pass). */
  readonly maxParticipants: number;
  /** New participants accepted per second, with a burst of as many: renewals of known ones first. */
  readonly newParticipantsPerSecond: number;
  /** Locators of one kind (metatraffic, default) kept from one announcement. */
  readonly maxLocatorsPerKind: number;
  /** The longest lease honoured: an "infinite" one ends after this without renewal. */
  readonly maxLeaseMs: number;
  /**
   * Endpoints (writers and readers together) kept from one remote participant; past it its new
   * ones are refused. A ROS node has about 20, a large process a few hundred.
   */
  readonly maxEndpointsPerParticipant: number;
}

export const DEFAULT_DISCOVERY_LIMITS: DiscoveryLimits = {
  maxParticipants: 1_000,
  newParticipantsPerSecond: 200,
  maxLocatorsPerKind: 8,
  maxLeaseMs: 300_000,
  maxEndpointsPerParticipant: 4_096,
};

/** A token bucket over a clock's milliseconds: `rate` per second, at most `rate` saved. */
export class RateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Whether our unicast must reach other hosts: under SUBNET, and under LOCALHOST when static peers
 * are given. That is rmw's rule in Jazzy: under LOCALHOST, rmw_cyclonedds_cpp (rmw_node.cpp) turns
 * multicast off and lists localhost and every static peer as Cyclone peers, and
 * rmw_fastrtps_shared_cpp (participant.cpp) makes the static peers initial peers under LOCALHOST
 * and SUBNET alike, with 127.0.0.1 added for LOCALHOST. LOCALHOST keeps *automatic* discovery on
 * the host; the static peers are contacted all the same. So then our sockets listen beyond
 * loopback and our locators name the host's other addresses. OFF ignores static peers (rcl and
 * both rmws), so it never reaches off the host.
 */
export function reachesOffHost(range: DiscoveryRange, staticPeers: readonly string[]): boolean {
  return range === 'subnet' || (range === 'localhost' && staticPeers.length > 0);
}

/**
 * Which announced unicast addresses we send to: never multicast or unspecified ones; under
 * LOCALHOST (and OFF) only loopback, this host's own addresses and the static peers' (what a
 * static peer announces on the address we were told to reach it at), so that nothing an
 * announcement says can make us send anywhere else.
 */
export function reachableAddress(
  range: DiscoveryRange,
  ownAddresses: ReadonlySet<string>,
  staticPeers: ReadonlySet<string> = new Set(),
): (a: string) => boolean {
  return (address) => {
    if (address === '0.0.0.0' || address === '255.255.255.255' || isMulticastIPv4(address)) return false;
    if (range === 'subnet') return true;
    if (isLoopbackIPv4(address) || ownAddresses.has(address)) return true;
    return range === 'localhost' && staticPeers.has(address);
  };
}
