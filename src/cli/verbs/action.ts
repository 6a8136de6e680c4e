/**
 * `ros2ts action list|info|type|send_goal`, as ros2action (Jazzy, ros2/ros2cli `ros2action/verb/*.py`
 * and `api/__init__.py`) prints them.
 *
 * Two departures, both on purpose:
 * - `info` names a namespaced node `/ns/node`; Jazzy's ros2action joins the namespace's characters
 *   (`'/'.join(node_ns) + node_name`, so `/demo` + `talker` prints `//d/e/m/otalker`), fixed after
 *   Jazzy (ros2cli #926).
 * - Ctrl+C during `send_goal` cancels the goal and then prints its result, as ros2cli #956 made it
 *   (Jazzy's first release tried to cancel after rclpy's signal handler had shut the context down,
 *   and failed with "Exception while canceling goal: None"). A second Ctrl+C exits at once (130).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  ActionClient,
  type ClientGoalHandle,
  GoalRejectedError,
  GoalStatus,
  InterfaceNotFoundError,
  type InterfaceRegistry,
  nodeFqn,
} from '../../index.js';
import { absoluteName, addGraphOptions, readStdin } from '../common.js';
import { CliError, print, SilentFailure } from '../errors.js';
import { fullTypeName, registry, searchPathsText } from '../interfaces.js';
import { InputError, messageFromValues, parseYaml } from '../message-input.js';
import { messageToYamlValue } from '../message-yaml.js';
import { dumpYaml } from '../python-yaml.js';
import { interrupted, Session, withSession } from '../session.js';

const FOREVER_MS = 2_147_483_647;

export function registerAction(program: Command): void {
  const action = program.command('action').description('Various action related sub-commands');

  addGraphOptions(
    action
      .command('list')
      .description('Output a list of action names')
      .option('-t, --show-types', 'Additionally show the action type')
      .option('-c, --count-actions', 'Only display the number of actions discovered'),
  ).action(async (o: { showTypes?: boolean; countActions?: boolean; spinTime?: number }) => {
    const actions = await withSession(undefined, async (s) => {
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return s.node.getActionNamesAndTypes();
    });
    if (o.countActions) return print(String(actions.length));
    for (const { name, types } of actions) print(o.showTypes ? `${name} [${types.join(', ')}]` : name);
  });

  addGraphOptions(
    action
      .command('info')
      .description('Print information about an action')
      .argument('<action_name>', "Name of the ROS action to get info (e.g. '/fibonacci')")
      .option('-t, --show-types', 'Additionally show the action type')
      .option('-c, --count', 'Only display the number of action clients and action servers'),
  ).action(async (name: string, o: { showTypes?: boolean; count?: boolean; spinTime?: number }) => {
    const { clients, servers } = await withSession(undefined, async (s) => {
      let expanded: string;
      try {
        expanded = s.node.resolveName(name, 'action name');
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      await s.waitForDiscovery({ spinTime: o.spinTime });
      return actionEndpoints(s, expanded);
    });
    print(...formatActionInfo(name, clients, servers, o));
  });

  addGraphOptions(
    action
      .command('type')
      .description("Print a action's type")
      .argument('<action_name>', "Name of the ROS action to get info (e.g. '/fibonacci')"),
  ).action(async (name: string, o: { spinTime?: number }) => {
    const wanted = absoluteName(name);
    const types = await withSession(undefined, async (s) => {
      const find = () => s.node.getActionNamesAndTypes().find((a) => a.name === wanted);
      await s.waitForDiscovery({ spinTime: o.spinTime, until: () => find() !== undefined });
      return find()?.types;
    });
    if (!types) throw new SilentFailure();
    for (const t of types) print(t);
  });

  action
    .command('send_goal')
    .description('Send an action goal')
    .argument('<action_name>', "Name of the ROS action (e.g. '/fibonacci')")
    .argument('<action_type>', "Type of the ROS action (e.g. 'example_interfaces/action/Fibonacci')")
    .argument('[goal]', "Goal request values in YAML format (e.g. '{order: 10}')")
    .option('--stdin', 'Read goal from standard input')
    .option('-f, --feedback', 'Echo feedback messages for the goal')
    .option(
      '--timeout <seconds>',
      'Give up (exit 1) when no action server is available, or it does not answer the goal request, within this time (default: wait forever, as ros2)',
      parseTimeout,
    )
    .action(
      async (
        name: string,
        typeText: string,
        goal: string | undefined,
        o: { stdin?: boolean; feedback?: boolean; timeout?: number },
      ) => {
        if (o.stdin && goal !== undefined)
          throw new CliError('argument --stdin: not allowed with argument goal');
        const text = o.stdin ? await readStdin() : (goal ?? '{}');
        await sendGoal(name, typeText, text, o.feedback === true, o.timeout);
      },
    );
}

function parseTimeout(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0)) throw new InvalidArgumentError('expects a number of seconds > 0');
  return v;
}

// --- info ---

interface NodeActions {
  /** The node's fully qualified name. */
  readonly node: string;
  readonly types: readonly string[];
}

/** ros2action's get_action_clients_and_servers: the nodes that are clients and servers of `expanded`. */
function actionEndpoints(s: Session, expanded: string): { clients: NodeActions[]; servers: NodeActions[] } {
  const clients: NodeActions[] = [];
  const servers: NodeActions[] = [];
  const nodes = s.node
    .getNodeNames({ includeHidden: true })
    .map((n) => ({ ...n, fqn: nodeFqn(n.namespace, n.name) }))
    .sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0));
  for (const n of nodes) {
    for (const c of s.node.getActionClientNamesAndTypesByNode(n.name, n.namespace)) {
      if (c.name === expanded) clients.push({ node: n.fqn, types: c.types });
    }
    for (const v of s.node.getActionServerNamesAndTypesByNode(n.name, n.namespace)) {
      if (v.name === expanded) servers.push({ node: n.fqn, types: v.types });
    }
  }
  return { clients, servers };
}

/** `ros2 action info`'s lines; the action name as the user typed it. */
export function formatActionInfo(
  name: string,
  clients: readonly NodeActions[],
  servers: readonly NodeActions[],
  o: { showTypes?: boolean; count?: boolean } = {},
): string[] {
  const lines = [`Action: ${name}`];
  const section = (title: string, list: readonly NodeActions[]) => {
    lines.push(`${title}: ${list.length}`);
    if (o.count) return;
    for (const x of list) lines.push(o.showTypes ? `    ${x.node} [${x.types.join(', ')}]` : `    ${x.node}`);
  };
  section('Action clients', clients);
  section('Action servers', servers);
  return lines;
}

// --- send_goal ---

/** The full name of an action type the registry knows (`pkg/action/Name`; `pkg/Name` is accepted). */
export function actionType(text: string): string {
  const full = fullTypeName(text, 'action');
  if (full?.split('/')[1] !== 'action') {
    throw new CliError(
      `The passed action type is invalid: '${text}' is not of the form 'package/action/Name'`,
    );
  }
  for (const part of ['Goal', 'Result', 'Feedback']) {
    try {
      registry().get(`${full}_${part}`);
    } catch (error) {
      const why =
        error instanceof InterfaceNotFoundError
          ? `no definition of '${error.interfaceName}' in ${searchPathsText()}`
          : String((error as Error)?.message ?? error).split('\n')[0];
      throw new CliError(`The passed action type is invalid: ${why}`);
    }
  }
  return full;
}

/** Python's `str.replace('/', '_')` on the type as typed: send_goal's node name. */
export function sendGoalNodeName(typeText: string): string {
  return `_ros2cli_send_goal_${typeText.split('/').join('_')}`;
}

/** rosidl_runtime_py's message_to_yaml. */
export function messageYaml(reg: InterfaceRegistry, typeName: string, value: unknown): string {
  return dumpYaml(messageToYamlValue(reg, typeName, value));
}

/** send_goal's `_goal_status_to_string`. */
export function goalStatusText(status: number): string {
  const names: Record<number, string> = {
    [GoalStatus.ACCEPTED]: 'ACCEPTED',
    [GoalStatus.EXECUTING]: 'EXECUTING',
    [GoalStatus.CANCELING]: 'CANCELING',
    [GoalStatus.SUCCEEDED]: 'SUCCEEDED',
    [GoalStatus.CANCELED]: 'CANCELED',
    [GoalStatus.ABORTED]: 'ABORTED',
  };
  return names[status] ?? 'UNKNOWN';
}

/** `print('Sending goal:\n     {}'.format(message_to_yaml(goal)))`: the YAML's own newline, then print's. */
export function sendingGoalText(goalYaml: string): string {
  return `Sending goal:\n     ${goalYaml}\n`;
}

/** `bytes(goal_handle.goal_id.uuid).hex()`: 32 hex digits, no dashes. */
export function goalAcceptedText(goalId: Uint8Array): string {
  return `Goal accepted with ID: ${Buffer.from(goalId).toString('hex')}\n\n`;
}

export function feedbackText(feedbackYaml: string): string {
  return `Feedback:\n    ${feedbackYaml}\n`;
}

export function resultText(resultYaml: string, status: number): string {
  return `Result:\n    ${resultYaml}\nGoal finished with status: ${goalStatusText(status)}\n`;
}

const write = (text: string) => process.stdout.write(text);

async function sendGoal(
  actionName: string,
  typeText: string,
  goalText: string,
  showFeedback: boolean,
  timeoutS: number | undefined,
): Promise<void> {
  const type = actionType(typeText);
  const reg = registry();
  let goal: Record<string, unknown>;
  try {
    goal = messageFromValues(reg, `${type}_Goal`, parseYaml(goalText)).message;
  } catch (error) {
    if (error instanceof InputError)
      throw new CliError(`Failed to populate message fields: ${error.message}`);
    throw error;
  }
  const timeoutMs = timeoutS === undefined ? FOREVER_MS : Math.min(FOREVER_MS, Math.round(timeoutS * 1000));
  const session = await Session.open(sendGoalNodeName(typeText));
  const stop = new AbortController();
  // First Ctrl+C: cancel an accepted goal (or stop waiting); the second: leave at once.
  const firstInterrupt = interrupted();
  let secondInterrupt: ReturnType<typeof interrupted> | undefined;
  const hardStop = new Promise<never>((_, reject) => {
    void firstInterrupt.promise.then(() => {
      stop.abort();
      secondInterrupt = interrupted();
      void secondInterrupt.promise.then(() => reject(new CliError('', 130)));
    });
  });
  hardStop.catch(() => {});
  try {
    let client: ActionClient;
    try {
      client = new ActionClient(session.node, type, actionName);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    print('Waiting for an action server to become available...');
    try {
      await client.waitForServer({ timeout: timeoutMs, signal: stop.signal });
    } catch (_error) {
      if (stop.signal.aborted) throw new CliError('', 130);
      throw new CliError(
        `action server ${client.name} did not become available within ${timeoutS} s: is it running, in the same ROS_DOMAIN_ID and discovery range?`,
      );
    }
    write(sendingGoalText(messageYaml(reg, `${type}_Goal`, goal)));
    // Feedback that comes before the goal response waits for "Goal accepted" to be printed.
    let accepted = false;
    const early: unknown[] = [];
    const printFeedback = (fb: unknown) => write(feedbackText(messageYaml(reg, `${type}_Feedback`, fb)));
    let handle: ClientGoalHandle;
    try {
      handle = await client.sendGoal(goal as never, {
        timeout: timeoutMs,
        signal: stop.signal,
        ...(showFeedback
          ? { onFeedback: (fb: unknown) => (accepted ? printFeedback(fb) : early.push(fb)) }
          : {}),
      });
    } catch (error) {
      if (error instanceof GoalRejectedError) {
        print('Goal was rejected.');
        return;
      }
      if (stop.signal.aborted) throw new CliError('', 130);
      throw new CliError(`Exception while sending goal: ${(error as Error).message}`);
    }
    write(goalAcceptedText(handle.goalId));
    accepted = true;
    for (const fb of early.splice(0)) printFeedback(fb);

    const canceled = firstInterrupt.promise.then(() => cancelGoal(handle, hardStop));
    // Rejects when the cancel failed (that ends the command); never resolves otherwise.
    const cancelFailed = canceled.then(() => new Promise<never>(() => {}));
    const { status, result } = await Promise.race([handle.result, hardStop, cancelFailed]).catch(
      (error: unknown) => {
        if (error instanceof CliError) throw error;
        throw new CliError(`Exception while getting result: ${(error as Error).message}`);
      },
    );
    // "Goal canceled." comes before the result it led to.
    if (stop.signal.aborted) await Promise.race([canceled, hardStop]);
    write(resultText(messageYaml(reg, `${type}_Result`, result), status));
  } finally {
    firstInterrupt.dispose();
    secondInterrupt?.dispose();
    await session.close();
  }
}

/** send_goal's cancel on Ctrl+C, with its messages and its checks of the response. */
async function cancelGoal(handle: ClientGoalHandle, hardStop: Promise<never>): Promise<void> {
  if (handle.isDone) return;
  print('Canceling goal...');
  let response: Awaited<ReturnType<ClientGoalHandle['cancel']>>;
  try {
    response = await Promise.race([handle.cancel(), hardStop]);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Exception while canceling goal: ${(error as Error).message}`);
  }
  const canceling = response.goalsCanceling;
  if (canceling.length === 0) throw new CliError('Failed to cancel goal');
  if (canceling.length > 1) throw new CliError('More than one goal canceled');
  if (!sameId(canceling[0]!.goalId, handle.goalId))
    throw new CliError('Canceled goal with incorrect goal ID');
  print('Goal canceled.');
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
