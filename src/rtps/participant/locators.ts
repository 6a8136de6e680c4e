/** Between the wire's Locator_t and the transport's UDP endpoints. */
import type { UdpLocator } from '../transport/transport.js';
import { LOCATOR_KIND_UDPv4, type Locator, locatorIpv4, udpv4Locator } from '../wire/types.js';

/** The UDPv4 locators of a list, as transport endpoints (SHM, TCP and UDPv6 ones are skipped). */
export function udpLocators(list: readonly Locator[] | undefined): UdpLocator[] {
  const out: UdpLocator[] = [];
  for (const l of list ?? []) {
    if (l.kind !== LOCATOR_KIND_UDPv4 || l.port <= 0 || l.port > 0xffff) continue;
    const address = locatorIpv4(l);
    if (address !== '0.0.0.0') out.push({ address, port: l.port });
  }
  return uniqueLocators(out);
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
