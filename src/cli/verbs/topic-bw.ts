/**
 * `ros2ts topic bw` and its arithmetic (TopicBw), as ros2topic's verb/bw.py (Jazzy): bytes a
 * second and message sizes over a window, printed once a second.
 */
import type { Command } from 'commander';
import { getCodec } from '../../index.js';
import { addGraphOptions, positiveInt } from '../common.js';
import { print } from '../errors.js';
import { pyFixed } from '../python-repr.js';
import { interrupted, withSession } from '../session.js';
import { resolveTopic, waitForTopicType } from '../topic-type.js';

export function registerBw(topic: Command): void {
  addGraphOptions(
    topic
      .command('bw')
      .description('Display bandwidth used by topic')
      .argument('<topic>', 'Topic name to monitor for bandwidth utilization')
      .option(
        '-w, --window <WINDOW>',
        'maximum window size, in # of messages, for calculating rate (default: 100)',
        positiveInt,
        100,
      ),
  ).action(async (topicName: string, o: { window: number }) => {
    await withSession(undefined, async (s) => {
      const stop = new AbortController();
      const interrupt = interrupted(stop.signal);
      void interrupt.promise.then(() => stop.abort());
      let timer: ReturnType<typeof setInterval> | undefined;
      try {
        const type = await waitForTopicType(s, topicName, stop.signal);
        if (!type) return;
        const bw = new TopicBw(o.window);
        const codec = getCodec(type);
        // The subscription hands over decoded messages; their size is that of their serialization.
        s.node.createSubscription(
          type,
          resolveTopic(s, topicName),
          (m) => bw.onMessage(Date.now(), codec.encode(m as never).length),
          'sensorData',
        );
        print(`Subscribed to [${topicName}]`);
        timer = setInterval(() => {
          const line = bw.report(Date.now());
          if (line) print(line);
        }, 1000);
        await interrupt.promise;
      } finally {
        if (timer) clearInterval(timer);
        interrupt.dispose();
      }
    });
  });
}

/** ros2topic's ROSTopicBandwidth. */
export class TopicBw {
  private times: number[] = [];
  private sizes: number[] = [];

  constructor(private readonly window: number) {}

  onMessage(nowMs: number, size: number): void {
    this.times.push(nowMs);
    this.sizes.push(size);
    if (this.times.length > this.window) {
      this.times.shift();
      this.sizes.shift();
    }
  }

  report(nowMs: number): string | undefined {
    if (this.times.length < 2) return undefined;
    const n = this.times.length;
    const t0 = this.times[0]!;
    if (nowMs <= t0) {
      this.times = [];
      this.sizes = [];
      return undefined;
    }
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const bytesPerS = total / ((nowMs - t0) / 1000);
    const mean = total / n;
    const max = Math.max(...this.sizes);
    const min = Math.min(...this.sizes);
    const fmt =
      bytesPerS < 1000
        ? (x: number) => `${pyFixed(x, 0)} B`
        : bytesPerS < 1_000_000
          ? (x: number) => `${pyFixed(x / 1000, 2)} KB`
          : (x: number) => `${pyFixed(x / 1000 / 1000, 2)} MB`;
    return `${fmt(bytesPerS)}/s from ${n} messages\n\tMessage size mean: ${fmt(mean)} min: ${fmt(min)} max: ${fmt(max)}`;
  }
}
