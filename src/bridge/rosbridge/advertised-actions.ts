/**
 * A rosbridge client as an action server (rosbridge_library's capabilities/advertise_action.py,
 * action_feedback.py, action_result.py, unadvertise_action.py; roslib's `Action.advertise`):
 *
 * - `advertise_action` {action, type}: the bridge serves the action on the graph. Each goal a ROS
 *   client sends goes to the web client as `send_action_goal` {id: `action_goal:<action>:<n>`,
 *   action, action_type, args, feedback: true}; a cancel request is accepted and passed on as
 *   `cancel_action_goal` {id, action}.
 * - The web client answers with `action_feedback` {id, action, values} (published as the goal's
 *   feedback) and `action_result` {id, action, values, status, result}: `result: true` ends the
 *   goal with `status` (4 succeeded, 5 canceled, anything else aborted) and `values` as its
 *   result; `result: false` aborts it.
 * - `unadvertise_action` {action}, advertising the same action again, or the client leaving, ends
 *   the action's goals still running (aborted) and takes the server off the graph.
 */
import { ActionServer, GoalStatus, type ServerGoalHandle } from '../../actions/index.js';
import { defaultCodecs, type Node } from '../../index.js';
import { BridgeInputError } from '../errors.js';
import { fromJsonMessage, toJsonValue } from '../json-message.js';
import { normalizeTypeName } from '../type-names.js';

type Msg = Record<string, unknown>;

interface PendingGoal {
  readonly handle: ServerGoalHandle;
  readonly end: (outcome: { status: number; result: unknown } | 'abort') => void;
}

interface Advertised {
  readonly type: string;
  server: ActionServer | undefined;
  readonly goals: Map<string, PendingGoal>;
  /** Unadvertised: new goals are rejected while the server lingers to answer result requests. */
  retired: boolean;
}

/**
 * How long an unadvertised action's server stays to answer the result requests of the goals it
 * just aborted (ros2ts sends a response only while its service exists; rosbridge never destroys
 * the server at all).
 */
export const RETIRE_AFTER_MS = 1000;

export interface AdvertisedActionsContext {
  readonly node: Node;
  send(frame: Msg): void;
  warn(message: string): void;
}

export class AdvertisedActions {
  private readonly actions = new Map<string, Advertised>();
  private nextGoal = 1;

  constructor(private readonly ctx: AdvertisedActionsContext) {}

  advertise(m: Msg): void {
    const name = actionName(m, 'advertise_action');
    const typeText = m['type'];
    if (typeof typeText !== 'string') throw new BridgeInputError('advertise_action: type must be a string');
    const type = normalizeTypeName(typeText, 'action');
    if (this.actions.has(name)) {
      this.ctx.warn(`Duplicate action advertised. Overwriting ${name}.`);
      this.remove(name);
    }
    const advertised: Advertised = { type, server: undefined, goals: new Map(), retired: false };
    advertised.server = new ActionServer(this.ctx.node, type, name, {
      onGoal: () => (advertised.retired ? 'reject' : 'accept'),
      execute: (handle) => this.execute(name, typeText, advertised, handle),
      onCancel: (handle) => {
        for (const [id, g] of advertised.goals) {
          if (g.handle === handle) this.ctx.send({ op: 'cancel_action_goal', id, action: name });
        }
        return 'accept';
      },
    });
    this.actions.set(name, advertised);
  }

  unadvertise(m: Msg): void {
    const name = actionName(m, 'unadvertise_action');
    if (!this.actions.has(name))
      throw new BridgeInputError(`Action ${name} has not been advertised via rosbridge, can't unadvertise.`);
    this.remove(name);
  }

  feedback(m: Msg): void {
    const { action, goal } = this.goalOf(m, 'action_feedback');
    goal.handle.publishFeedback(fromJsonMessage(registry(), `${action.type}_Feedback`, m['values']) as never);
  }

  result(m: Msg): void {
    const { action, goal } = this.goalOf(m, 'action_result');
    if (m['result'] !== true) {
      goal.end('abort');
      return;
    }
    const status = m['status'];
    if (typeof status !== 'number') throw new BridgeInputError('action_result: status must be a number');
    goal.end({ status, result: fromJsonMessage(registry(), `${action.type}_Result`, m['values']) });
  }

  close(): void {
    for (const name of [...this.actions.keys()]) this.remove(name);
  }

  private async execute(
    name: string,
    typeText: string,
    advertised: Advertised,
    handle: ServerGoalHandle,
  ): Promise<void> {
    const goals = advertised.goals;
    if (advertised.retired) return handle.abort();
    const id = `action_goal:${name}:${this.nextGoal++}`;
    const outcome = await new Promise<{ status: number; result: unknown } | 'abort'>((resolve) => {
      goals.set(id, { handle, end: resolve });
      this.ctx.send({
        op: 'send_action_goal',
        id,
        action: name,
        action_type: typeText,
        args: toJsonValue(handle.goal),
        feedback: true,
      });
    });
    goals.delete(id);
    if (!handle.isActive) return;
    if (outcome === 'abort') handle.abort();
    else if (outcome.status === GoalStatus.SUCCEEDED) handle.succeed(outcome.result as never);
    else if (outcome.status === GoalStatus.CANCELED) handle.canceled(outcome.result as never);
    else handle.abort(outcome.result as never);
  }

  private goalOf(m: Msg, op: string): { action: Advertised; goal: PendingGoal } {
    const name = actionName(m, op);
    const action = this.actions.get(name);
    if (!action) throw new BridgeInputError(`Action ${name} has not been advertised via rosbridge.`);
    const id = m['id'];
    const goal = typeof id === 'string' ? action.goals.get(id) : undefined;
    if (!goal) throw new BridgeInputError(`${op}: no goal with id ${String(id)} on ${name}`);
    return { action, goal };
  }

  private remove(name: string): void {
    const action = this.actions.get(name);
    if (!action) return;
    this.actions.delete(name);
    action.retired = true;
    for (const g of action.goals.values()) g.end('abort');
    action.goals.clear();
    setTimeout(() => action.server?.destroy(), RETIRE_AFTER_MS).unref();
  }
}

function registry() {
  return defaultCodecs().registry;
}

function actionName(m: Msg, op: string): string {
  const name = m['action'];
  if (typeof name !== 'string' || name === '')
    throw new BridgeInputError(`${op}: action must be a non-empty string`);
  return name.startsWith('/') ? name : `/${name}`;
}
