/**
 * `ros2ts topic list|info|type|find`, as ros2topic (Jazzy) prints them, and the `topic` command
 * that gathers every verb; echo, pub, hz, delay and bw are each in their own topic-<verb>.ts.
 */
import type { Command } from 'commander';
import { addGraphOptions, visible } from '../common.js';
import { CliError, print, SilentFailure } from '../errors.js';
import { describeEndpoint, type EndpointKind } from '../graph-info.js';
import { pyStrRepr } from '../python-repr.js';
import { withSession } from '../session.js';
import { registerBw } from './topic-bw.js';
import { registerDelay } from './topic-delay.js';
import { registerEcho } from './topic-echo.js';
import { registerHz } from './topic-hz.js';
import { registerPub } from './topic-pub.js';

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
