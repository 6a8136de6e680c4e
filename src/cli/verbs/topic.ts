/**
 * `ros2ts topic list|info|type|find|echo|pub|hz|delay|bw`, as ros2topic (Jazzy) prints them;
 * `delay` is in topic-delay.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  type FieldDef,
  type GraphEndpoint,
  getCodec,
  type Message,
  type MessageInfo,
  type Publisher,
  type RosQos,
} from '../../index.js';
import { type MixedOfferPolicy, offerOfEndpoint, requestMatchingOffers } from '../../rmw/qos-profiles.js';
import {
  addGraphOptions,
  nonNegativeInt,
  positiveFloat,
  positiveInt,
  readStdin,
  visible,
} from '../common.js';
import { CliError, print, SilentFailure } from '../errors.js';
import { describeEndpoint, type EndpointKind } from '../graph-info.js';
import { messageType, registry } from '../interfaces.js';
import { InputError, messageFromValues, parseYaml } from '../message-input.js';
import { messageToCsv, messageToYamlValue } from '../message-yaml.js';
import { fieldStr, messageRepr, pyFixed, pyStrRepr } from '../python-repr.js';
import { dumpYaml } from '../python-yaml.js';
import { addQosOptions, hasQosOverrides, type QosArgs, qosFromArgs } from '../qos-options.js';
import { interrupted, sleep, withSession } from '../session.js';
import { resolveTopic, waitForTopicType } from '../topic-type.js';
import { registerDelay } from './topic-delay.js';

interface ListOptions {
  showTypes?: boolean;
  countTopics?: boolean;
  includeHiddenTopics?: boolean;
  verbose?: boolean;
  spinTime?: number;
}

export function registerTopic(program: Command): void {
  const topic = program.command('topic').description('Various topic related sub-commands');

  addGraphOptions(
    topic
      .command('list')
      .description('Output a list of available topics')
      .option('-t, --show-types', 'Additionally show the topic type')
      .option('-c, --count-topics', 'Only display the number of topics discovered')
      .option('--include-hidden-topics', 'Consider hidden topics as well')
      .option('-v, --verbose', 'List full details about each topic'),
  ).action(async (o: ListOptions) => {
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const topics = visible(s.node.getTopicNamesAndTypes(), o.includeHiddenTopics === true);
      if (o.countTopics) return print(String(topics.length));
      if (topics.length === 0) return;
      if (o.verbose) {
        for (const publishers of [true, false]) {
          let text = `${publishers ? 'Published' : 'Subscribed'} topics:\n`;
          for (const t of topics) {
            const n = publishers ? s.node.countPublishers(t.name) : s.node.countSubscribers(t.name);
            if (n === 0) continue;
            const what = publishers ? 'publisher' : 'subscriber';
            text += ` * ${t.name} [${t.types.join(', ')}] ${n} ${what}${n > 1 ? 's' : ''}\n`;
          }
          print(text);
        }
        return;
      }
      for (const t of topics) print(o.showTypes ? `${t.name} [${t.types.join(', ')}]` : t.name);
    });
  });

  addGraphOptions(
    topic
      .command('info')
      .description('Print information about a topic')
      .argument('<topic_name>', "Name of the ROS topic to get info (e.g. '/chatter')")
      .option(
        '-v, --verbose',
        'Prints detailed information like the node name, node namespace, topic type, topic type hash, GUID, and QoS Profile of the publishers and subscribers to this topic',
      ),
  ).action(async (name: string, o: { verbose?: boolean; spinTime?: number }) => {
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const found = s.node.getTopicNamesAndTypes().find((t) => t.name === name);
      if (!found) throw new CliError(`Unknown topic '${name}'`);
      const end = o.verbose ? '\n\n' : '\n';
      const write = (text: string) => process.stdout.write(text + end);
      const types = found.types.length === 1 ? found.types[0]! : `[${found.types.map(pyStrRepr).join(', ')}]`;
      write(`Type: ${types}`);
      const section = (kind: EndpointKind) => {
        const endpoints = s.context.graph.endpointsOn(`rt${name}`, kind);
        write(`${kind === 'writer' ? 'Publisher' : 'Subscription'} count: ${endpoints.length}`);
        if (o.verbose) for (const e of endpoints) write(describeEndpoint(s.context, e));
      };
      section('writer');
      section('reader');
    });
  });

  addGraphOptions(
    topic
      .command('type')
      .description("Print a topic's type")
      .argument('<topic_name>', "Name of the ROS topic to get type (e.g. '/chatter')")
      .option('--include-hidden-topics', 'Consider hidden topics as well'),
  ).action(async (name: string, o: ListOptions) => {
    const types = await withSession(undefined, async (s) => {
      const find = () =>
        visible(s.node.getTopicNamesAndTypes(), o.includeHiddenTopics === true).find((t) => t.name === name);
      await s.waitForDiscovery({ spinTime: o.spinTime, until: () => find() !== undefined });
      return find()?.types;
    });
    if (!types) throw new SilentFailure();
    for (const t of types) print(t);
  });

  addGraphOptions(
    topic
      .command('find')
      .description('Output a list of available topics of a given type')
      .argument('<topic_type>', "Name of the ROS topic type to filter for (e.g. 'std_msgs/msg/String')")
      .option('-c, --count-topics', 'Only display the number of topics discovered')
      .option('--include-hidden-topics', 'Consider hidden topics as well'),
  ).action(async (type: string, o: ListOptions) => {
    const topics = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return visible(s.node.getTopicNamesAndTypes(), o.includeHiddenTopics === true);
    });
    const found = topics.filter((t) => t.types.includes(type)).map((t) => t.name);
    if (o.countTopics) return print(String(found.length));
    for (const n of found) print(n);
  });

  registerEcho(topic);
  registerPub(topic);
  registerHz(topic);
  registerDelay(topic);
  registerBw(topic);
}

// --- echo ---

interface EchoOptions extends QosArgs {
  csv?: boolean;
  field?: string;
  fullLength?: boolean;
  truncateLength: number;
  noArr?: boolean;
  noStr?: boolean;
  flowStyle?: boolean;
  once?: boolean;
  timeout?: number;
  includeMessageInfo?: boolean;
  filter?: string;
  raw?: boolean;
  spinTime?: number;
}

function registerEcho(topic: Command): void {
  const cmd = topic
    .command('echo')
    .description('Output messages from a topic')
    .argument('<topic_name>', "Name of the ROS topic to listen to (e.g. '/chatter')")
    .argument('[message_type]', "Type of the ROS message (e.g. 'std_msgs/msg/String')");
  addQosOptions(cmd, 'subscribe', 'sensor_data');
  addGraphOptions(cmd)
    .option(
      '--csv',
      'Output all recursive fields separated by commas (e.g. for plotting). If --include-message-info is also passed, the following fields are prepended: source_timestamp, received_timestamp, publication_sequence_number, reception_sequence_number.',
    )
    .option(
      '--field <field>',
      "Echo a selected field of a message. Use '.' to select sub-fields. For example, to echo the position field of a nav_msgs/msg/Odometry message: 'ros2 topic echo /odom --field pose.pose.position'",
    )
    .option(
      '-f, --full-length',
      "Output all elements for arrays, bytes, and string with a length > '--truncate-length', by default they are truncated after '--truncate-length' elements with '...''",
    )
    .option(
      '-l, --truncate-length <N>',
      'The length to truncate arrays, bytes, and string to (default: 128)',
      nonNegativeInt,
      128,
    )
    .option('--no-arr', "Don't print array fields of messages")
    .option('--no-str', "Don't print string fields of messages")
    .option('--flow-style', 'Print collections in the block style (not available with csv format)')
    .option('--no-lost-messages', "Don't report when a message is lost")
    .addOption(new Option('--raw', 'Echo the raw binary representation (not supported by ros2ts)'))
    .addOption(
      new Option(
        '--filter <expr>',
        'Python expression to filter messages that are printed (not supported by ros2ts)',
      ),
    )
    .option('--once', 'Print the first message received and then exit.')
    .option('--timeout <N>', 'Set a timeout in seconds for waiting', positiveFloat)
    .option('-i, --include-message-info', 'Shows the associated message info.')
    .action(async (name: string, typeText: string | undefined, o: EchoOptions) => {
      // commander's `--no-arr` / `--no-str` set `arr` / `str` to false.
      const raw = o as EchoOptions & { arr?: boolean; str?: boolean };
      const noArr = raw.arr === false;
      const noStr = raw.str === false;
      if (o.raw) throw new CliError('--raw is not supported by ros2ts');
      if (o.filter !== undefined) {
        throw new CliError('--filter takes a Python expression, which ros2ts cannot evaluate');
      }
      const field = o.field === undefined ? undefined : o.field.split('.').filter((x) => x !== '');
      if (field !== undefined && field.length === 0) throw new CliError(`Invalid field value '${o.field}'`);
      await echo(name, typeText, { ...o, noArr, noStr }, field);
    });
}

async function echo(
  topicName: string,
  typeText: string | undefined,
  o: EchoOptions,
  field: string[] | undefined,
): Promise<void> {
  const explicitType = typeText === undefined ? undefined : messageType(typeText);
  await withSession(undefined, async (s) => {
    const name = resolveTopic(s, topicName);
    const publishers = () => s.context.graph.endpointsOn(`rt${name}`, 'writer');
    await s.waitForDiscovery({ spinTime: o.spinTime, until: () => publishers().length > 0 });
    const qos = echoQos(o, publishers());
    let type = explicitType;
    if (type === undefined) {
      const found = s.node.getTopicNamesAndTypes().find((t) => t.name === name);
      if (!found) {
        print(`WARNING: topic [${topicName}] does not appear to be published yet`);
        throw new CliError('Could not determine the type for the passed topic');
      }
      if (found.types.length > 1) {
        throw new CliError(
          `Cannot echo topic '${topicName}', as it contains more than one type: [${found.types.join(', ')}]`,
        );
      }
      type = messageType(found.types[0]!);
    }
    const reg = registry();
    const options = {
      truncateLength: o.fullLength ? undefined : o.truncateLength,
      noArr: o.noArr === true,
      noStr: o.noStr === true,
    };
    const done = new AbortController();
    let received = 0;
    let failure: Error | undefined;
    const onMessage = (message: Message<string>, info: MessageInfo) => {
      if (done.signal.aborted) return;
      received++;
      let selected: ReturnType<typeof selectField>;
      try {
        selected = selectField(type!, message, field);
      } catch (error) {
        failure = error as Error;
        done.abort();
        return;
      }
      let text = '';
      if (o.includeMessageInfo && !o.csv)
        text += dumpYaml(messageInfoYaml(info, received), { sortKeys: true });
      if (o.includeMessageInfo && !o.csv) text += '---\n';
      if (selected.type === undefined) {
        text += `${fieldStr(reg, selected.field!, selected.value)}\n---\n`;
      } else if (o.csv) {
        let line = messageToCsv(reg, selected.type, selected.value, options);
        if (o.includeMessageInfo) line = `${messageInfoCsv(info, received)},${line}`;
        text += `${line}\n`;
      } else {
        const yaml = messageToYamlValue(reg, selected.type, selected.value, options);
        text += `${dumpYaml(yaml, { flowStyle: o.flowStyle === true })}---\n`;
      }
      process.stdout.write(text);
      if (o.once) done.abort();
    };
    try {
      s.node.createSubscription(type, name, onMessage, qos);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const interrupt = interrupted(done.signal);
    const timer =
      o.timeout === undefined
        ? undefined
        : setTimeout(() => {
            // ros2 ends here with exit code 0 and says nothing; the exit code stays, the silence does not.
            if (received === 0)
              process.stderr.write(`no message on ${name} within ${o.timeout} s (--timeout)\n`);
            done.abort();
          }, o.timeout * 1000);
    await interrupt.promise;
    interrupt.dispose();
    if (timer) clearTimeout(timer);
    if (failure) throw failure;
  });
}

/** ros2 topic echo's choose_qos: the preset, made compatible with every publisher found. */
function echoQos(o: EchoOptions, publishers: readonly GraphEndpoint[]): RosQos {
  const base = qosFromArgs(o);
  if (hasQosOverrides(o)) return base;
  return requestMatchingOffers(publishers.map(offerOfEndpoint), base, (policy) =>
    print(MIXED_OFFERS[policy]),
  );
}

/** ros2cli qos.py's warnings when the publishers' offers are mixed. */
const MIXED_OFFERS: Record<MixedOfferPolicy, string> = {
  reliability:
    'Some, but not all, publishers are offering QoSReliabilityPolicy.RELIABLE. Falling back to QoSReliabilityPolicy.BEST_EFFORT as it will connect to all publishers',
  durability:
    'Some, but not all, publishers are offering QoSDurabilityPolicy.TRANSIENT_LOCAL. Falling back to QoSDurabilityPolicy.VOLATILE as it will connect to all publishers',
};

/** `--field a.b`: the sub-value and its message type (undefined when it is not a message). */
function selectField(
  type: string,
  message: unknown,
  field: readonly string[] | undefined,
): { type: string | undefined; field?: FieldDef; value: unknown } {
  if (!field) return { type, value: message };
  const reg = registry();
  let t: string | undefined = type;
  let def: FieldDef | undefined;
  let value: unknown = message;
  for (const name of field) {
    def = t === undefined ? undefined : reg.get(t).fields.find((f) => f.name === name && !f.synthetic);
    if (!def) {
      const on = t === undefined ? 'a value that is not a message' : t;
      throw new CliError(`Invalid field '${field.join('.')}': ${on} has no field '${name}'`);
    }
    value = (value as Record<string, unknown>)[name];
    t = typeof def.type !== 'string' && def.array.kind === 'none' ? def.type.nested : undefined;
  }
  return { type: t, ...(def ? { field: def } : {}), value };
}

function messageInfoYaml(info: MessageInfo, received: number): Map<string, bigint> {
  const ns = (ms: number | undefined) => BigInt(Math.round((ms ?? 0) * 1e6));
  return new Map([
    ['source_timestamp', ns(info.sourceTimestampMs)],
    ['received_timestamp', ns(Date.now())],
    ['publication_sequence_number', BigInt(info.sequenceNumber)],
    ['reception_sequence_number', BigInt(received)],
  ]);
}

function messageInfoCsv(info: MessageInfo, received: number): string {
  return [...messageInfoYaml(info, received).values()].join(',');
}

// --- pub ---

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

function registerPub(topic: Command): void {
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

// --- hz and bw ---

function registerHz(topic: Command): void {
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

function registerBw(topic: Command): void {
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
