/**
 * `ros2ts topic delay <topic> [-w N]`, as ros2topic's verb/delay.py (Jazzy) does it: subscribes
 * with the sensor-data QoS, takes `now - header.stamp` of every message after the first, and once
 * a second prints the mean, min, max and standard deviation of the last N delays, until Ctrl+C.
 */
import type { Command } from 'commander';
import { addGraphOptions, positiveInt } from '../common.js';
import { CliError, print, printError } from '../errors.js';
import { pyFixed } from '../python-repr.js';
import { interrupted, withSession } from '../session.js';
import { resolveTopic, waitForTopicType } from '../topic-type.js';

/** delay.py's DEFAULT_WINDOW_SIZE. */
const DEFAULT_WINDOW_SIZE = 10_000;
/** delay.py's `node.create_timer(1, rt.print_delay)`. */
const PRINT_PERIOD_MS = 1000;

/**
 * ROS time as rclpy's `node.get_clock().now()` reads it without sim time: the system clock, in
 * nanoseconds since the epoch (the wall clock at start plus the monotonic clock since).
 */
function rosNowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/**
 * Python 3.12's `sum()` of floats (CPython bltinmodule.c builtin_sum_impl: Neumaier's compensated
 * summation), so the standard deviation is the one ros2topic computes, bit for bit.
 */
function pySum(xs: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const x of xs) {
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return c !== 0 && Number.isFinite(c) ? sum + c : sum;
}

/** What delay.py's ROSTopicDelay keeps: delays in nanoseconds, as Python ints (here bigints). */
export class TopicDelay {
  private msgT0 = -1n;
  private msgTn = 0n;
  private lastMsgTn = 0n;
  private delays: bigint[] = [];

  constructor(private readonly window: number) {}

  /**
   * callback_delay for a message stamped `stampNs` that came at `nowNs`. Returns the line it
   * prints, if any (only when ROS time went back to 0, which takes a sim clock).
   */
  onMessage(nowNs: bigint, stampNs: bigint): string | undefined {
    let line: string | undefined;
    if (nowNs === 0n) {
      if (this.delays.length > 0) {
        line = 'time has reset, resetting counters';
        this.delays = [];
      }
      return line;
    }
    // The first message (or one after the clock went back) starts the count; it has no delay.
    if (this.msgT0 < 0n || this.msgT0 > nowNs) {
      this.msgT0 = nowNs;
      this.msgTn = nowNs;
      this.delays = [];
    } else {
      this.delays.push(nowNs - stampNs);
      this.msgTn = nowNs;
    }
    if (this.delays.length > this.window) this.delays.shift();
    return line;
  }

  /** print_delay: the line it prints now, or undefined while there is no delay yet. */
  report(): string | undefined {
    if (this.delays.length === 0) return undefined;
    if (this.msgTn === this.lastMsgTn) return 'no new messages';
    const n = this.delays.length;
    // Python: sum of ints (exact) / n; then (x - mean)**2 on floats.
    const mean = Number(this.delays.reduce((a, b) => a + b, 0n)) / n;
    const std = Math.sqrt(
      pySum(
        this.delays.map((x) => {
          const d = Number(x) - mean;
          return d * d;
        }),
      ) / n,
    );
    let min = this.delays[0]!;
    let max = min;
    for (const d of this.delays) {
      if (d < min) min = d;
      if (d > max) max = d;
    }
    this.lastMsgTn = this.msgTn;
    return (
      `average delay: ${pyFixed(mean * 1e-9, 3)}\n` +
      `\tmin: ${pyFixed(Number(min) * 1e-9, 3)}s max: ${pyFixed(Number(max) * 1e-9, 3)}s ` +
      `std dev: ${pyFixed(std * 1e-9, 5)}s window: ${n}`
    );
  }
}

/**
 * `header.stamp` of a decoded message in nanoseconds; a string saying why not when the message
 * has none. delay.py raises "msg does not have header" when there is no `header`; a `header`
 * without a builtin_interfaces/Time `stamp` makes it crash with an AttributeError, which here is
 * an error that says so.
 */
export function headerStampNs(message: unknown): bigint | { readonly error: string } {
  const header = (message as Record<string, unknown> | null)?.['header'];
  if (header === undefined) return { error: 'msg does not have header' };
  const stamp = (header as Record<string, unknown> | null)?.['stamp'] as Record<string, unknown> | undefined;
  const sec = stamp?.['sec'];
  const nanosec = stamp?.['nanosec'];
  if (typeof sec !== 'number' || typeof nanosec !== 'number')
    return { error: "msg header has no 'stamp' of type builtin_interfaces/Time" };
  return BigInt(sec) * 1_000_000_000n + BigInt(nanosec);
}

export function registerDelay(topic: Command): void {
  addGraphOptions(
    topic
      .command('delay')
      .description('Display delay of topic from timestamp in header')
      .argument('<topic>', 'Topic name to calculate the delay for')
      .option(
        '-w, --window <WINDOW>',
        // delay.py's help text, sic; commander appends the "(default: 10000)" argparse shows.
        'window size, in # of messages, for calculating rate, string to',
        positiveInt,
        DEFAULT_WINDOW_SIZE,
      ),
  ).action(async (topicName: string, o: { window: number }) => {
    await withSession(undefined, async (s) => {
      const stop = new AbortController();
      const interrupt = interrupted(stop.signal);
      // Ctrl+C also ends the wait for the topic's type.
      void interrupt.promise.then(() => stop.abort());
      let timer: ReturnType<typeof setInterval> | undefined;
      let failure: CliError | undefined;
      let negativeStamps = 0;
      try {
        const type = await waitForTopicType(s, topicName, stop.signal);
        if (!type) return;
        const delay = new TopicDelay(o.window);
        s.node.createSubscription(
          type,
          resolveTopic(s, topicName),
          (message) => {
            if (failure) return;
            const stamp = headerStampNs(message);
            if (typeof stamp !== 'bigint') {
              // delay.py raises in the callback: the command ends with the message, exit code 1.
              failure = new CliError(stamp.error);
              stop.abort();
              return;
            }
            if (stamp < 0n) {
              // rclpy's Time (rclpy/time.py) raises ValueError for negative seconds, which kills
              // ros2topic; a publisher's bad stamp must not end ours: skipped, said once.
              if (negativeStamps++ === 0)
                printError('WARNING: skipping messages whose header.stamp is negative');
              return;
            }
            const line = delay.onMessage(rosNowNs(), stamp);
            if (line) print(line);
          },
          'sensorData',
        );
        timer = setInterval(() => {
          const line = delay.report();
          if (line) print(line);
        }, PRINT_PERIOD_MS);
        await interrupt.promise;
      } finally {
        if (timer) clearInterval(timer);
        interrupt.dispose();
      }
      if (failure) throw failure;
    });
  });
}
