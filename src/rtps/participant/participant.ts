/**
 * An RTPS participant: the sockets of one domain participant, discovery (SPDP, SEDP), and the
 * writers and readers created on it, matched with remote ones by topic, type and QoS.
 *
 * It only composes: wire parsing (`wire/`), the receive interpretation (`message-receiver`),
 * endpoint state machines (`endpoints/`), discovery (`spdp`, `sedp`) and the transport. Every
 * timer goes through the one Scheduler and the injected Clock.
 */

import { lookup } from 'node:dns/promises';
import { type Clock, realClock } from '../clock.js';
import type { DiscoveryDataError, EffectiveQos, EndpointKind, QosPolicies } from '../discovery-data/index.js';
import {
  durationFromMillis,
  durationToMillis,
  effectiveQos,
  encodeParticipantData,
  type ParticipantData,
  STANDARD_BUILTIN_ENDPOINTS,
  VENDOR,
} from '../discovery-data/index.js';
import { type DeliveredSample, LocalReader } from '../endpoints/local-reader.js';
import { LocalWriter } from '../endpoints/local-writer.js';
import { createOutbox, type Outbox, type RemoteEndpoint } from '../endpoints/outbox.js';
import { Scheduler } from '../endpoints/scheduler.js';
import { newGuidPrefix, PROTOCOL_VERSION, ROS2TS_VENDOR_ID } from '../identity.js';
import { type ReceiveContext, receiveMessage, type SubmessageHandler } from '../message-receiver.js';
import { checkCompatibility } from '../qos-compatibility.js';
import { DEFAULT_ASSEMBLER_LIMITS, FragmentBudget } from '../reader/fragment-assembler.js';
import { DEFAULT_MAX_DATAGRAM } from '../sender/datagram-builder.js';
import { isLoopbackIPv4 } from '../transport/address.js';
import {
  type DiscoveryOverrides,
  type DiscoveryRange,
  resolveDiscoveryOptions,
} from '../transport/discovery-options.js';
import { MulticastUnavailableError, PortInUseError } from '../transport/errors.js';
import { maxParticipantId, rtpsPorts, SPDP_MULTICAST_GROUP } from '../transport/ports.js';
import type { ReceiveChannel, Transport, UdpLocator } from '../transport/transport.js';
import { ipv4InterfaceAddresses, UdpTransport } from '../transport/udp-transport.js';
import { DropCounter } from '../wire/errors.js';
import { parseMessage } from '../wire/message.js';
import { HeartbeatFlags } from '../wire/submessage.js';
import {
  ENTITY_KIND_BUILTIN,
  ENTITY_KIND_READER_NO_KEY,
  ENTITY_KIND_WRITER_NO_KEY,
  ENTITYID_P2P_MESSAGE_READER,
  ENTITYID_P2P_MESSAGE_WRITER,
  ENTITYID_PARTICIPANT,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  type Guid,
  type GuidPrefix,
  guidKey,
  prefixKey,
} from '../wire/types.js';
import { DeadlineMonitor, type DeadlineWatch } from './deadline-monitor.js';
import {
  DEFAULT_DISCOVERY_LIMITS,
  type DiscoveryLimits,
  reachableAddress,
  reachesOffHost,
} from './discovery-limits.js';
import {
  type DiscoveryServerEndpoint,
  type DiscoveryServerOptions,
  DS_VERSION,
  DS_VERSION_PROPERTY,
  PARTICIPANT_TYPE_PROPERTY,
  resolveDiscoveryServers,
} from './discovery-server.js';
import {
  DiscoveryServerClient,
  SERVER_PING_PERIOD_MS,
  sampleIdentityInlineQos,
} from './discovery-server-client.js';
import { EarlyArrivals, type HeldSubmessage } from './early-arrivals.js';
import {
  EndpointStatus,
  type EndpointStatusListeners,
  type ReaderStatusListeners,
  type WriterStatusListeners,
} from './endpoint-status.js';
import { type LocatorPolicy, wireLocators } from './locators.js';
import { ParticipantMessageAgent } from './participant-message.js';
import { type RemoteEndpointInfo, SedpAgent } from './sedp.js';
import { type RemoteParticipant, SpdpAgent } from './spdp.js';
import { WriterLeases } from './writer-leases.js';

/** Bytes all readers of a participant may hold for fragmented samples in progress. */
const FRAGMENT_BUDGET_BYTES = 256 * 1024 * 1024;
/** What a Discovery Server client claims to be (discovery-server-client.ts). */
const FAST_DDS_VENDOR_ID: readonly [number, number] = [VENDOR.FAST_DDS >> 8, VENDOR.FAST_DDS & 0xff];

export interface ParticipantOptions {
  /** Domain, discovery range and static peers; unset ones come from the environment as rcl reads it. */
  readonly discovery?: DiscoveryOverrides;
  /** The network; default UDP as the discovery range says. Tests pass the in-memory bus. */
  readonly transport?: Transport;
  readonly clock?: Clock;
  readonly guidPrefix?: GuidPrefix;
  /** SPDP USER_DATA (ROS 2: `enclave=/;`). */
  readonly userData?: Uint8Array;
  readonly entityName?: string;
  /** Lease we announce; default 20 s (Fast DDS's; Cyclone uses 10 s). */
  readonly leaseDurationMs?: number;
  /** SPDP period after the initial burst; default 3 s (Fast DDS's). */
  readonly announcePeriodMs?: number;
  readonly maxDatagramSize?: number;
  /** Addresses to announce in our locators; default: per the discovery range. */
  readonly announceAddresses?: readonly string[];
  /** Keep the process alive while the participant is open (UDP only); default false. */
  readonly keepAlive?: boolean;
  /** Bounds on what discovery accepts (participants, their rate, locators, leases). */
  readonly discoveryLimits?: Partial<DiscoveryLimits>;
  /**
   * Be a client of these Fast DDS Discovery Servers (discovery-server.ts); unset or false: none.
   * The node layer reads ROS_DISCOVERY_SERVER and ROS_SUPER_CLIENT into it.
   */
  readonly discoveryServer?: DiscoveryServerOptions | false;
}

export interface EndpointOptions {
  readonly topicName: string;
  readonly typeName: string;
  /** Policies to announce and honour; unset ones are the DDS defaults. */
  readonly qos?: QosPolicies;
  /** Endpoint USER_DATA (ROS 2: `typehash=RIHS01_…;`). */
  readonly userData?: Uint8Array;
}

export interface IncompatibleQosEvent {
  readonly local: Guid;
  readonly remote: Guid;
  readonly topicName: string;
  readonly policy: string;
  readonly offered: string;
  readonly requested: string;
}

export interface ParticipantListeners {
  participantAdded?(p: RemoteParticipant): void;
  participantRemoved?(prefix: GuidPrefix, why: 'goodbye' | 'lease expired'): void;
  endpointAdded?(e: RemoteEndpointInfo): void;
  endpointRemoved?(guid: Guid, kind: EndpointKind): void;
  incompatibleQos?(e: IncompatibleQosEvent): void;
  malformedDiscoveryData?(e: DiscoveryDataError): void;
}

/** The periods a local endpoint is timed against (deadline-monitor.ts). */
interface EndpointWatches {
  /** DEADLINE: a sample written or received within each period. */
  readonly deadline?: DeadlineWatch;
  /** A MANUAL_BY_TOPIC writer's liveliness lease: a write or an assertion within it. */
  readonly lease?: DeadlineWatch;
}

/** A local endpoint as matching sees it. */
interface LocalEndpoint {
  readonly kind: EndpointKind;
  readonly guid: Guid;
  readonly topicName: string;
  readonly typeName: string;
  readonly qos: EffectiveQos;
}

export class RtpsWriter {
  constructor(
    readonly endpoint: LocalWriter,
    readonly topicName: string,
    private readonly participant: RtpsParticipant,
    /** Its offered deadline and MANUAL_BY_TOPIC liveliness lease, when finite and listened for. */
    private readonly watches: EndpointWatches = {},
  ) {}

  get guid(): Guid {
    return this.endpoint.guid;
  }

  /**
   * Sends one serialized sample (encapsulation header included); returns its sequence number.
   * `to` limits it to those matched readers (a directed reply); the others get a GAP.
   */
  write(payload: Uint8Array, inlineQos?: Uint8Array, to?: readonly Guid[]): number {
    this.watches.deadline?.activity();
    this.watches.lease?.activity();
    return this.endpoint.write(payload, inlineQos, to).sn;
  }

  get matchedReaders(): readonly RemoteEndpoint[] {
    return this.endpoint.matchedReaders;
  }

  /**
   * Asserts the writer's liveliness without writing (DDS assert_liveliness): a HEARTBEAT with the
   * LIVELINESS flag to every matched reader, and its own MANUAL_BY_TOPIC lease renewed.
   */
  assertLiveliness(): void {
    this.watches.lease?.activity();
    this.endpoint.assertLiveliness();
  }

  /** Whether a matched reliable reader has sent an ACKNACK, i.e. it has discovered this writer. */
  hasHeardFrom(reader: Guid): boolean {
    return this.endpoint.hasHeardFrom(reader);
  }

  /** Whether every matched reliable reader acknowledged everything written so far. */
  allAcknowledged(): boolean {
    return this.endpoint.allAcknowledged();
  }

  close(): void {
    this.participant.deleteEndpoint(this.guid);
  }
}

export class RtpsReader {
  constructor(
    readonly endpoint: LocalReader,
    readonly topicName: string,
    private readonly participant: RtpsParticipant,
  ) {}

  get guid(): Guid {
    return this.endpoint.guid;
  }

  get matchedWriters(): readonly RemoteEndpoint[] {
    return this.endpoint.matchedWriters;
  }

  close(): void {
    this.participant.deleteEndpoint(this.guid);
  }
}

export class RtpsParticipant {
  readonly drops = new DropCounter();
  readonly listeners: ParticipantListeners = {};
  private readonly scheduler: Scheduler;
  private readonly spdp: SpdpAgent;
  private readonly sedp: SedpAgent;
  private readonly p2p: ParticipantMessageAgent;
  /** Data from writers a known participant has not announced yet (early-arrivals.ts says why). */
  private readonly early: EarlyArrivals;
  /** Our Discovery Server client, when we have servers. */
  private readonly ds: DiscoveryServerClient | undefined;
  /** Bytes of fragmented samples in progress, for all our readers together. */
  readonly fragmentBudget = new FragmentBudget(FRAGMENT_BUDGET_BYTES);
  private readonly writers = new Map<number, LocalWriter>();
  private readonly readers = new Map<number, LocalReader>();
  private readonly locals = new Map<string, LocalEndpoint>();
  /** Statuses of the local endpoints that have listeners, by GUID key (endpoint-status.ts). */
  private readonly statuses = new Map<string, EndpointStatus>();
  /** Deadline and lease watches of the local endpoints, by GUID key. */
  private readonly watches = new Map<string, EndpointWatches>();
  private readonly deadlines: DeadlineMonitor;
  /** Liveliness leases of matched MANUAL_BY_TOPIC writers, for readers that listen for it. */
  private readonly leases: WriterLeases;
  private nextEntityKey = 1;
  private closed = false;

  private constructor(
    readonly guidPrefix: GuidPrefix,
    readonly domainId: number,
    readonly participantId: number,
    private readonly transport: Transport,
    private readonly ownsTransport: boolean,
    private readonly channels: readonly ReceiveChannel[],
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    /** Our default unicast locators (where our readers receive), for matching our own endpoints. */
    private readonly ownUserLocators: readonly UdpLocator[],
    spdpTargets: readonly UdpLocator[],
    options: ParticipantOptions,
    metaPort: number,
    multicast: boolean,
    addresses: readonly string[],
    range: DiscoveryRange,
    servers?: { readonly endpoints: readonly DiscoveryServerEndpoint[]; readonly superClient: boolean },
    staticPeers: readonly string[] = [],
  ) {
    this.scheduler = new Scheduler(clock);
    this.deadlines = new DeadlineMonitor(clock, this.scheduler.reschedule);
    this.leases = new WriterLeases(this.deadlines);
    const limits: DiscoveryLimits = { ...DEFAULT_DISCOVERY_LIMITS, ...options.discoveryLimits };
    const locatorPolicy: LocatorPolicy = {
      accept: reachableAddress(
        range,
        new Set([...addresses, ...ipv4InterfaceAddresses()]),
        // A Discovery Server is reached where we were told, as a static peer is.
        new Set([...staticPeers, ...(servers?.endpoints.map((e) => e.address) ?? [])]),
      ),
      max: limits.maxLocatorsPerKind,
      refused: (why, n) => {
        this.drops.drop(why, 'announced locators', undefined, n);
      },
    };
    this.early = new EarlyArrivals(undefined, (why, n) => {
      this.drops.drop(`early-arrival-${why}`, 'submessages of an unannounced writer', undefined, n);
    });
    const ports = rtpsPorts(domainId, participantId);
    const own: ParticipantData = {
      guid: { prefix: guidPrefix, entityId: ENTITYID_PARTICIPANT },
      protocolVersion: PROTOCOL_VERSION,
      // A Discovery Server takes only eProsima participants (discovery-server-client.ts).
      vendorId: servers ? FAST_DDS_VENDOR_ID : ROS2TS_VENDOR_ID,
      domainId,
      builtinEndpointSet: STANDARD_BUILTIN_ENDPOINTS,
      leaseDuration: durationFromMillis(options.leaseDurationMs ?? 20_000),
      metatrafficUnicastLocators: wireLocators(addresses, metaPort),
      defaultUnicastLocators: wireLocators(addresses, ports.userUnicast),
      ...(multicast
        ? {
            metatrafficMulticastLocators: wireLocators([SPDP_MULTICAST_GROUP], ports.metatrafficMulticast),
            defaultMulticastLocators: wireLocators([SPDP_MULTICAST_GROUP], ports.userMulticast),
          }
        : {}),
      ...(options.userData ? { userData: options.userData } : {}),
      ...(options.entityName ? { entityName: options.entityName } : {}),
      ...(servers
        ? {
            properties: {
              properties: [
                { name: PARTICIPANT_TYPE_PROPERTY, value: servers.superClient ? 'SUPER_CLIENT' : 'CLIENT' },
                { name: DS_VERSION_PROPERTY, value: DS_VERSION },
              ],
            },
          }
        : {}),
    };
    this.spdp = new SpdpAgent(
      own,
      outbox,
      clock,
      spdpTargets,
      options.announcePeriodMs ?? 3_000,
      {
        added: (p) => {
          if (p.discoveryServer === 'server') this.ds?.serverAnswered(prefixKey(p.data.guid.prefix));
          // With servers, SEDP goes through them: a relayed participant's comes relayed too.
          this.sedp.addParticipant(p, p.discoveryServer !== 'relayed');
          this.p2p.addParticipant(p);
          this.listeners.participantAdded?.(p);
        },
        updated: () => {},
        removed: (prefix, why) => {
          // A lease that ran out is a failure to assert liveliness; its endpoints go next.
          if (why === 'lease expired')
            for (const st of this.statuses.values()) st.participantLost(prefixKey(prefix));
          this.ds?.serverLost(prefixKey(prefix));
          this.sedp.removeParticipant(prefix);
          this.p2p.removeParticipant(prefix);
          this.early.forgetParticipant(prefixKey(prefix));
          this.listeners.participantRemoved?.(prefix, why);
        },
      },
      (e) => this.malformedDiscoveryData(e),
      limits,
      locatorPolicy,
      (why, detail) => this.drops.drop(why, detail),
    );
    this.sedp = new SedpAgent(
      guidPrefix,
      outbox,
      clock,
      this.scheduler.reschedule,
      {
        endpointAdded: (e) => {
          this.matchRemote(e);
          if (e.data.kind === 'writer') this.releaseEarlyArrivals(e.data.guid);
          this.listeners.endpointAdded?.(e);
        },
        endpointRemoved: (guid, kind) => {
          this.unmatchRemote(guid, kind);
          this.listeners.endpointRemoved?.(guid, kind);
        },
      },
      (e) => this.malformedDiscoveryData(e),
      locatorPolicy,
      servers ? sampleIdentityInlineQos : undefined,
      {
        max: limits.maxEndpointsPerParticipant,
        refused: (detail) => this.drops.drop('endpoint-limit', detail),
      },
    );
    this.p2p = new ParticipantMessageAgent(guidPrefix, outbox, clock, this.scheduler.reschedule);
    this.ds = servers
      ? new DiscoveryServerClient(
          guidPrefix,
          servers.endpoints,
          outbox,
          clock,
          this.scheduler.reschedule,
          // Every server is a Fast DDS one: its vendor decides how vendor-specific PIDs read.
          (sample, from) => this.spdp.onSample(sample, VENDOR.FAST_DDS, from),
          { pingPeriodMs: SERVER_PING_PERIOD_MS, announcePeriodMs: options.announcePeriodMs ?? 3_000 },
        )
      : undefined;
    this.scheduler.add(this.spdp);
    this.scheduler.add(this.early);
    this.scheduler.add(this.deadlines);
    for (const p of [...this.sedp.pollables, ...this.p2p.pollables, ...(this.ds?.pollables ?? [])])
      this.scheduler.add(p);
    this.ds?.announce(encodeParticipantData(own));
    for (const c of channels) c.onDatagram((data, from) => this.onDatagram(data, from));
  }

  /** Opens the sockets (probing for a free participant id) and starts announcing. */
  static async create(options: ParticipantOptions = {}): Promise<RtpsParticipant> {
    const discovery = resolveDiscoveryOptions(options.discovery ?? {});
    const serverOptions = options.discoveryServer || undefined;
    const servers = serverOptions
      ? {
          endpoints: await resolveDiscoveryServers(serverOptions.servers, lookupIPv4),
          superClient: serverOptions.superClient ?? false,
        }
      : undefined;
    // A Discovery Server client announces to its servers only, unless asked for both.
    const classic = servers === undefined || serverOptions?.alsoMulticast === true;
    const clock = options.clock ?? realClock;
    const offHost = reachesOffHost(discovery.range, discovery.staticPeers);
    const ownsTransport = options.transport === undefined;
    const transport =
      options.transport ??
      (await UdpTransport.create({
        discoveryRange: discovery.range,
        keepAlive: options.keepAlive ?? false,
        // LOCALHOST with static peers: multicast stays on lo, unicast must hear the peers.
        ...(offHost ? { bindAddress: '0.0.0.0' } : {}),
      }));
    try {
      const { participantId, channels } = await openPorts(transport, discovery.domainId);
      const ports = rtpsPorts(discovery.domainId, participantId);
      let multicast = classic && discovery.range !== 'off';
      if (multicast) {
        try {
          channels.push(await transport.openMulticast(SPDP_MULTICAST_GROUP, ports.metatrafficMulticast));
          channels.push(await transport.openMulticast(SPDP_MULTICAST_GROUP, ports.userMulticast));
        } catch (err) {
          if (!(err instanceof MulticastUnavailableError)) throw err;
          multicast = false;
        }
      }
      const addresses = options.announceAddresses ?? announceAddresses(offHost);
      const guidPrefix = options.guidPrefix ?? newGuidPrefix();
      // A Fast DDS 3 server judges a participant's vendor by the message header, not by its
      // PID_VENDORID (discovery-server-client.ts), so a client's header says eProsima too.
      const outbox = createOutbox(
        { version: PROTOCOL_VERSION, vendorId: servers ? FAST_DDS_VENDOR_ID : ROS2TS_VENDOR_ID, guidPrefix },
        options.maxDatagramSize ?? DEFAULT_MAX_DATAGRAM,
        (datagram, to) => {
          for (const l of to) transport.send(datagram, l);
        },
      );
      const spdpTargets: UdpLocator[] = [];
      if (multicast) spdpTargets.push({ address: SPDP_MULTICAST_GROUP, port: ports.metatrafficMulticast });
      for (const peer of classic ? discovery.staticPeers : []) {
        // As Fast DDS does for initial peers: the metatraffic ports of the first participant ids.
        for (let id = 0; id < 4; id++)
          spdpTargets.push({ address: peer, port: rtpsPorts(discovery.domainId, id).metatrafficUnicast });
      }
      const ownUser = addresses.map((address) => ({ address, port: ports.userUnicast }));
      return new RtpsParticipant(
        guidPrefix,
        discovery.domainId,
        participantId,
        transport,
        ownsTransport,
        channels,
        clock,
        outbox,
        ownUser,
        spdpTargets,
        options,
        ports.metatrafficUnicast,
        multicast,
        addresses,
        discovery.range,
        servers,
        discovery.staticPeers,
      );
    } catch (err) {
      if (ownsTransport) await transport.close();
      throw err;
    }
  }

  /** The participants discovered so far. */
  get participants(): readonly RemoteParticipant[] {
    return [...this.spdp.participants.values()];
  }

  /** A discovered participant by its GUID prefix (e.g. to learn a sample's vendor), or undefined. */
  remoteParticipant(prefix: GuidPrefix): RemoteParticipant | undefined {
    return this.spdp.participants.get(prefixKey(prefix));
  }

  /** The builtin liveliness writer's view: peers whose participant message reader matched, and what they have not acknowledged. */
  get livelinessStatus(): { readonly matchedReaders: number; readonly unacknowledged: number } {
    return {
      matchedReaders: this.p2p.writer.matchedReaders.length,
      unacknowledged: this.p2p.writer.unacknowledgedCount(),
    };
  }

  /** Submessages of writers not yet announced: held now (count, bytes), and handed on after their SEDP came. */
  get earlyArrivals(): { readonly held: number; readonly bytes: number; readonly released: number } {
    return { held: this.early.size, bytes: this.early.bytes, released: this.early.released };
  }

  get remoteWriters(): readonly RemoteEndpointInfo[] {
    return [...this.sedp.remote.writer.values()];
  }

  get remoteReaders(): readonly RemoteEndpointInfo[] {
    return [...this.sedp.remote.reader.values()];
  }

  /**
   * A writer; `listeners` hear of its matches, incompatible readers, missed deadlines and lost
   * liveliness (MANUAL_BY_TOPIC: no write within the lease) as they happen.
   */
  createWriter(
    options: EndpointOptions,
    history?: { depth?: number; keepAll?: boolean },
    listeners?: WriterStatusListeners,
  ): RtpsWriter {
    const qos = effectiveQos('writer', options.qos ?? {});
    const guid = this.newGuid(ENTITY_KIND_WRITER_NO_KEY);
    const keepAll = history?.keepAll ?? qos.history.kind === 'KEEP_ALL';
    const writer = new LocalWriter(
      guid,
      {
        reliable: qos.reliability.kind === 'RELIABLE',
        transientLocal: qos.durability !== 'VOLATILE',
        heartbeatPeriodMs: 100,
        nackResponseDelayMs: 5,
        history: keepAll
          ? { kind: 'keep-all' }
          : { kind: 'keep-last', depth: Math.max(1, history?.depth ?? qos.history.depth) },
      },
      this.outbox,
      this.clock,
      this.scheduler.reschedule,
    );
    this.writers.set(guid.entityId, writer);
    this.scheduler.add(writer);
    const watches = this.watchEndpoint(guid, qos, listeners);
    this.addLocal(
      { kind: 'writer', guid, topicName: options.topicName, typeName: options.typeName, qos },
      options,
    );
    return new RtpsWriter(writer, options.topicName, this, watches);
  }

  /**
   * A reader; `listeners` hear of its matches, incompatible writers, missed deadlines (no sample
   * within the requested period), the liveliness of its matched writers and lost samples.
   */
  createReader(
    options: EndpointOptions,
    onSample: (sample: DeliveredSample) => void,
    listeners?: ReaderStatusListeners,
  ): RtpsReader {
    const qos = effectiveQos('reader', options.qos ?? {});
    const guid = this.newGuid(ENTITY_KIND_READER_NO_KEY);
    const { deadline } = this.watchEndpoint(guid, qos, listeners);
    const status = listeners?.messageLost ? this.statuses.get(guidKey(guid)) : undefined;
    // A sample of an instance meets its deadline; a dispose or unregister (no data) does not.
    const deliver = deadline
      ? (s: DeliveredSample) => {
          if (s.payload && !s.keyOnly) deadline.activity();
          onSample(s);
        }
      : onSample;
    const reader = new LocalReader(
      guid,
      {
        reliable: qos.reliability.kind === 'RELIABLE',
        assembler: { ...DEFAULT_ASSEMBLER_LIMITS, shared: this.fragmentBudget },
        onFragmentRejected: (reason) => this.drops.drop('fragment-rejected', reason),
        ...(status ? { onMessageLost: (n: number) => status.messagesLost(n) } : {}),
      },
      this.outbox,
      this.clock,
      deliver,
      this.scheduler.reschedule,
    );
    this.readers.set(guid.entityId, reader);
    this.scheduler.add(reader);
    this.addLocal(
      { kind: 'reader', guid, topicName: options.topicName, typeName: options.typeName, qos },
      options,
    );
    return new RtpsReader(reader, options.topicName, this);
  }

  /** Removes a writer or reader: withdrawn from discovery, unmatched everywhere. */
  deleteEndpoint(guid: Guid): void {
    const key = guidKey(guid);
    const local = this.locals.get(key);
    if (!local) return;
    this.locals.delete(key);
    this.statuses.delete(key);
    const watches = this.watches.get(key);
    watches?.deadline?.cancel();
    watches?.lease?.cancel();
    this.watches.delete(key);
    this.sedp.withdraw(guid);
    if (local.kind === 'writer') {
      const w = this.writers.get(guid.entityId);
      w?.flush();
      if (w) this.scheduler.delete(w);
      this.writers.delete(guid.entityId);
      for (const r of this.readers.values()) r.unmatchWriter(guid);
      this.leases.removeWriter(prefixKey(guid.prefix), guid.entityId);
    } else {
      const r = this.readers.get(guid.entityId);
      if (r) this.scheduler.delete(r);
      this.readers.delete(guid.entityId);
      for (const w of this.writers.values()) w.unmatchReader(guid);
      this.leases.removeReader(key);
    }
    for (const st of this.statuses.values()) st.unmatched(key);
  }

  /**
   * Says goodbye (unless told not to: then peers notice only when our lease ends, as after a
   * crash) and closes every socket and timer.
   */
  async close(options: { goodbye?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.writers.values()) w.flush();
    this.outbox.flush();
    // Writers send at the end of the turn (a microtask): let the builtin ones' last words out.
    await Promise.resolve();
    this.outbox.flush();
    if (options.goodbye !== false) {
      this.ds?.goodbye();
      this.spdp.goodbye();
    }
    this.scheduler.stop();
    await Promise.all(this.channels.map((c) => c.close()));
    if (this.ownsTransport) await this.transport.close();
  }

  /**
   * Counts the statuses of a new local endpoint with listeners, and watches its finite deadline
   * (and a writer's MANUAL_BY_TOPIC lease), when listened for.
   */
  private watchEndpoint(guid: Guid, qos: EffectiveQos, listeners?: EndpointStatusListeners): EndpointWatches {
    if (!listeners) return {};
    const key = guidKey(guid);
    const status = new EndpointStatus(listeners);
    this.statuses.set(key, status);
    const period = durationToMillis(qos.deadline);
    const lease = durationToMillis(qos.liveliness.leaseDuration);
    const watches: EndpointWatches = {
      ...(listeners.deadlineMissed && Number.isFinite(period)
        ? { deadline: this.deadlines.watch(period, true, () => status.deadlineMissed()) }
        : {}),
      ...(listeners.livelinessLost && qos.liveliness.kind === 'MANUAL_BY_TOPIC' && Number.isFinite(lease)
        ? { lease: this.deadlines.watch(lease, false, () => status.livelinessLost()) }
        : {}),
    };
    if (watches.deadline || watches.lease) this.watches.set(key, watches);
    return watches;
  }

  private newGuid(kind: number): Guid {
    const key = this.nextEntityKey++;
    return { prefix: this.guidPrefix, entityId: ((key << 8) | kind) >>> 0 };
  }

  private addLocal(local: LocalEndpoint, options: EndpointOptions): void {
    this.locals.set(guidKey(local.guid), local);
    this.sedp.announce(local.kind, {
      guid: local.guid,
      participantGuid: { prefix: this.guidPrefix, entityId: ENTITYID_PARTICIPANT },
      topicName: local.topicName,
      typeName: local.typeName,
      // Always sent, whatever their value: a peer must not have to guess them (WIRE.md 7).
      qos: {
        ...(options.qos ?? {}),
        reliability: local.qos.reliability,
        durability: local.qos.durability,
        history: local.qos.history,
      },
      protocolVersion: PROTOCOL_VERSION,
      vendorId: ROS2TS_VENDOR_ID,
      ...(options.userData ? { userData: options.userData } : {}),
    });
    // Match with what is already known: remote endpoints, and our own on the same topic. Those
    // of the same kind are looked at too, for their type alone.
    for (const remote of this.sedp.remote.reader.values()) this.matchRemote(remote, local);
    for (const remote of this.sedp.remote.writer.values()) this.matchRemote(remote, local);
    for (const other of this.locals.values()) {
      if (this.typesDiffer(local, other)) continue;
      if (other.kind !== local.kind)
        this.tryMatch(
          local.kind === 'writer' ? local : other,
          local.kind === 'writer' ? other : local,
          this.ownUserLocators,
          this.ownUserLocators,
        );
    }
  }

  private matchRemote(remote: RemoteEndpointInfo, only?: LocalEndpoint): void {
    const kind = remote.data.kind;
    const r: LocalEndpoint = {
      kind,
      guid: remote.data.guid,
      topicName: remote.data.topicName,
      typeName: remote.data.typeName,
      qos: remote.qos,
    };
    for (const local of only ? [only] : this.locals.values()) {
      if (this.typesDiffer(local, r) || local.kind === kind) continue;
      if (kind === 'reader') this.tryMatch(local, r, this.ownUserLocators, remote.locators);
      else this.tryMatch(r, local, remote.locators, this.ownUserLocators);
    }
  }

  /**
   * Whether two endpoints share a topic under different types (DDS INCONSISTENT_TOPIC, whatever
   * their kinds: endpoint-status.ts); then each of ours with a status counts the other, once.
   * Each remote endpoint SEDP keeps costs at most one entry per local endpoint, dropped with it.
   */
  private typesDiffer(a: LocalEndpoint, b: LocalEndpoint): boolean {
    if (a.topicName !== b.topicName || a.typeName === b.typeName) return false;
    if (this.statuses.size > 0) {
      this.statuses.get(guidKey(a.guid))?.typeDiffers(guidKey(b.guid), b.typeName);
      this.statuses.get(guidKey(b.guid))?.typeDiffers(guidKey(a.guid), a.typeName);
    }
    return true;
  }

  /** Matches a writer and a reader when topic, type and QoS agree; reports a QoS mismatch. */
  private tryMatch(
    w: LocalEndpoint,
    r: LocalEndpoint,
    writerLocators: readonly UdpLocator[],
    readerLocators: readonly UdpLocator[],
  ): void {
    if (w.topicName !== r.topicName || w.typeName !== r.typeName) return;
    const check = checkCompatibility(w.qos, r.qos);
    const localWriter =
      prefixKey(w.guid.prefix) === prefixKey(this.guidPrefix) ? this.writers.get(w.guid.entityId) : undefined;
    const localReader =
      prefixKey(r.guid.prefix) === prefixKey(this.guidPrefix) ? this.readers.get(r.guid.entityId) : undefined;
    if (!check.compatible) {
      // Each local side hears of it: both, when both are ours.
      if (localWriter) {
        this.statuses.get(guidKey(w.guid))?.incompatibleWith(guidKey(r.guid), check);
        this.listeners.incompatibleQos?.({ local: w.guid, remote: r.guid, topicName: w.topicName, ...check });
      }
      if (localReader) {
        this.statuses.get(guidKey(r.guid))?.incompatibleWith(guidKey(w.guid), check);
        this.listeners.incompatibleQos?.({ local: r.guid, remote: w.guid, topicName: w.topicName, ...check });
      }
      return;
    }
    localWriter?.matchReader({
      guid: r.guid,
      locators: readerLocators,
      reliable: r.qos.reliability.kind === 'RELIABLE',
      // The reader's own durability decides whether it gets our history (StatefulWriter.addReader).
      transientLocal: r.qos.durability !== 'VOLATILE',
    });
    localReader?.matchWriter({
      guid: w.guid,
      locators: writerLocators,
      reliable: w.qos.reliability.kind === 'RELIABLE',
    });
    if (localWriter) this.statuses.get(guidKey(w.guid))?.matched(guidKey(r.guid), prefixKey(r.guid.prefix));
    if (localReader) this.matchedByReader(r.guid, w);
  }

  /** Counts a writer matched by our reader, and watches its lease if it is MANUAL_BY_TOPIC. */
  private matchedByReader(reader: Guid, w: LocalEndpoint): void {
    const readerKey = guidKey(reader);
    const status = this.statuses.get(readerKey);
    if (!status) return;
    const writerKey = guidKey(w.guid);
    const prefix = prefixKey(w.guid.prefix);
    status.matched(writerKey, prefix);
    const lease = durationToMillis(w.qos.liveliness.leaseDuration);
    if (status.watchesLiveliness && w.qos.liveliness.kind === 'MANUAL_BY_TOPIC' && Number.isFinite(lease))
      this.leases.add(readerKey, writerKey, prefix, w.guid.entityId, lease, status);
  }

  private unmatchRemote(guid: Guid, kind: EndpointKind): void {
    if (kind === 'reader') for (const w of this.writers.values()) w.unmatchReader(guid);
    else {
      for (const r of this.readers.values()) r.unmatchWriter(guid);
      this.leases.removeWriter(prefixKey(guid.prefix), guid.entityId);
    }
    if (this.statuses.size > 0) {
      const key = guidKey(guid);
      for (const st of this.statuses.values()) st.unmatched(key);
    }
  }

  private onDatagram(data: Uint8Array, from: UdpLocator): void {
    if (this.closed) return;
    this.drops.current = from;
    try {
      const message = parseMessage(data, this.drops);
      if (!message) return;
      if (this.ds) this.renewServer(message.header.guidPrefix);
      if (this.sedp.awaitingTraffic)
        this.sedp.heardFrom(prefixKey(message.header.guidPrefix), message.submessages);
      receiveMessage(message, this.guidPrefix, this.handler);
    } finally {
      this.drops.current = undefined;
    }
    this.scheduler.reschedule();
  }

  private readonly handler: SubmessageHandler = {
    onData: (ctx, m) => {
      // A Discovery Server's SPDP is reliable: its reader takes it (discovery-server-client.ts).
      if (m.writerId === ENTITYID_SPDP_WRITER && !this.ds?.isServer(ctx.sourceKey)) this.spdp.onData(ctx, m);
      else this.toReaders(ctx, m);
    },
    onDataFrag: (ctx, m) => this.toReaders(ctx, m),
    onHeartbeat: (ctx, m) => this.toReaders(ctx, m),
    onHeartbeatFrag: (ctx, m) => this.toReaders(ctx, m),
    onGap: (ctx, m) => this.toReaders(ctx, m),
    onAckNack: (ctx, m) => {
      const w = this.writerById(m.writerId);
      if (w) w.onAckNack(ctx.sourceGuidPrefix, m);
      else this.drops.drop('not-for-us', 'ACKNACK to a writer we do not have');
    },
    onNackFrag: (ctx, m) => {
      const w = this.writerById(m.writerId);
      if (w) w.onNackFrag(ctx.sourceGuidPrefix, m);
      else this.drops.drop('not-for-us', 'NACK_FRAG to a writer we do not have');
    },
    onNotForUs: (_ctx, kind) => this.drops.drop('not-for-us', `${kind} for another participant`),
  };

  /** Hands a reader-bound submessage to the readers it is for, or holds it if its writer may yet be announced. */
  private toReaders(ctx: ReceiveContext, m: HeldSubmessage): void {
    // One that names its reader (every DATA and HEARTBEAT of a service) goes to that reader
    // alone: no array of readers is made for it.
    const named = m.readerId !== 0 ? this.namedReader(ctx, m.writerId, m.readerId) : undefined;
    const readers = m.readerId !== 0 ? undefined : this.readersFor(ctx, m.writerId);
    if (named === undefined && (readers === undefined || readers.length === 0)) {
      if (this.mayBeAnnounced(ctx, m)) this.early.hold(ctx, m, this.clock.now());
      else this.drops.drop('unmatched-writer', m.kind);
      return;
    }
    if (this.leases.size > 0 && assertsLiveliness(m)) this.leases.renew(ctx.sourceKey, m.writerId);
    if (named !== undefined) handTo(named, ctx, m);
    else for (const r of readers!) handTo(r, ctx, m);
  }

  /**
   * Whether a submessage no reader takes may be for one of ours once its writer is announced: a
   * user writer of a participant we know, not yet in SEDP, sending to one of our readers or to
   * any. Anything else (a writer known and not matched, a stranger, a builtin writer) is not.
   */
  private mayBeAnnounced(ctx: ReceiveContext, m: HeldSubmessage): boolean {
    if ((m.writerId & ENTITY_KIND_BUILTIN) === ENTITY_KIND_BUILTIN) return false;
    if (m.readerId !== 0 && !this.readers.has(m.readerId)) return false;
    if (!this.spdp.participants.has(ctx.sourceKey)) return false;
    return !this.sedp.remote.writer.has(guidKey({ prefix: ctx.sourceGuidPrefix, entityId: m.writerId }));
  }

  /** A writer was announced and matched: what it sent before that goes to its readers now. */
  private releaseEarlyArrivals(writer: Guid): void {
    for (const { ctx, m } of this.early.take(prefixKey(writer.prefix), writer, this.clock.now()))
      this.toReaders(ctx, m);
  }

  private malformedDiscoveryData(e: DiscoveryDataError): void {
    this.drops.drop('decode-failed', e.message);
    this.listeners.malformedDiscoveryData?.(e);
  }

  /** A server repeats its DATA(p) as a duplicate our reliable reader drops: any message renews its lease. */
  private renewServer(prefix: GuidPrefix): void {
    const key = prefixKey(prefix);
    if (this.ds?.isServer(key)) this.spdp.renew(key);
  }

  private writerById(entityId: number): LocalWriter | undefined {
    if (entityId === ENTITYID_P2P_MESSAGE_WRITER) return this.p2p.writer;
    if (entityId === ENTITYID_SPDP_WRITER) return this.ds?.writer;
    return this.writers.get(entityId) ?? this.sedp.localWriter(entityId);
  }

  /** The local reader a submessage names, if it is matched with the writer that sent it. */
  private namedReader(ctx: ReceiveContext, writerId: number, readerId: number): LocalReader | undefined {
    const r =
      readerId === ENTITYID_P2P_MESSAGE_READER
        ? this.p2p.reader
        : readerId === ENTITYID_SPDP_READER
          ? this.ds?.reader
          : (this.readers.get(readerId) ?? this.sedp.localReader(readerId));
    return r?.isMatched(ctx.sourceKey, writerId) ? r : undefined;
  }

  /** The local readers a submessage from `writerId` that names no reader is for: every matched one. */
  private readersFor(ctx: ReceiveContext, writerId: number): LocalReader[] {
    const source = ctx.sourceKey;
    if (writerId === ENTITYID_P2P_MESSAGE_WRITER)
      return this.p2p.reader.isMatched(source, writerId) ? [this.p2p.reader] : [];
    const out: LocalReader[] = [];
    // A builtin writer's data without a reader id is for our builtin reader of that topic.
    const builtin = writerId === ENTITYID_SPDP_WRITER ? this.ds?.reader : this.sedp.readerFor(writerId);
    if (builtin?.isMatched(source, writerId)) out.push(builtin);
    for (const r of this.readers.values()) if (r.isMatched(source, writerId)) out.push(r);
    return out;
  }
}

function handTo(r: LocalReader, ctx: ReceiveContext, m: HeldSubmessage): void {
  switch (m.kind) {
    case 'DATA':
      r.onData(ctx, m);
      break;
    case 'DATA_FRAG':
      r.onDataFrag(ctx, m);
      break;
    case 'HEARTBEAT':
      r.onHeartbeat(ctx, m);
      break;
    case 'HEARTBEAT_FRAG':
      r.onHeartbeatFrag(ctx, m);
      break;
    case 'GAP':
      r.onGap(ctx, m);
      break;
  }
}

/** Whether a writer's submessage asserts its MANUAL_BY_TOPIC liveliness: data, or a HEARTBEAT saying so. */
function assertsLiveliness(m: HeldSubmessage): boolean {
  return (
    m.kind === 'DATA' ||
    m.kind === 'DATA_FRAG' ||
    (m.kind === 'HEARTBEAT' && (m.flags & HeartbeatFlags.LIVELINESS) !== 0)
  );
}

/** Probes participant ids until both unicast ports of one are free. */
async function openPorts(
  transport: Transport,
  domainId: number,
): Promise<{ participantId: number; channels: ReceiveChannel[] }> {
  const max = maxParticipantId(domainId);
  for (let id = 0; id <= max; id++) {
    const ports = rtpsPorts(domainId, id);
    let meta: ReceiveChannel | undefined;
    try {
      meta = await transport.openUnicast(ports.metatrafficUnicast);
      const user = await transport.openUnicast(ports.userUnicast);
      return { participantId: id, channels: [meta, user] };
    } catch (err) {
      await meta?.close();
      if (!(err instanceof PortInUseError)) throw err;
    }
  }
  throw new PortInUseError(rtpsPorts(domainId, max).metatrafficUnicast, 'every participant id of the domain');
}

/**
 * What to put in our locators: the host's other IPv4 addresses when we reach off the host (SUBNET,
 * LOCALHOST with static peers), else loopback, where our sockets listen.
 */
function announceAddresses(offHost: boolean): string[] {
  if (!offHost) return ['127.0.0.1'];
  const external = ipv4InterfaceAddresses().filter((a) => !isLoopbackIPv4(a));
  return external.length > 0 ? external : ['127.0.0.1'];
}

/** A server's host name as an IPv4 address (our transport is UDPv4). */
async function lookupIPv4(host: string): Promise<string> {
  return (await lookup(host, { family: 4 })).address;
}
