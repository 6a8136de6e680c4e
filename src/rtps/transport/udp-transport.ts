/**
 * The Transport over real UDPv4 sockets (node:dgram). Which interfaces it touches follows the ROS
 * discovery range: 'localhost' binds and sends on 127.0.0.1 only (multicast stays on lo), 'subnet'
 * joins multicast on every IPv4 interface, 'off' has no multicast and stays on 127.0.0.1. Sockets
 * are unref'd, so an idle transport never keeps the process alive, and every error is counted or
 * traced, never thrown into the event loop.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import {
  isIPv4,
  isLoopbackIPv4,
  isMulticastIPv4,
  isValidPort,
  MAX_UDP_PAYLOAD,
  sendProblem,
} from './address.js';
import {
  countSendError,
  countSocketError,
  HandlerList,
  newTransportStats,
  traceTransport,
} from './diagnostics.js';
import type { DiscoveryRange } from './discovery-options.js';
import {
  InvalidAddressError,
  MulticastUnavailableError,
  PortInUseError,
  SocketSetupError,
  TransportClosedError,
} from './errors.js';
import { SendBufferPool } from './send-buffer-pool.js';
import type { DatagramHandler, ReceiveChannel, Transport, TransportStats, UdpLocator } from './transport.js';

export { MAX_UDP_PAYLOAD } from './address.js';
export { rtpsPorts, SPDP_MULTICAST_GROUP } from './ports.js';

export interface UdpTransportOptions {
  /** Default 'subnet' (the ROS 2 default). */
  readonly discoveryRange?: DiscoveryRange;
  /**
   * IPv4 addresses of the interfaces to join multicast groups on and send multicast from.
   * Default: '127.0.0.1' for 'localhost', every IPv4 interface for 'subnet', none for 'off'.
   */
  readonly interfaces?: readonly string[];
  /**
   * Address unicast sockets bind to. Default '0.0.0.0' for 'subnet' (peers may rewrite our
   * announced addresses, see WIRE.md §6), '127.0.0.1' otherwise so nothing off-host reaches us.
   */
  readonly bindAddress?: string;
  /** Multicast TTL; default 1: SUBNET means the attached subnets, not beyond a router. */
  readonly multicastTtl?: number;
  /** Socket receive and send buffer size to ask for; default 4 MiB (the OS may cap it). */
  readonly bufferBytes?: number;
  /** Keep the process alive while sockets are open; default false (sockets are unref'd). */
  readonly keepAlive?: boolean;
}

const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;

/** Every IPv4 address of this host's interfaces, loopback included, without duplicates. */
export function ipv4InterfaceAddresses(): string[] {
  const addresses = new Set<string>();
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4') addresses.add(info.address);
    }
  }
  return [...addresses];
}

function defaultInterfaces(range: DiscoveryRange): string[] {
  switch (range) {
    case 'off':
      return [];
    case 'localhost':
      return ['127.0.0.1'];
    case 'subnet': {
      const all = ipv4InterfaceAddresses();
      return all.length > 0 ? all : ['127.0.0.1'];
    }
  }
}

interface SocketConfig {
  readonly bufferBytes: number;
  readonly keepAlive: boolean;
  readonly stats: TransportStats;
}

/**
 * A socket with an error listener from birth: an 'error' event without a listener would crash the
 * process. Errors while binding reject the bind; later ones are counted.
 */
function openSocket(
  reuseAddr: boolean,
  config: SocketConfig,
): { socket: Socket; bind(port: number, address: string): Promise<void> } {
  const socket = createSocket({ type: 'udp4', reuseAddr });
  let bindFailed: ((error: Error) => void) | undefined;
  socket.on('error', (error) => {
    if (bindFailed !== undefined) {
      bindFailed(error);
      return;
    }
    countSocketError(config.stats, error);
  });
  if (!config.keepAlive) socket.unref();
  const bind = (port: number, address: string) =>
    new Promise<void>((resolve, reject) => {
      bindFailed = (error) => {
        bindFailed = undefined;
        socket.close();
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          code === 'EADDRINUSE'
            ? new PortInUseError(port, address, { cause: error })
            : new SocketSetupError(`cannot bind UDP ${address}:${port}: ${error.message}`, { cause: error }),
        );
      };
      socket.bind({ port, address, exclusive: true }, () => {
        bindFailed = undefined;
        setBufferSizes(socket, config.bufferBytes);
        resolve();
      });
    });
  return { socket, bind };
}

/** Bigger buffers ride out bursts (SEDP floods, fragmented samples); the OS may refuse or cap them. */
function setBufferSizes(socket: Socket, bytes: number): void {
  for (const set of [socket.setRecvBufferSize, socket.setSendBufferSize]) {
    try {
      set.call(socket, bytes);
    } catch (error) {
      traceTransport({ kind: 'setup-warning', detail: `buffer size ${bytes} refused`, error });
    }
  }
}

/**
 * Datagrams at least this long are sent from pooled buffers (send-buffer-pool.ts): fragments of
 * large samples, not the small datagrams of every other sample.
 */
const POOLED_SEND_BYTES = 16 * 1024;
/** Pooled send buffers per transport, of the largest datagram: 8 MB at most. */
const POOLED_SEND_BUFFERS = 128;

/** Destinations that get a connected socket of their own; the rest share the unconnected one. */
const MAX_CONNECTED = 64;
/**
 * Datagrams sent to a destination before it gets a connected socket. Discovery sends a few
 * dozen datagrams to every peer's two ports: connecting each at once made N participants on a
 * host open and configure about 2N sockets each, for destinations that then fall silent
 * (issue 13); a destination that keeps being sent to gets its socket soon enough.
 */
const SENDS_BEFORE_CONNECT = 64;
/** Destinations whose sends are counted; past it the counts start again (bounded memory). */
const MAX_COUNTED = 1024;

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

class UdpChannel implements ReceiveChannel {
  private readonly handlers: HandlerList;
  private closing: Promise<void> | undefined;

  constructor(
    readonly port: number,
    private readonly socket: Socket,
    stats: TransportStats,
    private readonly onClose: (channel: UdpChannel) => void,
  ) {
    this.handlers = new HandlerList(stats);
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      // A plain Uint8Array: a Buffer's subarray is a Buffer, made through its species (slower).
      this.handlers.dispatch(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), this.from(rinfo));
    });
  }

  /** The last sender seen: a channel mostly hears one peer, and a locator is never changed once made. */
  private lastFrom: UdpLocator = { address: '', port: 0 };

  /** Where a datagram came from, as a locator: the last one again when it is the same sender. */
  private from(rinfo: RemoteInfo): UdpLocator {
    if (rinfo.port !== this.lastFrom.port || rinfo.address !== this.lastFrom.address)
      this.lastFrom = { address: rinfo.address, port: rinfo.port };
    return this.lastFrom;
  }

  onDatagram(handler: DatagramHandler): void {
    this.handlers.add(handler);
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.onClose(this);
      this.closing = closeSocket(this.socket);
    }
    return this.closing;
  }
}

export class UdpTransport implements Transport {
  private readonly channels = new Set<UdpChannel>();
  private closed = false;

  /** Per unicast destination, a socket connected to it (see connectedSender). */
  private readonly connected = new Map<string, Socket | 'connecting'>();
  /** Each locator object's key: a send builds no string (locators are kept by who sends to them). */
  private readonly keys = new WeakMap<UdpLocator, string>();
  /** Datagrams sent so far to destinations not yet connected (see SENDS_BEFORE_CONNECT). */
  private readonly sends = new Map<string, number>();
  /**
   * Buffers for large datagrams, reused once dgram is done with them. A send with a callback has
   * its late failure passed to the callback instead of the socket's 'error' event: counted alike.
   */
  private readonly sendPool = new SendBufferPool(MAX_UDP_PAYLOAD, POOLED_SEND_BUFFERS, (error) =>
    countSocketError(this.stats, error),
  );

  private constructor(
    readonly discoveryRange: DiscoveryRange,
    /** Interfaces multicast is joined and sent on (empty: no multicast). */
    readonly interfaces: readonly string[],
    readonly bindAddress: string,
    private readonly config: SocketConfig,
    readonly stats: TransportStats,
    /** Sends unicast. */
    private readonly unicastSender: Socket,
    /** One per interface, each with IP_MULTICAST_IF set to it. */
    private readonly multicastSenders: readonly Socket[],
    /** This host's addresses when created: a loopback-bound transport may send to them too. */
    private readonly ownAddresses: ReadonlySet<string>,
  ) {}

  static async create(options: UdpTransportOptions = {}): Promise<UdpTransport> {
    const range = options.discoveryRange ?? 'subnet';
    const interfaces = [...(options.interfaces ?? defaultInterfaces(range))];
    const bindAddress = options.bindAddress ?? (range === 'subnet' ? '0.0.0.0' : '127.0.0.1');
    for (const address of [...interfaces, bindAddress]) {
      if (!isIPv4(address) || isMulticastIPv4(address)) {
        throw new InvalidAddressError(`not a unicast IPv4 interface address: ${JSON.stringify(address)}`);
      }
    }
    const ttl = options.multicastTtl ?? 1;
    const stats = newTransportStats();
    const config: SocketConfig = {
      bufferBytes: options.bufferBytes ?? DEFAULT_BUFFER_BYTES,
      keepAlive: options.keepAlive ?? false,
      stats,
    };
    const opened: Socket[] = [];
    try {
      const unicast = openSocket(false, config);
      opened.push(unicast.socket);
      await unicast.bind(0, bindAddress);
      const multicastSenders: Socket[] = [];
      for (const address of interfaces) {
        const sender = openSocket(false, config);
        opened.push(sender.socket);
        await sender.bind(0, address);
        sender.socket.setMulticastInterface(address);
        sender.socket.setMulticastTTL(ttl);
        sender.socket.setMulticastLoopback(true); // peers on this host must hear us
        multicastSenders.push(sender.socket);
      }
      return new UdpTransport(
        range,
        interfaces,
        bindAddress,
        config,
        stats,
        unicast.socket,
        multicastSenders,
        new Set(ipv4InterfaceAddresses()),
      );
    } catch (error) {
      await Promise.all(opened.map(closeSocket));
      throw error;
    }
  }

  async openUnicast(port: number | 'any'): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openUnicast(${port})`);
    if (port !== 'any' && !isValidPort(port)) throw new InvalidAddressError(`not a UDP port: ${port}`);
    // No SO_REUSEADDR: the bind must fail when another participant holds the port, since that is
    // how participant ids are allocated.
    const { socket, bind } = openSocket(false, this.config);
    await bind(port === 'any' ? 0 : port, this.bindAddress);
    return this.track(socket, socket.address().port, `openUnicast(${port})`);
  }

  async openMulticast(group: string, port: number): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openMulticast(${group}, ${port})`);
    if (!isMulticastIPv4(group)) {
      throw new InvalidAddressError(`not an IPv4 multicast group: ${JSON.stringify(group)}`);
    }
    if (!isValidPort(port)) throw new InvalidAddressError(`not a UDP port: ${port}`);
    if (this.interfaces.length === 0) {
      throw new MulticastUnavailableError(
        `multicast ${group}:${port} requested, but discovery range '${this.discoveryRange}' has no multicast interfaces`,
      );
    }
    const { socket, bind } = openSocket(true, this.config);
    // Bound to the group, not 0.0.0.0: only datagrams sent to this group arrive, not unicast to the
    // port nor (Linux IP_MULTICAST_ALL) other groups that some other socket joined. Windows cannot
    // bind a multicast address.
    await bind(port, process.platform === 'win32' ? '0.0.0.0' : group);
    const failures: string[] = [];
    for (const address of this.interfaces) {
      try {
        socket.addMembership(group, address);
      } catch (error) {
        failures.push(`${address}: ${(error as Error).message}`);
        traceTransport({ kind: 'setup-warning', detail: `cannot join ${group} on ${address}`, error });
      }
    }
    if (failures.length === this.interfaces.length) {
      await closeSocket(socket);
      throw new SocketSetupError(
        `cannot join multicast group ${group} on any interface: ${failures.join('; ')}`,
      );
    }
    return this.track(socket, port, `openMulticast(${group}, ${port})`);
  }

  send(data: Uint8Array, to: UdpLocator): void {
    const problem = this.closed ? 'transport closed' : (sendProblem(data, to) ?? this.rangeProblem(to));
    if (problem !== undefined) {
      countSendError(this.stats, problem, to);
      return;
    }
    // Copied: dgram keeps a reference until the datagram leaves (at least a tick later), and the
    // caller may reuse its buffer as soon as send returns.
    if (isMulticastIPv4(to.address)) {
      const copy = Buffer.from(data);
      // On every interface: a peer may listen on any of them. Peers that hear us twice (joined on
      // two interfaces) drop the duplicate like any other RTPS duplicate.
      for (const socket of this.multicastSenders) this.sendOn(socket, copy, to);
      return;
    }
    const connected = this.connectedSender(to);
    const socket = connected ?? this.unicastSender;
    // A large datagram (a fragment) goes in a pooled buffer, back in the pool once it has left.
    const pooled = data.length >= POOLED_SEND_BYTES ? this.sendPool.copy(data) : undefined;
    if (pooled) this.sendOn(socket, pooled.view, to, connected !== undefined, pooled.release);
    else this.sendOn(socket, Buffer.from(data), to, connected !== undefined);
  }

  /** Pooled send buffers dgram has not given back yet (see send-buffer-pool.ts). */
  get sendBuffersInUse(): number {
    return this.sendPool.inUse;
  }

  /**
   * A socket connected to `to`, once one is ready; undefined until then (the shared sender
   * goes on meanwhile). A connected UDP socket sends without dgram's per-datagram address
   * lookup (a DNS call, a tick and a regexp: about 4 µs of a 40 µs loopback round trip). Bounded:
   * past MAX_CONNECTED destinations, the shared sender serves the rest.
   */
  private connectedSender(to: UdpLocator): Socket | undefined {
    let key = this.keys.get(to);
    if (key === undefined) {
      key = `${to.address}:${to.port}`;
      this.keys.set(to, key);
    }
    const known = this.connected.get(key);
    if (known !== undefined) return known === 'connecting' ? undefined : known;
    if (this.connected.size >= MAX_CONNECTED) return undefined;
    const sent = (this.sends.get(key) ?? 0) + 1;
    if (sent < SENDS_BEFORE_CONNECT) {
      if (this.sends.size >= MAX_COUNTED && sent === 1) this.sends.clear();
      this.sends.set(key, sent);
      return undefined;
    }
    this.sends.delete(key);
    this.connect(to, key);
    return undefined;
  }

  /**
   * Opens a socket connected to `to` for connectedSender. A method of its own: the closures here
   * made every call of connectedSender allocate their context (~80 bytes a datagram).
   */
  private connect(to: UdpLocator, key: string): void {
    this.connected.set(key, 'connecting');
    const { socket, bind } = openSocket(false, this.config);
    bind(0, this.bindAddress)
      .then(
        () =>
          new Promise<void>((resolve, reject) => {
            socket.once('error', reject);
            socket.connect(to.port, to.address, () => {
              socket.off('error', reject);
              resolve();
            });
          }),
      )
      .then(
        () => {
          if (this.closed) void closeSocket(socket);
          else this.connected.set(key, socket);
        },
        (error: unknown) => {
          // Not fatal: this destination keeps the shared sender (the entry stays, so no retry loop).
          traceTransport({ kind: 'setup-warning', detail: `connect to ${key} failed`, error });
          void closeSocket(socket);
        },
      );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([
      ...[...this.channels].map((c) => c.close()),
      ...[...this.connected.values()].flatMap((c) => (c === 'connecting' ? [] : [closeSocket(c)])),
      closeSocket(this.unicastSender),
      ...this.multicastSenders.map(closeSocket),
    ]);
  }

  /** Why `to` is outside what this transport's range may reach, or undefined. */
  private rangeProblem(to: UdpLocator): string | undefined {
    if (isMulticastIPv4(to.address)) {
      return this.multicastSenders.length === 0
        ? `multicast is off in discovery range '${this.discoveryRange}'`
        : undefined;
    }
    // The host's own addresses never leave it (the kernel delivers them over lo), and a peer on
    // this host that reaches off it (LOCALHOST with static peers) announces those.
    if (
      isLoopbackIPv4(this.bindAddress) &&
      !isLoopbackIPv4(to.address) &&
      !this.ownAddresses.has(to.address)
    ) {
      return `${to.address} is not on this host, and the transport is bound to ${this.bindAddress}`;
    }
    return undefined;
  }

  /**
   * Sends on `socket` to `to` (a `connected` socket is connected to it already). `done`, for a
   * pooled buffer, is called once the datagram has left or failed.
   */
  private sendOn(socket: Socket, data: Buffer, to: UdpLocator, connected = false, done?: () => void): void {
    const stats = this.stats;
    try {
      // No completion callback for small datagrams (`done` undefined is none to dgram): with one,
      // every datagram costs the loop a callback (about 15 us a round trip on loopback). A
      // failure the OS reports later comes as the socket's 'error' event, counted there.
      if (connected) socket.send(data, done);
      else socket.send(data, to.port, to.address, done);
      stats.sent++;
      stats.sentBytes += data.byteLength;
    } catch (error) {
      done?.();
      countSendError(stats, (error as Error).message, to, error);
    }
  }

  private async track(socket: Socket, port: number, what: string): Promise<UdpChannel> {
    if (this.closed) {
      // close() ran while this socket was binding and could not see it.
      await closeSocket(socket);
      throw new TransportClosedError(what);
    }
    const channel = new UdpChannel(port, socket, this.stats, (c) => this.channels.delete(c));
    this.channels.add(channel);
    return channel;
  }
}
