/**
 * A node's service client: `waitForService` and `call` with a timeout and an AbortSignal, many
 * calls in flight, never hanging: a call rejects on timeout, on abort, when every server goes
 * away, or when the node is destroyed.
 *
 * A request is sent to each available server in that server's correlation format (directed
 * writes, one per format): inline related sample identity for Fast DDS and ros2ts servers, the
 * 16-byte payload header for Cyclone ones. The first response wins, as in rclcpp.
 */
import { randomBytes } from 'node:crypto';
import type { Message, MessageInput, TypeCodec } from '../cdr/index.js';
import { splitCycloneServicePayload, stripCycloneHeader, withCycloneHeader } from '../rmw/service-cyclone.js';
import { replySequenceFor, requestInlineQos } from '../rmw/service-fastdds.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { RtpsParticipant, RtpsReader, RtpsWriter } from '../rtps/participant/participant.js';
import { type Guid, prefixKey } from '../rtps/wire/types.js';
import {
  AbortError,
  DestroyedError,
  ServiceCallTimeoutError,
  ServiceNotAvailableError,
  ServiceUnavailableError,
} from './errors.js';
import type { Logger } from './logger.js';
import { flavorOf } from './service-flavor.js';
import { type WaitOptions, waitUntil } from './wait.js';

export interface CallOptions {
  /**
   * Milliseconds until the call rejects with ServiceCallTimeoutError; default 10 s. Infinity waits
   * as long as it takes (the call still rejects when the servers go away, on abort and on destroy).
   */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(response: unknown): void;
  reject(error: Error): void;
  fastddsSn: number | undefined;
}

export class Client<S extends string = string> {
  private requestWriter: RtpsWriter | undefined;
  private replyReader: RtpsReader | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly byFastddsSn = new Map<number, number>();
  /** What Cyclone servers echo in their reply header: ours, random, as Cyclone's is opaque. */
  private readonly cycloneGuid = randomBytes(8).readBigUInt64LE();
  private nextId = 1;
  /** The related sample identity every request carries (our reply reader): the same each time. */
  private inlineQos: Uint8Array | undefined;
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
    private readonly subscribeGraph: (notify: () => void) => () => void,
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
    return this.servers().length > 0;
  }

  /** Resolves once a server is available; rejects with ServiceNotAvailableError after `timeout`. */
  async waitForService(options: WaitOptions = {}): Promise<void> {
    const ok = await waitUntil(
      () => this.isServiceAvailable(),
      this.subscribeGraph,
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
  async call(
    request: MessageInput<`${S}_Request`>,
    options: CallOptions = {},
  ): Promise<Message<`${S}_Response`>> {
    if (this.destroyed) throw new DestroyedError(`the client of ${this.name}`);
    const timeout = options.timeout ?? DEFAULT_CALL_TIMEOUT_MS;
    // setTimeout would turn Infinity into 1 ms.
    const bounded = Number.isFinite(timeout);
    const started = Date.now();
    const encoded = this.requestCodec.encode(request);
    if (options.signal?.aborted) throw new AbortError(`the call to ${this.name}`, options.signal.reason);
    // The usual case, a server already there, goes straight on (no extra turn of the loop).
    let servers = this.servers();
    if (servers.length === 0) {
      const available = await waitUntil(
        () => this.isServiceAvailable() || this.destroyed,
        this.subscribeGraph,
        `the call to ${this.name}`,
        { ...(bounded ? { timeout } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      );
      if (this.destroyed) throw new DestroyedError(`the client of ${this.name}`);
      if (!available) throw new ServiceCallTimeoutError(this.name, timeout, false);
      servers = this.servers();
    }
    const id = this.nextId++;
    return new Promise<Message<`${S}_Response`>>((resolve, reject) => {
      const timer = bounded
        ? setTimeout(
            () => finish(new ServiceCallTimeoutError(this.name, timeout, true)),
            timeout - (Date.now() - started),
          )
        : undefined;
      const onAbort = () => finish(new AbortError(`the call to ${this.name}`, options.signal?.reason));
      const finish = (error: Error | undefined, response?: unknown) => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        if (p.fastddsSn !== undefined) this.byFastddsSn.delete(p.fastddsSn);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(response as Message<`${S}_Response`>);
      };
      const pending: Pending = {
        resolve: (r) => finish(undefined, r),
        reject: (e) => finish(e),
        fastddsSn: undefined,
      };
      this.pending.set(id, pending);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.send(id, encoded, pending, servers);
    });
  }

  /** @internal The reply reader's delivery. */
  readonly onReply = (s: DeliveredSample): void => {
    if (!s.payload) return;
    let id: number | undefined;
    let payload = s.payload;
    try {
      if (flavorOf(this.participant, s.writer.prefix) === 'cyclone') {
        const { header } = splitCycloneServicePayload(s.payload);
        if (header.guid !== this.cycloneGuid) return; // another client's
        id = Number(header.seq);
        payload = stripCycloneHeader(s.payload).payload;
      } else {
        const sn = replySequenceFor(
          {
            writer: s.writer,
            sn: s.sn,
            ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
            littleEndian: s.littleEndian,
          },
          this.replyReader!.guid,
          this.requestWriter!.guid,
        );
        if (sn === undefined) return; // another client's
        id = this.byFastddsSn.get(sn);
      }
    } catch {
      this.unmatchedReplies++;
      return;
    }
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) {
      this.unmatchedReplies++;
      return;
    }
    try {
      p.resolve(this.responseCodec.decode(payload));
    } catch (error) {
      this.logger.warn(
        `dropped a reply from ${this.name} that is not a valid ${this.type} response: ${(error as Error).message}`,
      );
    }
  };

  /** @internal The graph changed: calls waiting on servers that are all gone fail now. */
  readonly onGraphChange = (): void => {
    if (this.pending.size === 0 || this.requestWriter!.matchedReaders.length > 0) return;
    for (const p of [...this.pending.values()]) p.reject(new ServiceUnavailableError(this.name));
  };

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const p of [...this.pending.values()]) p.reject(new DestroyedError(`the client of ${this.name}`));
    this.onDestroy(this);
  }

  /** Sends the request to each server's request reader, in that server's format. */
  private send(id: number, encoded: Uint8Array, pending: Pending, servers: readonly Guid[]): void {
    const fastdds: Guid[] = [];
    const cyclone: Guid[] = [];
    for (const reader of servers) {
      (flavorOf(this.participant, reader.prefix) === 'cyclone' ? cyclone : fastdds).push(reader);
    }
    if (fastdds.length > 0) {
      this.inlineQos ??= requestInlineQos(this.replyReader!.guid);
      const sn = this.requestWriter!.write(encoded, this.inlineQos, fastdds);
      pending.fastddsSn = sn;
      this.byFastddsSn.set(sn, id);
    }
    if (cyclone.length > 0) {
      this.requestWriter!.write(
        withCycloneHeader({ guid: this.cycloneGuid, seq: BigInt(id) }, encoded),
        undefined,
        cyclone,
      );
    }
  }

  /** Request readers of servers that are ready (see isServiceAvailable). */
  private servers(): Guid[] {
    const w = this.requestWriter;
    const r = this.replyReader;
    if (!w || !r || this.destroyed) return [];
    const replying = new Set(r.matchedWriters.map((m) => prefixKey(m.guid.prefix)));
    return w.matchedReaders
      .filter((m) => replying.has(prefixKey(m.guid.prefix)) && (!m.reliable || w.hasHeardFrom(m.guid)))
      .map((m) => m.guid);
  }
}
