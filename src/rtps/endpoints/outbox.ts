/**
 * What endpoints need to put datagrams on the network, without knowing sockets: the
 * participant's header, its size limit, and a send to a set of locators.
 */
import type { UdpLocator } from '../transport/transport.js';
import type { RtpsHeader } from '../wire/message.js';
import type { Guid } from '../wire/types.js';

export interface Outbox {
  readonly header: RtpsHeader;
  /** The largest datagram to build. */
  readonly maxDatagramSize: number;
  /** Sends a datagram to every locator given (deduplicated by the caller). */
  send(datagram: Uint8Array, to: readonly UdpLocator[]): void;
}

/** A matched remote endpoint, as discovery described it. */
export interface RemoteEndpoint {
  readonly guid: Guid;
  /** Where to send to it: its own unicast locators, else its participant's default ones. */
  readonly locators: readonly UdpLocator[];
  readonly reliable: boolean;
}
