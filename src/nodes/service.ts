/**
 * A node's service server: takes requests on `rq/<service>Request`, runs the handler, and sends
 * its response on `rr/<service>Reply` to the client that asked, in that client's correlation
 * format (service-flavor.ts), so Fast DDS, Cyclone DDS and ros2ts clients are served at once.
 *
 * The reply is a directed write: only the asking client's reply reader gets it, the other readers
 * a GAP. ROS 2's middlewares send every reply to every client and let them filter; a reply in the
 * wrong format reaching a client of the other vendor is how cross-vendor services break (WIRE.md 2c).
 * A handler that throws is logged and the client gets no response, as in ROS 2.
 */
import type { Message, MessageInput, TypeCodec } from '../cdr/index.js';
import { stripCycloneHeader, withCycloneHeader } from '../rmw/service-cyclone.js';
import { replyInlineQos, requestIdentityOf, type SampleIdentity } from '../rmw/service-fastdds.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { RtpsParticipant, RtpsReader, RtpsWriter } from '../rtps/participant/participant.js';
import { type Guid, guidKey, prefixKey } from '../rtps/wire/types.js';
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

export class Service<S extends string = string> {
  private destroyed = false;
  /** Requests received, answered, and failed (handler threw or the response did not encode). */
  readonly stats = { requests: 0, responses: 0, failures: 0, undeliverable: 0 };

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
    void this.serve(s);
  };

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDestroy(this);
  }

  private async serve(s: DeliveredSample): Promise<void> {
    let settle: (sent: boolean) => void = () => {};
    const replySent = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const sent = await this.reply(s, replySent);
    settle(sent);
  }

  /** Decodes, runs the handler and writes the response; whether the response was written. */
  private async reply(s: DeliveredSample, replySent: Promise<boolean>): Promise<boolean> {
    const flavor = flavorOf(this.participant, s.writer.prefix);
    let request: Message<`${S}_Request`>;
    let reply: (encoded: Uint8Array) => { payload: Uint8Array; inlineQos?: Uint8Array };
    let targets: () => Guid[];
    let info: RequestInfo;
    try {
      if (flavor === 'cyclone') {
        const { header, payload } = stripCycloneHeader(s.payload!);
        request = this.requestCodec.decode(payload);
        reply = (encoded) => ({ payload: withCycloneHeader(header, encoded) });
        // Cyclone clients filter replies by the header: any reply reader of their participant.
        targets = () => this.readersOf(s.writer.prefix);
        info = { clientGid: s.writer, sequenceNumber: header.seq, replySent };
      } else {
        const identity: SampleIdentity = requestIdentityOf({
          writer: s.writer,
          sn: s.sn,
          ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
          littleEndian: s.littleEndian,
        });
        request = this.requestCodec.decode(s.payload!);
        reply = (encoded) => ({ payload: encoded, inlineQos: replyInlineQos(identity) });
        targets = isReaderEntity(identity.guid.entityId)
          ? () => this.matched(identity.guid)
          : () => this.readersOf(s.writer.prefix);
        info = { clientGid: identity.guid, sequenceNumber: BigInt(identity.sn), replySent };
      }
    } catch (error) {
      this.stats.failures++;
      this.logger.warn(
        `dropped a request to ${this.name} that is not a valid ${this.type} request: ${(error as Error).message}`,
      );
      return false;
    }
    let response: MessageInput<`${S}_Response`>;
    try {
      const r = this.handler(request, info);
      // A synchronous handler's answer goes out in the same turn of the loop.
      response = r instanceof Promise ? await r : r;
    } catch (error) {
      this.stats.failures++;
      this.logger.error(
        `service ${this.name}: the handler threw, no response is sent: ${(error as Error)?.stack ?? String(error)}`,
      );
      return false;
    }
    if (this.destroyed) return false;
    let out: { payload: Uint8Array; inlineQos?: Uint8Array };
    try {
      out = reply(this.responseCodec.encode(response));
    } catch (error) {
      this.stats.failures++;
      this.logger.error(
        `service ${this.name}: the handler's response is not a valid ${this.type} response: ${(error as Error).message}`,
      );
      return false;
    }
    let to = targets();
    if (to.length === 0) {
      const ready = await waitUntil(
        () => targets().length > 0,
        () => () => {},
        'reply',
        {
          timeout: REPLY_MATCH_WAIT_MS,
        },
      );
      to = targets();
      if (!ready || this.destroyed) {
        this.stats.undeliverable++;
        this.logger.warn(
          `service ${this.name}: the client's reply reader did not match within ${REPLY_MATCH_WAIT_MS} ms, response dropped`,
        );
        return false;
      }
    }
    this.replyWriter.write(out.payload, out.inlineQos, to);
    this.stats.responses++;
    return true;
  }

  private matched(reader: Guid): Guid[] {
    const key = guidKey(reader);
    return this.replyWriter.matchedReaders.filter((r) => guidKey(r.guid) === key).map((r) => r.guid);
  }

  private readersOf(prefix: Uint8Array): Guid[] {
    const key = prefixKey(prefix);
    return this.replyWriter.matchedReaders.filter((r) => prefixKey(r.guid.prefix) === key).map((r) => r.guid);
  }
}
