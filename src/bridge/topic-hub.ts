/**
 * The DDS side of the bridge's topics: one ros2ts subscription per topic while at least one web
 * client listens (gone with the last), and one publisher per topic and type for the clients that
 * publish. A subscription is raw: the serialized sample goes to Foxglove clients as it came, and
 * is decoded at most once per sample, only if a rosbridge client wants it decoded.
 *
 * A subscription follows the graph: when the publishers' offered QoS changes what a compatible
 * subscription must ask for (a transient-local publisher appearing), it is made anew.
 */
import {
  type Context,
  defaultCodecs,
  type Node,
  type Publisher,
  type RosQos,
  type Subscription,
} from '../index.js';
import { topicToDds } from '../rmw/names.js';
import { UnknownTypeError } from './errors.js';
import { sameQos, subscriptionQos } from './qos-choice.js';

/** A sample: its serialized bytes, and its decoded value, made on first ask and shared. */
export interface TopicSample {
  readonly bytes: Uint8Array;
  decoded(): unknown;
  /** When the bridge got it, in nanoseconds since the epoch. */
  readonly receivedNs: bigint;
}

export type TopicListener = (sample: TopicSample) => void;

interface Tap {
  readonly topic: string;
  readonly type: string;
  readonly listeners: Set<TopicListener>;
  subscription: Subscription<string, Uint8Array> | undefined;
  qos: RosQos;
}

interface SharedPublisher {
  readonly publisher: Publisher<string>;
  users: number;
}

export class TopicHub {
  private readonly taps = new Map<string, Tap>();
  private readonly publishers = new Map<string, SharedPublisher>();
  private readonly offGraph: () => void;

  constructor(
    private readonly context: Context,
    private readonly node: Node,
  ) {
    this.offGraph = context.graph.onChange(() => this.followGraph());
  }

  /** The type of a topic as the graph knows it (its first, if publishers disagree). */
  topicType(topic: string): string | undefined {
    return this.node.getTopicNamesAndTypes().find((t) => t.name === topic)?.types[0];
  }

  /**
   * Calls `listener` with each sample on `topic` until the returned function is called. `type`
   * undefined takes the graph's; a type that differs from the one already tapped is refused.
   */
  listen(topic: string, type: string | undefined, listener: TopicListener): () => void {
    let tap = this.taps.get(topic);
    if (tap && type !== undefined && type !== tap.type)
      throw new UnknownTypeError(`${topic} is already subscribed with type ${tap.type}, not ${type}`);
    if (!tap) {
      const t = type ?? this.topicType(topic);
      if (t === undefined)
        throw new UnknownTypeError(`cannot infer the type of ${topic}: it is not in the graph`);
      tap = { topic, type: t, listeners: new Set(), subscription: undefined, qos: this.qosFor(topic) };
      // Kept only once its subscription exists: a type or topic name the node refuses must not
      // leave a tap behind that holds the topic to that type for every later client.
      this.open(tap);
      this.taps.set(topic, tap);
    }
    tap.listeners.add(listener);
    const owner = tap;
    return () => {
      owner.listeners.delete(listener);
      if (owner.listeners.size > 0 || this.taps.get(topic) !== owner) return;
      this.taps.delete(topic);
      owner.subscription?.destroy();
    };
  }

  /** The type a topic is tapped with, if some client listens to it. */
  tappedType(topic: string): string | undefined {
    return this.taps.get(topic)?.type;
  }

  /** A publisher shared by every client publishing `type` on `topic`; release it when done. */
  acquirePublisher(
    topic: string,
    type: string,
    qos: RosQos,
  ): { publisher: Publisher<string>; release(): void } {
    const key = `${topic}\0${type}`;
    let shared = this.publishers.get(key);
    if (!shared) {
      shared = { publisher: this.node.createPublisher(type, topic, qos), users: 0 };
      this.publishers.set(key, shared);
    }
    shared.users++;
    const owner = shared;
    let released = false;
    return {
      publisher: owner.publisher,
      release: () => {
        if (released) return;
        released = true;
        if (--owner.users > 0) return;
        this.publishers.delete(key);
        owner.publisher.destroy();
      },
    };
  }

  close(): void {
    this.offGraph();
    for (const tap of this.taps.values()) tap.subscription?.destroy();
    this.taps.clear();
    for (const p of this.publishers.values()) p.publisher.destroy();
    this.publishers.clear();
  }

  private qosFor(topic: string): RosQos {
    return subscriptionQos(this.context.graph.endpointsOn(topicToDds(topic), 'writer'));
  }

  private open(tap: Tap): void {
    const codecs = defaultCodecs();
    tap.subscription = this.node.createSubscription(
      tap.type,
      tap.topic,
      (bytes: Uint8Array) => {
        let value: unknown;
        let done = false;
        const sample: TopicSample = {
          bytes,
          receivedNs: BigInt(Date.now()) * 1_000_000n,
          decoded: () => {
            if (!done) {
              value = codecs.get(tap.type).decode(bytes);
              done = true;
            }
            return value;
          },
        };
        for (const l of tap.listeners) l(sample);
      },
      tap.qos,
      { raw: true },
    );
  }

  private followGraph(): void {
    for (const tap of this.taps.values()) {
      const qos = this.qosFor(tap.topic);
      if (sameQos(qos, tap.qos)) continue;
      tap.qos = qos;
      tap.subscription?.destroy();
      this.open(tap);
    }
  }
}
