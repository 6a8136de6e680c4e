/**
 * The soak's victims: two ros2ts contexts (two participants) in this process, made with the node
 * API as a user would. Context A: a talker publishing std_msgs/String on a reliable topic at about
 * 1 kHz, and an AddTwoInts server. Context B: the listener, and a client calling the server in a
 * loop. Counts what was published and delivered (in order, by the number each message carries)
 * and each call's outcome and latency, over windows the runner opens and closes per scenario.
 */
import { Context } from '../../src/nodes/context.js';
import type { DiscoveryLimits } from '../../src/rtps/participant/discovery-limits.js';
import type { RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { rtpsPorts, SPDP_MULTICAST_GROUP } from '../../src/rtps/transport/ports.js';
import type { Guid } from '../../src/rtps/wire/types.js';
import type { MatchedPair, VictimMap } from './protocol.js';

export const TOPIC = 'soak_chatter';
export const SERVICE = 'soak_add';
/** Deep enough that a stall of seconds at 1 kHz overwrites nothing a reader still needs. */
const HISTORY_DEPTH = 5_000;
const RELIABLE_QOS = { reliability: 'RELIABLE', history: 'KEEP_LAST', depth: HISTORY_DEPTH } as const;
const CALL_TIMEOUT_MS = 5_000;
const quiet = { logSink: () => {} };

export interface VictimOptions {
  readonly domainId: number;
  readonly discoveryLimits: Partial<DiscoveryLimits>;
  /** Messages a second on the reliable topic. */
  readonly publishHz: number;
  /** Pause between one call's answer and the next call, ms. */
  readonly callGapMs: number;
}

/** What happened on the topic and the service between `open` and `close`. */
export interface TrafficWindow {
  /** Messages published in the window. */
  readonly published: number;
  /** Of those, how many the listener got (counted after a drain). */
  readonly delivered: number;
  /** Messages that did not follow the previous one (a skip, a repeat or a reordering): 0 on a reliable topic. */
  readonly misordered: number;
  readonly callsCompleted: number;
  readonly callsFailed: number;
  readonly callMaxMs: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class Victims {
  private published = 0;
  private lastReceived = 0;
  private misordered = 0;
  private window: { from: number; to: number; delivered: number } = { from: 0, to: Infinity, delivered: 0 };
  private calls = { completed: 0, failed: 0, maxMs: 0 };
  private running = true;
  private calling: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly started = performance.now();

  private constructor(
    readonly a: Context,
    readonly b: Context,
    private readonly pairs: readonly { writer: Guid; reader: Guid }[],
    private readonly options: VictimOptions,
    private readonly publish: (n: number) => void,
    private readonly call: (a: bigint, signal: AbortSignal) => Promise<bigint>,
  ) {}

  static async start(options: VictimOptions): Promise<Victims> {
    const open = () =>
      Context.create({
        discovery: { domainId: options.domainId, range: 'localhost', staticPeers: [] },
        discoveryLimits: options.discoveryLimits,
        logSink: () => {},
      });
    const a = await open();
    const b = await open();
    const talker = a.createNode('soak_talker', quiet);
    const listener = b.createNode('soak_listener', quiet);
    const pub = talker.createPublisher('std_msgs/msg/String', TOPIC, RELIABLE_QOS);
    let onMessage: (n: number) => void = () => {};
    const sub = listener.createSubscription(
      'std_msgs/msg/String',
      TOPIC,
      (m) => onMessage(Number(m.data)),
      RELIABLE_QOS,
    );
    const server = talker.createService('example_interfaces/srv/AddTwoInts', SERVICE, (req) => ({
      sum: req.a + req.b,
    }));
    const client = listener.createClient('example_interfaces/srv/AddTwoInts', SERVICE);
    const victims = new Victims(
      a,
      b,
      [
        { writer: pub.gid, reader: sub.gid },
        { writer: client.gids.requestWriter, reader: server.gids.requestReader },
        { writer: server.gids.replyWriter, reader: client.gids.replyReader },
      ],
      options,
      (n) => pub.publish({ data: String(n) }),
      async (x, signal) => (await client.call({ a: x, b: 1n }, { timeout: CALL_TIMEOUT_MS, signal })).sum,
    );
    onMessage = (n) => victims.onMessage(n);
    await client.waitForService({ timeout: 20_000 });
    const matched = performance.now();
    while (pub.subscriptionCount === 0) {
      if (performance.now() - matched > 20_000) throw new Error('the soak listener never matched the talker');
      await new Promise((r) => setTimeout(r, 20));
    }
    return victims;
  }

  get participants(): readonly RtpsParticipant[] {
    return [this.a.participant, this.b.participant];
  }

  /** What the attacker needs to aim: ports, prefixes, the matched pairs' entity ids. */
  map(): VictimMap {
    const domainId = this.options.domainId;
    const ports = this.participants.map((p) => {
      const r = rtpsPorts(domainId, p.participantId);
      return { metatraffic: r.metatrafficUnicast, user: r.userUnicast };
    });
    const portOf = (g: Guid) =>
      ports[this.participants.findIndex((p) => hex(p.guidPrefix) === hex(g.prefix))]!.user;
    return {
      domainId,
      participants: this.participants.map((p) => ({
        prefix: hex(p.guidPrefix),
        participantId: p.participantId,
      })),
      ports,
      multicast: { address: SPDP_MULTICAST_GROUP, port: rtpsPorts(domainId, 0).metatrafficMulticast },
      pairs: this.pairs.map(
        ({ writer, reader }): MatchedPair => ({
          writer: { prefix: hex(writer.prefix), entityId: writer.entityId },
          reader: { prefix: hex(reader.prefix), entityId: reader.entityId },
          readerPort: portOf(reader),
          writerPort: portOf(writer),
        }),
      ),
    };
  }

  /** Starts publishing (paced on elapsed time, so a stalled loop catches up) and calling. */
  startTraffic(): void {
    const tick = () => {
      if (!this.running) return;
      const due = Math.floor(((performance.now() - this.started) * this.options.publishHz) / 1000);
      // Catch up after a stall, but in bounded bursts: a burst is itself a load.
      for (let k = 0; k < 200 && this.published < due; k++) this.publish(++this.published);
      setTimeout(tick, 1);
    };
    tick();
    this.calling = (async () => {
      let x = 0n;
      while (this.running) {
        const t0 = performance.now();
        try {
          const sum = await this.call(++x, this.stopping.signal);
          if (sum !== x + 1n) throw new Error(`AddTwoInts(${x}, 1) answered ${sum}`);
          this.calls.completed++;
        } catch {
          if (!this.running) break;
          this.calls.failed++;
        }
        this.calls.maxMs = Math.max(this.calls.maxMs, performance.now() - t0);
        await new Promise((r) => setTimeout(r, this.options.callGapMs));
      }
    })();
  }

  private onMessage(n: number): void {
    if (n !== this.lastReceived + 1) this.misordered++;
    this.lastReceived = Math.max(this.lastReceived, n);
    if (n > this.window.from && n <= this.window.to) this.window.delivered++;
  }

  /** Starts counting a scenario's traffic. */
  open(): void {
    this.window = { from: this.published, to: Infinity, delivered: 0 };
    this.calls = { completed: 0, failed: 0, maxMs: 0 };
    this.misordered = 0;
  }

  /**
   * Ends the window at what was published so far, and waits (up to `drainMs`) for the listener to
   * get all of it: reliable delivery may repair losses after the attack ends.
   */
  async close(drainMs: number): Promise<TrafficWindow> {
    this.window.to = this.published;
    const calls = { ...this.calls };
    const deadline = performance.now() + drainMs;
    while (this.window.delivered < this.window.to - this.window.from && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    return {
      published: this.window.to - this.window.from,
      delivered: this.window.delivered,
      misordered: this.misordered,
      callsCompleted: calls.completed,
      callsFailed: calls.failed,
      callMaxMs: calls.maxMs,
    };
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.calling.catch(() => {});
    await Promise.all([this.a.shutdown(), this.b.shutdown()]);
  }
}
