/**
 * A node's service server: takes requests on `rq/<service>Request`, runs the handler, and sends
 * its response on `rr/<service>Reply` to the client that asked, in that client's correlation
 * format (service-flavor.ts), so Fast DDS, Cyclone DDS and ros2ts clients are served at once.
 *
 * The reply is a directed write: only the asking client's reply reader gets it, the other readers
 * a GAP. ROS 2's middlewares send every reply to every client and let them filter; a reply in the
 * wrong format reaching a client of the other vendor is how cross-vendor services break (WIRE.md 2c).
 * A handler that throws is logged and the client gets no response, as in ROS 2.
 *
 * Per client (its request writer) the server keeps where its replies go, until the graph changes:
 * a request costs no GUID, no string key and no search of the matched readers.
 */
import type { Message, MessageInput, TypeCodec } from '../cdr/index.js';
import {
  type CycloneRequestHeader,
  encodeWithCycloneHeader,
  stripCycloneHeader,
} from '../rmw/service-cyclone.js';
import { replyGuidOf, replyInlineQosFor } from '../rmw/service-fastdds.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { RtpsParticipant, RtpsReader, RtpsWriter } from '../rtps/participant/participant.js';
import type { Guid, GuidPrefix } from '../rtps/wire/types.js';
import type { ClientHost } from './client.js';
import type { Logger } from './logger.js';
import { flavorOf } from './service-flavor.js';
import { waitUntil } from './wait.js';

export interface RequestInfo {
  /** Who asked: the client's reply reader (Fast DDS, ros2ts) or request writer (Cyclone). */
  readonly clientGid: Guid;
  /** The request's sequence number as the client knows it. */
  readonly sequenceNumber: bigint;
  /**
   * Settles once the response has been written (true), or was not sent (false: the handler threw,
   * the response did not encode, the client's reply reader never matched, the service went away).
   * The reply waits for that reader to match, so it may leave well after the handler returned:
   * work that must follow the reply (an action goal's execution) waits for this.
   */
  readonly replySent: Promise<boolean>;
}

export type ServiceHandler<Req, Res> = (request: Req, info: RequestInfo) => Res | Promise<Res>;

/** How long a reply waits for the asking client's reply reader to match (Fast DDS waits 100 ms). */
const REPLY_MATCH_WAIT_MS = 1_000;
const isReaderEntity = (entityId: number) => (entityId & 0x04) !== 0;
/** What `run` gives when the handler threw (undefined is a response, if not a valid one). */
const THREW = Symbol('the handler threw');
type Outcome<R> = R | typeof THREW;

/** Where one client's replies go, as of a graph version. */
interface ReplyRoute {
  /** The GUID replies answer to (the client's reply reader, or its request writer). */
  readonly guid: Guid;
  readonly targets: readonly Guid[];
  readonly version: number;
}

/**
 * The RequestInfo of one request. `replySent` is made only when read: most handlers never look,
 * and a promise per request is not free.
 */
class Request implements RequestInfo {
  private sent: boolean | undefined;
  private promise: Promise<boolean> | undefined;
  private settleSent: ((sent: boolean) => void) | undefined;

  constructor(
    readonly clientGid: Guid,
    private readonly sn: number | bigint,
  ) {}

  get sequenceNumber(): bigint {
    return BigInt(this.sn);
  }

  get replySent(): Promise<boolean> {
    if (this.promise === undefined) {
      if (this.sent !== undefined) this.promise = Promise.resolve(this.sent);
      else this.promise = new Promise((resolve) => (this.settleSent = resolve));
    }
    return this.promise;
  }

  done(sent: boolean): boolean {
    this.sent = sent;
    this.settleSent?.(sent);
    return sent;
  }
}

export class Service<S extends string = string> {
  private destroyed = false;
  /** Requests received, answered, and failed (handler threw or the response did not encode). */
  readonly stats = { requests: 0, responses: 0, failures: 0, undeliverable: 0 };
  /** By the client's request writer (the GUID object every sample of it names). */
  private readonly routes = new WeakMap<Guid, ReplyRoute>();

  /** @internal Made by Node.createService. */
  constructor(
    readonly name: string,
    readonly type: S,
    private readonly participant: RtpsParticipant,
    private readonly requestCodec: TypeCodec<Message<`${S}_Request`>, unknown>,
    private readonly responseCodec: TypeCodec<unknown, MessageInput<`${S}_Response`>>,
    private readonly replyWriter: RtpsWriter,
    private readonly handler: ServiceHandler<Message<`${S}_Request`>, MessageInput<`${S}_Response`>>,
    private readonly logger: Logger,
    private readonly host: ClientHost,
    private readonly onDestroy: (s: Service<S>) => void,
  ) {}

  private requestReader: RtpsReader | undefined;

  /** @internal */
  attach(reader: RtpsReader): void {
    this.requestReader = reader;
  }

  get gids(): { readonly requestReader: Guid; readonly replyWriter: Guid } {
    return { requestReader: this.requestReader!.guid, replyWriter: this.replyWriter.guid };
  }

  /** @internal The request reader's delivery. */
  readonly onRequest = (s: DeliveredSample): void => {
    if (this.destroyed || !s.payload) return;
    this.stats.requests++;
    if (flavorOf(this.participant, s.writer.prefix) === 'cyclone') this.serveCyclone(s);
    else this.serveFastdds(s);
  };

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDestroy(this);
  }

  /** A request with its identity in inline QoS (Fast DDS, ros2ts, RTI clients). */
  private serveFastdds(s: DeliveredSample): void {
    let request: Message<`${S}_Request`>;
    let route: ReplyRoute;
    try {
      route = this.fastddsRoute(s);
      request = this.requestCodec.decode(s.payload!);
    } catch (error) {
      this.badRequest(error);
      return;
    }
    const info = new Request(route.guid, s.sn);
    const response = this.run(request, info);
    if (response instanceof Promise) void response.then((r) => this.replyFastdds(r, s, route, info));
    else this.replyFastdds(response, s, route, info);
  }

  /** A request with the 16-byte Cyclone header in its payload. */
  private serveCyclone(s: DeliveredSample): void {
    let request: Message<`${S}_Request`>;
    let header: CycloneRequestHeader;
    try {
      const stripped = stripCycloneHeader(s.payload!);
      header = stripped.header;
      request = this.requestCodec.decode(stripped.payload);
    } catch (error) {
      this.badRequest(error);
      return;
    }
    const info = new Request(s.writer, header.seq);
    const response = this.run(request, info);
    const reply = (r: Outcome<MessageInput<`${S}_Response`>>) => {
      if (r === THREW) return info.done(false);
      const payload = this.encode(r, header);
      if (payload === undefined) return info.done(false);
      // Cyclone clients filter replies by the header: any reply reader of their participant.
      return this.deliver(payload, undefined, () => this.readersOf(s.writer.prefix), info);
    };
    if (response instanceof Promise) void response.then(reply);
    else reply(response);
  }

  private replyFastdds(
    response: Outcome<MessageInput<`${S}_Response`>>,
    s: DeliveredSample,
    route: ReplyRoute,
    info: Request,
  ): void {
    if (response === THREW) {
      info.done(false);
      return;
    }
    const payload = this.encode(response, undefined);
    if (payload === undefined) {
      info.done(false);
      return;
    }
    const qos = replyInlineQosFor(route.guid, s.sn);
    const current = route.version === this.host.graphVersion() ? route : this.fastddsRoute(s);
    if (current.targets.length > 0) {
      this.replyWriter.write(payload, qos, current.targets);
      this.stats.responses++;
      info.done(true);
      return;
    }
    void this.deliver(payload, qos, () => this.fastddsRoute(s).targets, info);
  }

  /**
   * Runs the handler: its response, a promise of it, or THREW (logged). A synchronous handler's
   * answer goes out in the same turn of the loop.
   */
  private run(
    request: Message<`${S}_Request`>,
    info: RequestInfo,
  ): Outcome<MessageInput<`${S}_Response`>> | Promise<Outcome<MessageInput<`${S}_Response`>>> {
    try {
      const r = this.handler(request, info);
      return r instanceof Promise ? r.catch((error: unknown) => this.handlerThrew(error)) : r;
    } catch (error) {
      return this.handlerThrew(error);
    }
  }

  private handlerThrew(error: unknown): typeof THREW {
    this.stats.failures++;
    this.logger.error(
      `service ${this.name}: the handler threw, no response is sent: ${(error as Error)?.stack ?? String(error)}`,
    );
    return THREW;
  }

  private badRequest(error: unknown): void {
    this.stats.failures++;
    this.logger.warn(
      `dropped a request to ${this.name} that is not a valid ${this.type} request: ${(error as Error).message}`,
    );
  }

  /**
   * The encoded response (behind `cycloneHeader` when given), or undefined when it does not
   * encode (logged). Either way the codec writes straight into the payload that goes out.
   */
  private encode(
    response: MessageInput<`${S}_Response`>,
    cycloneHeader: CycloneRequestHeader | undefined,
  ): Uint8Array | undefined {
    if (this.destroyed) return undefined;
    try {
      return cycloneHeader
        ? encodeWithCycloneHeader(cycloneHeader, this.responseCodec, response)
        : this.responseCodec.encode(response);
    } catch (error) {
      this.stats.failures++;
      this.logger.error(
        `service ${this.name}: the handler's response is not a valid ${this.type} response: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  /** Writes the reply once `targets` has a reader (it may not have matched yet); whether it went. */
  private async deliver(
    payload: Uint8Array,
    inlineQos: Uint8Array | undefined,
    targets: () => readonly Guid[],
    info: Request,
  ): Promise<boolean> {
    let to = targets();
    if (to.length === 0) {
      const ready = await waitUntil(this.host, () => this.destroyed || targets().length > 0, 'reply', {
        timeout: REPLY_MATCH_WAIT_MS,
      });
      to = targets();
      if (!ready || this.destroyed || to.length === 0) {
        if (!this.destroyed) {
          this.stats.undeliverable++;
          this.logger.warn(
            `service ${this.name}: the client's reply reader did not match within ${REPLY_MATCH_WAIT_MS} ms, response dropped`,
          );
        }
        return info.done(false);
      }
    }
    if (this.destroyed) return info.done(false);
    this.replyWriter.write(payload, inlineQos, to);
    this.stats.responses++;
    return info.done(true);
  }

  /**
   * Where replies to this request go: the reader its related identity names (or, for a writer
   * GUID, every reply reader of the client's participant). Kept per client until the graph changes.
   */
  private fastddsRoute(s: DeliveredSample): ReplyRoute {
    const version = this.host.graphVersion();
    const known = this.routes.get(s.writer);
    const guid = replyGuidOf(s, known?.guid);
    if (known !== undefined && known.guid === guid && known.version === version && known.targets.length > 0)
      return known;
    const targets = isReaderEntity(guid.entityId) ? this.matched(guid) : this.readersOf(s.writer.prefix);
    const route: ReplyRoute = { guid, targets, version };
    this.routes.set(s.writer, route);
    return route;
  }

  private matched(reader: Guid): Guid[] {
    const out: Guid[] = [];
    for (const r of this.replyWriter.matchedReaders)
      if (r.guid.entityId === reader.entityId && samePrefix(r.guid.prefix, reader.prefix)) out.push(r.guid);
    return out;
  }

  private readersOf(prefix: GuidPrefix): Guid[] {
    const out: Guid[] = [];
    for (const r of this.replyWriter.matchedReaders) if (samePrefix(r.guid.prefix, prefix)) out.push(r.guid);
    return out;
  }
}

function samePrefix(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
