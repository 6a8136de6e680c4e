/**
 * A node's service client: `waitForService` and `call` with a timeout and an AbortSignal, many
 * calls in flight, never hanging: a call rejects on timeout, on abort, when every server goes
 * away, or when the node is destroyed.
 *
 * A request is sent to each available server in that server's correlation format (directed
 * writes, one per format): inline related sample identity for Fast DDS and ros2ts servers, the
 * 16-byte payload header for Cyclone ones. The first response wins, as in rclcpp.
 *
 * A call costs one object and its promise: no timer (the context's deadline queue holds its
 * timeout), no closure, and replies are matched to calls by number (the request's sequence number
 * for Fast DDS-style servers, our counter echoed in the header for Cyclone ones), not by strings.
 */
import { randomBytes } from 'node:crypto';
import type { Message, MessageInput, TypeCodec } from '../cdr/index.js';
import { decodableBody, splitCycloneServicePayload, withCycloneHeader } from '../rmw/service-cyclone.js';
import { replySequenceFor, requestInlineQos } from '../rmw/service-fastdds.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { RtpsParticipant, RtpsReader, RtpsWriter } from '../rtps/participant/participant.js';
import type { Guid } from '../rtps/wire/types.js';
import { ByNumber } from './by-number.js';
import type { Expiring } from './deadlines.js';
import {
  AbortError,
  DestroyedError,
  ServiceCallTimeoutError,
  ServiceNotAvailableError,
  ServiceUnavailableError,
} from './errors.js';
import type { Logger } from './logger.js';
import { flavorOf } from './service-flavor.js';
import { type WaitHost, type WaitOptions, waitUntil } from './wait.js';

export interface CallOptions {
  /**
   * Milliseconds until the call rejects with ServiceCallTimeoutError; default 10 s. Infinity waits
   * as long as it takes (the call still rejects when the servers go away, on abort and on destroy).
   */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/** The graph-dependent part of a client: what it computes once per change of the graph. */
export interface ClientHost extends WaitHost {
  /** Goes up with every change of the graph (matches come and go with it). */
  graphVersion(): number;
}

/** Where requests go: the ready servers' request readers, by correlation format. */
interface Route {
  readonly fastdds: readonly Guid[];
  readonly cyclone: readonly Guid[];
  /** The graph version it was computed at; it holds until the graph changes. */
  readonly version: number;
}

const noop = () => {};
/** The abort listener's options, one object for every call. */
const ONCE = { once: true };

/** What a pending call needs of its client. */
interface CallOwner {
  readonly name: string;
  settle(call: PendingCall, error: Error | undefined, response?: unknown): void;
}

/** One call in flight: its promise's settle functions, its deadline, and the keys of its requests. */
class PendingCall implements Expiring {
  waiting = true;
  resolve: (response: unknown) => void = noop;
  reject: (error: Error) => void = noop;
  /** The request's sequence number on our writer (Fast DDS-style servers), or -1. */
  fastddsSn = -1;
  /** Our counter in the Cyclone header, or -1. */
  cycloneSeq = -1;

  constructor(
    readonly client: CallOwner,
    readonly deadline: number,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
  ) {}

  expire(): void {
    this.client.settle(this, new ServiceCallTimeoutError(this.client.name, this.timeout, true));
  }

  /** The signal's abort (an EventListener object: no closure per call). */
  handleEvent(): void {
    this.client.settle(this, new AbortError(`the call to ${this.client.name}`, this.signal?.reason));
  }
}

/** `new Promise(capture)` hands the settle functions to `capturing`, without a closure per call. */
let capturing: PendingCall | undefined;
function capture(resolve: (response: unknown) => void, reject: (error: Error) => void): void {
  capturing!.resolve = resolve;
  capturing!.reject = reject;
}

export class Client<S extends string = string> {
  private requestWriter: RtpsWriter | undefined;
  private replyReader: RtpsReader | undefined;
  /** Calls by the sequence number of their request to Fast DDS-style servers. */
  private readonly byFastddsSn = new ByNumber<PendingCall>();
  /** Calls by the counter their request to Cyclone servers carries. */
  private readonly byCycloneSeq = new ByNumber<PendingCall>();
  /** What Cyclone servers echo in their reply header: ours, random, as Cyclone's is opaque. */
  private readonly cycloneGuid = randomBytes(8).readBigUInt64LE();
  private nextCycloneSeq = 1;
  /** The related sample identity every request carries (our reply reader): the same each time. */
  private inlineQos: Uint8Array | undefined;
  private route: Route | undefined;
  private destroyed = false;
  /** Replies that matched no pending call (late, duplicate, or another client's). */
  unmatchedReplies = 0;

  /** @internal Made by Node.createClient. */
  constructor(
    readonly name: string,
    readonly type: S,
    private readonly participant: RtpsParticipant,
    private readonly requestCodec: TypeCodec<unknown, MessageInput<`${S}_Request`>>,
    private readonly responseCodec: TypeCodec<Message<`${S}_Response`>, unknown>,
    private readonly logger: Logger,
    private readonly host: ClientHost,
    private readonly onDestroy: (c: Client<S>) => void,
  ) {}

  /** @internal */
  attach(requestWriter: RtpsWriter, replyReader: RtpsReader): void {
    this.requestWriter = requestWriter;
    this.replyReader = replyReader;
  }

  get gids(): { readonly requestWriter: Guid; readonly replyReader: Guid } {
    return { requestWriter: this.requestWriter!.guid, replyReader: this.replyReader!.guid };
  }

  /**
   * Whether a server is ready: one participant has a request reader that matched ours and has
   * acknowledged it (so it knows our writer and will not drop the request), and a reply writer
   * that matched our reply reader. That is what Fast DDS's and Cyclone's clients wait for too.
   */
  isServiceAvailable(): boolean {
    return this.currentRoute() !== undefined;
  }

  /** Resolves once a server is available; rejects with ServiceNotAvailableError after `timeout`. */
  async waitForService(options: WaitOptions = {}): Promise<void> {
    const ok = await waitUntil(
      this.host,
      () => this.isServiceAvailable(),
      `waiting for service ${this.name}`,
      options,
    );
    if (!ok) throw new ServiceNotAvailableError(this.name, options.timeout ?? 0);
  }

  /**
   * Sends a request and resolves with the first response. Rejects with ServiceCallTimeoutError
   * (no server in time, or no answer in time), ServiceUnavailableError (the servers went away),
   * AbortError, or DestroyedError.
   */
  call(request: MessageInput<`${S}_Request`>, options: CallOptions = {}): Promise<Message<`${S}_Response`>> {
    if (this.destroyed) return Promise.reject(new DestroyedError(`the client of ${this.name}`));
    const timeout = options.timeout ?? DEFAULT_CALL_TIMEOUT_MS;
    const deadline = this.host.clock.now() + timeout;
    let encoded: Uint8Array;
    try {
      encoded = this.requestCodec.encode(request);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(`the call to ${this.name}`, signal.reason));
    // The usual case, a server already there, goes straight on (no extra turn of the loop).
    const route = this.currentRoute();
    if (route === undefined) return this.callWhenAvailable(encoded, deadline, timeout, signal);
    return this.start(encoded, route, deadline, timeout, signal);
  }

  /** @internal Settles a call: with `error`, or with `response`. */
  settle(call: PendingCall, error: Error | undefined, response?: unknown): void {
    if (!call.waiting) return;
    call.waiting = false;
    if (call.fastddsSn >= 0) this.byFastddsSn.delete(call.fastddsSn);
    if (call.cycloneSeq >= 0) this.byCycloneSeq.delete(call.cycloneSeq);
    call.signal?.removeEventListener('abort', call);
    if (error) call.reject(error);
    else call.resolve(response);
  }

  /** @internal The reply reader's delivery. */
  readonly onReply = (s: DeliveredSample): void => {
    const payload = s.payload;
    if (!payload) return;
    let call: PendingCall | undefined;
    let body = payload;
    try {
      if (flavorOf(this.participant, s.writer.prefix) === 'cyclone') {
        const split = splitCycloneServicePayload(payload);
        if (split.header.guid !== this.cycloneGuid) return; // another client's
        call = this.byCycloneSeq.get(Number(split.header.seq));
        if (call) body = decodableBody(payload, split);
      } else {
        const sn = replySequenceFor(s, this.replyReader!.guid, this.requestWriter!.guid);
        if (sn === undefined) return; // another client's
        call = this.byFastddsSn.get(sn);
      }
    } catch {
      this.unmatchedReplies++;
      return;
    }
    if (call === undefined) {
      this.unmatchedReplies++;
      return;
    }
    let response: Message<`${S}_Response`>;
    try {
      response = this.responseCodec.decode(body);
    } catch (error) {
      this.logger.warn(
        `dropped a reply from ${this.name} that is not a valid ${this.type} response: ${(error as Error).message}`,
      );
      return;
    }
    this.settle(call, undefined, response);
  };

  /** @internal The graph changed: calls waiting on servers that are all gone fail now. */
  readonly onGraphChange = (): void => {
    if (!this.hasPending() || this.requestWriter!.matchedReaders.length > 0) return;
    this.settleAll(new ServiceUnavailableError(this.name));
  };

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.settleAll(new DestroyedError(`the client of ${this.name}`));
    this.onDestroy(this);
  }

  private async callWhenAvailable(
    encoded: Uint8Array,
    deadline: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Message<`${S}_Response`>> {
    const bounded = Number.isFinite(timeout);
    const available = await waitUntil(
      this.host,
      () => this.isServiceAvailable() || this.destroyed,
      `the call to ${this.name}`,
      {
        ...(bounded ? { timeout: Math.max(0, deadline - this.host.clock.now()) } : {}),
        ...(signal ? { signal } : {}),
      },
    );
    if (this.destroyed) throw new DestroyedError(`the client of ${this.name}`);
    const route = available ? this.currentRoute() : undefined;
    if (route === undefined) throw new ServiceCallTimeoutError(this.name, timeout, false);
    return this.start(encoded, route, deadline, timeout, signal);
  }

  private start(
    encoded: Uint8Array,
    route: Route,
    deadline: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Message<`${S}_Response`>> {
    const call = new PendingCall(this, deadline, timeout, signal);
    capturing = call;
    const promise = new Promise<unknown>(capture) as Promise<Message<`${S}_Response`>>;
    capturing = undefined;
    this.send(call, encoded, route);
    signal?.addEventListener('abort', call, ONCE);
    this.host.deadlines.add(call);
    return promise;
  }

  /** Sends the request to each server's request reader, in that server's format. */
  private send(call: PendingCall, encoded: Uint8Array, route: Route): void {
    const writer = this.requestWriter!;
    if (route.fastdds.length > 0) {
      this.inlineQos ??= requestInlineQos(this.replyReader!.guid);
      const sn = writer.write(encoded, this.inlineQos, route.fastdds);
      call.fastddsSn = sn;
      this.byFastddsSn.set(sn, call);
    }
    if (route.cyclone.length > 0) {
      const seq = this.nextCycloneSeq++;
      call.cycloneSeq = seq;
      this.byCycloneSeq.set(seq, call);
      writer.write(
        withCycloneHeader({ guid: this.cycloneGuid, seq: BigInt(seq) }, encoded),
        undefined,
        route.cyclone,
      );
    }
  }

  private hasPending(): boolean {
    return this.byFastddsSn.size > 0 || this.byCycloneSeq.size > 0;
  }

  private settleAll(error: Error): void {
    for (const call of [...this.byFastddsSn.list(), ...this.byCycloneSeq.list()]) this.settle(call, error);
  }

  /**
   * The ready servers (see isServiceAvailable), or undefined when there is none. Computed again
   * only when the graph changed, or while a matched server has not acknowledged us yet.
   */
  private currentRoute(): Route | undefined {
    const w = this.requestWriter;
    const r = this.replyReader;
    if (!w || !r || this.destroyed) return undefined;
    const version = this.host.graphVersion();
    if (this.route !== undefined && this.route.version === version) return this.route;
    this.route = undefined;
    const replying = r.matchedWriters;
    const fastdds: Guid[] = [];
    const cyclone: Guid[] = [];
    let complete = true;
    for (const m of w.matchedReaders) {
      if (!replying.some((rw) => samePrefix(rw.guid.prefix, m.guid.prefix))) continue;
      if (m.reliable && !w.hasHeardFrom(m.guid)) {
        complete = false;
        continue;
      }
      (flavorOf(this.participant, m.guid.prefix) === 'cyclone' ? cyclone : fastdds).push(m.guid);
    }
    if (fastdds.length === 0 && cyclone.length === 0) return undefined;
    const route: Route = { fastdds, cyclone, version };
    // A server not yet heard from may be heard from without a graph change: look again next time.
    if (complete) this.route = route;
    return route;
  }
}

function samePrefix(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
