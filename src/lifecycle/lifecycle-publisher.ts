/**
 * A managed node's publisher: it sends only while activated, and otherwise drops the message with
 * rclcpp's warning, once until it is activated again.
 */
import type { MessageInput } from '../cdr/index.js';
import type { Logger } from '../nodes/logger.js';
import type { Publisher } from '../nodes/publisher.js';
import type { WaitOptions } from '../nodes/wait.js';

/** What a managed node switches on and off with its state (rclcpp's ManagedEntityInterface). */
export interface ManagedEntity {
  readonly isActivated: boolean;
  activate(): void;
  deactivate(): void;
}

export class LifecyclePublisher<T extends string = string> implements ManagedEntity {
  private activated = false;
  private shouldLog = true;

  /** @internal Made by LifecycleNode.createPublisher. */
  constructor(
    /** The underlying publisher, which always sends (for what the lifecycle does not govern). */
    readonly publisher: Publisher<T>,
    private readonly logger: Logger,
    private readonly onDestroy: (p: ManagedEntity) => void,
  ) {}

  get topic(): string {
    return this.publisher.topic;
  }

  get type(): T {
    return this.publisher.type;
  }

  get subscriptionCount(): number {
    return this.publisher.subscriptionCount;
  }

  get isActivated(): boolean {
    return this.activated;
  }

  /** The node activates its publishers on `activate`; call this to send outside of that. */
  activate(): void {
    this.activated = true;
    this.shouldLog = true;
  }

  deactivate(): void {
    this.activated = false;
  }

  /** Sends the message if activated; drops it otherwise (warning once per inactive stretch). */
  publish(message: MessageInput<T>): void {
    if (this.activated) this.publisher.publish(message);
    else this.notActivated();
  }

  publishSerialized(payload: Uint8Array): void {
    if (this.activated) this.publisher.publishSerialized(payload);
    else this.notActivated();
  }

  waitForAllAcked(options?: WaitOptions): Promise<boolean> {
    return this.publisher.waitForAllAcked(options);
  }

  destroy(): void {
    this.publisher.destroy();
    this.onDestroy(this);
  }

  private notActivated(): void {
    if (!this.shouldLog) return;
    this.shouldLog = false;
    this.logger.warn(
      `Trying to publish message on the topic '${this.topic}', but the publisher is not activated`,
    );
  }
}
