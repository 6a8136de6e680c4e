/**
 * `ros2ts lifecycle nodes|get|list|set`, as ros2lifecycle (Jazzy) prints them. A node has a
 * lifecycle when it serves `<node>/get_state` of type lifecycle_msgs/srv/GetState.
 */
import type { Command } from 'commander';
import { type Message, type MessageInput, nodeFqn } from '../../index.js';
import { absoluteName, addGraphOptions, visible } from '../common.js';
import { CliError, print, printError } from '../errors.js';
import { type Session, withSession } from '../session.js';

/** How long a command waits for a lifecycle service (ros2lifecycle waits without end). */
const SERVICE_WAIT_MS = 10_000;

interface TransitionDescription {
  readonly transition: { readonly id: number; readonly label: string };
  readonly start_state: { readonly label: string };
  readonly goal_state: { readonly label: string };
}

/**
 * The fully qualified names of the nodes with a lifecycle, sorted, each once. As ros2lifecycle's
 * api/__init__.py get_node_names: without `includeHidden`, hidden services do not count either, so
 * a node in a hidden namespace (`/_ns/camera`) has no lifecycle there.
 */
function lifecycleNodes(s: Session, includeHidden: boolean): string[] {
  const services = visible(s.node.getServiceNamesAndTypes(), includeHidden);
  const names = s.node
    .getNodeNames({ includeHidden })
    .filter((n) => n.name !== '')
    .map((n) => nodeFqn(n.namespace, n.name))
    .filter((fqn) =>
      services.some((x) => x.name === `${fqn}/get_state` && x.types.includes('lifecycle_msgs/srv/GetState')),
    );
  return [...new Set(names)].sort();
}

async function call<S extends string>(
  s: Session,
  type: S,
  service: string,
  request: MessageInput<`${S}_Request`>,
): Promise<Message<`${S}_Response`>> {
  const client = s.node.createClient(type, service);
  try {
    await client.waitForService({ timeout: SERVICE_WAIT_MS });
    return await client.call(request, { timeout: SERVICE_WAIT_MS });
  } finally {
    client.destroy();
  }
}

/**
 * `given` is the node name as typed: ros2lifecycle's list.py and set.py name `args.node_name` in
 * their error, not the absolute name they call.
 */
async function transitionsOf(
  s: Session,
  node: string,
  given: string,
  all: boolean,
): Promise<TransitionDescription[]> {
  const service = all ? 'get_transition_graph' : 'get_available_transitions';
  try {
    const r = await call(s, 'lifecycle_msgs/srv/GetAvailableTransitions', `${node}/${service}`, {});
    return r.available_transitions;
  } catch (error) {
    throw new CliError(`Exception while calling service of node '${given}': ${(error as Error).message}`);
  }
}

export function registerLifecycle(program: Command): void {
  const lifecycle = program.command('lifecycle').description('Various lifecycle related sub-commands');

  addGraphOptions(
    lifecycle
      .command('nodes')
      .description('Output a list of nodes with lifecycle')
      .option('-a, --all', 'Display all nodes even hidden ones')
      .option('-c, --count-nodes', 'Only display the number of nodes discovered'),
  ).action(async (o: { all?: boolean; countNodes?: boolean; spinTime?: number }) => {
    const names = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return lifecycleNodes(s, o.all === true);
    });
    if (o.countNodes) print(String(names.length));
    else if (names.length > 0) print(...names);
  });

  addGraphOptions(
    lifecycle
      .command('get')
      .description('Get lifecycle state for one or more nodes')
      .argument(
        '[node_name]',
        'Name of the ROS node. If no name is provided, then get the state for all nodes.',
      )
      .option('--include-hidden-nodes', 'Consider hidden nodes as well'),
  ).action(async (given: string | undefined, o: { includeHiddenNodes?: boolean; spinTime?: number }) => {
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const nodes = lifecycleNodes(s, o.includeHiddenNodes === true);
      const one = given === undefined ? undefined : absoluteName(given);
      if (one !== undefined && !nodes.includes(one)) throw new CliError('Node not found');
      const asked = one === undefined ? nodes : [one];
      const states = await Promise.all(
        asked.map((n) =>
          call(s, 'lifecycle_msgs/srv/GetState', `${n}/get_state`, {}).then(
            (r) => r.current_state,
            (e: Error) => e,
          ),
        ),
      );
      const lines: string[] = [];
      for (const [i, n] of asked.entries()) {
        const state = states[i]!;
        if (state instanceof Error) {
          printError(`Exception while calling service of node '${n}': ${state.message}`);
          if (one !== undefined) throw new CliError('', 1);
          continue;
        }
        lines.push(`${one === undefined ? `${n}: ` : ''}${state.label} [${state.id}]`);
      }
      if (lines.length > 0) print(...lines);
    });
  });

  addGraphOptions(
    lifecycle
      .command('list')
      .description('Output a list of available transitions')
      .argument('<node_name>', 'Name of the ROS node')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well')
      .option('-a, --all', 'Display all existing transitions'),
  ).action(async (given: string, o: { includeHiddenNodes?: boolean; all?: boolean; spinTime?: number }) => {
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const node = absoluteName(given);
      if (!lifecycleNodes(s, o.includeHiddenNodes === true).includes(node))
        throw new CliError('Node not found');
      const lines = (await transitionsOf(s, node, given, o.all === true)).map(
        (t) =>
          `- ${t.transition.label} [${t.transition.id}]\n\tStart: ${t.start_state.label}\n\tGoal: ${t.goal_state.label}`,
      );
      if (lines.length > 0) print(...lines);
    });
  });

  addGraphOptions(
    lifecycle
      .command('set')
      .description('Trigger lifecycle state transition')
      .argument('<node_name>', 'Name of the ROS node')
      .argument('<transition>', 'The lifecycle transition')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well'),
  ).action(async (given: string, wanted: string, o: { includeHiddenNodes?: boolean; spinTime?: number }) => {
    await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      const node = absoluteName(given);
      if (!lifecycleNodes(s, o.includeHiddenNodes === true).includes(node))
        throw new CliError('Node not found');
      const available = await transitionsOf(s, node, given, false);
      // A label first, then an id, as ros2lifecycle matches them.
      const chosen =
        available.find((t) => t.transition.label === wanted) ??
        available.find((t) => String(t.transition.id) === wanted);
      if (!chosen) {
        throw new CliError(
          `Unknown transition requested, available ones are:${available
            .map((t) => `\n- ${t.transition.label} [${t.transition.id}]`)
            .join('')}`,
        );
      }
      let success: boolean;
      try {
        const r = await call(s, 'lifecycle_msgs/srv/ChangeState', `${node}/change_state`, {
          transition: chosen.transition,
        });
        success = r.success;
      } catch (error) {
        printError(`Exception while calling service of node '${given}': ${(error as Error).message}`);
        return;
      }
      // A refused transition is said on stderr, and the exit code stays 0, as ros2lifecycle's.
      if (success) print('Transitioning successful');
      else printError('Transitioning failed');
    });
  });
}
