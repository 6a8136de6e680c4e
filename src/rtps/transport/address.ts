/** IPv4 address checks shared by the transports. Only dotted-quad literals are accepted anywhere:
 * a transport never resolves names, so it never sends a DNS query. */

/** The largest UDP payload over IPv4: 65535 − 20 (IP header) − 8 (UDP header). */
export const MAX_UDP_PAYLOAD = 65_507;

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** What an address is: 0 not IPv4, else 1 | MULTICAST | LOOPBACK. */
const IPV4 = 1;
const MULTICAST = 2;
const LOOPBACK = 4;

/**
 * Addresses already classified: every datagram sent asks these questions of its destination (a
 * regular expression each time was a few percent of a send); bounded, as addresses come from
 * the network.
 */
const classified = new Map<string, number>();
const MAX_CLASSIFIED = 1024;

function classify(address: string): number {
  let c = classified.get(address);
  if (c !== undefined) return c;
  c = 0;
  if (DOTTED_QUAD.test(address)) {
    const o = Number.parseInt(address, 10);
    c = IPV4 | (o >= 224 && o <= 239 ? MULTICAST : 0) | (o === 127 ? LOOPBACK : 0);
  }
  if (classified.size >= MAX_CLASSIFIED) classified.clear();
  classified.set(address, c);
  return c;
}

export function isIPv4(address: string): boolean {
  return (classify(address) & IPV4) !== 0;
}

/** 224.0.0.0/4. */
export function isMulticastIPv4(address: string): boolean {
  return (classify(address) & MULTICAST) !== 0;
}

/** 127.0.0.0/8. */
export function isLoopbackIPv4(address: string): boolean {
  return (classify(address) & LOOPBACK) !== 0;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}

/** Why a datagram cannot be sent to `to`, or undefined if it can. */
export function sendProblem(data: Uint8Array, to: { address: string; port: number }): string | undefined {
  if (!isIPv4(to.address)) return `not an IPv4 address: ${JSON.stringify(to.address)}`;
  if (!isValidPort(to.port)) return `not a UDP port: ${to.port}`;
  if (data.byteLength > MAX_UDP_PAYLOAD)
    return `${data.byteLength} bytes exceed the UDP maximum of ${MAX_UDP_PAYLOAD}`;
  return undefined;
}
