/** A node's publisher: encodes messages of its type and writes them on `rt/<topic>`. */
import { getCodec, type MessageInput, type TypeCodec } from '../cdr/index.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import type { RtpsWriter } from '../rtps/participant/participant.js';
import type { Guid, GuidPrefix } from '../rtps/wire/types.js';
import { DestroyedError } from './errors.js';
import { type WaitHost, type WaitOptions, waitUntil } from './wait.js';

export class Publisher<T extends string = string> {
  private destroyed = false;

  /** @internal Made by Node.createPublisher. */
  constructor(
    readonly topic: string,
    readonly type: T,
    readonly qos: RosQos,
    /** Undefined for a type the registry did not know: looked up on the first `publish`. */
    private codec: TypeCodec<unknown, MessageInput<T>> | undefined,
    private readonly writer: RtpsWriter,
    private readonly host: WaitHost,
    private readonly onDestroy: (p: Publisher<T>) => void,
  ) {}

  get gid(): Guid {
    return this.writer.guid;
  }

  /** Matched subscriptions (of any process, this one included). */
  get subscriptionCount(): number {
    return this.writer.matchedReaders.length;
  }

  /**
   * Encodes and sends one message; fields left out take their defaults. InterfaceNotFoundError
   * for a type the registry does not know (send those with `publishSerialized`).
   */
  publish(message: MessageInput<T>): void {
    this.codec ??= getCodec(this.type) as TypeCodec<unknown, MessageInput<T>>;
    this.publishSerialized(this.codec.encode(message));
  }

  /**
   * Sends an already serialized message as it is (CDR with its 4-byte encapsulation header), for
   * bridges, recorders and relays; nothing checks that it is a valid message of the type. The
   * writer keeps these very bytes (no copy) to resend them: do not modify them afterwards.
   */
  publishSerialized(payload: Uint8Array): void {
    if (this.destroyed) throw new DestroyedError(`the publisher of ${this.topic}`);
    this.writer.write(payload);
  }

  /**
   * Asserts this publisher's liveliness without publishing (rclcpp's `assert_liveliness`): for a
   * MANUAL_BY_TOPIC profile, subscriptions count it alive for another lease. Publishing asserts it
   * too. Other profiles' liveliness is their participant's, and this changes nothing for them.
   */
  assertLiveliness(): void {
    if (this.destroyed) throw new DestroyedError(`the publisher of ${this.topic}`);
    this.writer.assertLiveliness();
  }

  /**
   * @internal Whether a subscription of the participant `prefix` matched this publisher and, if
   * reliable, has acknowledged it (so it knows us and keeps what we send): an action server
   * starts a goal once its client can hear the goal's feedback and status.
   */
  reaches(prefix: GuidPrefix): boolean {
    for (const r of this.writer.matchedReaders) {
      if (!samePrefix(r.guid.prefix, prefix)) continue;
      if (!r.reliable || this.writer.hasHeardFrom(r.guid)) return true;
    }
    return false;
  }

  /**
   * Resolves true once every matched reliable subscription has acknowledged every message
   * published so far, false if the timeout passes first (rclcpp's `wait_for_all_acked`). A
   * program that publishes and exits at once waits for this: a reader that had not yet
   * discovered this publisher dropped the first sample and asks for it again.
   */
  waitForAllAcked(options: WaitOptions = {}): Promise<boolean> {
    return waitUntil(
      this.host,
      () => this.destroyed || this.writer.allAcknowledged(),
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

function samePrefix(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
