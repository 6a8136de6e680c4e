/**
 * rclpy's `wait_for_message`: the next message on a topic, through a subscription of its own
 * (KEEP_LAST 1 by default, as rclpy's `qos_profile=1`) made for the wait and destroyed after it.
 * Resolves with the message, or undefined when the timeout passes first or the node is destroyed
 * (rclpy's `(False, None)`); rejects with AbortError when the signal aborts.
 */
import type { Message } from '../cdr/index.js';
import type { Expiring } from './deadlines.js';
import { AbortError } from './errors.js';
import type { QosInput } from './qos.js';
import type { MessageCallback, Subscription } from './subscription.js';
import type { WaitHost, WaitOptions } from './wait.js';

/**
 * What the wait needs of its node: a Node is one. Named here so that this module does not import
 * node.ts, whose `waitForMessage` calls it.
 */
export interface MessageWaitNode {
  readonly host: Pick<WaitHost, 'clock' | 'deadlines'>;
  adopt(owner: { destroy(): void }): () => void;
  createSubscription<T extends string>(
    type: T,
    topic: string,
    callback: MessageCallback<Message<T>>,
    qos?: QosInput,
  ): Subscription<T>;
}

export interface WaitForMessageOptions extends WaitOptions {
  /** The subscription's QoS; default depth 1 over the default profile, as rclpy. */
  readonly qos?: QosInput;
}

class MessageWait<T extends string> implements Expiring {
  waiting = true;
  readonly deadline: number;
  private subscription: Subscription<T> | undefined;
  private readonly release: () => void;

  constructor(
    node: MessageWaitNode,
    type: T,
    topic: string,
    private readonly options: WaitForMessageOptions,
    private readonly resolve: (m: Message<T> | undefined) => void,
    private readonly reject: (e: Error) => void,
  ) {
    const timeout = options.timeout;
    this.deadline =
      timeout === undefined ? Number.POSITIVE_INFINITY : node.host.clock.now() + Math.max(0, timeout);
    // The node destroys what it adopted when it goes: the wait ends then, empty-handed.
    this.release = node.adopt({ destroy: () => this.settle(undefined) });
    this.subscription = node.createSubscription(type, topic, (m) => this.settle(m), options.qos ?? 1);
    options.signal?.addEventListener('abort', this, { once: true });
    node.host.deadlines.add(this);
  }

  expire(): void {
    this.settle(undefined);
  }

  /** The signal's abort. */
  handleEvent(): void {
    if (!this.waiting) return;
    this.finish();
    this.reject(new AbortError(`waiting for a message`, this.options.signal?.reason));
  }

  private settle(message: Message<T> | undefined): void {
    if (!this.waiting) return;
    this.finish();
    this.resolve(message);
  }

  private finish(): void {
    this.waiting = false;
    this.release();
    this.options.signal?.removeEventListener('abort', this);
    this.subscription?.destroy();
    this.subscription = undefined;
  }
}

export function waitForMessage<T extends string>(
  node: MessageWaitNode,
  type: T,
  topic: string,
  options: WaitForMessageOptions = {},
): Promise<Message<T> | undefined> {
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(new AbortError('waiting for a message', signal.reason));
  return new Promise((resolve, reject) => {
    new MessageWait(node, type, topic, options, resolve, reject);
  });
}
