/**
 * Plays a bag: one raw publisher per topic with the QoS rosbag2 would offer from the recorded
 * profiles (transient-local topics stay transient-local), each message sent as recorded, at its
 * recorded time relative to the first (scaled by the rate); optionally `/clock` with the bag's
 * time, so `use_sim_time` nodes follow it.
 */
import type { Node } from '../nodes/node.js';
import type { Publisher } from '../nodes/publisher.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import { adaptOfferToRecordedOffers } from './adapt-qos.js';
import type { BagMessage, BagReader } from './bag-reader.js';
import { BagError } from './errors.js';
import type { BagTopic } from './metadata.js';

const TYPE_HASH = /^RIHS01_[0-9a-f]{64}$/;

export interface PlayerOptions {
  /** Speed factor (default 1). */
  readonly rate?: number;
  /** Play again from the start when done, until stopped. */
  readonly loop?: boolean;
  /** Only these topics (default all). */
  readonly topics?: readonly string[];
  /** Seconds of the bag to skip at the start. */
  readonly startOffsetS?: number;
  /** Topic renames, recorded name → played name. */
  readonly remap?: ReadonlyMap<string, string>;
  /**
   * Publisher QoS by recorded topic name, used instead of the one from the recorded offers
   * (rosbag2 `--qos-profile-overrides-path`; see qos-overrides.ts).
   */
  readonly qosOverrides?: ReadonlyMap<string, RosQos>;
  /** Publish `/clock` at this many Hz (rosbag2 `--clock`, default 40 when on); 0 or absent: off. */
  readonly clockHz?: number;
}

export class Player {
  private readonly publishers = new Map<string, Publisher<string>>();
  private clock: Publisher<'rosgraph_msgs/msg/Clock'> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Messages published so far. */
  published = 0;

  constructor(
    node: Node,
    private readonly reader: BagReader,
    private readonly options: PlayerOptions = {},
  ) {
    const rate = options.rate ?? 1;
    if (!(rate > 0)) throw new BagError(`rate must be > 0, got ${rate}`);
    const wanted = options.topics ? new Set(options.topics) : undefined;
    for (const t of reader.topics()) {
      if (wanted && !wanted.has(t.topic.name)) continue;
      const name = options.remap?.get(t.topic.name) ?? t.topic.name;
      const hash = TYPE_HASH.test(t.topic.typeDescriptionHash) ? t.topic.typeDescriptionHash : undefined;
      this.publishers.set(
        t.topic.name,
        node.createPublisher(t.topic.type, name, this.qosFor(t.topic), {
          raw: true,
          ...(hash ? { typeHash: hash } : {}),
        }),
      );
    }
    if (options.clockHz && options.clockHz > 0) {
      this.clock = node.createPublisher('rosgraph_msgs/msg/Clock', '/clock', 1);
    }
  }

  private qosFor(topic: BagTopic): RosQos {
    return this.options.qosOverrides?.get(topic.name) ?? adaptOfferToRecordedOffers(topic.offeredQosProfiles);
  }

  /** The publishers by recorded topic name (to wait for subscribers before `play`). */
  get topicPublishers(): ReadonlyMap<string, Publisher<string>> {
    return this.publishers;
  }

  /** Plays the bag (again and again with `loop`) until done or stopped. */
  async play(): Promise<void> {
    do {
      await this.playOnce();
    } while (this.options.loop && !this.stopped);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async playOnce(): Promise<void> {
    const rate = this.options.rate ?? 1;
    const start = this.reader.metadata().startNs + BigInt(Math.round((this.options.startOffsetS ?? 0) * 1e9));
    const topics = [...this.publishers.keys()];
    const t0 = performance.now();
    const bagTimeNow = () => start + BigInt(Math.round((performance.now() - t0) * rate * 1e6));
    const clockTimer =
      this.clock && this.options.clockHz
        ? setInterval(() => this.publishClock(bagTimeNow()), 1000 / this.options.clockHz)
        : undefined;
    try {
      for await (const m of this.reader.messages({ topics, startNs: start })) {
        if (this.stopped) return;
        const dueMs = Number(m.logTimeNs - start) / 1e6 / rate;
        const waitMs = t0 + dueMs - performance.now();
        if (waitMs > 0) await this.sleep(waitMs);
        if (this.stopped) return;
        this.send(m);
      }
    } finally {
      if (clockTimer) clearInterval(clockTimer);
    }
  }

  private send(m: BagMessage): void {
    const pub = this.publishers.get(m.topic);
    if (!pub) return;
    pub.publishSerialized(m.data);
    this.published++;
  }

  private publishClock(ns: bigint): void {
    this.clock?.publish({
      clock: { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) },
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
