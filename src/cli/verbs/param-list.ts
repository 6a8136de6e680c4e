/**
 * `ros2ts param list [node_name]`, as ros2param's verb/list.py (Jazzy): every node's (or one
 * node's) parameter names, filtered by prefix or regex, with their types on request.
 */
import type { Command } from 'commander';
import { nodeFqn } from '../../index.js';
import { absoluteName, addGraphOptions } from '../common.js';
import { CliError, print, printError } from '../errors.js';
import { cmp, ParameterClient } from '../parameter-node.js';
import { parameterTypeString } from '../parameter-values.js';
import { withSession } from '../session.js';

export function registerParamList(param: Command): void {
  addGraphOptions(
    param
      .command('list')
      .description('Output a list of available parameters')
      .argument('[node_name]', 'Name of the ROS node')
      .option('--filter <regex>', 'Only parameters matching the regex expression will be showed.')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well')
      .option('--param-prefixes <prefixes...>', 'Only list parameters with the provided prefixes', [])
      .option('--param-type', 'Print parameter types with parameter names'),
  ).action(
    async (
      nodeArg: string | undefined,
      o: {
        filter?: string;
        includeHiddenNodes?: boolean;
        paramPrefixes: string[];
        paramType?: boolean;
        spinTime?: number;
      },
    ) => {
      let filter: RegExp | undefined;
      try {
        filter = o.filter === undefined ? undefined : new RegExp(`^(?:${o.filter})`);
      } catch (error) {
        throw new CliError(`invalid --filter: ${(error as Error).message}`);
      }
      await withSession(undefined, async (s) => {
        await s.waitForDiscovery({ spinTime: o.spinTime });
        let nodes = s.node
          .getNodeNames({ includeHidden: o.includeHiddenNodes === true })
          .map((n) => ({ name: n.name, namespace: n.namespace, full: nodeFqn(n.namespace, n.name) }));
        if (nodeArg !== undefined) {
          const wanted = absoluteName(nodeArg);
          if (!nodes.some((n) => n.full === wanted)) throw new CliError('Node not found');
          nodes = nodes.filter((n) => n.full === wanted);
        }
        // Sorted as ros2param sorts its NodeName tuples: by name, then namespace.
        nodes.sort((a, b) => cmp(a.name, b.name) || cmp(a.namespace, b.namespace));
        const unique = [...new Map(nodes.map((n) => [n.full, n])).values()];
        // Every node is asked at once (ros2param asks them one after the other).
        const answers = await Promise.all(
          unique.map(async (n) => {
            const client = new ParameterClient(s, n.full);
            try {
              const r = await client.call('list_parameters', 'rcl_interfaces/srv/ListParameters', {
                prefixes: o.paramPrefixes,
                depth: 0n,
              });
              return {
                node: n,
                client,
                names: r ? ((r['result'] as { names: string[] }).names ?? []) : undefined,
              };
            } catch (error) {
              return { node: n, client, error: error as Error };
            }
          }),
        );
        for (const a of answers) {
          if ('error' in a && a.error) {
            printError(a.error.message);
            continue;
          }
          if (!('names' in a) || a.names === undefined) {
            print(`Wait for service timed out waiting for parameter services for node ${a.node.full}`);
            continue;
          }
          let names = [...a.names].sort(cmp);
          if (filter) names = names.filter((n) => filter.test(n));
          if (nodeArg === undefined && names.length > 0) print(`${a.node.full}:`);
          let types = new Map<string, string>();
          if (o.paramType) {
            const r = await a.client.required(
              'describe_parameters',
              'rcl_interfaces/srv/DescribeParameters',
              {
                names,
              },
            );
            const descriptors = r['descriptors'] as { name: string; type: number }[];
            types = new Map(descriptors.map((d) => [d.name, parameterTypeString(d.type)]));
          }
          for (const n of names) print(o.paramType ? `  ${n} (type: ${types.get(n)})` : `  ${n}`);
        }
      });
    },
  );
}
