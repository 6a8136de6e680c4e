/**
 * A ROS 2 context: one DDS participant per process (as rmw does since Foxy) shared by its nodes,
 * the graph as discovery and `ros_discovery_info` describe it, and the publication of this
 * process's own nodes on `ros_discovery_info` whenever one of them changes.
 *
 * While a context is open its sockets keep the process alive; `shutdown()` destroys every node
 * and closes every socket and timer, so the process can exit by itself.
 */
import { typeHashOf } from '../cdr/index.js';
import { type DistroWire, distroWire, type RosDistro, resolveDistro } from '../rmw/distro.js';
import { GraphCache, type GraphEndpoint } from '../rmw/graph/graph-cache.js';
import {
  decodeParticipantEntities,
  encodeParticipantEntities,
  type NodeEntities,
} from '../rmw/graph/participant-entities.js';
import { graphEndpointOf, graphParticipantOf } from '../rmw/graph/rtps-inputs.js';
import { QOS_PROFILES, toRtpsQos } from '../rmw/qos-profiles.js';
import { rosTypeToDds } from '../rmw/type-names.js';
import { encodeEndpointUserData, encodeParticipantUserData } from '../rmw/user-data.js';
import { type Clock, realClock } from '../rtps/clock.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { DiscoveryLimits } from '../rtps/participant/discovery-limits.js';
import { type DiscoveryServerOptions, discoveryServerFromEnv } from '../rtps/participant/discovery-server.js';
import {
  type IncompatibleQosEvent,
  RtpsParticipant,
  type RtpsReader,
  type RtpsWriter,
} from '../rtps/participant/participant.js';
import { type DiscoveryOverrides, resolveDiscoveryOptions } from '../rtps/transport/discovery-options.js';
import type { Transport } from '../rtps/transport/transport.js';
import { ENTITYID_PARTICIPANT, type Guid, prefixKey } from '../rtps/wire/types.js';
import {
  assertNoUnknownRosArguments,
  type ParseRosArgumentsOptions,
  parseRosArguments,
  type RosArguments,
} from './arguments/parse.js';
import { DeadlineQueue } from './deadlines.js';
import { DestroyedError, TimeoutError } from './errors.js';
import { consoleSink, LogLevel, type LogSink } from './logger.js';
import { Node, type NodeOptions } from './node.js';
import type { EndpointSpec } from './node-host.js';
import { type WaitHost, waitUntil } from './wait.js';

export interface ContextOptions {
  /** Domain, discovery range, static peers; unset ones come from the environment as rcl reads it. */
  readonly discovery?: DiscoveryOverrides;
  /** The security enclave announced in participant USER_DATA; default `--enclave`'s, else `/`. */
  readonly enclave?: string;
  /**
   * The command line to take ROS arguments from (what follows `--ros-args`: remap rules, `-p`,
   * `--params-file`, `--log-level`, `--enclave`...; see src/nodes/arguments); default
   * `process.argv.slice(2)`. They apply to every node of the context that uses global arguments.
   * A ROS argument rcl refuses throws RosArgumentsError, an unknown one UnknownRosArgumentsError.
   */
  readonly argv?: readonly string[];
  /** false: take no ROS arguments from the command line (`argv` and `process.argv` are ignored). */
  readonly useGlobalArguments?: boolean;
  /** Tests: how `--params-file` files are read (default the file system). */
  readonly readFile?: ParseRosArgumentsOptions['readFile'];
  /** Tests: an in-memory or fault-injecting network instead of UDP. */
  readonly transport?: Transport;
  readonly clock?: Clock;
  /** Bounds on what discovery accepts from the network (participants, their rate, locators, leases). */
  readonly discoveryLimits?: Partial<DiscoveryLimits>;
  /** Where the warnings rcl logs about the ROS environment go (a bad ROS_AUTOMATIC_DISCOVERY_RANGE...); default the console. */
  readonly logSink?: LogSink;
  /**
   * Fast DDS Discovery Server client setup; unset: from ROS_DISCOVERY_SERVER and ROS_SUPER_CLIENT
   * (an invalid list throws DiscoveryConfigError); false: none.
   */
  readonly discoveryServer?: DiscoveryServerOptions | false;
  /** With servers from the environment, be a SUPER_CLIENT unless ROS_SUPER_CLIENT says no (command-line tools). */
  readonly superClientByDefault?: boolean;
  /**
   * The ROS 2 distribution whose rmw conventions to write (src/rmw/distro.ts: Humble's 24-byte
   * gids and no type hash in endpoint USER_DATA; Iron and later are alike); default `ROS_DISTRO`,
   * else jazzy. An unknown value is warned about once and taken as jazzy. Both are always read.
   */
  readonly distro?: RosDistro | (string & {});
}

const GRAPH_TYPE = 'rmw_dds_common/msg/ParticipantEntitiesInfo';
const GRAPH_TOPIC = 'ros_discovery_info';

export class Context implements WaitHost {
  readonly graph = new GraphCache();
  /** @internal The one deadline timer of the context's calls and waits. */
  readonly deadlines: DeadlineQueue;
  private readonly watchers = new Set<() => void>();
  private readonly nodes = new Set<Node>();
  private readonly graphWriter: RtpsWriter;
  private graphPending = false;
  private closed = false;
  private readonly incompatibleListeners = new Set<(e: IncompatibleQosEvent) => void>();
  private serviceIdCounter = 0;
  /** `ros_discovery_info` samples that did not decode (dropped; the sender's nodes stay as they were). */
  malformedGraphSamples = 0;
  private readonly wire: DistroWire;

  private constructor(
    readonly participant: RtpsParticipant,
    /** The time of every timeout and timer of the context's nodes (the participant's own). */
    readonly clock: Clock,
    /** The command line's ROS arguments (rcl's global arguments). */
    readonly rosArguments: RosArguments,
    /** The distribution whose wire conventions this context writes (ContextOptions.distro). */
    readonly distro: RosDistro,
  ) {
    this.wire = distroWire(distro);
    this.deadlines = new DeadlineQueue(clock);
    this.graph.onChange(this.notifyWatchers);
    const p = participant;
    p.listeners.participantAdded = (rp) => this.graph.addParticipant(graphParticipantOf(rp));
    p.listeners.participantRemoved = (prefix) => this.graph.removeParticipant(prefix);
    p.listeners.endpointAdded = (e) => this.graph.addEndpoint(graphEndpointOf(e));
    p.listeners.endpointRemoved = (guid) => this.graph.removeEndpoint(guid);
    p.listeners.incompatibleQos = (e) => {
      for (const l of this.incompatibleListeners) l(e);
    };
    this.graphWriter = this.createWriter({
      ddsTopic: GRAPH_TOPIC,
      rosType: GRAPH_TYPE,
      qos: QOS_PROFILES.rosDiscoveryInfoWriter,
    });
    this.createReader(
      { ddsTopic: GRAPH_TOPIC, rosType: GRAPH_TYPE, qos: QOS_PROFILES.rosDiscoveryInfoReader },
      (s) => this.onGraphSample(s),
    );
    this.publishGraph();
  }

  /** Opens the participant (UDP unless a transport is given) and starts discovery. */
  static async create(options: ContextOptions = {}): Promise<Context> {
    // Before any socket opens: a refused argument leaves nothing to close.
    const argv = options.useGlobalArguments === false ? [] : (options.argv ?? process.argv.slice(2));
    const rosArguments = parseRosArguments(argv, options.readFile ? { readFile: options.readFile } : {});
    assertNoUnknownRosArguments(rosArguments);
    // rcl logs what it makes of a doubtful environment, and goes on: so do we.
    const servers =
      options.discoveryServer === undefined
        ? discoveryServerFromEnv(process.env, options.superClientByDefault ?? false)
        : { options: options.discoveryServer, warnings: [] };
    const warnings = [...resolveDiscoveryOptions(options.discovery ?? {}).warnings, ...servers.warnings];
    const sink = options.logSink ?? consoleSink();
    const timeNs = () => BigInt(Date.now()) * 1_000_000n;
    for (const message of warnings) sink({ level: LogLevel.WARN, name: 'rcl', message, timeNs: timeNs() });
    const distro = resolveDistro(options.distro);
    if (distro.warning)
      sink({ level: LogLevel.WARN, name: 'ros2ts', message: distro.warning, timeNs: timeNs() });
    const participant = await RtpsParticipant.create({
      ...(options.discovery ? { discovery: options.discovery } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.discoveryLimits ? { discoveryLimits: options.discoveryLimits } : {}),
      discoveryServer: servers.options ?? false,
      userData: encodeParticipantUserData(options.enclave ?? rosArguments.enclave ?? '/'),
      keepAlive: true,
    });
    return new Context(participant, options.clock ?? realClock, rosArguments, distro.distro);
  }

  /** The command line without its ROS arguments (rclpy's `remove_ros_args`), for the program's own parsing. */
  get nonRosArguments(): readonly string[] {
    return this.rosArguments.nonRosArguments;
  }

  get domainId(): number {
    return this.participant.domainId;
  }

  get isShutdown(): boolean {
    return this.closed;
  }

  /** The participant's GUID, the `gid` of this process's `ros_discovery_info` sample. */
  get gid(): Guid {
    return { prefix: this.participant.guidPrefix, entityId: ENTITYID_PARTICIPANT };
  }

  createNode(name: string, options: NodeOptions = {}): Node {
    this.assertOpen();
    const node = new Node(this, name, options);
    this.nodes.add(node);
    this.graphChanged();
    return node;
  }

  /** Destroys every node, says goodbye to the peers and closes every socket and timer. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    for (const node of [...this.nodes]) await node.destroy();
    this.closed = true;
    this.deadlines.close();
    await this.participant.close();
  }

  /**
   * Resolves at the next change of the graph (a participant, endpoint or node came or went),
   * rejects with TimeoutError after `timeout` ms or with AbortError when `signal` aborts.
   */
  async waitForGraphChange(options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const version = this.graph.version;
    const changed = await waitUntil(
      { clock: this.clock, deadlines: this.deadlines, watch: (notify) => this.graph.onChange(notify) },
      () => this.graph.version !== version,
      'waiting for a graph change',
      options,
    );
    if (!changed) throw new TimeoutError(`no graph change within ${options.timeout} ms`, options.timeout!);
  }

  /**
   * @internal Calls `notify` after each change of the graph (matches come and go with it) and
   * each acknowledgement a writer of this context receives: what a wait of the node layer may be
   * waiting for. Returns the function that stops it.
   */
  watch(notify: () => void): () => void {
    this.watchers.add(notify);
    return () => this.watchers.delete(notify);
  }

  private readonly notifyWatchers = (): void => {
    if (this.watchers.size === 0) return;
    for (const w of [...this.watchers]) w();
  };

  // --- for nodes ---

  /** @internal */
  onIncompatibleQos(listener: (e: IncompatibleQosEvent) => void): () => void {
    this.incompatibleListeners.add(listener);
    return () => this.incompatibleListeners.delete(listener);
  }

  /** @internal A DDS writer with ROS conventions (type name, type hash in USER_DATA, QoS). */
  createWriter(spec: EndpointSpec): RtpsWriter {
    const e = this.endpointOptions(spec);
    const w = this.participant.createWriter(e.options, e.history, spec.events);
    w.endpoint.onAckNackReceived = this.notifyWatchers;
    this.addLocal(w.guid, 'writer', spec, e.options.typeName, e.typeHash);
    return w;
  }

  /** @internal */
  createReader(spec: EndpointSpec, onSample: (s: DeliveredSample) => void): RtpsReader {
    const e = this.endpointOptions(spec);
    const r = this.participant.createReader(e.options, onSample, spec.events);
    this.addLocal(r.guid, 'reader', spec, e.options.typeName, e.typeHash);
    return r;
  }

  /** @internal Withdraws a writer or reader made by createWriter/createReader. */
  deleteEndpoint(guid: Guid): void {
    if (this.closed) return;
    this.participant.deleteEndpoint(guid);
    this.graph.removeEndpoint(guid);
  }

  /** @internal A 16-byte id for Cyclone's clientid/serviceid: participant prefix + counter. */
  nextServiceEndpointId(): Uint8Array {
    const id = new Uint8Array(16);
    id.set(this.participant.guidPrefix, 0);
    new DataView(id.buffer).setUint32(12, ++this.serviceIdCounter, false);
    return id;
  }

  /** @internal A node's endpoints changed (or it was destroyed): republish the snapshot. */
  graphChanged(): void {
    if (this.graphPending || this.closed) return;
    // Coalesced: creating a node with a dozen endpoints sends one snapshot, not a dozen.
    this.graphPending = true;
    queueMicrotask(() => {
      this.graphPending = false;
      if (!this.closed) this.publishGraph();
    });
  }

  /** @internal */
  nodeDestroyed(node: Node): void {
    this.nodes.delete(node);
    this.graphChanged();
  }

  /**
   * What the RTPS layer takes for an endpoint of this spec; the type hash is computed once, and
   * only for a distribution that announces it. Empty USER_DATA is left out, as Cyclone leaves out
   * every default QoS (a Humble publisher announces none).
   */
  private endpointOptions(spec: EndpointSpec) {
    this.assertOpen();
    const { qos, history } = toRtpsQos(spec.qos);
    const typeHash = !this.wire.typeHashInUserData
      ? undefined
      : spec.typeHash === undefined
        ? typeHashOf(spec.rosType)
        : (spec.typeHash ?? undefined);
    const userData = encodeEndpointUserData({
      ...(typeHash !== undefined ? { typeHash } : {}),
      ...(spec.clientId ? { clientId: spec.clientId } : {}),
      ...(spec.serviceId ? { serviceId: spec.serviceId } : {}),
    });
    const options = {
      topicName: spec.ddsTopic,
      typeName: rosTypeToDds(spec.rosType),
      qos,
      ...(userData.length > 0 ? { userData } : {}),
    };
    return { options, history, typeHash };
  }

  /** Our own endpoints in the graph, as a peer would see them (type hash included). */
  private addLocal(
    guid: Guid,
    kind: 'writer' | 'reader',
    spec: EndpointSpec,
    typeName: string,
    typeHash: string | undefined,
  ): void {
    const e: GraphEndpoint = {
      guid,
      kind,
      topicName: spec.ddsTopic,
      typeName,
      reliable: spec.qos.reliability !== 'BEST_EFFORT',
      durability: spec.qos.durability === 'TRANSIENT_LOCAL' ? 'TRANSIENT_LOCAL' : 'VOLATILE',
      ...(typeHash !== undefined ? { typeHash } : {}),
    };
    this.graph.addEndpoint(e);
  }

  private publishGraph(): void {
    const nodes: NodeEntities[] = [...this.nodes].map((n) => n.entities());
    const info = { gid: this.gid, nodes };
    this.graph.updateParticipantEntities(info);
    this.graphWriter.write(encodeParticipantEntities(info, this.wire.gidSize));
  }

  private onGraphSample(s: DeliveredSample): void {
    // Our own snapshot comes back through the local match; the graph has it already.
    if (prefixKey(s.writer.prefix) === prefixKey(this.participant.guidPrefix) || !s.payload) return;
    try {
      const info = decodeParticipantEntities(s.payload);
      this.graph.updateParticipantEntities(info);
    } catch {
      this.malformedGraphSamples++;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DestroyedError('the context');
  }
}
