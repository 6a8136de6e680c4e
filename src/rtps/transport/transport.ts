/**
 * What the RTPS participant needs from a network: exclusive unicast ports (it probes 7410+2i /
 * 7411+2i for a free participant id), shared multicast ports (SPDP on 239.255.0.1), and a send
 * that never throws. UDP, the in-memory bus and the fault-injecting wrapper all implement it, so
 * protocol code is the same in production, in unit tests and in loss tests.
 */

/** A UDPv4 endpoint. */
export interface UdpLocator {
  /** Dotted-quad IPv4 address, e.g. '127.0.0.1' or '239.255.0.1'. */
  readonly address: string;
  readonly port: number;
}

/**
 * Receives one datagram. The transport never reuses `data`, so handlers may keep it (views into
 * it included); the channel's handlers share it, so they must not modify it. A handler that
 * throws is counted in `handlerErrors`; the channel stays open.
 */
export type DatagramHandler = (data: Uint8Array, from: UdpLocator) => void;

export interface ReceiveChannel {
  /** The bound port (the one chosen by the system for `openUnicast('any')`). */
  readonly port: number;
  /**
   * Adds a handler; every handler sees every datagram. Datagrams that arrive while there is none
   * are counted in `unhandled` and dropped.
   */
  onDatagram(handler: DatagramHandler): void;
  /** Stops receiving and releases the port. Idempotent. */
  close(): Promise<void>;
}

/**
 * Counters, only ever incremented. Implementations may add their own (FaultTransport adds
 * `faults`).
 */
export interface TransportStats {
  /** Datagrams handed to the network (for multicast, one per interface sent on). */
  sent: number;
  sentBytes: number;
  /** Sends that failed: bad locator, oversize, closed transport, or an error from the OS. */
  sendErrors: number;
  received: number;
  receivedBytes: number;
  /** Datagrams that arrived on a channel with no handler. */
  unhandled: number;
  /** Handler calls that threw. */
  handlerErrors: number;
  /** Errors a socket reported outside any send (they never close the transport). */
  socketErrors: number;
}

export interface Transport {
  readonly stats: Readonly<TransportStats>;
  /**
   * Binds a port exclusively. Rejects with PortInUseError if anything else holds it (another
   * channel, transport or process); `'any'` lets the system pick a free port.
   */
  openUnicast(port: number | 'any'): Promise<ReceiveChannel>;
  /**
   * Binds a port shared with other channels and processes, and joins `group` on it. Every channel
   * joined to the same group and port receives its own copy of each datagram.
   */
  openMulticast(group: string, port: number): Promise<ReceiveChannel>;
  /**
   * Sends one datagram to a unicast or multicast locator. Never throws: failures are counted in
   * `stats.sendErrors` (and published on the `ros2ts:rtps:transport` diagnostics channel). The
   * caller may reuse `data` as soon as this returns.
   */
  send(data: Uint8Array, to: UdpLocator): void;
  /** Closes every channel this transport opened and stops sending. Idempotent. */
  close(): Promise<void>;
}
