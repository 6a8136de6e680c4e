/**
 * A ROS 2 node: a name in a namespace, and the publishers, subscriptions, services, clients and
 * timers made through it, all on its context's participant. The node appears in the ROS graph
 * (`ros2 node list`, `ros2 node info`) through the context's `ros_discovery_info` snapshot, and logs
 * to the console and to `/rosout`.
 */
import {
  getCodec,
  InterfaceNotFoundError,
  type Message,
  type MessageInput,
  typeHashOf,
} from '../cdr/index.js';
import { actionNamesAndTypes } from '../rmw/graph/action-graph.js';
import type { GraphNode, NameAndTypes } from '../rmw/graph/graph-cache.js';
import type { NodeEntities } from '../rmw/graph/participant-entities.js';
import {
  ddsToRos,
  expandTopicName,
  normalizeNodeNamespace,
  serviceToDds,
  type TopicNameKind,
  topicToDds,
  validateNodeName,
} from '../rmw/names.js';
import { describeQos, QOS_PROFILES, type RosQos } from '../rmw/qos-profiles.js';
import { ddsTypeToRos, parseMessageType, rosTypeToDds, serviceMessageTypes } from '../rmw/type-names.js';
import type { IncompatibleQosStatus, IncompatibleTypeStatus } from '../rtps/participant/endpoint-status.js';
import type { IncompatibleQosEvent } from '../rtps/participant/participant.js';
import { type Guid, guidKey } from '../rtps/wire/types.js';
import { logLevelFor } from './arguments/log-levels.js';
import { overridesForNode } from './arguments/params-file.js';
import { assertNoUnknownRosArguments, parseRosArguments, type RosArguments } from './arguments/parse.js';
import { type RemapSources, remapNamespace, remapNodeName, remapTopicName } from './arguments/remap.js';
import { Client, type ClientHost } from './client.js';
import { DestroyedError } from './errors.js';
import { consoleSink, Logger, LogLevel, type LogLevelName, type LogSink, nodeLoggerName } from './logger.js';
import type { NodeHost } from './node-host.js';
import {
  declareUseSimTime,
  type ParameterDescriptorInput,
  ParameterStore,
  type ParameterValueInput,
  startParameterServices,
} from './parameters/index.js';
import { Publisher } from './publisher.js';
import { type QosInput, resolveQos } from './qos.js';
import {
  type EventHooks,
  type PublisherEventCallbacks,
  readerListeners,
  type SubscriptionEventCallbacks,
  writerListeners,
} from './qos-events.js';
import { Service, type ServiceHandler } from './service.js';
import { type MessageCallback, Subscription } from './subscription.js';
import { Timer } from './timer.js';
import { type WaitForMessageOptions, waitForMessage } from './wait-for-message.js';

export interface NodeOptions {
  /** Default `/`. */
  readonly namespace?: string;
  /**
   * This node's own ROS arguments, as rclcpp's NodeOptions.arguments: only what follows
   * `--ros-args` counts (`['--ros-args', '-r', '__node:=camera', '-p', 'fps:=30']`). Its remap rules
   * are tried before the context's, its parameter overrides win over the context's. A ROS argument
   * rcl refuses throws RosArgumentsError, an unknown one UnknownRosArgumentsError.
   */
  readonly arguments?: readonly string[];
  /** Apply the context's (command-line) remap rules and parameter overrides too (default true). */
  readonly useGlobalArguments?: boolean;
  /** Publish log records on `/rosout` (default true, as rclcpp). */
  readonly enableRosout?: boolean;
  /** Minimum severity logged; default INFO. `--log-level` on the command line wins over it. */
  readonly logLevel?: LogLevelName;
  /** Where console log lines go; default rcutils's console format on stderr. */
  readonly logSink?: LogSink;
  /**
   * Values that replace the defaults of parameters when they are declared; they win over the
   * `--params-file` and `-p` values of the command line and of `arguments` (as in rclcpp).
   */
  readonly parameterOverrides?: Record<string, ParameterValueInput>;
  /** Let `setParameters` create parameters that were never declared (rclcpp's option). */
  readonly allowUndeclaredParameters?: boolean;
  readonly automaticallyDeclareParametersFromOverrides?: boolean;
  /** The six parameter services `ros2 param` uses (default true, as rclcpp). */
  readonly startParameterServices?: boolean;
  /** Events on `/parameter_events` for every change (default true). */
  readonly startParameterEventPublisher?: boolean;
}

/** Options of createSubscription / subscribe. */
export interface SubscriptionOptions {
  /**
   * Deliver each message as it came, serialized: CDR with its 4-byte encapsulation header, not
   * decoded (for bridges, recorders, relays). The `Uint8Array` is a view of the received datagram
   * (or of the reassembled fragments), which ros2ts never reuses: it stays valid after the
   * callback, with no copy made; copy it only to modify it.
   */
  readonly raw?: boolean;
  /** Raw only: the RIHS01 type hash to announce (see PublisherOptions.typeHash). */
  readonly typeHash?: string;
  /**
   * QoS event callbacks (rclcpp's SubscriptionOptions.event_callbacks): missed deadlines, the
   * liveliness of matched publishers, incompatible publishers, matches. See qos-events.ts.
   */
  readonly events?: SubscriptionEventCallbacks;
}

/** A raw subscription's options. */
export interface RawSubscriptionOptions extends SubscriptionOptions {
  readonly raw: true;
}

/** Options of createPublisher. */
export interface PublisherOptions {
  /**
   * A publisher for serialized messages (`publishSerialized`), whose type may be one the interface
   * registry does not know (a name known only at run time, e.g. from the graph or a bag). Without
   * it an unknown type is refused at once, as a typo should be.
   */
  readonly raw?: boolean;
  /**
   * Raw only: the RIHS01 type hash to announce. Default: the interface registry's; for a type the
   * registry does not know, the hash a publisher or subscription on the topic already announces,
   * else none.
   */
  readonly typeHash?: string;
  /**
   * QoS event callbacks (rclcpp's PublisherOptions.event_callbacks): missed deadlines, lost
   * liveliness, incompatible subscriptions, matches. See qos-events.ts.
   */
  readonly events?: PublisherEventCallbacks;
}

type Destroyable = { destroy(): void };

export class Node {
  readonly name: string;
  readonly namespace: string;
  readonly logger: Logger;
  /** Declared parameters: `node.parameters.declare('speed', 1.5)`, `get`, `set`, `onSetParameters`... */
  readonly parameters: ParameterStore;
  private readonly readers = new Map<string, Guid>();
  private readonly writers = new Map<string, Guid>();
  /** The profile each endpoint was made with, to name it when a peer's QoS does not match. */
  private readonly profiles = new Map<string, RosQos>();
  /** Publishers and subscriptions: they hear of incompatible peers through their own events. */
  private readonly ownEvents = new Set<string>();
  private readonly owned = new Set<Destroyable>();
  private readonly timers = new Set<Timer>();
  private readonly cleanups: (() => void)[] = [];
  private destroyed = false;
  /** The remap rules this node applies: its own arguments', then the context's. */
  private readonly remapSources: RemapSources;
  /** @internal The context's time, deadlines and news, as the node's waits and services use them. */
  readonly host: ClientHost;

  /** @internal Use Context.createNode. */
  constructor(
    private readonly context: NodeHost<Node>,
    name: string,
    options: NodeOptions = {},
  ) {
    validateNodeName(name);
    const local = options.arguments ? nodeArguments(options.arguments) : undefined;
    const global = options.useGlobalArguments === false ? undefined : context.rosArguments;
    this.remapSources = {
      ...(local ? { local: local.remapRules } : {}),
      ...(global ? { global: global.remapRules } : {}),
    };
    this.host = {
      clock: context.clock,
      deadlines: context.deadlines,
      watch: (notify) => context.watch(notify),
      graphVersion: () => context.graph.version,
    };
    // rcl_node_init: the name is remapped first, then the namespace (a `node:` prefix sees the new name).
    const givenNamespace = normalizeNodeNamespace(options.namespace ?? '/');
    this.name = remapNodeName(this.remapSources, name);
    validateNodeName(this.name);
    const remappedNamespace = remapNamespace(this.remapSources, this.name);
    this.namespace =
      remappedNamespace === undefined ? givenNamespace : normalizeNodeNamespace(remappedNamespace);
    // Logging is the process's (rcl_logging_configure reads the context's arguments only).
    const logging = context.rosArguments;
    const sinks: LogSink[] = logging.stdoutLogsDisabled ? [] : [options.logSink ?? consoleSink()];
    const loggerName = nodeLoggerName(this.namespace, this.name);
    this.logger = new Logger(
      loggerName,
      sinks,
      logLevelFor(logging.logLevels, loggerName) ?? LogLevel[options.logLevel ?? 'INFO'],
    );
    if (options.enableRosout !== false && !logging.rosoutLogsDisabled) {
      const rosout = this.createPublisher('rcl_interfaces/msg/Log', '/rosout', QOS_PROFILES.rosout);
      sinks.push((r) => {
        if (this.destroyed) return;
        rosout.publish({
          stamp: { sec: Number(r.timeNs / 1_000_000_000n), nanosec: Number(r.timeNs % 1_000_000_000n) },
          level: r.level,
          name: r.name,
          msg: r.message,
          file: '',
          function: '',
          line: 0,
        });
      });
    }
    this.cleanups.push(context.onIncompatibleQos((e) => this.onIncompatibleQos(e)));
    // rclcpp's order: services and event publisher, then overrides, then use_sim_time.
    // rclcpp's resolve_parameter_overrides: global arguments, then the node's, then the options'.
    const fromArguments = overridesForNode(
      [global?.parameterOverrides, local?.parameterOverrides].filter((s) => s !== undefined),
      this.fullyQualifiedName,
    );
    this.parameters = new ParameterStore({
      allowUndeclared: options.allowUndeclaredParameters ?? false,
      overrides: [...fromArguments, ...Object.entries(options.parameterOverrides ?? {})],
      onListenerError: (e) =>
        this.logger.error(`parameter listener threw: ${(e as Error)?.stack ?? String(e)}`),
    });
    const parameterServices = startParameterServices(this, this.parameters, {
      services: options.startParameterServices !== false,
      events: options.startParameterEventPublisher !== false,
    });
    this.cleanups.push(() => parameterServices.destroy());
    if (options.automaticallyDeclareParametersFromOverrides) this.parameters.declareFromOverrides();
    declareUseSimTime(this.parameters);
  }

  /** Declares a parameter (see ParameterStore.declare) and returns its value. */
  declareParameter(name: string, defaultValue?: ParameterValueInput, descriptor?: ParameterDescriptorInput) {
    return this.parameters.declare(name, defaultValue, descriptor);
  }

  /** `/ns/name`. */
  get fullyQualifiedName(): string {
    return this.namespace === '/' ? `/${this.name}` : `${this.namespace}/${this.name}`;
  }

  /**
   * The fully qualified name a topic or service name resolves to for this node: expanded, then
   * remapped (rcl_node_resolve_name). An action name is only expanded: rcl_action remaps each of
   * its services and topics (`/fibonacci/_action/send_goal`...) when it creates them.
   */
  resolveName(name: string, kind: TopicNameKind = 'topic name'): string {
    const expanded = expandTopicName(name, this.name, this.namespace, kind);
    if (kind === 'action name') return expanded;
    const as = kind === 'service name' ? 'service' : 'topic';
    return remapTopicName(this.remapSources, expanded, this.name, this.namespace, as);
  }

  /**
   * A publisher of `type`. With `{ raw: true }` a type the interface registry does not know is
   * accepted (PublisherOptions.raw): such a publisher sends with `publishSerialized` only.
   */
  createPublisher<T extends string>(
    type: T,
    topic: string,
    qos?: QosInput,
    options: PublisherOptions = {},
  ): Publisher<T> {
    this.assertAlive();
    parseMessageType(type);
    const name = this.resolveName(topic);
    const q = resolveQos(qos, QOS_PROFILES.default);
    const ddsTopic = topicToDds(name, q);
    const typeHash = options.raw ? this.announcedTypeHash(type, ddsTopic, options.typeHash) : undefined;
    const codec = options.raw ? undefined : getCodec(type);
    const events = writerListeners(options.events ?? {}, this.eventHooks(name, type, 'writer', q));
    const writer = this.context.createWriter({ ddsTopic, rosType: type, qos: q, typeHash, events });
    const pub: Publisher<T> = new Publisher(name, type, q, codec, writer, this.host, (p) => {
      this.forget(p, writer.guid);
    });
    this.remember(pub, writer.guid, 'writer', q);
    this.ownEvents.add(guidKey(writer.guid));
    return pub;
  }

  /**
   * A subscription that calls `callback` with each message, in order. With `{ raw: true }` the
   * callback gets the serialized bytes instead (SubscriptionOptions.raw), and `type` may be one
   * the interface registry does not know, e.g. a name read from the graph at run time.
   */
  createSubscription<T extends string>(
    type: T,
    topic: string,
    callback: MessageCallback<Uint8Array>,
    qos: QosInput | undefined,
    options: RawSubscriptionOptions,
  ): Subscription<T, Uint8Array>;
  createSubscription<T extends string>(
    type: T,
    topic: string,
    callback: MessageCallback<Message<T>>,
    qos?: QosInput,
    options?: SubscriptionOptions & { readonly raw?: false },
  ): Subscription<T>;
  createSubscription<T extends string>(
    type: T,
    topic: string,
    callback: MessageCallback<Message<T>> | MessageCallback<Uint8Array>,
    qos?: QosInput,
    options: SubscriptionOptions = {},
  ): Subscription<T> | Subscription<T, Uint8Array> {
    return options.raw
      ? this.makeSubscription(type, topic, callback as MessageCallback<Uint8Array>, qos, options)
      : this.makeSubscription(type, topic, callback as MessageCallback<Message<T>>, qos, options);
  }

  /**
   * A subscription to read with `for await`: `for await (const pose of node.subscribe(...))`;
   * `{ raw: true }` yields serialized bytes as createSubscription's does.
   */
  subscribe<T extends string>(
    type: T,
    topic: string,
    qos: QosInput | undefined,
    options: RawSubscriptionOptions,
  ): Subscription<T, Uint8Array>;
  subscribe<T extends string>(
    type: T,
    topic: string,
    qos?: QosInput,
    options?: SubscriptionOptions & { readonly raw?: false },
  ): Subscription<T>;
  subscribe<T extends string>(
    type: T,
    topic: string,
    qos?: QosInput,
    options: SubscriptionOptions = {},
  ): Subscription<T> | Subscription<T, Uint8Array> {
    return options.raw
      ? this.makeSubscription<T, Uint8Array>(type, topic, undefined, qos, options)
      : this.makeSubscription<T, Message<T>>(type, topic, undefined, qos, options);
  }

  /**
   * The next message on `topic` (rclpy's `wait_for_message`), or undefined if none comes within
   * `timeout` ms or the node is destroyed first; see wait-for-message.ts.
   */
  waitForMessage<T extends string>(
    type: T,
    topic: string,
    options: WaitForMessageOptions = {},
  ): Promise<Message<T> | undefined> {
    this.assertAlive();
    return waitForMessage(this, type, topic, options);
  }

  createService<S extends string>(
    type: S,
    serviceName: string,
    handler: ServiceHandler<Message<`${S}_Request`>, MessageInput<`${S}_Response`>>,
    qos?: QosInput,
  ): Service<S> {
    this.assertAlive();
    const name = this.resolveName(serviceName, 'service name');
    const q = resolveQos(qos, QOS_PROFILES.servicesDefault);
    const types = serviceMessageTypes(type);
    const topics = serviceToDds(name, q);
    const requestCodec = getCodec(types.request);
    const responseCodec = getCodec(types.response);
    const serviceId = this.context.nextServiceEndpointId();
    const replyWriter = this.context.createWriter({
      ddsTopic: topics.reply,
      rosType: types.response,
      qos: q,
      serviceId,
    });
    const service: Service<S> = new Service(
      name,
      type,
      this.context.participant,
      requestCodec as never,
      responseCodec as never,
      replyWriter,
      handler,
      this.logger,
      this.host,
      (s) => {
        this.forget(s, replyWriter.guid, requestReader.guid);
      },
    );
    const requestReader = this.context.createReader(
      { ddsTopic: topics.request, rosType: types.request, qos: q, serviceId },
      service.onRequest,
    );
    service.attach(requestReader);
    this.remember(service, replyWriter.guid, 'writer', q);
    this.remember(service, requestReader.guid, 'reader', q);
    return service;
  }

  createClient<S extends string>(type: S, serviceName: string, qos?: QosInput): Client<S> {
    this.assertAlive();
    const name = this.resolveName(serviceName, 'service name');
    const q = resolveQos(qos, QOS_PROFILES.servicesDefault);
    const types = serviceMessageTypes(type);
    const topics = serviceToDds(name, q);
    const clientId = this.context.nextServiceEndpointId();
    const graph = this.context.graph;
    const client: Client<S> = new Client(
      name,
      type,
      this.context.participant,
      getCodec(types.request) as never,
      getCodec(types.response) as never,
      this.logger,
      this.host,
      (c) => {
        stopWatching();
        this.forget(c, requestWriter.guid, replyReader.guid);
      },
    );
    const requestWriter = this.context.createWriter({
      ddsTopic: topics.request,
      rosType: types.request,
      qos: q,
      clientId,
    });
    const replyReader = this.context.createReader(
      { ddsTopic: topics.reply, rosType: types.response, qos: q, clientId },
      client.onReply,
    );
    client.attach(requestWriter, replyReader);
    const stopWatching = graph.onChange(client.onGraphChange);
    this.remember(client, requestWriter.guid, 'writer', q);
    this.remember(client, replyReader.guid, 'reader', q);
    return client;
  }

  /** Calls `callback` every `periodMs`, first one period from now. */
  createTimer(periodMs: number, callback: (timer: Timer) => unknown): Timer {
    this.assertAlive();
    const timer = new Timer(
      periodMs,
      callback,
      (error) => this.logger.error(`timer callback threw: ${(error as Error)?.stack ?? String(error)}`),
      (t) => this.timers.delete(t),
      this.context.clock,
    );
    this.timers.add(timer);
    return timer;
  }

  // --- the graph ---

  /** Nodes in the graph (this process's included); hidden ones (`_name`) only when asked. */
  getNodeNames(options: { includeHidden?: boolean } = {}): GraphNode[] {
    return this.context.graph.nodeNames().filter((n) => options.includeHidden || !n.hidden);
  }

  getTopicNamesAndTypes(): NameAndTypes[] {
    return this.context.graph.topicNamesAndTypes();
  }

  getServiceNamesAndTypes(): NameAndTypes[] {
    return this.context.graph.serviceNamesAndTypes();
  }

  /**
   * Actions, as rcl_action finds them: every topic `<action>/_action/feedback`, its type with
   * `_FeedbackMessage` cut (`/fibonacci`, `example_interfaces/action/Fibonacci`).
   */
  getActionNamesAndTypes(): NameAndTypes[] {
    return actionNamesAndTypes(this.context.graph.topicNamesAndTypes());
  }

  /** The actions a node serves (from its feedback publishers); empty for a node not in the graph. */
  getActionServerNamesAndTypesByNode(nodeName: string, nodeNamespace: string): NameAndTypes[] {
    return actionNamesAndTypes(this.context.graph.nodeInfo(nodeNamespace, nodeName)?.publishers ?? []);
  }

  /** The actions a node is a client of (from its feedback subscriptions). */
  getActionClientNamesAndTypesByNode(nodeName: string, nodeNamespace: string): NameAndTypes[] {
    return actionNamesAndTypes(this.context.graph.nodeInfo(nodeNamespace, nodeName)?.subscribers ?? []);
  }

  countPublishers(topic: string): number {
    // rclcpp's count_publishers expands the name and does not remap it.
    return this.context.graph.countPublishers(expandTopicName(topic, this.name, this.namespace));
  }

  countSubscribers(topic: string): number {
    return this.context.graph.countSubscribers(expandTopicName(topic, this.name, this.namespace));
  }

  /** @internal This node's entry in the `ros_discovery_info` snapshot. */
  entities(): NodeEntities {
    return {
      namespace: this.namespace,
      name: this.name,
      readers: [...this.readers.values()],
      writers: [...this.writers.values()],
    };
  }

  /**
   * @internal Something built over this node's endpoints (an action server or client, src/actions)
   * that the node destroys with itself, before its endpoints; returns the function that lets go of it.
   */
  adopt(owner: Destroyable): () => void {
    this.assertAlive();
    this.owned.add(owner);
    return () => this.owned.delete(owner);
  }

  /** Destroys every endpoint and timer of the node and takes it out of the graph. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    for (const t of [...this.timers]) t.cancel();
    for (const o of [...this.owned]) o.destroy();
    this.destroyed = true;
    for (const c of this.cleanups) c();
    this.context.nodeDestroyed(this);
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  private makeSubscription<T extends string, M>(
    type: T,
    topic: string,
    callback: MessageCallback<M> | undefined,
    qos: QosInput | undefined,
    options: SubscriptionOptions,
  ): Subscription<T, M> {
    this.assertAlive();
    parseMessageType(type);
    const name = this.resolveName(topic);
    const q = resolveQos(qos, QOS_PROFILES.default);
    const ddsTopic = topicToDds(name, q);
    let decode: (payload: Uint8Array) => M;
    let typeHash: string | null | undefined;
    if (options.raw) {
      decode = (payload) => payload as M;
      typeHash = this.announcedTypeHash(type, ddsTopic, options.typeHash);
    } else {
      const codec = getCodec(type);
      decode = (payload) => codec.decode(payload) as M;
    }
    const sub: Subscription<T, M> = new Subscription(name, type, q, decode, this.logger, callback, (s) => {
      this.forget(s, reader.guid);
    });
    const events = readerListeners(options.events ?? {}, this.eventHooks(name, type, 'reader', q));
    const reader = this.context.createReader(
      { ddsTopic, rosType: type, qos: q, typeHash, events },
      sub.onSample,
    );
    sub.attach(reader);
    this.remember(sub, reader.guid, 'reader', q);
    this.ownEvents.add(guidKey(reader.guid));
    return sub;
  }

  /**
   * The type hash a raw endpoint announces: the one given, else the registry's when it knows the
   * type, else one a peer announces for the same type on the topic, else null (none, as Humble's
   * rmw sends).
   */
  private announcedTypeHash(type: string, ddsTopic: string, given: string | undefined): string | null {
    if (given !== undefined) return given;
    try {
      return typeHashOf(type);
    } catch (error) {
      if (!(error instanceof InterfaceNotFoundError)) throw error;
    }
    const ddsType = rosTypeToDds(type);
    for (const kind of ['writer', 'reader'] as const) {
      for (const e of this.context.graph.endpointsOn(ddsTopic, kind)) {
        if (e.typeName === ddsType && e.typeHash !== undefined) return e.typeHash;
      }
    }
    return null;
  }

  private remember(owner: Destroyable, guid: Guid, kind: 'reader' | 'writer', qos: RosQos): void {
    this.owned.add(owner);
    (kind === 'reader' ? this.readers : this.writers).set(guidKey(guid), guid);
    this.profiles.set(guidKey(guid), qos);
    this.context.graphChanged();
  }

  private forget(owner: Destroyable, ...guids: Guid[]): void {
    this.owned.delete(owner);
    for (const g of guids) {
      const key = guidKey(g);
      this.readers.delete(key);
      this.writers.delete(key);
      this.profiles.delete(key);
      this.ownEvents.delete(key);
      this.context.deleteEndpoint(g);
    }
    this.context.graphChanged();
  }

  /** What a publisher's or subscription's events do beyond the user's callbacks. */
  private eventHooks(topic: string, type: string, kind: 'writer' | 'reader', qos: RosQos): EventHooks {
    return {
      onError: (event, error) =>
        this.logger.error(
          `${event} callback of the ${kind === 'writer' ? 'publisher' : 'subscription'} of ${topic} threw: ${(error as Error)?.stack ?? String(error)}`,
        ),
      warnIncompatible: (s: IncompatibleQosStatus) =>
        this.warnIncompatible(kind === 'writer', topic, qos, {
          policy: s.lastPolicy,
          offered: s.offered,
          requested: s.requested,
        }),
      // rclcpp's default_incompatible_type_callback (publisher_base.cpp, subscription_base.cpp:
      // the same words for both), with the type found.
      warnIncompatibleType: (s: IncompatibleTypeStatus) =>
        this.logger.warn(
          `Incompatible type on topic '${topic}', no messages will be sent to it. ` +
            `(found ${peerTypeName(s.lastTypeName)}; ` +
            `this ${kind === 'writer' ? 'publisher' : 'subscription'}: ${type})`,
        ),
    };
  }

  /** Service and client endpoints: publishers and subscriptions hear of it through their events. */
  private onIncompatibleQos(e: IncompatibleQosEvent): void {
    const key = guidKey(e.local);
    const ours = this.profiles.get(key);
    if (!ours || this.ownEvents.has(key)) return;
    this.warnIncompatible(this.writers.has(key), ddsToRos(e.topicName)?.name ?? e.topicName, ours, e);
  }

  /**
   * rclcpp's incompatible-QoS warning (its default incompatible_qos_callback), naming our profile
   * and the peer's value of the policy at fault (the peer's whole profile is not on the wire: Fast
   * DDS never sends its history).
   */
  private warnIncompatible(
    weWrite: boolean,
    topic: string,
    ours: RosQos,
    e: { readonly policy: string; readonly offered: string; readonly requested: string },
  ): void {
    const theirs = weWrite ? 'subscription' : 'publisher';
    this.logger.warn(
      `New ${theirs} discovered on topic '${topic}', ${weWrite ? 'requesting' : 'offering'} incompatible QoS. ` +
        `No messages will be ${weWrite ? 'sent to' : 'received from'} it. Last incompatible policy: ${e.policy} ` +
        `(offered ${e.offered}, requested ${e.requested}; this ${weWrite ? 'publisher' : 'subscription'}: ${describeQos(ours)})`,
    );
  }

  private assertAlive(): void {
    if (this.destroyed) throw new DestroyedError(`node ${this.fullyQualifiedName}`);
    if (this.context.isShutdown) throw new DestroyedError('the context');
  }
}

/** A type name a peer announced, as a log line shows it: its ROS name, cut short, quoted unless plain. */
function peerTypeName(ddsType: string): string {
  const name = ddsTypeToRos(ddsType) ?? ddsType;
  const cut = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return /^[\w/:]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/** A node's own arguments, refused as rclcpp's NodeOptions refuses them. */
function nodeArguments(argv: readonly string[]): RosArguments {
  const args = parseRosArguments(argv);
  assertNoUnknownRosArguments(args);
  return args;
}
