/**
 * One rosbridge v2 client: the protocol's operations as rosbridge_suite 2.x on ROS 2 serves them
 * (rosbridge_library/capabilities/*.py), over a ClientChannel that only sends frames. Nothing a
 * client sends closes the connection: bad JSON, an unknown op, a wrong field or a failed call is
 * answered with a `status` op at level error (and, for a call, a `service_response` with
 * `result: false`), as rosbridge's protocol.py does.
 *
 * Operations: subscribe/unsubscribe (throttle_rate, queue_length, fragment_size, compression
 * none|cbor|cbor-raw), advertise/unadvertise/publish, call_service (args, id, timeout in seconds),
 * advertise_service/unadvertise_service/service_response (the client as a server),
 * send_action_goal/cancel_action_goal (action-goals.ts), advertise_action/unadvertise_action/
 * action_feedback/action_result (the client as an action server, advertised-actions.ts),
 * fragment, set_level; `rosapi/*` calls are answered by Rosapi.
 */
import { encode as cborEncode } from 'cbor-x';
import { defaultCodecs, type Node, QOS_PROFILES, type Service } from '../../index.js';
import type { ActionHub } from '../action-hub.js';
import { BridgeInputError } from '../errors.js';
import { fromJsonMessage, type JsonValue, toJsonValue } from '../json-message.js';
import type { Message } from '../send-queue.js';
import type { ServiceHub } from '../service-hub.js';
import type { TopicHub, TopicSample } from '../topic-hub.js';
import { normalizeTypeName } from '../type-names.js';
import { ActionGoals } from './action-goals.js';
import { AdvertisedActions } from './advertised-actions.js';
import { Defragmenter, fragmentText, parseFragment } from './fragments.js';
import { type Rosapi, rosapiOperation } from './rosapi.js';

/** Where a session's frames go (the client's bounded send queue). */
export interface ClientChannel {
  /** A frame, or the frames of one message in pieces (kept or dropped together). */
  send(frame: Message, stream?: string): void;
  setStreamDepth(stream: string, depth: number): void;
  dropStream(stream: string): void;
}

export interface RosbridgeContext {
  readonly node: Node;
  readonly topics: TopicHub;
  readonly services: ServiceHub;
  readonly actions: ActionHub;
  readonly rosapi: Rosapi;
  /** rosbridge's default_call_service_timeout, in seconds (0: none). */
  readonly defaultCallTimeoutS: number;
  /** Bytes of incoming fragments a client may have pending. */
  readonly maxFragmentBytes: number;
}

type Level = 'error' | 'warning' | 'info' | 'none';
const LEVELS: Record<Level, number> = { none: 0, error: 1, warning: 2, info: 3 };
type Compression = 'none' | 'cbor' | 'cbor-raw';

interface SubscriberParams {
  readonly throttleRate: number;
  readonly queueLength: number;
  readonly fragmentSize: number | undefined;
  readonly compression: Compression;
}

interface TopicSubscription {
  readonly params: Map<string, SubscriberParams>;
  stop: () => void;
  lastSentMs: number;
  /** The latest sample held back by throttle_rate, and the timer that will send it. */
  held: TopicSample | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Advertisement {
  readonly type: string;
  readonly ids: Set<string>;
  readonly release: () => void;
  readonly publish: (msg: unknown) => void;
}

type Msg = Record<string, unknown>;

const streamOf = (topic: string) => `topic:${topic}`;
/** The longest delay setTimeout takes (2^31-1 ms, ~24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RosbridgeSession {
  private level: Level = 'error';
  private readonly subscriptions = new Map<string, TopicSubscription>();
  private readonly advertisements = new Map<string, Advertisement>();
  private readonly servers = new Map<string, Service<string>>();
  private readonly pendingRequests = new Map<
    string,
    { service: string; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly defragmenter: Defragmenter;
  private readonly actionGoals: ActionGoals;
  private readonly actionServers: AdvertisedActions;
  private nextRequestId = 0;
  private nextFragmentId = 0;
  private closed = false;

  constructor(
    private readonly ctx: RosbridgeContext,
    private readonly channel: ClientChannel,
  ) {
    this.defragmenter = new Defragmenter(ctx.maxFragmentBytes);
    this.actionGoals = new ActionGoals({
      node: ctx.node,
      actions: ctx.actions,
      timeoutMs: ctx.defaultCallTimeoutS * 1000,
      send: (frame) => this.channel.send(JSON.stringify(frame)),
      error: (id, message) => this.status('error', id, message),
    });
    this.actionServers = new AdvertisedActions({
      node: ctx.node,
      send: (frame) => this.channel.send(JSON.stringify(frame)),
      warn: (message) => this.status('warning', undefined, message),
    });
  }

  /** A text frame: one JSON op. */
  handleText(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (error) {
      this.status('error', undefined, `Unable to deserialize message: ${(error as Error).message}`);
      return;
    }
    this.handle(msg);
  }

  /** A binary frame: one CBOR-encoded op (rosbridge clients that send CBOR). */
  handleBinary(_bytes: Uint8Array, decode: (b: Uint8Array) => unknown): void {
    let msg: unknown;
    try {
      msg = decode(_bytes);
    } catch (error) {
      this.status('error', undefined, `Unable to deserialize binary message: ${(error as Error).message}`);
      return;
    }
    this.handle(msg);
  }

  handle(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.status('error', undefined, 'Received a message that is not a JSON object');
      return;
    }
    const m = msg as Msg;
    const id = typeof m['id'] === 'string' || typeof m['id'] === 'number' ? String(m['id']) : undefined;
    const op = m['op'];
    try {
      if (typeof op !== 'string') throw new BridgeInputError("Received a message without an 'op' field");
      this.dispatch(op, m, id);
    } catch (error) {
      this.failed(op, id, error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions.values()) this.stopSubscription(s);
    this.subscriptions.clear();
    for (const a of this.advertisements.values()) a.release();
    this.advertisements.clear();
    for (const s of this.servers.values()) s.destroy();
    this.servers.clear();
    for (const p of this.pendingRequests.values()) p.reject(new Error('the web client providing it left'));
    this.pendingRequests.clear();
    this.actionGoals.close();
    this.actionServers.close();
  }

  private dispatch(op: string, m: Msg, id: string | undefined): void {
    switch (op) {
      case 'subscribe':
        this.subscribe(m, id);
        return;
      case 'unsubscribe':
        this.unsubscribe(m, id);
        return;
      case 'advertise':
        this.advertise(m, id);
        return;
      case 'unadvertise':
        this.unadvertise(m, id);
        return;
      case 'publish':
        this.publish(m);
        return;
      case 'call_service':
        this.callService(m, id);
        return;
      case 'advertise_service':
        this.advertiseService(m);
        return;
      case 'unadvertise_service':
        this.unadvertiseService(m);
        return;
      case 'service_response':
        this.serviceResponse(m, id);
        return;
      case 'send_action_goal':
        this.actionGoals.send(m, id);
        return;
      case 'cancel_action_goal':
        this.actionGoals.cancel(m, id);
        return;
      case 'advertise_action':
        this.actionServers.advertise(m);
        return;
      case 'unadvertise_action':
        this.actionServers.unadvertise(m);
        return;
      case 'action_feedback':
        this.actionServers.feedback(m);
        return;
      case 'action_result':
        this.actionServers.result(m);
        return;
      case 'fragment': {
        const text = this.defragmenter.add(parseFragment(m));
        if (text !== undefined) this.handleText(text);
        return;
      }
      case 'set_level': {
        const level = m['level'];
        if (typeof level !== 'string' || !(level in LEVELS))
          throw new BridgeInputError(`set_level: level must be one of ${Object.keys(LEVELS).join(', ')}`);
        this.level = level as Level;
        return;
      }
      case 'auth':
        // Authentication is the server's (a token on connection); rosbridge without its
        // authentication option ignores auth ops too.
        return;
      default:
        throw new BridgeInputError(`Unknown operation: ${op}`);
    }
  }

  // --- topics -----------------------------------------------------------------------------

  private subscribe(m: Msg, id: string | undefined): void {
    const topic = topicName(m, 'subscribe');
    const type = optionalString(m, 'type');
    const params: SubscriberParams = {
      // Held to setTimeout's limit: a longer throttle would fire at once, i.e. not throttle.
      throttleRate: Math.min(optionalInt(m, 'throttle_rate') ?? 0, MAX_TIMER_MS),
      queueLength: optionalInt(m, 'queue_length') ?? 0,
      fragmentSize: fragmentSizeOf(m),
      compression: compressionOf(m),
    };
    let sub = this.subscriptions.get(topic);
    if (!sub) {
      const s: TopicSubscription = {
        params: new Map(),
        stop: () => {},
        lastSentMs: 0,
        held: undefined,
        timer: undefined,
      };
      s.stop = this.ctx.topics.listen(
        topic,
        type === undefined ? undefined : normalizeTypeName(type, 'msg'),
        (sample) => this.onSample(topic, s, sample),
      );
      sub = s;
      this.subscriptions.set(topic, sub);
    }
    sub.params.set(id ?? '', params);
    this.channel.setStreamDepth(streamOf(topic), Math.max(1, merged(sub).queueLength));
    this.status('info', id, `Subscribed to ${topic}`);
  }

  private unsubscribe(m: Msg, id: string | undefined): void {
    const topic = topicName(m, 'unsubscribe');
    const sub = this.subscriptions.get(topic);
    if (!sub) return;
    if (id === undefined) sub.params.clear();
    else sub.params.delete(id);
    if (sub.params.size > 0) {
      this.channel.setStreamDepth(streamOf(topic), Math.max(1, merged(sub).queueLength));
      return;
    }
    this.stopSubscription(sub);
    this.subscriptions.delete(topic);
    this.channel.dropStream(streamOf(topic));
    this.status('info', id, `Unsubscribed from ${topic}`);
  }

  private stopSubscription(sub: TopicSubscription): void {
    sub.stop();
    if (sub.timer) clearTimeout(sub.timer);
    sub.timer = undefined;
    sub.held = undefined;
  }

  private onSample(topic: string, sub: TopicSubscription, sample: TopicSample): void {
    const p = merged(sub);
    if (p.throttleRate <= 0) {
      this.sendSample(topic, p, sample);
      return;
    }
    // throttle_rate: at most one message per period; the newest waits for the period's end.
    const now = Date.now();
    const wait = sub.lastSentMs + p.throttleRate - now;
    if (wait <= 0 && sub.timer === undefined) {
      sub.lastSentMs = now;
      this.sendSample(topic, p, sample);
      return;
    }
    sub.held = sample;
    sub.timer ??= setTimeout(
      () => {
        sub.timer = undefined;
        const held = sub.held;
        sub.held = undefined;
        if (!held || this.subscriptions.get(topic) !== sub) return;
        sub.lastSentMs = Date.now();
        this.sendSample(topic, merged(sub), held);
      },
      Math.max(0, wait),
    );
  }

  private sendSample(topic: string, p: SubscriberParams, sample: TopicSample): void {
    const stream = streamOf(topic);
    try {
      if (p.compression === 'cbor-raw') {
        const ms = Number(sample.receivedNs / 1_000_000n);
        const msg = { secs: Math.floor(ms / 1000), nsecs: (ms % 1000) * 1_000_000, bytes: sample.bytes };
        this.channel.send(cborEncode({ op: 'publish', topic, msg }), stream);
        return;
      }
      if (p.compression === 'cbor') {
        const msg = toJsonValue(sample.decoded(), 'bytes');
        this.channel.send(cborEncode({ op: 'publish', topic, msg }), stream);
        return;
      }
      const text = JSON.stringify({ op: 'publish', topic, msg: toJsonValue(sample.decoded()) });
      if (p.fragmentSize !== undefined && text.length > p.fragmentSize) {
        this.sendFragments(topic, text, p.fragmentSize);
        return;
      }
      this.channel.send(text, stream);
    } catch (error) {
      this.status('error', undefined, `${topic}: cannot convert a message: ${(error as Error).message}`);
    }
  }

  private sendFragments(topic: string, text: string, size: number): void {
    const fid = `publish:${topic}:${this.nextFragmentId++}`;
    let pieces: ReturnType<typeof fragmentText>;
    try {
      pieces = fragmentText(fid, text, size);
    } catch (error) {
      this.status('error', undefined, `${topic}: ${(error as Error).message}`);
      return;
    }
    // One message: a client that is behind gets all of its pieces or none, never some.
    this.channel.send(
      pieces.map((f) => JSON.stringify({ op: 'fragment', ...f })),
      streamOf(topic),
    );
  }

  private advertise(m: Msg, id: string | undefined): void {
    const topic = topicName(m, 'advertise');
    const typeText = optionalString(m, 'type');
    if (typeText === undefined) throw new BridgeInputError('advertise: type is required');
    const type = normalizeTypeName(typeText, 'msg');
    const existing = this.advertisements.get(topic);
    if (existing) {
      if (existing.type !== type)
        throw new BridgeInputError(
          `advertise: ${topic} is already advertised as ${existing.type}, not ${type}`,
        );
      existing.ids.add(id ?? '');
      return;
    }
    const latch = m['latch'] === true;
    const depth = optionalInt(m, 'queue_size') ?? 100;
    this.advertisements.set(topic, this.makeAdvertisement(topic, type, latch, Math.max(1, depth), id));
  }

  private makeAdvertisement(
    topic: string,
    type: string,
    latch: boolean,
    depth: number,
    id: string | undefined,
  ): Advertisement {
    const registry = defaultCodecs().registry;
    registry.get(type); // an unknown type fails here, before any endpoint is made
    const qos = {
      ...QOS_PROFILES.default,
      depth,
      durability: latch ? 'TRANSIENT_LOCAL' : 'VOLATILE',
    } as const;
    const { publisher, release } = this.ctx.topics.acquirePublisher(topic, type, qos);
    return {
      type,
      ids: new Set([id ?? '']),
      release,
      publish: (msg) => publisher.publish(fromJsonMessage(registry, type, msg) as never),
    };
  }

  private unadvertise(m: Msg, id: string | undefined): void {
    const topic = topicName(m, 'unadvertise');
    const a = this.advertisements.get(topic);
    if (!a) return;
    if (id === undefined) a.ids.clear();
    else a.ids.delete(id);
    if (a.ids.size > 0) return;
    a.release();
    this.advertisements.delete(topic);
  }

  private publish(m: Msg): void {
    const topic = topicName(m, 'publish');
    let a = this.advertisements.get(topic);
    if (!a) {
      // rosbridge publishes to a topic nobody advertised by taking its type from the graph.
      const type = this.ctx.topics.topicType(topic);
      if (type === undefined)
        throw new BridgeInputError(`publish: ${topic} is not advertised and its type is not in the graph`);
      a = this.makeAdvertisement(topic, type, false, 100, undefined);
      this.advertisements.set(topic, a);
    }
    a.publish(m['msg'] ?? {});
  }

  // --- services ---------------------------------------------------------------------------

  private callService(m: Msg, id: string | undefined): void {
    const service = optionalString(m, 'service');
    if (service === undefined) throw new BridgeInputError('call_service: service is required');
    const args = m['args'] ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      // rosbridge accepts args as a list of field values; JSON objects are what clients send.
      throw new BridgeInputError('call_service: args must be an object');
    }
    const timeoutS = typeof m['timeout'] === 'number' ? m['timeout'] : this.ctx.defaultCallTimeoutS;
    const reply = (result: boolean, values: JsonValue) => {
      if (this.closed) return;
      const out: Msg = { op: 'service_response', service, values, result };
      if (id !== undefined) out['id'] = id;
      this.channel.send(JSON.stringify(out));
    };
    const fail = (error: unknown) => {
      const e = error as Error;
      this.status('error', id, `call_service ${e.name ?? 'Error'}: ${e.message}`);
      reply(false, e.message);
    };
    const op = rosapiOperation(service);
    if (op !== undefined) {
      Promise.resolve()
        .then(() => this.ctx.rosapi.call(op, args as Msg))
        .then((values) => reply(true, values), fail);
      return;
    }
    const name = absolute(service);
    const typeText = optionalString(m, 'type');
    let type: string | undefined;
    let request: unknown;
    try {
      type =
        typeText === undefined ? this.ctx.services.serviceType(name) : normalizeTypeName(typeText, 'srv');
      request =
        type === undefined ? args : fromJsonMessage(defaultCodecs().registry, `${type}_Request`, args);
    } catch (error) {
      fail(error);
      return;
    }
    this.ctx.services
      .call(name, type, request, timeoutS * 1000)
      .then((response) => reply(true, toJsonValue(response)), fail);
  }

  private advertiseService(m: Msg): void {
    const service = optionalString(m, 'service');
    const typeText = optionalString(m, 'type');
    if (service === undefined || typeText === undefined)
      throw new BridgeInputError('advertise_service: service and type are required');
    const name = absolute(service);
    const type = normalizeTypeName(typeText, 'srv');
    const registry = defaultCodecs().registry;
    registry.get(`${type}_Response`);
    this.servers.get(name)?.destroy();
    const server = this.ctx.node.createService(type, name, (request) => {
      const requestId = `service_request:${name}:${this.nextRequestId++}`;
      return new Promise((resolve, reject) => {
        this.pendingRequests.set(requestId, {
          service: name,
          resolve: (values) => {
            try {
              resolve(fromJsonMessage(registry, `${type}_Response`, values) as never);
            } catch (error) {
              reject(error);
            }
          },
          reject,
        });
        this.channel.send(
          JSON.stringify({ op: 'call_service', id: requestId, service: name, args: toJsonValue(request) }),
        );
      });
    });
    this.servers.set(name, server);
  }

  private unadvertiseService(m: Msg): void {
    const service = optionalString(m, 'service');
    if (service === undefined) throw new BridgeInputError('unadvertise_service: service is required');
    const name = absolute(service);
    this.servers.get(name)?.destroy();
    this.servers.delete(name);
    for (const [rid, p] of this.pendingRequests) {
      if (p.service !== name) continue;
      p.reject(new Error(`${name} was unadvertised`));
      this.pendingRequests.delete(rid);
    }
  }

  private serviceResponse(m: Msg, id: string | undefined): void {
    const p = id === undefined ? undefined : this.pendingRequests.get(id);
    if (!p || id === undefined) throw new BridgeInputError(`service_response: no request with id ${id}`);
    this.pendingRequests.delete(id);
    // result false: the client's handler failed; as in ROS 2, the caller then gets no response.
    if (m['result'] === false) p.reject(new Error(`the web client failed the request ${id}`));
    else p.resolve(m['values'] ?? {});
  }

  // --- statuses ---------------------------------------------------------------------------

  private failed(op: unknown, id: string | undefined, error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    const what = typeof op === 'string' ? `${op}: ` : '';
    this.status('error', id, e instanceof BridgeInputError ? e.message : `${what}${e.name}: ${e.message}`);
  }

  private status(level: Exclude<Level, 'none'>, id: string | undefined, msg: string): void {
    if (this.closed || LEVELS[level] > LEVELS[this.level]) return;
    const out: Msg = { op: 'status', level, msg };
    if (id !== undefined) out['id'] = id;
    this.channel.send(JSON.stringify(out));
  }
}

/** What several subscriptions of one client to one topic share: the least throttling, ... */
function merged(sub: TopicSubscription): SubscriberParams {
  let throttleRate = Number.POSITIVE_INFINITY;
  let queueLength = Number.POSITIVE_INFINITY;
  let fragmentSize: number | undefined;
  let compression: Compression = 'none';
  for (const p of sub.params.values()) {
    throttleRate = Math.min(throttleRate, p.throttleRate);
    queueLength = Math.min(queueLength, p.queueLength);
    if (p.fragmentSize !== undefined) fragmentSize = Math.min(fragmentSize ?? p.fragmentSize, p.fragmentSize);
    if (p.compression === 'cbor-raw' || (p.compression === 'cbor' && compression === 'none'))
      compression = p.compression;
  }
  return {
    throttleRate: Number.isFinite(throttleRate) ? throttleRate : 0,
    queueLength: Number.isFinite(queueLength) ? queueLength : 0,
    fragmentSize,
    compression,
  };
}

function absolute(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

function topicName(m: Msg, op: string): string {
  const topic = m['topic'];
  if (typeof topic !== 'string' || topic === '')
    throw new BridgeInputError(`${op}: topic must be a non-empty string`);
  return absolute(topic);
}

function optionalString(m: Msg, key: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BridgeInputError(`${String(m['op'])}: ${key} must be a string`);
  return v;
}

function optionalInt(m: Msg, key: string): number | undefined {
  const v = m[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new BridgeInputError(`${String(m['op'])}: ${key} must be a non-negative number`);
  return Math.floor(v);
}

/**
 * fragment_size, at least 1. rosbridge_suite 2.x takes any int here and then, for every message
 * longer than it, divides by it (protocol.py send, capabilities/fragmentation.py fragment:
 * `math.ceil(message_length / float(fragment_size))`): 0 raises ZeroDivisionError, which
 * subscribers.py logs on the server while the client gets nothing, and a negative size makes an
 * empty `range` of pieces, so again nothing is sent. Neither delivers a message; refusing the
 * subscribe with an error status tells the client why instead of leaving it with a silent topic.
 */
function fragmentSizeOf(m: Msg): number | undefined {
  const size = optionalInt(m, 'fragment_size');
  if (size !== undefined && size < 1)
    throw new BridgeInputError(`${String(m['op'])}: fragment_size must be at least 1`);
  return size;
}

function compressionOf(m: Msg): Compression {
  const c = optionalString(m, 'compression') ?? 'none';
  if (c === 'none' || c === 'cbor' || c === 'cbor-raw') return c;
  if (c === 'png')
    throw new BridgeInputError("subscribe: compression 'png' is not supported; use cbor or cbor-raw");
  throw new BridgeInputError(`subscribe: unknown compression '${c}'`);
}
