/**
 * An in-memory network for unit tests of protocol state machines: no sockets, deterministic, and
 * with a FakeClock, no real time. A bus is one subnet; `bus.transport(address)` is one process on
 * the host with that address. Transports on the same address share that host's port space (two
 * participants on one host probe ports against each other), and 127.x.x.x reaches the sender's own
 * host. Delivery is always asynchronous, never inside send(), as with a real socket.
 */

import type { Clock } from '../clock.js';
import { isIPv4, isLoopbackIPv4, isMulticastIPv4, isValidPort, sendProblem } from './address.js';
import { countSendError, HandlerList, newTransportStats } from './diagnostics.js';
import { InvalidAddressError, PortInUseError, TransportClosedError } from './errors.js';
import type { DatagramHandler, ReceiveChannel, Transport, TransportStats, UdpLocator } from './transport.js';

export interface MemoryBusOptions {
  /**
   * Delivers each datagram via `clock.setTimeout(…, latencyMs)` (so a FakeClock's `advance`
   * delivers it). Without a clock, delivery is on a microtask.
   */
  readonly clock?: Clock;
  readonly latencyMs?: number;
}

/** Ports handed out for `openUnicast('any')` and send sockets, like Linux's ephemeral range. */
const EPHEMERAL_FIRST = 32_768;
const EPHEMERAL_LAST = 60_999;

export interface MemoryBusStats {
  /** Datagrams sent to a unicast locator nobody had bound (UDP drops these silently). */
  undeliverable: number;
}

export class MemoryBus {
  readonly stats: MemoryBusStats = { undeliverable: 0 };
  /** `host:port` → the channel bound there, or null for a port reserved without one (a send port). */
  private readonly unicast = new Map<string, MemoryChannel | null>();
  /** `group:port` → joined channels. */
  private readonly groups = new Map<string, Set<MemoryChannel>>();
  private nextEphemeral = EPHEMERAL_FIRST;

  constructor(private readonly options: MemoryBusOptions = {}) {}

  /** A transport for a process on the host `address` (a unicast IPv4 address). */
  transport(address: string): MemoryTransport {
    if (!isIPv4(address) || isMulticastIPv4(address)) {
      throw new InvalidAddressError(
        `MemoryBus.transport: not a unicast IPv4 address: ${JSON.stringify(address)}`,
      );
    }
    return new MemoryTransport(this, address);
  }

  /** @internal Reserves a port on `host`; the port number bound. */
  bind(host: string, port: number | 'any'): number {
    if (port === 'any') return this.bindEphemeral(host);
    const key = `${host}:${port}`;
    if (this.unicast.has(key)) throw new PortInUseError(port, host);
    this.unicast.set(key, null);
    return port;
  }

  /** @internal Directs datagrams for a reserved port to `channel`. */
  attach(host: string, port: number, channel: MemoryChannel): void {
    this.unicast.set(`${host}:${port}`, channel);
  }

  /** @internal */
  unbind(host: string, port: number): void {
    this.unicast.delete(`${host}:${port}`);
  }

  /** @internal */
  join(group: string, port: number, channel: MemoryChannel): void {
    const key = `${group}:${port}`;
    let members = this.groups.get(key);
    if (members === undefined) {
      members = new Set();
      this.groups.set(key, members);
    }
    members.add(channel);
  }

  /** @internal */
  leave(group: string, port: number, channel: MemoryChannel): void {
    const key = `${group}:${port}`;
    const members = this.groups.get(key);
    members?.delete(channel);
    if (members?.size === 0) this.groups.delete(key);
  }

  /** @internal Routes one datagram (already copied by the sender) to its receivers. */
  route(data: Uint8Array, senderHost: string, senderPort: number, to: UdpLocator): void {
    if (isMulticastIPv4(to.address)) {
      const from = { address: senderHost, port: senderPort };
      const members = this.groups.get(`${to.address}:${to.port}`);
      if (members === undefined) return;
      let first = true;
      for (const channel of members) {
        // Each socket gets its own buffer from the kernel; so does each channel here.
        this.schedule(channel, first ? data : data.slice(), from);
        first = false;
      }
      return;
    }
    const loopback = isLoopbackIPv4(to.address);
    const host = loopback ? senderHost : to.address;
    const channel = this.unicast.get(`${host}:${to.port}`);
    if (channel == null) {
      this.stats.undeliverable++;
      return;
    }
    this.schedule(channel, data, { address: loopback ? to.address : senderHost, port: senderPort });
  }

  private schedule(channel: MemoryChannel, data: Uint8Array, from: UdpLocator): void {
    const { clock, latencyMs = 0 } = this.options;
    const deliver = () => channel.deliver(data, from);
    if (clock === undefined) queueMicrotask(deliver);
    else clock.setTimeout(deliver, latencyMs);
  }

  private bindEphemeral(host: string): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let tries = 0; tries < span; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      const key = `${host}:${port}`;
      if (!this.unicast.has(key)) {
        this.unicast.set(key, null);
        return port;
      }
    }
    throw new PortInUseError(0, host);
  }
}

class MemoryChannel implements ReceiveChannel {
  private readonly handlers: HandlerList;
  private open = true;

  constructor(
    readonly port: number,
    stats: TransportStats,
    private readonly release: (channel: MemoryChannel) => void,
  ) {
    this.handlers = new HandlerList(stats);
  }

  onDatagram(handler: DatagramHandler): void {
    this.handlers.add(handler);
  }

  /** A datagram in flight when the channel closed is lost, as with a closed socket. */
  deliver(data: Uint8Array, from: UdpLocator): void {
    if (this.open) this.handlers.dispatch(data, from);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.release(this);
  }
}

export class MemoryTransport implements Transport {
  readonly stats: TransportStats = newTransportStats();
  private readonly channels = new Set<MemoryChannel>();
  /** The source port of everything this transport sends (one send socket, bound on first use). */
  private sendPort: number | undefined;
  private closed = false;

  /** @internal use `MemoryBus.transport` */
  constructor(
    private readonly bus: MemoryBus,
    readonly address: string,
  ) {}

  async openUnicast(port: number | 'any'): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openUnicast(${port})`);
    if (port !== 'any' && !isValidPort(port)) throw new InvalidAddressError(`not a UDP port: ${port}`);
    const bound = this.bus.bind(this.address, port);
    const channel = new MemoryChannel(bound, this.stats, (c) => {
      this.channels.delete(c);
      this.bus.unbind(this.address, bound);
    });
    this.bus.attach(this.address, bound, channel);
    this.channels.add(channel);
    return channel;
  }

  async openMulticast(group: string, port: number): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openMulticast(${group}, ${port})`);
    if (!isMulticastIPv4(group))
      throw new InvalidAddressError(`not an IPv4 multicast group: ${JSON.stringify(group)}`);
    if (!isValidPort(port)) throw new InvalidAddressError(`not a UDP port: ${port}`);
    const channel = new MemoryChannel(port, this.stats, (c) => {
      this.channels.delete(c);
      this.bus.leave(group, port, c);
    });
    this.bus.join(group, port, channel);
    this.channels.add(channel);
    return channel;
  }

  send(data: Uint8Array, to: UdpLocator): void {
    const problem = this.closed ? 'transport closed' : sendProblem(data, to);
    if (problem !== undefined) {
      countSendError(this.stats, problem, to);
      return;
    }
    this.sendPort ??= this.bus.bind(this.address, 'any');
    this.stats.sent++;
    this.stats.sentBytes += data.byteLength;
    // Copied now: the caller may reuse its buffer as soon as send returns.
    this.bus.route(data.slice(), this.address, this.sendPort, to);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.channels].map((c) => c.close()));
    if (this.sendPort !== undefined) this.bus.unbind(this.address, this.sendPort);
  }
}
