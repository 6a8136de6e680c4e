/**
 * The goal state machine of rcl_action (goal_state_machine.c), pure: a state and an event give
 * the next state, or undefined where rcl answers GOAL_STATE_UNKNOWN (the transition is illegal).
 *
 *   ACCEPTED  --execute-->     EXECUTING
 *   ACCEPTED  --cancelGoal-->  CANCELING
 *   EXECUTING --cancelGoal-->  CANCELING
 *   EXECUTING --succeed-->     SUCCEEDED     CANCELING --succeed--> SUCCEEDED
 *   EXECUTING --abort-->       ABORTED       CANCELING --abort-->   ABORTED
 *   CANCELING --canceled-->    CANCELED
 *
 * A goal that was only accepted cannot succeed, abort or be canceled directly: it executes (or is
 * asked to cancel) first. Terminal states take no event.
 */
import { GoalStatus, type GoalStatusCode } from './goal-status.js';

/** rcl_action_goal_event_t: EXECUTE, CANCEL_GOAL, SUCCEED, ABORT, CANCELED. */
export type GoalEvent = 'execute' | 'cancelGoal' | 'succeed' | 'abort' | 'canceled';

export const GOAL_EVENTS: readonly GoalEvent[] = ['execute', 'cancelGoal', 'succeed', 'abort', 'canceled'];

const TRANSITIONS: Readonly<Partial<Record<GoalStatusCode, Partial<Record<GoalEvent, GoalStatusCode>>>>> = {
  [GoalStatus.ACCEPTED]: { execute: GoalStatus.EXECUTING, cancelGoal: GoalStatus.CANCELING },
  [GoalStatus.EXECUTING]: {
    cancelGoal: GoalStatus.CANCELING,
    succeed: GoalStatus.SUCCEEDED,
    abort: GoalStatus.ABORTED,
  },
  [GoalStatus.CANCELING]: {
    succeed: GoalStatus.SUCCEEDED,
    abort: GoalStatus.ABORTED,
    canceled: GoalStatus.CANCELED,
  },
};

/** The state after `event`, or undefined when rcl_action refuses the transition. */
export function transitionGoal(state: GoalStatusCode, event: GoalEvent): GoalStatusCode | undefined {
  return TRANSITIONS[state]?.[event];
}

/** ACCEPTED or EXECUTING: a cancel request may select the goal (rcl_action_goal_handle_is_cancelable). */
export function isCancelable(state: GoalStatusCode): boolean {
  return transitionGoal(state, 'cancelGoal') !== undefined;
}
