/**
 * `ros2ts topic hz` and its arithmetic (TopicHz), as ros2topic's verb/hz.py (Jazzy): the rate of
 * arrivals over a window, printed at most once a second.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { addGraphOptions, positiveInt } from '../common.js';
import { CliError, print } from '../errors.js';
import { pyFixed } from '../python-repr.js';
import { interrupted, withSession } from '../session.js';
import { resolveTopic, waitForTopicType } from '../topic-type.js';

export function registerHz(topic: Command): void {
  addGraphOptions(
    topic
      .command('hz')
      .description('Print the average publishing rate to screen')
      .argument('<topic_name>', "Name of the ROS topic to listen to (e.g. '/chatter')")
      .option(
        '-w, --window <WINDOW>',
        'window size, in # of messages, for calculating rate (default: 10000)',
        positiveInt,
        10000,
      )
      .addOption(
        new Option(
          '--filter <EXPR>',
          'only measure messages matching the specified Python expression (not supported)',
        ),
      )
      .option(
        '--wall-time',
        'calculates rate using wall time which can be helpful when clock is not published during simulation',
      ),
  ).action(async (topicName: string, o: { window: number; filter?: string }) => {
    if (o.filter !== undefined)
      throw new CliError('--filter takes a Python expression, which ros2ts cannot evaluate');
    await withSession(undefined, async (s) => {
      const stop = new AbortController();
      const interrupt = interrupted(stop.signal);
      // Ctrl+C also ends the wait for the topic's type.
      void interrupt.promise.then(() => stop.abort());
      try {
        const type = await waitForTopicType(s, topicName, stop.signal);
        if (!type) return;
        const hz = new TopicHz(o.window);
        s.node.createSubscription(
          type,
          resolveTopic(s, topicName),
          () => {
            hz.onMessage(process.hrtime.bigint());
            const line = hz.report();
            if (line) print(line);
          },
          'sensorData',
        );
        await interrupt.promise;
      } finally {
        interrupt.dispose();
      }
    });
  });
}

/** ros2topic's ROSTopicHz: intervals between arrivals (ns), reported at most once a second. */
export class TopicHz {
  private t0 = -1n;
  private tn = 0n;
  private lastPrinted = 0n;
  private readonly times: bigint[] = [];

  constructor(private readonly window: number) {}

  onMessage(now: bigint): void {
    if (this.t0 < 0n || this.t0 > now) {
      this.t0 = now;
      this.tn = now;
      this.times.length = 0;
    } else {
      this.times.push(now - this.tn);
      this.tn = now;
    }
    if (this.times.length > this.window) this.times.shift();
  }

  /** The line `print_hz` prints, or undefined when it prints nothing now. */
  report(): string | undefined {
    if (this.times.length === 0) return undefined;
    if (this.lastPrinted === 0n) {
      this.lastPrinted = this.tn;
      return undefined;
    }
    if (this.tn < this.lastPrinted + 1_000_000_000n) return undefined;
    const times = this.times.map(Number);
    const n = times.length;
    const mean = times.reduce((a, b) => a + b, 0) / n;
    const rate = mean > 0 ? 1 / mean : 0;
    const std = Math.sqrt(times.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    this.lastPrinted = this.tn;
    return (
      `average rate: ${pyFixed(rate * 1e9, 3)}\n` +
      `\tmin: ${pyFixed(Math.min(...times) * 1e-9, 3)}s max: ${pyFixed(Math.max(...times) * 1e-9, 3)}s ` +
      `std dev: ${pyFixed(std * 1e-9, 5)}s window: ${n}`
    );
  }
}
