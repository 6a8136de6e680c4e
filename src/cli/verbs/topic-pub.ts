/**
 * `ros2ts topic pub`, as ros2topic's verb/pub.py (Jazzy) does it: values from YAML, `--rate`,
 * `--once`/`--times`, waiting for matching subscriptions (`-w`, `--max-wait-time-secs`).
 */
import type { Command } from 'commander';
import type { Publisher } from '../../index.js';
import { addGraphOptions, nonNegativeInt, positiveFloat, readStdin } from '../common.js';
import { CliError, print } from '../errors.js';
import { messageType, registry } from '../interfaces.js';
import { InputError, messageFromValues, parseYaml } from '../message-input.js';
import { messageRepr } from '../python-repr.js';
import { addQosOptions, type QosArgs, qosFromArgs } from '../qos-options.js';
import { interrupted, sleep, withSession } from '../session.js';

interface PubOptions extends QosArgs {
  stdin?: boolean;
  rate: number;
  print: number;
  once?: boolean;
  times: number;
  waitMatchingSubscriptions?: number;
  maxWaitTimeSecs?: number;
  keepAlive: number;
  nodeName?: string;
}

export function registerPub(topic: Command): void {
  const cmd = topic
    .command('pub')
    .description('Publish a message to a topic')
    .argument('<topic_name>', "Name of the ROS topic to publish to (e.g. '/chatter')")
    .argument('<message_type>', "Type of the ROS message (e.g. 'std_msgs/String')")
    .argument(
      '[values]',
      "Values to fill the message with in YAML format (e.g. 'data: Hello World'), otherwise the message will be published with default values",
    )
    .option('--stdin', 'Read values from standard input')
    .option('-r, --rate <N>', 'Publishing rate in Hz (default: 1)', positiveFloat, 1)
    .option('-p, --print <N>', 'Only print every N-th published message (default: 1)', intArg, 1)
    .option('-1, --once', 'Publish one message and exit')
    .option('-t, --times <N>', 'Publish this number of times and then exit', nonNegativeInt, 0)
    .option(
      '-w, --wait-matching-subscriptions <N>',
      'Wait until finding the specified number of matching subscriptions. Defaults to 1 when using "-1"/"--once"/"--times", otherwise defaults to 0.',
      nonNegativeInt,
    )
    .option(
      '--max-wait-time-secs <seconds>',
      'This sets the maximum wait time in seconds if --wait-until-matching-subscriptions is set. By default, this flag is not set meaning the subscriber will wait endlessly.',
      positiveFloat,
    )
    .option(
      '--keep-alive <N>',
      'Keep publishing node alive for N seconds after the last msg (default: 0.1)',
      positiveFloat,
      0.1,
    )
    .option('-n, --node-name <name>', 'Name of the created publishing node');
  addQosOptions(cmd, 'publish', 'default');
  addGraphOptions(cmd).action(
    async (name: string, typeText: string, values: string | undefined, o: PubOptions) => {
      if (o.once && o.times !== 0)
        throw new CliError('argument -t/--times: not allowed with argument -1/--once');
      if (o.stdin && values !== undefined)
        throw new CliError('argument --stdin: not allowed with argument values');
      const text = o.stdin ? await readStdin() : (values ?? '{}');
      await pub(name, typeText, text, o);
    },
  );
}

function intArg(text: string): number {
  return Number.parseInt(text, 10);
}

/** How long `topic pub` waits for its subscriptions to acknowledge before it exits. */
const ACK_WAIT_MS = 2_000;

async function pub(topicName: string, typeText: string, valuesText: string, o: PubOptions): Promise<void> {
  const type = messageType(typeText);
  const qos = qosFromArgs(o);
  const times = o.once ? 1 : o.times;
  const waitFor = o.waitMatchingSubscriptions ?? (times !== 0 ? 1 : 0);
  const values = parseYaml(valuesText);
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new CliError('The passed value needs to be a dictionary in YAML format');
  }
  const reg = registry();
  // Checked before anything waits: a value the type cannot hold fails at once, not after a
  // subscriber shows up (or never, when none does).
  let filled: ReturnType<typeof messageFromValues>;
  try {
    filled = messageFromValues(reg, type, values, { headerAuto: true, timeNow: true });
  } catch (error) {
    if (error instanceof InputError) throw new CliError(`Failed to populate field: ${error.message}`);
    throw error;
  }
  await withSession(o.nodeName, async (s) => {
    let publisher: Publisher;
    try {
      publisher = s.node.createPublisher(type, topicName, qos);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    if (waitFor === 0 && o.maxWaitTimeSecs !== undefined) {
      throw new CliError(
        '--max-wait-time-secs option is only effective with --wait-matching-subscriptions, --once or --times',
      );
    }
    const stop = new AbortController();
    const interrupt = interrupted(stop.signal);
    void interrupt.promise.then(() => stop.abort());
    try {
      // ros2cli's DirectNode spins 0.5 s for discovery before this loop: matching that happens
      // within that time is not reported as waiting.
      const matchStart = Date.now();
      while (publisher.subscriptionCount < waitFor && Date.now() - matchStart < 500 && !stop.signal.aborted) {
        await sleep(20, stop.signal);
      }
      let ticks = 0;
      while (publisher.subscriptionCount < waitFor) {
        if (ticks % 10 === 0) print(`Waiting for at least ${waitFor} matching subscription(s)...`);
        if (o.maxWaitTimeSecs !== undefined && o.maxWaitTimeSecs <= ticks * 0.1) {
          throw new CliError(
            `Timed out waiting for subscribers: Expected ${waitFor} subcribers but only got ${publisher.subscriptionCount} subscribers`,
          );
        }
        ticks++;
        await sleep(100, stop.signal);
        if (stop.signal.aborted) return;
      }
      print('publisher: beginning loop');
      let count = 0;
      const publishOnce = () => {
        const ms = Date.now();
        filled.stampNow({ sec: Math.floor(ms / 1000), nanosec: (ms % 1000) * 1_000_000 });
        count++;
        if (o.print && count % o.print === 0) {
          print(`publishing #${count}: ${messageRepr(reg, type, filled.message)}`, '');
        }
        publisher.publish(filled.message as never);
      };
      publishOnce();
      if (times !== 1) {
        const period = 1000 / o.rate;
        const started = Date.now();
        while (!stop.signal.aborted && (times === 0 || count < times)) {
          await sleep(Math.max(0, started + count * period - Date.now()), stop.signal);
          if (!stop.signal.aborted) publishOnce();
        }
      }
      // Unlike ros2cli, wait (a bounded time) until every reliable subscription has the
      // messages: a reader that had not yet discovered us drops the first one and asks again,
      // which a process that has exited cannot answer.
      await publisher.waitForAllAcked({ timeout: ACK_WAIT_MS, signal: stop.signal }).catch(() => false);
      await sleep(o.keepAlive * 1000, stop.signal);
    } finally {
      interrupt.dispose();
    }
  });
}
