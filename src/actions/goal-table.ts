/**
 * An action server's goals, pure (no sockets, no timers): their states, the cancel requests they
 * match, their results, who waits for those results, and when a result may be forgotten. Time is
 * passed in (`nowMs`, monotonic); the server arms one timer at `nextDeadline()`.
 *
 * As rcl_action's server (action_server.c), with one difference: a result is kept for
 * `resultTimeoutMs` after the goal ENDED (ros2/rcl#1121, in Jazzy since its backport), where
 * older rcl counted from acceptance and dropped the results of goals that ran longer than the
 * timeout as soon as they ended.
 */
import { GoalStateError } from './errors.js';
import { isZeroGoalId } from './goal-id.js';
import { type GoalEvent, isCancelable, transitionGoal } from './goal-state-machine.js';
import {
  CancelReturnCode,
  type CancelReturnCodeValue,
  GoalStatus,
  type GoalStatusCode,
  isTerminalStatus,
} from './goal-status.js';

/** How a goal ended: what get_result answers. */
export interface GoalOutcome<R> {
  readonly status: GoalStatusCode;
  readonly result: R;
}

export interface GoalRecord<R> {
  readonly id: Uint8Array;
  readonly idHex: string;
  /** The acceptance stamp, nanoseconds since the epoch. */
  readonly stampNs: bigint;
  readonly status: GoalStatusCode;
  /** Known once the goal ended and its result was given. */
  readonly outcome: GoalOutcome<R> | undefined;
}

interface Entry<R> extends GoalRecord<R> {
  status: GoalStatusCode;
  outcome: GoalOutcome<R> | undefined;
  endedAtMs: number | undefined;
  waiters: ((o: GoalOutcome<R>) => void)[];
}

export interface CancelSelection<R> {
  readonly returnCode: CancelReturnCodeValue;
  /** The goals to ask the server's cancel callback about, in acceptance order. */
  readonly goals: readonly GoalRecord<R>[];
}

export class GoalTable<R> {
  private readonly goals = new Map<string, Entry<R>>();

  constructor(readonly resultTimeoutMs: number) {
    if (!(resultTimeoutMs >= 0))
      throw new RangeError(`result timeout must be >= 0 ms (or Infinity), got ${resultTimeoutMs}`);
  }

  get size(): number {
    return this.goals.size;
  }

  has(idHex: string): boolean {
    return this.goals.has(idHex);
  }

  get(idHex: string): GoalRecord<R> | undefined {
    return this.goals.get(idHex);
  }

  /** Every goal still known, in acceptance order (what the status topic lists). */
  list(): readonly GoalRecord<R>[] {
    return [...this.goals.values()];
  }

  /** A newly accepted goal, ACCEPTED. RangeError if the id is taken (rcl refuses it too). */
  add(id: Uint8Array, idHex: string, stampNs: bigint): GoalRecord<R> {
    if (this.goals.has(idHex)) throw new RangeError(`goal ${idHex} already exists`);
    const entry: Entry<R> = {
      id: id.slice(),
      idHex,
      stampNs,
      status: GoalStatus.ACCEPTED,
      outcome: undefined,
      endedAtMs: undefined,
      waiters: [],
    };
    this.goals.set(idHex, entry);
    return entry;
  }

  /** Applies an event; GoalStateError when the state machine refuses it, RangeError for an unknown goal. */
  apply(idHex: string, event: GoalEvent): GoalStatusCode {
    const e = this.entry(idHex);
    const next = transitionGoal(e.status, event);
    if (next === undefined) throw new GoalStateError(idHex, e.status, event);
    e.status = next;
    return next;
  }

  /**
   * The goal (in a terminal state) has its result: the result requests waiting for it are
   * answered, and its retention starts. A second call changes nothing.
   */
  finish(idHex: string, result: R, nowMs: number): void {
    const e = this.entry(idHex);
    if (!isTerminalStatus(e.status)) throw new GoalStateError(idHex, e.status, 'succeed');
    if (e.outcome) return;
    const outcome: GoalOutcome<R> = { status: e.status, result };
    e.outcome = outcome;
    e.endedAtMs = nowMs;
    const waiters = e.waiters.splice(0);
    for (const w of waiters) w(outcome);
  }

  /**
   * A result request: 'unknown' for a goal not (or no longer) here; otherwise `deliver` is called
   * with the outcome, at once if the goal ended, else when it does ('deferred').
   */
  requestResult(idHex: string, deliver: (o: GoalOutcome<R>) => void): 'unknown' | 'ready' | 'deferred' {
    const e = this.goals.get(idHex);
    if (!e) return 'unknown';
    if (e.outcome) {
      deliver(e.outcome);
      return 'ready';
    }
    e.waiters.push(deliver);
    return 'deferred';
  }

  /** Result requests waiting for goals that have not ended. */
  get waitingRequests(): number {
    let n = 0;
    for (const e of this.goals.values()) n += e.waiters.length;
    return n;
  }

  /**
   * The goals a CancelGoal request selects (rcl_action_process_cancel_request):
   * - zero id, zero stamp: every cancelable goal;
   * - zero id, a stamp: cancelable goals accepted at or before it;
   * - an id, zero stamp: that goal: UNKNOWN_GOAL_ID if not here, GOAL_TERMINATED if it ended;
   * - an id and a stamp: that goal and the goals at or before the stamp (cancelable ones; no error
   *   for an unknown id).
   * Only ACCEPTED and EXECUTING goals are cancelable.
   */
  selectForCancel(goalId: Uint8Array, stampNs: bigint): CancelSelection<R> {
    const zeroId = isZeroGoalId(goalId);
    if (!zeroId && stampNs === 0n) {
      const e = [...this.goals.values()].find((g) => sameId(g.id, goalId));
      if (!e) return { returnCode: CancelReturnCode.ERROR_UNKNOWN_GOAL_ID, goals: [] };
      if (!isCancelable(e.status)) return { returnCode: CancelReturnCode.ERROR_GOAL_TERMINATED, goals: [] };
      return { returnCode: CancelReturnCode.ERROR_NONE, goals: [e] };
    }
    const all = zeroId && stampNs === 0n;
    const goals = [...this.goals.values()].filter(
      (g) => isCancelable(g.status) && (all || g.stampNs <= stampNs || sameId(g.id, goalId)),
    );
    return { returnCode: CancelReturnCode.ERROR_NONE, goals };
  }

  /** Forgets the goals whose result was kept `resultTimeoutMs` by `nowMs`; returns them. */
  expire(nowMs: number): GoalRecord<R>[] {
    const out: GoalRecord<R>[] = [];
    for (const [key, e] of this.goals) {
      if (e.endedAtMs !== undefined && nowMs - e.endedAtMs >= this.resultTimeoutMs) {
        this.goals.delete(key);
        out.push(e);
      }
    }
    return out;
  }

  /** When the next result is due to be forgotten (monotonic ms), or undefined if none ended. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.goals.values()) {
      if (e.endedAtMs === undefined) continue;
      const due = e.endedAtMs + this.resultTimeoutMs;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  /** Forgets everything; waiting result requests are never answered (the server is going away). */
  clear(): void {
    this.goals.clear();
  }

  private entry(idHex: string): Entry<R> {
    const e = this.goals.get(idHex);
    if (!e) throw new RangeError(`no goal ${idHex}`);
    return e;
  }
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
