/**
 * A node's subscription: decodes what matched publishers send on `rt/<topic>` and hands each
 * message to a callback, or queues it for an async iterator (`for await (const m of sub)`),
 * keeping at most the QoS depth of unread messages (the oldest go first, as KEEP_LAST does).
 * A raw subscription (`{ raw: true }`) skips the decode and hands over the serialized bytes.
 */
import type { Message } from '../cdr/index.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { RtpsReader } from '../rtps/participant/participant.js';
import type { Guid } from '../rtps/wire/types.js';
import type { Logger } from './logger.js';

export interface MessageInfo {
  /** The publisher's GUID (its gid in the ROS graph). */
  readonly publisherGid: Guid;
  readonly sequenceNumber: number;
  /** The publisher's source timestamp (ms since the epoch), when it sent one. */
  readonly sourceTimestampMs: number | undefined;
}

/** Its result is ignored, but a rejected promise is logged. */
export type MessageCallback<M> = (message: M, info: MessageInfo) => unknown;

/** Turns a sample's payload into what the subscription delivers (throws if it is not one). */
export type PayloadDecoder<M> = (payload: Uint8Array) => M;

/**
 * `M` is what the subscription delivers: the decoded `Message<T>`, or for a raw subscription the
 * serialized `Uint8Array` (encapsulation header included).
 */
export class Subscription<T extends string = string, M = Message<T>> implements AsyncIterable<M> {
  private reader: RtpsReader | undefined;
  private readonly queue: M[] = [];
  private waiting: ((r: IteratorResult<M>) => void) | undefined;
  private destroyed = false;
  /** Messages that did not decode as the type (dropped and logged). */
  decodeErrors = 0;

  /** @internal Made by Node.createSubscription / Node.subscribe. */
  constructor(
    readonly topic: string,
    readonly type: T,
    readonly qos: RosQos,
    private readonly decode: PayloadDecoder<M>,
    private readonly logger: Logger,
    private readonly callback: MessageCallback<M> | undefined,
    private readonly onDestroy: (s: Subscription<T, M>) => void,
  ) {}

  /** @internal */
  attach(reader: RtpsReader): void {
    this.reader = reader;
  }

  get gid(): Guid {
    return this.reader!.guid;
  }

  /** Matched publishers (of any process, this one included). */
  get publisherCount(): number {
    return this.reader?.matchedWriters.length ?? 0;
  }

  /** @internal The reader's delivery: one sample, in order. */
  readonly onSample = (s: DeliveredSample): void => {
    if (this.destroyed || !s.payload) return;
    let message: M;
    try {
      message = this.decode(s.payload);
    } catch (error) {
      this.decodeErrors++;
      this.logger.warn(
        `dropped a message on ${this.topic} that is not a valid ${this.type}: ${(error as Error).message}`,
      );
      return;
    }
    if (this.callback) {
      const info: MessageInfo = {
        publisherGid: s.writer,
        sequenceNumber: s.sn,
        sourceTimestampMs: s.timestampMs,
      };
      try {
        const r = this.callback(message, info);
        if (r instanceof Promise) r.catch((e: unknown) => this.callbackFailed(e));
      } catch (error) {
        this.callbackFailed(error);
      }
      return;
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: message, done: false });
      return;
    }
    this.queue.push(message);
    const limit = this.qos.history === 'KEEP_ALL' ? Number.POSITIVE_INFINITY : Math.max(1, this.qos.depth);
    while (this.queue.length > limit) this.queue.shift();
  };

  [Symbol.asyncIterator](): AsyncIterator<M> {
    return {
      next: () => {
        const m = this.queue.shift();
        if (m !== undefined) return Promise.resolve({ value: m, done: false });
        if (this.destroyed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      // `break` out of a for-await ends the subscription.
      return: () => {
        this.destroy();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
    this.onDestroy(this);
  }

  private callbackFailed(error: unknown): void {
    this.logger.error(
      `subscription callback of ${this.topic} threw: ${(error as Error)?.stack ?? String(error)}`,
    );
  }
}
