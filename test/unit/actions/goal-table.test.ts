/**
 * The server's goal table with time passed in: cancel selection as rcl_action_process_cancel_request
 * does it, deferred result requests, and result retention after the goal ended.
 */
import { describe, expect, it } from 'vitest';
import { GoalStateError } from '../../../src/actions/errors.js';
import { goalIdToHex } from '../../../src/actions/goal-id.js';
import { CancelReturnCode, GoalStatus } from '../../../src/actions/goal-status.js';
import { type GoalOutcome, GoalTable } from '../../../src/actions/goal-table.js';

const idOf = (n: number) => Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? n : 0xa0));
const ZERO = new Uint8Array(16);

/** Goals 1..n accepted at stamps 1000, 2000, ... ns. */
function table(n: number, timeoutMs = 1000) {
  const t = new GoalTable<string>(timeoutMs);
  for (let i = 1; i <= n; i++) t.add(idOf(i), goalIdToHex(idOf(i)), BigInt(i * 1000));
  return t;
}
const hex = (n: number) => goalIdToHex(idOf(n));
const selected = (t: GoalTable<string>, id: Uint8Array, stamp: bigint) => {
  const s = t.selectForCancel(id, stamp);
  return { code: s.returnCode, goals: s.goals.map((g) => g.idHex) };
};
function end(t: GoalTable<string>, n: number, event: 'succeed' | 'abort', now: number, result = `r${n}`) {
  if (t.get(hex(n))!.status === GoalStatus.ACCEPTED) t.apply(hex(n), 'execute');
  t.apply(hex(n), event);
  t.finish(hex(n), result, now);
}

describe('goal table: states', () => {
  it('starts goals ACCEPTED and applies legal events', () => {
    const t = table(1);
    expect(t.get(hex(1))!.status).toBe(GoalStatus.ACCEPTED);
    expect(t.apply(hex(1), 'execute')).toBe(GoalStatus.EXECUTING);
    expect(t.apply(hex(1), 'cancelGoal')).toBe(GoalStatus.CANCELING);
    expect(t.apply(hex(1), 'canceled')).toBe(GoalStatus.CANCELED);
  });

  it('throws GoalStateError for an illegal event and leaves the state alone', () => {
    const t = table(1);
    t.apply(hex(1), 'execute');
    t.apply(hex(1), 'succeed');
    const e = (() => {
      try {
        t.apply(hex(1), 'succeed');
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(GoalStateError);
    expect((e as GoalStateError).message).toMatch(/SUCCEEDED: 'succeed' is not a legal transition/);
    expect(t.get(hex(1))!.status).toBe(GoalStatus.SUCCEEDED);
  });

  it('refuses a goal id that is already there (rcl_action_accept_new_goal)', () => {
    const t = table(1);
    expect(() => t.add(idOf(1), hex(1), 5n)).toThrow(RangeError);
  });
});

describe('goal table: cancel selection', () => {
  it('zero id and zero stamp: every cancelable goal', () => {
    const t = table(4);
    end(t, 2, 'succeed', 0);
    t.apply(hex(3), 'execute');
    expect(selected(t, ZERO, 0n)).toEqual({
      code: CancelReturnCode.ERROR_NONE,
      goals: [hex(1), hex(3), hex(4)],
    });
  });

  it('zero id and a stamp: cancelable goals at or before it', () => {
    const t = table(4);
    expect(selected(t, ZERO, 3000n)).toEqual({
      code: CancelReturnCode.ERROR_NONE,
      goals: [hex(1), hex(2), hex(3)],
    });
    expect(selected(t, ZERO, 999n)).toEqual({ code: CancelReturnCode.ERROR_NONE, goals: [] });
  });

  it('an id and zero stamp: that goal only', () => {
    const t = table(3);
    expect(selected(t, idOf(2), 0n)).toEqual({ code: CancelReturnCode.ERROR_NONE, goals: [hex(2)] });
  });

  it('an unknown id and zero stamp: ERROR_UNKNOWN_GOAL_ID', () => {
    const t = table(3);
    expect(selected(t, idOf(9), 0n)).toEqual({ code: CancelReturnCode.ERROR_UNKNOWN_GOAL_ID, goals: [] });
  });

  it('the id of an ended goal: ERROR_GOAL_TERMINATED', () => {
    const t = table(2);
    end(t, 1, 'abort', 0);
    expect(selected(t, idOf(1), 0n)).toEqual({ code: CancelReturnCode.ERROR_GOAL_TERMINATED, goals: [] });
  });

  it('a goal already CANCELING is not selected again (it is not cancelable)', () => {
    const t = table(2);
    t.apply(hex(1), 'cancelGoal');
    expect(selected(t, idOf(1), 0n).code).toBe(CancelReturnCode.ERROR_GOAL_TERMINATED);
    expect(selected(t, ZERO, 0n).goals).toEqual([hex(2)]);
  });

  it('an id and a stamp: that goal and every goal at or before the stamp', () => {
    const t = table(5);
    expect(selected(t, idOf(5), 2000n)).toEqual({
      code: CancelReturnCode.ERROR_NONE,
      goals: [hex(1), hex(2), hex(5)],
    });
  });

  it('an unknown id and a stamp: no error, the goals before the stamp', () => {
    const t = table(3);
    expect(selected(t, idOf(9), 1000n)).toEqual({ code: CancelReturnCode.ERROR_NONE, goals: [hex(1)] });
  });
});

describe('goal table: results', () => {
  it('answers a result request for an unknown goal with unknown', () => {
    const t = table(1);
    const got: GoalOutcome<string>[] = [];
    expect(t.requestResult(hex(7), (o) => got.push(o))).toBe('unknown');
    expect(got).toEqual([]);
  });

  it('defers result requests for a running goal and answers them all when it ends', () => {
    const t = table(2);
    t.apply(hex(1), 'execute');
    const got: [number, GoalOutcome<string>][] = [];
    for (let i = 0; i < 100; i++) expect(t.requestResult(hex(1), (o) => got.push([i, o]))).toBe('deferred');
    expect(t.waitingRequests).toBe(100);
    t.apply(hex(1), 'succeed');
    expect(got).toEqual([]); // ended, but the result is not given yet
    t.finish(hex(1), 'fib', 10);
    expect(got).toHaveLength(100);
    expect(got.every(([, o]) => o.status === GoalStatus.SUCCEEDED && o.result === 'fib')).toBe(true);
    expect(got.map(([i]) => i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(t.waitingRequests).toBe(0);
  });

  it('answers at once once the goal ended', () => {
    const t = table(1);
    end(t, 1, 'abort', 0, 'partial');
    const got: GoalOutcome<string>[] = [];
    expect(t.requestResult(hex(1), (o) => got.push(o))).toBe('ready');
    expect(got).toEqual([{ status: GoalStatus.ABORTED, result: 'partial' }]);
  });

  it('refuses a result for a goal that has not ended', () => {
    const t = table(1);
    t.apply(hex(1), 'execute');
    expect(() => t.finish(hex(1), 'x', 0)).toThrow(GoalStateError);
  });

  it('keeps the first result when finished twice', () => {
    const t = table(1);
    end(t, 1, 'succeed', 0, 'first');
    t.finish(hex(1), 'second', 5);
    expect(t.get(hex(1))!.outcome).toEqual({ status: GoalStatus.SUCCEEDED, result: 'first' });
  });
});

describe('goal table: result retention', () => {
  it('has no deadline until a goal ends', () => {
    const t = table(2);
    t.apply(hex(1), 'execute');
    expect(t.nextDeadline()).toBeUndefined();
    expect(t.expire(1e12)).toEqual([]);
    expect(t.size).toBe(2);
  });

  it('forgets a result the timeout after its goal ENDED, not after acceptance', () => {
    const t = table(2, 1000);
    // Accepted long ago (stamps are irrelevant to retention), ends at 50 000 ms.
    end(t, 1, 'succeed', 50_000);
    expect(t.nextDeadline()).toBe(51_000);
    expect(t.expire(50_999)).toEqual([]);
    expect(t.has(hex(1))).toBe(true);
    expect(t.expire(51_000).map((g) => g.idHex)).toEqual([hex(1)]);
    expect(t.has(hex(1))).toBe(false);
    expect(t.requestResult(hex(1), () => {})).toBe('unknown');
    expect(t.has(hex(2))).toBe(true);
    expect(t.nextDeadline()).toBeUndefined();
  });

  it('gives the earliest deadline of several and expires them in turn', () => {
    const t = table(3, 100);
    end(t, 2, 'succeed', 30);
    end(t, 1, 'abort', 10);
    end(t, 3, 'succeed', 20);
    expect(t.nextDeadline()).toBe(110);
    expect(t.expire(110).map((g) => g.idHex)).toEqual([hex(1)]);
    expect(t.nextDeadline()).toBe(120);
    expect(t.expire(1000).map((g) => g.idHex)).toEqual([hex(2), hex(3)]);
    expect(t.size).toBe(0);
  });

  it('does not start retention for an ended goal whose result is not given yet', () => {
    const t = table(1, 100);
    t.apply(hex(1), 'execute');
    t.apply(hex(1), 'succeed');
    expect(t.nextDeadline()).toBeUndefined();
    expect(t.expire(1e9)).toEqual([]);
  });

  it('with a zero timeout, forgets a result as soon as time is checked', () => {
    const t = table(1, 0);
    end(t, 1, 'succeed', 7);
    expect(t.nextDeadline()).toBe(7);
    expect(t.expire(7)).toHaveLength(1);
  });

  it('refuses a negative timeout', () => {
    expect(() => new GoalTable(-1)).toThrow(RangeError);
  });

  it('lists goals in acceptance order with their states', () => {
    const t = table(3);
    t.apply(hex(2), 'execute');
    expect(t.list().map((g) => [g.idHex, g.status, g.stampNs])).toEqual([
      [hex(1), GoalStatus.ACCEPTED, 1000n],
      [hex(2), GoalStatus.EXECUTING, 2000n],
      [hex(3), GoalStatus.ACCEPTED, 3000n],
    ]);
  });
});
