/**
 * rosbridge's action operations for ROS 2, one client's share (rosbridge_library's
 * capabilities/send_action_goal.py and internal/actions.py):
 *
 * - `send_action_goal` {id, action, action_type, args, feedback}: the goal goes to the action's
 *   server through the bridge's ActionClient; with `feedback: true` each feedback comes back as
 *   `action_feedback` {id, action, values}; the end as `action_result` {id, action, values,
 *   status, result: true} (status the GoalStatus code: 4 succeeded, 5 canceled, 6 aborted).
 *   A goal that cannot be sent, is rejected or loses its server ends in `action_result` with
 *   `result: false`, `values` the reason and status 0 (STATUS_UNKNOWN), as rosbridge's _failure.
 * - `cancel_action_goal` {id, action}: cancels the goal sent with that id (once accepted, if it
 *   is still on its way); the goal's action_result then says canceled.
 *
 * As in rosbridge, a goal id may also come as the old `action#id` suffix. A client that leaves
 * stops hearing about its goals; the goals themselves run on (rosbridge does not cancel them).
 */
import { ActionServerNotAvailableError, type ClientGoalHandle, GoalStatus } from '../../actions/index.js';
import { defaultCodecs, type Node } from '../../index.js';
import { waitUntil } from '../../nodes/wait.js';
import type { ActionHub } from '../action-hub.js';
import { BridgeInputError } from '../errors.js';
import { fromJsonMessage, toJsonValue } from '../json-message.js';
import { normalizeTypeName } from '../type-names.js';

type Msg = Record<string, unknown>;

interface Goal {
  readonly action: string;
  handle: ClientGoalHandle | undefined;
  /** A cancel came before the server accepted the goal. */
  cancelRequested: boolean;
}

export interface ActionGoalsContext {
  readonly node: Node;
  readonly actions: ActionHub;
  /** How long a goal waits for its server and for acceptance, in ms (0: no limit). */
  readonly timeoutMs: number;
  send(frame: Msg): void;
  error(id: string | undefined, message: string): void;
}

export class ActionGoals {
  private readonly goals = new Map<string, Goal>();
  private closed = false;

  constructor(private readonly ctx: ActionGoalsContext) {}

  send(m: Msg, messageId: string | undefined): void {
    const { action, id } = actionAndId(m, messageId, 'send_action_goal');
    const key = id ?? '';
    const goal: Goal = { action, handle: undefined, cancelRequested: false };
    this.goals.set(key, goal);
    const reply = (frame: Msg) => {
      if (this.closed) return;
      if (id !== undefined) frame['id'] = id;
      this.ctx.send(frame);
    };
    const fail = (error: unknown) => {
      if (this.goals.get(key) === goal) this.goals.delete(key);
      const e = error instanceof Error ? error : new Error(String(error));
      if (this.closed) return;
      this.ctx.error(id, `send_action_goal ${e.name}: ${e.message}`);
      reply({
        op: 'action_result',
        action: m['action'] as string,
        values: e.message,
        status: GoalStatus.UNKNOWN,
        result: false,
      });
    };
    const onFeedback = (feedback: unknown) =>
      reply({ op: 'action_feedback', action: m['action'] as string, values: toJsonValue(feedback) });
    const limit = this.ctx.timeoutMs > 0 ? { timeout: this.ctx.timeoutMs } : {};
    // Everything that can go wrong is answered as rosbridge's _failure: roslib hears of a goal
    // only through its action_result.
    Promise.resolve()
      .then(async () => {
        const { type, goalMsg } = goalOf(m);
        // A client is made only for an action the graph has: names a web client makes up cost nothing.
        const known = () => this.ctx.node.getActionNamesAndTypes().some((a) => a.name === action);
        if (!(await waitUntil(this.ctx.node.host, known, `action ${action} in the graph`, limit)))
          throw new ActionServerNotAvailableError(action, this.ctx.timeoutMs);
        const client = this.ctx.actions.client(action, type);
        await client.waitForServer(limit);
        return client.sendGoal(goalMsg as never, {
          ...limit,
          ...(m['feedback'] === true ? { onFeedback } : {}),
        });
      })
      .then((handle) => {
        goal.handle = handle;
        if (goal.cancelRequested) this.cancelAccepted(handle, id);
        return handle.result;
      })
      .then(({ status, result }) => {
        if (this.goals.get(key) === goal) this.goals.delete(key);
        reply({
          op: 'action_result',
          action: m['action'] as string,
          values: toJsonValue(result),
          status,
          result: true,
        });
      })
      .catch(fail);
  }

  cancel(m: Msg, messageId: string | undefined): void {
    const { id } = actionAndId(m, messageId, 'cancel_action_goal');
    const goal = this.goals.get(id ?? '');
    if (!goal) return;
    if (!goal.handle) {
      goal.cancelRequested = true;
      return;
    }
    this.cancelAccepted(goal.handle, id);
  }

  private cancelAccepted(handle: ClientGoalHandle, id: string | undefined): void {
    handle.cancel().catch((error: Error) => {
      if (!this.closed) this.ctx.error(id, `cancel_action_goal ${error.name}: ${error.message}`);
    });
  }

  close(): void {
    this.closed = true;
    this.goals.clear();
  }
}

/** The goal's type and message, from the op's action_type and args (an object of the goal's fields). */
function goalOf(m: Msg): { type: string; goalMsg: Record<string, unknown> } {
  const typeText = m['action_type'];
  if (typeof typeText !== 'string')
    throw new BridgeInputError('send_action_goal: action_type must be a string');
  const type = normalizeTypeName(typeText, 'action');
  const args = m['args'] ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new BridgeInputError('send_action_goal: args must be an object');
  return { type, goalMsg: fromJsonMessage(defaultCodecs().registry, `${type}_Goal`, args) };
}

/** The action's absolute name and the goal's id, which may come as `action#id` (rosbridge's extract_id). */
function actionAndId(
  m: Msg,
  messageId: string | undefined,
  op: string,
): { action: string; id: string | undefined } {
  const text = m['action'];
  if (typeof text !== 'string' || text === '')
    throw new BridgeInputError(`${op}: action must be a non-empty string`);
  const hash = text.indexOf('#');
  const name = hash >= 0 ? text.slice(0, hash) : text;
  const id = messageId ?? (hash >= 0 ? text.slice(hash + 1) : undefined);
  return { action: name.startsWith('/') ? name : `/${name}`, id };
}
