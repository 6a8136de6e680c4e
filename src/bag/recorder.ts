/**
 * Records topics into a BagWriter: subscribes raw (the bytes go to disk as they came) with the
 * QoS rosbag2 would request from the publishers found, and keeps watching the graph so topics
 * that appear later are recorded too.
 */

import type { Context } from '../nodes/context.js';
import type { Node } from '../nodes/node.js';
import type { Subscription } from '../nodes/subscription.js';
import { topicToDds } from '../rmw/names.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import { durationToMillis } from '../rtps/discovery-data/duration.js';
import { guidKey } from '../rtps/wire/types.js';
import { adaptRequestToOffers } from './adapt-qos.js';
import type { BagWriter } from './bag-writer.js';
import type { BagMetadata } from './metadata.js';

export interface RecorderOptions {
  /** Record every topic (`-a`); otherwise only `topics`. */
  readonly all?: boolean;
  /** Full topic names to record. */
  readonly topics?: readonly string[];
  /** Also record topics whose name contains a match (rosbag2 `-e`/`--regex`). */
  readonly regex?: RegExp;
  /** Topics whose name contains a match are not recorded (rosbag2 `--exclude-regex`). */
  readonly exclude?: RegExp;
  /** Full topic names not to record (rosbag2 `--exclude-topics`). */
  readonly excludeTopics?: readonly string[];
  /** Record hidden topics too (rosbag2 `--include-hidden-topics`). */
  readonly includeHidden?: boolean;
  /**
   * Subscription QoS by topic, used instead of the one adapted to the publishers (rosbag2
   * `--qos-profile-overrides-path`; see qos-overrides.ts).
   */
  readonly qosOverrides?: ReadonlyMap<string, RosQos>;
  /** Told of each topic as its recording starts. */
  readonly onTopic?: (name: string, type: string) => void;
  /** Told of a message that could not be written. */
  readonly onError?: (error: unknown) => void;
}

/** Now, ns since the epoch, finer than Date.now(). */
export function nowNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1e6));
}

export class Recorder {
  private readonly subscriptions = new Map<string, Subscription<string, Uint8Array>>();
  private readonly stopWatching: () => void;
  private stopped = false;
  /** Messages handed to the writer. */
  received = 0;

  constructor(
    private readonly context: Context,
    private readonly node: Node,
    private readonly writer: BagWriter,
    private readonly options: RecorderOptions,
  ) {
    this.stopWatching = context.graph.onChange(() => this.discover());
    this.discover();
  }

  /** Topics being recorded. */
  get topics(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Stops recording, closes the bag; its metadata. */
  async stop(): Promise<BagMetadata> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopWatching();
      for (const s of this.subscriptions.values()) s.destroy();
    }
    return this.writer.close();
  }

  private discovering = false;

  private discover(): void {
    // Subscribing changes the graph, which calls here again: that call is skipped.
    if (this.stopped || this.discovering) return;
    this.discovering = true;
    try {
      this.discoverNow();
    } finally {
      this.discovering = false;
    }
  }

  private discoverNow(): void {
    const wanted = this.options.topics ? new Set(this.options.topics) : undefined;
    for (const t of this.node.getTopicNamesAndTypes()) {
      if (this.subscriptions.has(t.name)) continue;
      const named = wanted?.has(t.name) === true;
      if (!this.options.all && !named && !this.options.regex?.test(t.name)) continue;
      if (!named && t.hidden && !this.options.includeHidden) continue;
      if (this.options.exclude?.test(t.name) || this.options.excludeTopics?.includes(t.name)) continue;
      const type = t.types[0];
      if (!type) continue;
      const offers = this.offers(t.name);
      // Like rosbag2, wait for a publisher: its QoS decides the request.
      if (offers.profiles.length === 0) continue;
      this.subscribe(t.name, type, offers.profiles, offers.typeHash);
    }
  }

  private subscribe(name: string, type: string, offered: RosQos[], typeHash: string | undefined): void {
    this.writer.addTopic({
      name,
      type,
      offeredQosProfiles: offered,
      ...(typeHash ? { typeDescriptionHash: typeHash } : {}),
    });
    const sub = this.node.createSubscription(
      type,
      name,
      (data, info) => {
        this.received++;
        const logTimeNs = nowNs();
        const sent = info.sourceTimestampMs;
        this.writer
          .write(name, data, {
            logTimeNs,
            publishTimeNs: sent === undefined ? logTimeNs : BigInt(Math.round(sent * 1e6)),
            sequence: info.sequenceNumber,
          })
          .catch((e: unknown) => this.options.onError?.(e));
      },
      this.options.qosOverrides?.get(name) ?? adaptRequestToOffers(offered),
      { raw: true, ...(typeHash ? { typeHash } : {}) },
    );
    this.subscriptions.set(name, sub);
    this.options.onTopic?.(name, type);
  }

  /** The QoS profiles the publishers of a topic offer, as far as discovery tells them. */
  private offers(name: string): { profiles: RosQos[]; typeHash: string | undefined } {
    const endpoints = this.context.graph.endpointsOn(topicToDds(name), 'writer');
    const remote = new Map(this.context.participant.remoteWriters.map((r) => [guidKey(r.data.guid), r.qos]));
    const profiles = endpoints.map((e): RosQos => {
      const q = remote.get(guidKey(e.guid));
      return {
        history: 'KEEP_LAST',
        depth: 0,
        reliability: (q ? q.reliability.kind === 'RELIABLE' : e.reliable !== false)
          ? 'RELIABLE'
          : 'BEST_EFFORT',
        durability: (q ? q.durability : e.durability) === 'TRANSIENT_LOCAL' ? 'TRANSIENT_LOCAL' : 'VOLATILE',
        deadlineMs: q ? durationToMillis(q.deadline) : Number.POSITIVE_INFINITY,
        lifespanMs: q ? durationToMillis(q.lifespan) : Number.POSITIVE_INFINITY,
        liveliness: q?.liveliness.kind === 'MANUAL_BY_TOPIC' ? 'MANUAL_BY_TOPIC' : 'AUTOMATIC',
        livelinessLeaseMs: q ? durationToMillis(q.liveliness.leaseDuration) : Number.POSITIVE_INFINITY,
        avoidRosNamespaceConventions: false,
      };
    });
    return { profiles, typeHash: endpoints.find((e) => e.typeHash)?.typeHash };
  }
}
