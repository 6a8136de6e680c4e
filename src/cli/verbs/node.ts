/**
 * `ros2ts node list|info`, as ros2node (Jazzy) prints them.
 */
import type { Command } from 'commander';
import { isHiddenName, nodeFqn, splitNodeFqn } from '../../index.js';
import { absoluteName, addGraphOptions, type NameAndTypes } from '../common.js';
import { CliError, print, printError } from '../errors.js';
import { withSession } from '../session.js';

const ACTION_SUFFIX = '/_action/send_goal';

/**
 * rcl_action's get_action_server/client_names_and_types_by_node: an action is there when the
 * node serves (or calls) `<action>/_action/send_goal` of type `<pkg>/action/<Name>_SendGoal`.
 */
export function actionsOf(services: readonly NameAndTypes[]): NameAndTypes[] {
  const out: NameAndTypes[] = [];
  for (const s of services) {
    if (!s.name.endsWith(ACTION_SUFFIX)) continue;
    const types = s.types.filter((t) => t.endsWith('_SendGoal')).map((t) => t.slice(0, -'_SendGoal'.length));
    if (types.length > 0) out.push({ name: s.name.slice(0, -ACTION_SUFFIX.length), types });
  }
  return out;
}

export function registerNode(program: Command): void {
  const node = program.command('node').description('Various node related sub-commands');

  addGraphOptions(
    node
      .command('list')
      .description('Output a list of available nodes')
      .option('-a, --all', 'Display all nodes even hidden ones')
      .option('-c, --count-nodes', 'Only display the number of nodes discovered'),
  ).action(async (o: { all?: boolean; countNodes?: boolean; spinTime?: number }) => {
    const names = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return s.node
        .getNodeNames({ includeHidden: o.all === true })
        .filter((n) => n.name !== '')
        .map((n) => nodeFqn(n.namespace, n.name));
    });
    if (o.countNodes) return print(String(names.length));
    if (names.length === 0) return;
    const sorted = [...names].sort();
    if (new Set(sorted).size < sorted.length) {
      printError(
        'WARNING: Be aware that there are nodes in the graph that share an exact name, which can have unintended side effects.',
      );
    }
    print(...sorted);
  });

  addGraphOptions(
    node
      .command('info')
      .description('Output information about a node')
      .argument('<node_name>', 'Node name to request information')
      .option('--include-hidden', 'Display hidden topics, services, and actions as well'),
  ).action(async (given: string, o: { includeHidden?: boolean; spinTime?: number }) => {
    const nodeName = absoluteName(given);
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const all = s.node.getNodeNames({ includeHidden: o.includeHidden === true });
      const count = all.filter((n) => nodeFqn(n.namespace, n.name) === nodeName).length;
      if (count > 1) {
        printError(
          `There are ${count} nodes in the graph with the exact name "${nodeName}". You are seeing information about only one of them.`,
        );
      }
      if (count === 0) throw new CliError(`Unable to find node '${nodeName}'`);
      const { namespace, name } = splitNodeFqn(nodeName);
      const info = s.context.graph.nodeInfo(namespace, name);
      const show = (list: readonly NameAndTypes[]) =>
        list
          .filter((x) => o.includeHidden || !isHiddenName(x.name))
          .map((x) => `    ${x.name}: ${x.types.join(', ')}`);
      const section = (title: string, list: readonly NameAndTypes[]) => {
        print(`  ${title}:`);
        print(show(list).join('\n'));
      };
      print(nodeName);
      section('Subscribers', info?.subscribers ?? []);
      section('Publishers', info?.publishers ?? []);
      section('Service Servers', info?.serviceServers ?? []);
      section('Service Clients', info?.serviceClients ?? []);
      section('Action Servers', actionsOf(info?.serviceServers ?? []));
      section('Action Clients', actionsOf(info?.serviceClients ?? []));
    });
  });
}
