/** The goal state machine against rcl_action's goal_state_machine.c: every state x event pair. */
import { describe, expect, it } from 'vitest';
import {
  GOAL_EVENTS,
  type GoalEvent,
  isCancelable,
  transitionGoal,
} from '../../../src/actions/goal-state-machine.js';
import { GoalStatus, type GoalStatusCode } from '../../../src/actions/goal-status.js';

const S = GoalStatus;
// rcl's transition map, written out: anything not here is GOAL_STATE_UNKNOWN (illegal).
const LEGAL: Record<string, GoalStatusCode> = {
  [`${S.ACCEPTED}:execute`]: S.EXECUTING,
  [`${S.ACCEPTED}:cancelGoal`]: S.CANCELING,
  [`${S.EXECUTING}:cancelGoal`]: S.CANCELING,
  [`${S.EXECUTING}:succeed`]: S.SUCCEEDED,
  [`${S.EXECUTING}:abort`]: S.ABORTED,
  [`${S.CANCELING}:succeed`]: S.SUCCEEDED,
  [`${S.CANCELING}:abort`]: S.ABORTED,
  [`${S.CANCELING}:canceled`]: S.CANCELED,
};

const STATES = Object.values(GoalStatus) as GoalStatusCode[];

describe('goal state machine', () => {
  for (const state of STATES) {
    for (const event of GOAL_EVENTS) {
      const expected = LEGAL[`${state}:${event}`];
      it(`${state} --${event}--> ${expected ?? 'illegal'}`, () => {
        expect(transitionGoal(state, event)).toBe(expected);
      });
    }
  }

  it('has exactly eight legal transitions', () => {
    const legal = STATES.flatMap((s) => GOAL_EVENTS.map((e) => transitionGoal(s, e))).filter(
      (x) => x !== undefined,
    );
    expect(legal).toHaveLength(8);
  });

  it('lets an accepted goal neither succeed, abort nor be canceled before it executes or is asked to cancel', () => {
    for (const e of ['succeed', 'abort', 'canceled'] as GoalEvent[])
      expect(transitionGoal(S.ACCEPTED, e)).toBeUndefined();
  });

  it('takes no event in a terminal state', () => {
    for (const s of [S.SUCCEEDED, S.CANCELED, S.ABORTED] as GoalStatusCode[])
      for (const e of GOAL_EVENTS) expect(transitionGoal(s, e)).toBeUndefined();
  });

  it('calls ACCEPTED and EXECUTING goals cancelable, and nothing else', () => {
    expect(STATES.filter(isCancelable)).toEqual([S.ACCEPTED, S.EXECUTING]);
  });

  it('refuses an event it does not know', () => {
    expect(transitionGoal(S.EXECUTING, 'explode' as GoalEvent)).toBeUndefined();
  });
});
