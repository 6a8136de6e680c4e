/**
 * An action client, as rclcpp_action/rclpy make one: clients of the three services of
 * `<action>/_action/`, and subscriptions to its feedback and status topics, over the node API.
 *
 * `sendGoal` resolves once the server accepted the goal (GoalRejectedError if it did not), and the
 * client asks for the result at once (as rclpy's get_result_async), with no timeout: `handle.result`
 * settles when the goal ends, or rejects with ActionServerUnavailableError when the server goes
 * away and DestroyedError when the client or its node is destroyed. It never hangs.
 */
import type { CallOptions, Client } from '../nodes/client.js';
import {
  DestroyedError,
  ServiceCallTimeoutError,
  ServiceNotAvailableError,
  ServiceUnavailableError,
} from '../nodes/errors.js';
import type { Node } from '../nodes/node.js';
import type { Subscription } from '../nodes/subscription.js';
import { type WaitOptions, waitUntil } from '../nodes/wait.js';
import { actionNames } from '../rmw/names.js';
import { actionInterfaces } from './action-interfaces.js';
import { ActionServerNotAvailableError, ActionServerUnavailableError, GoalRejectedError } from './errors.js';
import { goalIdToHex, randomGoalId, type Stamp, stampFromMs, stampToMs, ZERO_STAMP } from './goal-id.js';
import { GoalStatus, isTerminalStatus } from './goal-status.js';
import type {
  ActionFeedback,
  ActionGoalInput,
  ActionResult,
  CancelGoalResponseMessage,
  FeedbackMessageMessage,
  GetResultResponseMessage,
  GoalInfo,
  GoalInfoMessage,
  GoalStatusArrayMessage,
  GoalStatusEntry,
  SendGoalResponseMessage,
} from './types.js';

/** Up to this many goals in flight, a status entry is matched by comparing ids, not by a hex key. */
const FEW_HANDLES = 8;

function sameGoalId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How long the result request waits for the get_result service to be ready, once a goal was accepted. */
const RESULT_SERVICE_WAIT_MS = 10_000;
/** Feedback kept for a goal nobody iterates yet (the oldest go first). */
const FEEDBACK_BUFFER = 1000;

export interface SendGoalOptions<A extends string> extends CallOptions {
  /** Called with each feedback of this goal, from the first one (registered before the goal is sent). */
  readonly onFeedback?: (feedback: ActionFeedback<A>) => unknown;
}

/** How a goal ended. `status` UNKNOWN means the server no longer knew the goal (its result expired). */
export interface GoalResult<A extends string> {
  /** A GoalStatus code: SUCCEEDED, CANCELED, ABORTED (or UNKNOWN). */
  readonly status: number;
  readonly result: ActionResult<A>;
}

/** A CancelGoal response. */
export interface CancelGoalResult {
  /** A CancelReturnCode. */
  readonly returnCode: number;
  readonly goalsCanceling: readonly GoalInfo[];
}

type CancelFn = (goalId: Uint8Array, stamp: Stamp, options: CallOptions) => Promise<CancelGoalResult>;

/** A goal sent by an ActionClient. */
export class ClientGoalHandle<A extends string = string> {
  readonly goalIdHex: string;
  /** Settles when the goal ends; see the file comment for how it rejects. */
  readonly result: Promise<GoalResult<A>>;
  private latestStatus: number = GoalStatus.UNKNOWN;
  private acceptedStamp: Stamp = ZERO_STAMP;
  private done = false;
  private readonly listeners = new Set<(feedback: ActionFeedback<A>) => unknown>();
  private readonly queue: ActionFeedback<A>[] = [];
  private waiting: ((r: IteratorResult<ActionFeedback<A>>) => void) | undefined;
  private settle!: { resolve(r: GoalResult<A>): void; reject(e: Error): void };

  /** @internal Made by ActionClient.sendGoal. */
  constructor(
    readonly goalId: Uint8Array,
    private readonly cancelFn: CancelFn,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    this.goalIdHex = goalIdToHex(goalId);
    this.result = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A result nobody awaits must not become an unhandled rejection.
    this.result.catch(() => {});
  }

  /** The latest GoalStatus code known (from the status topic, then the result). */
  get status(): number {
    return this.latestStatus;
  }

  /** When the server accepted the goal. */
  get stamp(): Stamp {
    return this.acceptedStamp;
  }

  get stampMs(): number {
    return stampToMs(this.acceptedStamp);
  }

  /** The result came (or will never come). */
  get isDone(): boolean {
    return this.done;
  }

  /** Calls `callback` with each feedback of the goal from now on; returns the unsubscribe function. */
  onFeedback(callback: (feedback: ActionFeedback<A>) => unknown): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  /**
   * The goal's feedback with `for await`, in order, from acceptance (up to 1000 unread ones are
   * kept); the loop ends when the goal ends. One reader at a time.
   */
  get feedback(): AsyncIterable<ActionFeedback<A>> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          const f = this.queue.shift();
          if (f !== undefined) return Promise.resolve({ value: f, done: false });
          if (this.done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => {
            this.waiting = resolve;
          });
        },
        return: () => {
          this.waiting = undefined;
          return Promise.resolve({ value: undefined, done: true });
        },
      }),
    };
  }

  /** Asks the server to cancel this goal. */
  cancel(options: CallOptions = {}): Promise<CancelGoalResult> {
    return this.cancelFn(this.goalId, ZERO_STAMP, options);
  }

  /** @internal */
  accepted(stamp: Stamp): void {
    this.acceptedStamp = stamp;
    if (this.latestStatus === GoalStatus.UNKNOWN) this.latestStatus = GoalStatus.ACCEPTED;
  }

  /** @internal A status from the status topic; a goal never goes back from an end it reached. */
  statusSeen(status: number): void {
    if (this.done || isTerminalStatus(this.latestStatus)) return;
    this.latestStatus = status;
  }

  /** @internal */
  feedbackSeen(feedback: ActionFeedback<A>): void {
    if (this.done) return;
    for (const l of this.listeners) {
      try {
        const r = l(feedback);
        if (r instanceof Promise) r.catch(this.onListenerError);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: feedback, done: false });
      return;
    }
    this.queue.push(feedback);
    if (this.queue.length > FEEDBACK_BUFFER) this.queue.shift();
  }

  /** @internal */
  finished(status: number, result: ActionResult<A>): void {
    if (this.done) return;
    this.latestStatus = status;
    this.end();
    this.settle.resolve({ status, result });
  }

  /** @internal */
  failed(error: Error): void {
    if (this.done) return;
    this.end();
    this.settle.reject(error);
  }

  private end(): void {
    this.done = true;
    this.listeners.clear();
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }
}

export class ActionClient<A extends string = string> {
  /** The fully qualified action name, e.g. `/fibonacci`. */
  readonly name: string;
  private readonly sendGoalClient: Client;
  private readonly cancelClient: Client;
  private readonly getResultClient: Client;
  private readonly feedbackSubscription: Subscription;
  private readonly statusSubscription: Subscription;
  private readonly handles = new Map<string, ClientGoalHandle<A>>();
  private readonly statusListeners = new Set<(statuses: readonly GoalStatusEntry[]) => unknown>();
  /** The last status message, its entries made on demand (goalStatuses, onStatus). */
  private lastStatusMessage: GoalStatusArrayMessage | undefined;
  private lastStatuses: readonly GoalStatusEntry[] | undefined;
  private readonly release: () => void;
  private isDestroyed = false;

  constructor(
    private readonly node: Node,
    readonly type: A,
    actionName: string,
  ) {
    const types = actionInterfaces(type);
    this.name = node.resolveName(actionName, 'action name');
    const names = actionNames(this.name);
    // Owned by the node before its endpoints, so node.destroy fails the pending results first.
    this.release = node.adopt(this);
    this.sendGoalClient = node.createClient(types.sendGoalService, names.sendGoal);
    this.cancelClient = node.createClient(types.cancelGoalService, names.cancelGoal);
    this.getResultClient = node.createClient(types.getResultService, names.getResult);
    this.feedbackSubscription = node.createSubscription(types.feedbackMessage, names.feedback, (m) =>
      this.onFeedbackMessage(m as unknown as FeedbackMessageMessage),
    );
    this.statusSubscription = node.createSubscription(
      types.statusMessage,
      names.status,
      (m) => this.onStatusMessage(m as unknown as GoalStatusArrayMessage),
      'actionStatus',
    );
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /**
   * A server is ready: its three services are available (as Client.isServiceAvailable) and its
   * feedback and status publishers matched ours (rcl_action_server_is_available).
   */
  isServerAvailable(): boolean {
    return (
      !this.isDestroyed &&
      this.sendGoalClient.isServiceAvailable() &&
      this.cancelClient.isServiceAvailable() &&
      this.getResultClient.isServiceAvailable() &&
      this.feedbackSubscription.publisherCount > 0 &&
      this.statusSubscription.publisherCount > 0
    );
  }

  /** Resolves once a server is ready; ActionServerNotAvailableError after `timeout`, AbortError on abort. */
  async waitForServer(options: WaitOptions = {}): Promise<void> {
    if (this.isDestroyed) throw new DestroyedError(`the action client of ${this.name}`);
    const ok = await waitUntil(
      this.node.host,
      () => this.isServerAvailable() || this.isDestroyed,
      `waiting for action server ${this.name}`,
      options,
    );
    if (this.isDestroyed) throw new DestroyedError(`the action client of ${this.name}`);
    if (!ok) throw new ActionServerNotAvailableError(this.name, options.timeout ?? 0);
  }

  /**
   * Sends a goal; resolves with its handle once the server accepted it. Rejects with
   * GoalRejectedError, or as a service call does (ServiceCallTimeoutError after `timeout`, default
   * 10 s; AbortError; ServiceUnavailableError; DestroyedError).
   */
  async sendGoal(goal: ActionGoalInput<A>, options: SendGoalOptions<A> = {}): Promise<ClientGoalHandle<A>> {
    if (this.isDestroyed) throw new DestroyedError(`the action client of ${this.name}`);
    const goalId = randomGoalId();
    const handle = new ClientGoalHandle<A>(
      goalId,
      (id, stamp, o) => this.cancel(id, stamp, o),
      (e) =>
        this.node.logger.error(`action ${this.name}: a feedback callback threw: ${(e as Error)?.stack ?? e}`),
    );
    if (options.onFeedback) handle.onFeedback(options.onFeedback);
    // Known before the request goes: feedback or status may overtake the response.
    this.handles.set(handle.goalIdHex, handle);
    let response: SendGoalResponseMessage;
    try {
      response = (await this.sendGoalClient.call({ goal_id: { uuid: goalId }, goal } as never, {
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })) as unknown as SendGoalResponseMessage;
    } catch (error) {
      this.handles.delete(handle.goalIdHex);
      throw error;
    }
    if (!response.accepted) {
      this.handles.delete(handle.goalIdHex);
      throw new GoalRejectedError(this.name, handle.goalIdHex);
    }
    handle.accepted(response.stamp);
    void this.fetchResult(handle);
    return handle;
  }

  /** Asks the server to cancel every goal (of any client). */
  cancelAllGoals(options: CallOptions = {}): Promise<CancelGoalResult> {
    return this.cancel(new Uint8Array(16), ZERO_STAMP, options);
  }

  /** Asks the server to cancel the goals accepted at or before `stamp` (a Time, or ms since the epoch). */
  cancelGoalsBefore(stamp: Stamp | number, options: CallOptions = {}): Promise<CancelGoalResult> {
    return this.cancel(new Uint8Array(16), typeof stamp === 'number' ? stampFromMs(stamp) : stamp, options);
  }

  /** The goals of the last status message (every client's goals the server still knows). */
  get goalStatuses(): readonly GoalStatusEntry[] {
    this.lastStatuses ??= (this.lastStatusMessage?.status_list ?? []).map((s) => ({
      ...goalInfoOf(s.goal_info),
      status: s.status,
    }));
    return this.lastStatuses;
  }

  /** Calls `callback` with each status message; returns the unsubscribe function. */
  onStatus(callback: (statuses: readonly GoalStatusEntry[]) => unknown): () => void {
    this.statusListeners.add(callback);
    return () => this.statusListeners.delete(callback);
  }

  /** Destroys the client's endpoints; pending results reject with DestroyedError. */
  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.release();
    for (const h of this.handles.values()) h.failed(new DestroyedError(`the action client of ${this.name}`));
    this.handles.clear();
    this.statusListeners.clear();
    this.sendGoalClient.destroy();
    this.cancelClient.destroy();
    this.getResultClient.destroy();
    this.feedbackSubscription.destroy();
    this.statusSubscription.destroy();
  }

  private async cancel(goalId: Uint8Array, stamp: Stamp, options: CallOptions): Promise<CancelGoalResult> {
    if (this.isDestroyed) throw new DestroyedError(`the action client of ${this.name}`);
    const r = (await this.cancelClient.call(
      { goal_info: { goal_id: { uuid: goalId }, stamp } } as never,
      options,
    )) as unknown as CancelGoalResponseMessage;
    return { returnCode: r.return_code, goalsCanceling: r.goals_canceling.map(goalInfoOf) };
  }

  private async fetchResult(handle: ClientGoalHandle<A>): Promise<void> {
    try {
      if (!this.getResultClient.isServiceAvailable())
        await this.getResultClient.waitForService({ timeout: RESULT_SERVICE_WAIT_MS });
      const r = (await this.getResultClient.call({ goal_id: { uuid: handle.goalId } } as never, {
        timeout: Number.POSITIVE_INFINITY,
      })) as unknown as GetResultResponseMessage;
      handle.finished(r.status, r.result as ActionResult<A>);
    } catch (error) {
      handle.failed(this.resultError(handle, error));
    } finally {
      this.handles.delete(handle.goalIdHex);
    }
  }

  private resultError(handle: ClientGoalHandle<A>, error: unknown): Error {
    if (this.isDestroyed || error instanceof DestroyedError)
      return new DestroyedError(`the action client of ${this.name}`);
    if (
      error instanceof ServiceUnavailableError ||
      error instanceof ServiceNotAvailableError ||
      error instanceof ServiceCallTimeoutError
    )
      return new ActionServerUnavailableError(this.name, handle.goalIdHex);
    return error instanceof Error ? error : new Error(String(error));
  }

  private onFeedbackMessage(m: FeedbackMessageMessage): void {
    const h = this.handles.get(goalIdToHex(m.goal_id.uuid));
    h?.feedbackSeen(m.feedback as ActionFeedback<A>);
  }

  /**
   * The server publishes every goal it still knows in each status message (all clients', results
   * kept for their timeout), twice per goal: with goals sent back to back that is dozens of
   * entries each time. So our few handles are found by comparing goal ids, and entries are made
   * only for someone who asks for them.
   */
  private onStatusMessage(m: GoalStatusArrayMessage): void {
    this.lastStatusMessage = m;
    this.lastStatuses = undefined;
    if (this.handles.size > 0 && this.handles.size <= FEW_HANDLES) {
      for (const s of m.status_list)
        for (const h of this.handles.values())
          if (sameGoalId(h.goalId, s.goal_info.goal_id.uuid)) h.statusSeen(s.status);
    } else if (this.handles.size > 0) {
      for (const s of m.status_list)
        this.handles.get(goalIdToHex(s.goal_info.goal_id.uuid))?.statusSeen(s.status);
    }
    if (this.statusListeners.size === 0) return;
    const statuses = this.goalStatuses;
    for (const l of this.statusListeners) {
      try {
        const r = l(statuses);
        if (r instanceof Promise) r.catch((e: unknown) => this.statusListenerFailed(e));
      } catch (error) {
        this.statusListenerFailed(error);
      }
    }
  }

  private statusListenerFailed(error: unknown): void {
    this.node.logger.error(
      `action ${this.name}: a status callback threw: ${(error as Error)?.stack ?? error}`,
    );
  }
}

function goalInfoOf(info: GoalInfoMessage): GoalInfo {
  return { goalId: info.goal_id.uuid, goalIdHex: goalIdToHex(info.goal_id.uuid), stamp: info.stamp };
}
