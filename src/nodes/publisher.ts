/** A node's publisher: encodes messages of its type and writes them on `rt/<topic>`. */
import type { MessageInput, TypeCodec } from '../cdr/index.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import type { RtpsWriter } from '../rtps/participant/participant.js';
import type { Guid } from '../rtps/wire/types.js';
import { DestroyedError } from './errors.js';
import { type WaitOptions, waitUntil } from './wait.js';

export class Publisher<T extends string = string> {
  private destroyed = false;

  /** @internal Made by Node.createPublisher. */
  constructor(
    readonly topic: string,
    readonly type: T,
    readonly qos: RosQos,
    private readonly codec: TypeCodec<unknown, MessageInput<T>>,
    private readonly writer: RtpsWriter,
    private readonly onDestroy: (p: Publisher<T>) => void,
  ) {}

  get gid(): Guid {
    return this.writer.guid;
  }

  /** Matched subscriptions (of any process, this one included). */
  get subscriptionCount(): number {
    return this.writer.matchedReaders.length;
  }

  /** Encodes and sends one message; fields left out take their defaults. */
  publish(message: MessageInput<T>): void {
    this.publishSerialized(this.codec.encode(message));
  }

  /** Sends an already serialized message (CDR with its 4-byte encapsulation header). */
  publishSerialized(payload: Uint8Array): void {
    if (this.destroyed) throw new DestroyedError(`the publisher of ${this.topic}`);
    this.writer.write(payload);
  }

  /**
   * Resolves true once every matched reliable subscription has acknowledged every message
   * published so far, false if the timeout passes first (rclcpp's `wait_for_all_acked`). A
   * program that publishes and exits at once waits for this: a reader that had not yet
   * discovered this publisher dropped the first sample and asks for it again.
   */
  waitForAllAcked(options: WaitOptions = {}): Promise<boolean> {
    return waitUntil(
      () => this.destroyed || this.writer.allAcknowledged(),
      () => () => {},
      `acknowledgements on ${this.topic}`,
      options,
    );
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDestroy(this);
  }
}
