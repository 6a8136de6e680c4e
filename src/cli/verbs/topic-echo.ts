/**
 * `ros2ts topic echo`, as ros2topic's verb/echo.py (Jazzy) prints messages: YAML or CSV, one
 * field (`--field`), message info, the QoS made compatible with the publishers found.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { FieldDef, GraphEndpoint, Message, MessageInfo, RosQos } from '../../index.js';
import { type MixedOfferPolicy, offerOfEndpoint, requestMatchingOffers } from '../../rmw/qos-profiles.js';
import { addGraphOptions, nonNegativeInt, positiveFloat } from '../common.js';
import { CliError, print } from '../errors.js';
import { messageType, registry } from '../interfaces.js';
import { messageToCsv, messageToYamlValue } from '../message-yaml.js';
import { fieldStr } from '../python-repr.js';
import { dumpYaml } from '../python-yaml.js';
import { addQosOptions, hasQosOverrides, type QosArgs, qosFromArgs } from '../qos-options.js';
import { interrupted, withSession } from '../session.js';
import { resolveTopic } from '../topic-type.js';

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

export function registerEcho(topic: Command): void {
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
