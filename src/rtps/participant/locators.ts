/** Between the wire's Locator_t and the transport's UDP endpoints. */
import type { UdpLocator } from '../transport/transport.js';
import { LOCATOR_KIND_UDPv4, type Locator, locatorIpv4, udpv4Locator } from '../wire/types.js';

/** Which announced addresses we will send to, how many of a list, and where refusals are told. */
export interface LocatorPolicy {
  readonly accept: (address: string) => boolean;
  readonly max: number;
  readonly refused: (why: 'unreachable-locator' | 'locator-limit', count: number) => void;
}

/**
 * The UDPv4 locators of a list, as transport endpoints (SHM, TCP and UDPv6 ones are skipped),
 * without repeats, and within the policy: unreachable addresses and those past `max` refused.
 */
export function udpLocators(list: readonly Locator[] | undefined, policy?: LocatorPolicy): UdpLocator[] {
  const out: UdpLocator[] = [];
  let unreachable = 0;
  for (const l of list ?? []) {
    if (l.kind !== LOCATOR_KIND_UDPv4 || l.port <= 0 || l.port > 0xffff) continue;
    const address = locatorIpv4(l);
    if (address === '0.0.0.0') continue;
    if (policy && !policy.accept(address)) unreachable++;
    else out.push({ address, port: l.port });
  }
  if (unreachable > 0) policy?.refused('unreachable-locator', unreachable);
  const unique = uniqueLocators(out);
  if (policy && unique.length > policy.max) {
    policy.refused('locator-limit', unique.length - policy.max);
    return unique.slice(0, policy.max);
  }
  return unique;
}

/** The list without repeats (same address and port), in order. */
export function uniqueLocators(list: readonly UdpLocator[]): UdpLocator[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    const k = `${l.address}:${l.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function wireLocators(addresses: readonly string[], port: number): Locator[] {
  return addresses.map((a) => udpv4Locator(a, port));
}
