/** Between the wire's Locator_t and the transport's UDP endpoints. */
import type { UdpLocator } from '../transport/transport.js';
import { LOCATOR_KIND_UDPv4, type Locator, locatorIpv4, udpv4Locator } from '../wire/types.js';

/** The UDPv4 locators of a list, as transport endpoints (SHM, TCP and UDPv6 ones are skipped). */
export function udpLocators(list: readonly Locator[] | undefined): UdpLocator[] {
  const out: UdpLocator[] = [];
  const seen = new Set<string>();
  for (const l of list ?? []) {
    if (l.kind !== LOCATOR_KIND_UDPv4 || l.port <= 0 || l.port > 0xffff) continue;
    const address = locatorIpv4(l);
    if (address === '0.0.0.0') continue;
    const key = `${address}:${l.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ address, port: l.port });
  }
  return out;
}

export function wireLocators(addresses: readonly string[], port: number): Locator[] {
  return addresses.map((a) => udpv4Locator(a, port));
}
