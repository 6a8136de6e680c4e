/**
 * An action server, as rcl_action and rclcpp_action/rclpy serve one: three services
 * (`<action>/_action/send_goal`, `cancel_goal`, `get_result`) and two publishers (`feedback`,
 * `status`, the latter reliable transient-local keep-last 1 so late clients see the goals), made
 * on the node with the node API, so both vendors' clients are served.
 *
 * A goal request goes to `onGoal` (accept by default); an accepted goal is answered with its stamp,
 * published ACCEPTED on the status topic, then run by `execute` (EXECUTING). A cancel request
 * selects goals as rcl_action does and asks `onCancel` about each (reject by default, as rclpy); a
 * result request for a goal still running is answered when it ends. Results are kept
 * `resultTimeoutMs` after their goal ended (rcl_action's default, 10 s), then forgotten: a later
 * result request gets status UNKNOWN, as rcl_action answers for goals it does not know.
 */
import { getCodec } from '../cdr/index.js';
import type { Node } from '../nodes/node.js';
import type { Publisher } from '../nodes/publisher.js';
import type { RequestInfo, Service } from '../nodes/service.js';
import { waitUntil } from '../nodes/wait.js';
import { actionNames } from '../rmw/names.js';
import type { Clock, TimerHandle } from '../rtps/clock.js';
import { actionInterfaces } from './action-interfaces.js';
import { GoalStateError } from './errors.js';
import {
  goalIdToHex,
  type Stamp,
  stampFromNs,
  stampToMs,
  stampToNs,
  wallClockNs,
  ZERO_STAMP,
} from './goal-id.js';
import { type GoalEvent, isCancelable } from './goal-state-machine.js';
import {
  CancelReturnCode,
  GoalStatus,
  type GoalStatusCode,
  isActiveStatus,
  isTerminalStatus,
} from './goal-status.js';
import { GoalTable } from './goal-table.js';
import type {
  ActionFeedbackInput,
  ActionGoal,
  ActionResultInput,
  CancelGoalRequestMessage,
  CancelGoalResponseMessage,
  GetResultRequestMessage,
  GetResultResponseMessage,
  GoalInfoMessage,
  GoalStatusArrayMessage,
  SendGoalRequestMessage,
  SendGoalResponseMessage,
} from './types.js';

/** rcl_action_server_get_default_options: result_timeout 10 s (since Iron; 15 min before). */
export const DEFAULT_RESULT_TIMEOUT_MS = 10_000;
/** How long a goal waits for its client's feedback and status subscriptions to hear us. */
const FEEDBACK_MATCH_WAIT_MS = 1_000;
/**
 * How long a goal's feedback is held for a client that does not ask for the result. rclcpp_action
 * and rclpy clients drop feedback of a goal whose response they have not handled yet (rclcpp's
 * ClientBase::take_data takes a ready feedback before a ready goal response), and ask for the
 * result right after handling it: so feedback waits for that request, or this long.
 */
const FEEDBACK_HOLD_MS = 100;
/** Feedback messages held per goal at most (the newest are kept). */
const MAX_HELD_FEEDBACK = 100;

export type GoalResponse = 'accept' | 'reject';
export type CancelResponse = 'accept' | 'reject';

/** A goal request, before it is accepted. */
export interface GoalRequest<A extends string> {
  readonly goalId: Uint8Array;
  readonly goalIdHex: string;
  readonly goal: ActionGoal<A>;
}

type Awaitable<T> = T | Promise<T>;

export interface ActionServerOptions<A extends string> {
  /**
   * Runs an accepted goal. What it returns is the result. The goal then ends SUCCEEDED, unless
   * `execute` ended it itself (`goal.succeed/abort/canceled`), or a cancel was accepted (it ends
   * CANCELED). A throw ends it ABORTED with a default result (and is logged).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an execute that ends the goal itself returns nothing
  readonly execute: (goal: ServerGoalHandle<A>) => Awaitable<ActionResultInput<A> | undefined | void>;
  /** Accept or reject a new goal; default accept. A throw rejects (logged). */
  readonly onGoal?: (goal: GoalRequest<A>) => Awaitable<GoalResponse>;
  /** Accept or reject a cancel request for an active goal; default reject, as rclpy. A throw rejects. */
  readonly onCancel?: (goal: ServerGoalHandle<A>) => Awaitable<CancelResponse>;
  /** How long results are kept after their goal ended; default 10 s (rcl_action's). */
  readonly resultTimeoutMs?: number;
  /** @internal Tests: the clock of result expiry; default the context's. */
  readonly clock?: Clock;
}

/** What a goal handle asks of its server. */
interface GoalHost {
  isDestroyed(): boolean;
  statusOf(idHex: string): GoalStatusCode;
  transition(idHex: string, event: GoalEvent, result: { value: unknown } | undefined): void;
  publishFeedback(goalId: Uint8Array, feedback: unknown): void;
}

/** An accepted goal, as `execute` and `onCancel` see it. */
export class ServerGoalHandle<A extends string = string> {
  readonly goalIdHex: string;
  /** When the server accepted it, nanoseconds since the epoch. */
  readonly stampNs: bigint;
  readonly stamp: Stamp;
  /** `stamp` in milliseconds since the epoch. */
  readonly stampMs: number;
  private readonly controller = new AbortController();

  /** @internal Made by ActionServer. */
  constructor(
    private readonly host: GoalHost,
    readonly goalId: Uint8Array,
    readonly goal: ActionGoal<A>,
    stampNs: bigint,
  ) {
    this.goalIdHex = goalIdToHex(goalId);
    this.stampNs = stampNs;
    this.stamp = stampFromNs(stampNs);
    this.stampMs = stampToMs(this.stamp);
  }

  /** A GoalStatus code (UNKNOWN once the server was destroyed). */
  get status(): GoalStatusCode {
    return this.host.isDestroyed() ? GoalStatus.UNKNOWN : this.host.statusOf(this.goalIdHex);
  }

  /** ACCEPTED, EXECUTING or CANCELING. */
  get isActive(): boolean {
    return isActiveStatus(this.status);
  }

  /** A cancel request was accepted: the goal is CANCELING. */
  get isCancelRequested(): boolean {
    return this.status === GoalStatus.CANCELING;
  }

  /** Aborts when a cancel request is accepted or the server is destroyed: hand it to what the goal waits on. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Publishes feedback for this goal; GoalStateError once the goal ended; nothing after the server's destroy. */
  publishFeedback(feedback: ActionFeedbackInput<A>): void {
    if (this.host.isDestroyed()) return;
    const status = this.status;
    if (!isActiveStatus(status)) throw new GoalStateError(this.goalIdHex, status, 'publishFeedback');
    this.host.publishFeedback(this.goalId, feedback);
  }

  /**
   * Ends the goal SUCCEEDED (from EXECUTING or CANCELING) with this result; without one, the result
   * is what `execute` returns.
   */
  succeed(result?: ActionResultInput<A>): void {
    this.end('succeed', result === undefined ? undefined : { value: result });
  }

  /** Ends the goal ABORTED (from EXECUTING or CANCELING). */
  abort(result?: ActionResultInput<A>): void {
    this.end('abort', result === undefined ? undefined : { value: result });
  }

  /** Ends the goal CANCELED (only from CANCELING: a cancel request was accepted). */
  canceled(result?: ActionResultInput<A>): void {
    this.end('canceled', result === undefined ? undefined : { value: result });
  }

  /** @internal */
  cancelRequested(reason: string): void {
    this.controller.abort(new Error(reason));
  }

  private end(event: GoalEvent, result: { value: unknown } | undefined): void {
    if (this.host.isDestroyed()) return;
    this.host.transition(this.goalIdHex, event, result);
  }
}

interface LiveGoal<A extends string> {
  readonly handle: ServerGoalHandle<A>;
  /** Feedback published before the client asked for the result (FEEDBACK_HOLD_MS), in order. */
  held: unknown[] | undefined;
  holdTimer: TimerHandle | undefined;
}

export class ActionServer<A extends string = string> {
  /** The fully qualified action name, e.g. `/fibonacci`. */
  readonly name: string;
  private readonly table: GoalTable<unknown>;
  private readonly live = new Map<string, LiveGoal<A>>();
  private readonly services: Service[];
  private readonly feedbackPublisher: Publisher;
  private readonly statusPublisher: Publisher;
  private readonly clock: Clock;
  private readonly release: () => void;
  private expiryTimer: TimerHandle | undefined;
  private isDestroyed = false;
  private readonly host: GoalHost;
  private readonly validateResult: (result: unknown) => void;

  constructor(
    private readonly node: Node,
    readonly type: A,
    actionName: string,
    private readonly options: ActionServerOptions<A>,
  ) {
    if (typeof options?.execute !== 'function')
      throw new TypeError('an action server needs an execute callback');
    const types = actionInterfaces(type);
    this.name = node.resolveName(actionName, 'action name');
    const names = actionNames(this.name);
    this.table = new GoalTable(options.resultTimeoutMs ?? DEFAULT_RESULT_TIMEOUT_MS);
    this.clock = options.clock ?? node.host.clock;
    const resultCodec = getCodec(types.result);
    this.validateResult = (r) => resultCodec.encode(r as never);
    // Owned by the node before its endpoints, so node.destroy ends the goals before closing them.
    this.release = node.adopt(this);
    this.host = {
      isDestroyed: () => this.isDestroyed,
      statusOf: (idHex) => this.table.get(idHex)?.status ?? GoalStatus.UNKNOWN,
      transition: (idHex, event, result) => this.transition(idHex, event, result),
      publishFeedback: (goalId, feedback) => {
        const held = this.live.get(goalIdToHex(goalId))?.held;
        if (!held) return this.publishFeedbackNow(goalId, feedback);
        if (held.length >= MAX_HELD_FEEDBACK) held.shift();
        held.push(feedback);
      },
    };
    this.services = [
      node.createService(types.sendGoalService, names.sendGoal, (req, info) =>
        this.onSendGoal(req as unknown as SendGoalRequestMessage, info),
      ),
      node.createService(types.cancelGoalService, names.cancelGoal, (req) =>
        this.onCancelGoal(req as unknown as CancelGoalRequestMessage),
      ),
      node.createService(types.getResultService, names.getResult, (req) =>
        this.onGetResult(req as unknown as GetResultRequestMessage),
      ),
    ];
    this.feedbackPublisher = node.createPublisher(types.feedbackMessage, names.feedback);
    this.statusPublisher = node.createPublisher(types.statusMessage, names.status, 'actionStatus');
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /** Goals the server knows (active, and ended ones whose result is still kept). */
  get goalCount(): number {
    return this.table.size;
  }

  /** The handles of the goals still active. */
  activeGoals(): ServerGoalHandle<A>[] {
    return [...this.live.values()].map((l) => l.handle).filter((h) => h.isActive);
  }

  /**
   * Takes the server's services and topics away. Running goals see their `signal` abort; clients
   * waiting for results get ActionServerUnavailableError (their get_result server went away).
   */
  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.release();
    if (this.expiryTimer) this.clock.clearTimeout(this.expiryTimer);
    for (const l of this.live.values()) {
      if (l.holdTimer) this.clock.clearTimeout(l.holdTimer);
      l.handle.cancelRequested('the action server was destroyed');
    }
    this.live.clear();
    this.table.clear();
    for (const s of this.services) s.destroy();
    this.feedbackPublisher.destroy();
    this.statusPublisher.destroy();
  }

  private async onSendGoal(req: SendGoalRequestMessage, info: RequestInfo): Promise<SendGoalResponseMessage> {
    const rejected = { accepted: false, stamp: ZERO_STAMP };
    const goalId = req.goal_id.uuid;
    const goalIdHex = goalIdToHex(goalId);
    if (this.isDestroyed) return rejected;
    if (this.table.has(goalIdHex)) {
      this.node.logger.warn(
        `action ${this.name}: goal ${goalIdHex} already exists, the new request is rejected`,
      );
      return rejected;
    }
    let decision: GoalResponse = 'accept';
    if (this.options.onGoal) {
      try {
        decision = await this.options.onGoal({ goalId, goalIdHex, goal: req.goal as ActionGoal<A> });
      } catch (error) {
        this.logError('the goal callback threw, goal rejected', error);
        decision = 'reject';
      }
    }
    if (decision !== 'accept' || this.isDestroyed || this.table.has(goalIdHex)) return rejected;
    const stampNs = wallClockNs();
    this.table.add(goalId, goalIdHex, stampNs);
    const handle = new ServerGoalHandle<A>(this.host, goalId, req.goal as ActionGoal<A>, stampNs);
    const live: LiveGoal<A> = { handle, held: [], holdTimer: undefined };
    live.holdTimer = this.clock.setTimeout(() => this.releaseFeedback(goalIdHex), FEEDBACK_HOLD_MS);
    this.live.set(goalIdHex, live);
    // After the response has gone out, as rclcpp_action does: the service writes it once the
    // client's reply reader has matched, which for a new Cyclone client can be later than this
    // promise settles; status and feedback sent before it would reach a client that does not yet
    // know the goal. And once the client's feedback and status subscriptions can hear us: a new
    // client's request can come before its subscriptions' announcements (a Cyclone client that
    // waited for its own matches), and feedback sent then is lost to them. A client without such
    // subscriptions delays its goals by FEEDBACK_MATCH_WAIT_MS at most. A reply that could not
    // be sent does not stop the goal, as in rclcpp_action.
    const client = info.clientGid.prefix;
    void info.replySent
      .then(() =>
        waitUntil(
          this.node.host,
          () =>
            this.isDestroyed ||
            (this.feedbackPublisher.reaches(client) && this.statusPublisher.reaches(client)),
          `the feedback and status subscriptions of the client of goal ${goalIdHex}`,
          { timeout: FEEDBACK_MATCH_WAIT_MS },
        ),
      )
      // And in a later turn of the event loop, so the response leaves in a datagram of its own,
      // ahead of the ACCEPTED status: what one turn writes to a peer shares a datagram
      // (DestinationBatcher), and a client that takes the status before the goal response ignores
      // it as one of an unknown goal (rclcpp_action's Client::handle_status_message). The first
      // feedback no longer depends on this turn: the goal's feedback is held until its client
      // asks for the result (FEEDBACK_HOLD_MS).
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        if (this.isDestroyed || !this.live.has(goalIdHex)) return;
        this.publishStatus();
        void this.run(handle);
      });
    return { accepted: true, stamp: handle.stamp };
  }

  private async run(handle: ServerGoalHandle<A>): Promise<void> {
    const id = handle.goalIdHex;
    // A cancel accepted before execution started leaves the goal CANCELING, which cannot execute.
    if (this.table.get(id)?.status === GoalStatus.ACCEPTED) this.transition(id, 'execute', undefined);
    let value: unknown;
    let threw = false;
    try {
      value = await this.options.execute(handle);
    } catch (error) {
      threw = true;
      if (!this.isDestroyed) this.logError(`execute threw, goal ${id} aborted`, error);
    }
    if (this.isDestroyed) return;
    const record = this.table.get(id);
    if (!record) return;
    const result = threw ? {} : (value ?? {});
    if (isActiveStatus(record.status)) {
      const event: GoalEvent = threw
        ? 'abort'
        : record.status === GoalStatus.CANCELING
          ? 'canceled'
          : 'succeed';
      this.transition(id, event, { value: result });
    } else if (!record.outcome) {
      this.finish(id, result);
    }
  }

  private transition(idHex: string, event: GoalEvent, result: { value: unknown } | undefined): void {
    const status = this.table.apply(idHex, event);
    // Its held feedback goes before the status that says it ended.
    if (isTerminalStatus(status)) this.releaseFeedback(idHex);
    this.publishStatus();
    if (isTerminalStatus(status) && result) this.finish(idHex, result.value);
  }

  private finish(idHex: string, result: unknown): void {
    let value = result ?? {};
    try {
      this.validateResult(value);
    } catch (error) {
      this.logError(
        `goal ${idHex}: the result is not a valid ${this.type} result, sending a default one`,
        error,
      );
      value = {};
    }
    this.table.finish(idHex, value, this.clock.now());
    this.armExpiry();
  }

  private async onCancelGoal(req: CancelGoalRequestMessage): Promise<CancelGoalResponseMessage> {
    const selection = this.table.selectForCancel(req.goal_info.goal_id.uuid, stampToNs(req.goal_info.stamp));
    const canceling: GoalInfoMessage[] = [];
    for (const g of selection.goals) {
      const live = this.live.get(g.idHex);
      if (!live) continue;
      let decision: CancelResponse = 'reject';
      if (this.options.onCancel) {
        try {
          decision = await this.options.onCancel(live.handle);
        } catch (error) {
          this.logError(`the cancel callback threw, cancel of goal ${g.idHex} rejected`, error);
        }
      }
      // The goal may have ended (or the server gone) while the callback ran.
      const now = this.table.get(g.idHex);
      if (decision !== 'accept' || this.isDestroyed || !now || !isCancelable(now.status)) continue;
      this.table.apply(g.idHex, 'cancelGoal');
      live.handle.cancelRequested('cancel requested');
      canceling.push({ goal_id: { uuid: g.id }, stamp: stampFromNs(g.stampNs) });
    }
    if (canceling.length > 0) this.publishStatus();
    // rclcpp_action: when every selected goal's cancel was refused, the request is REJECTED.
    const returnCode =
      selection.goals.length > 0 && canceling.length === 0
        ? CancelReturnCode.ERROR_REJECTED
        : selection.returnCode;
    return { return_code: returnCode, goals_canceling: canceling };
  }

  private publishFeedbackNow(goalId: Uint8Array, feedback: unknown): void {
    this.feedbackPublisher.publish({ goal_id: { uuid: goalId }, feedback } as never);
  }

  /** Sends a goal's held feedback and stops holding it: its client handled the goal response. */
  private releaseFeedback(idHex: string): void {
    const live = this.live.get(idHex);
    if (!live?.held) return;
    const held = live.held;
    live.held = undefined;
    if (live.holdTimer) this.clock.clearTimeout(live.holdTimer);
    live.holdTimer = undefined;
    if (this.isDestroyed) return;
    for (const feedback of held) this.publishFeedbackNow(live.handle.goalId, feedback);
  }

  private onGetResult(req: GetResultRequestMessage): Promise<GetResultResponseMessage> {
    const idHex = goalIdToHex(req.goal_id.uuid);
    this.releaseFeedback(idHex);
    return new Promise((resolve) => {
      const state = this.table.requestResult(idHex, (o) => resolve({ status: o.status, result: o.result }));
      if (state === 'unknown') resolve({ status: GoalStatus.UNKNOWN, result: {} });
    });
  }

  private publishStatus(): void {
    if (this.isDestroyed) return;
    const msg: GoalStatusArrayMessage = {
      status_list: this.table.list().map((g) => ({
        goal_info: { goal_id: { uuid: g.id }, stamp: stampFromNs(g.stampNs) },
        status: g.status,
      })),
    };
    this.statusPublisher.publish(msg as never);
  }

  /** One timer, at the next result to forget. */
  private armExpiry(): void {
    if (this.expiryTimer) this.clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const due = this.table.nextDeadline();
    if (due === undefined || this.isDestroyed || !Number.isFinite(due)) return;
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = undefined;
      for (const g of this.table.expire(this.clock.now())) this.live.delete(g.idHex);
      this.armExpiry();
    }, due - this.clock.now());
  }

  private logError(what: string, error: unknown): void {
    this.node.logger.error(`action ${this.name}: ${what}: ${(error as Error)?.stack ?? String(error)}`);
  }
}
