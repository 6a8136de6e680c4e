/**
 * Compile-time checks of the action API's typing: `npm test` type-checks this file, so each
 * `@ts-expect-error` fails the build if the mistake it marks stops being an error. Nothing here
 * opens a socket: the functions are only type-checked, never called.
 */
import { describe, expect, it } from 'vitest';
import {
  ActionClient,
  type ActionGoal,
  type ActionResult,
  ActionServer,
  GoalStatus,
  type GoalStatusCode,
  goalStatusName,
} from '../../src/index.js';
import type { Node } from '../../src/nodes/node.js';

function typedServer(node: Node) {
  return new ActionServer(node, 'example_interfaces/action/Fibonacci', 'fibonacci', {
    onGoal: (request) => (request.goal.order > 100 ? 'reject' : 'accept'),
    onCancel: (goal) => (goal.goal.order > 5 ? 'accept' : 'reject'),
    execute: async (goal) => {
      const order: number = goal.goal.order;
      const status: GoalStatusCode = goal.status;
      void status;
      goal.publishFeedback({ sequence: [0, 1] });
      // @ts-expect-error Fibonacci feedback has a sequence, not a position
      goal.publishFeedback({ position: 1 });
      // @ts-expect-error a Fibonacci goal has no field speed
      void goal.goal.speed;
      if (goal.signal.aborted) {
        goal.canceled({ sequence: [0] });
        return;
      }
      return { sequence: Array.from({ length: order }, (_, i) => i) };
    },
  });
}

function wrongResult(node: Node) {
  return new ActionServer(node, 'example_interfaces/action/Fibonacci', 'fibonacci', {
    // @ts-expect-error the result's sequence is int32[], not a string
    execute: () => ({ sequence: 'one, two' }),
  });
}

async function typedClient(node: Node) {
  const client = new ActionClient(node, 'example_interfaces/action/Fibonacci', 'fibonacci');
  await client.waitForServer({ timeout: 1000 });
  const handle = await client.sendGoal(
    { order: 10 },
    { timeout: 1000, onFeedback: (f) => f.sequence.length satisfies number },
  );
  // @ts-expect-error a Fibonacci goal's order is a number
  void client.sendGoal({ order: 'ten' });
  for await (const f of handle.feedback) {
    const last: number | undefined = f.sequence[f.sequence.length - 1];
    void last;
  }
  const { status, result } = await handle.result;
  const seq: Int32Array = result.sequence;
  // @ts-expect-error a Fibonacci result has no field total
  void result.total;
  const cancel = await handle.cancel();
  const code: number = cancel.returnCode;
  const goal: ActionGoal<'turtlesim/action/RotateAbsolute'> = { theta: 1.5 };
  const rotated: ActionResult<'turtlesim/action/RotateAbsolute'>['delta'] = 0.1;
  return [status === GoalStatus.SUCCEEDED, seq, code, goal, rotated, goalStatusName(status)] as const;
}

describe('typed action API', () => {
  it('type-checks (see the file comment)', () => {
    expect([typeof typedServer, typeof wrongResult, typeof typedClient]).toEqual([
      'function',
      'function',
      'function',
    ]);
  });
});
