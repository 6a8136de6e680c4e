/**
 * ActionServer holds a goal's feedback until that goal's client asks for the result, or for
 * FEEDBACK_HOLD_MS (100 ms), and sends what it holds before the goal ends: rclcpp_action's and
 * rclpy's clients drop feedback of a goal whose goal response they have not handled yet, and send
 * get_result right after handling it.
 *
 * The client here is made of the action's raw endpoints (send_goal, cancel_goal and get_result
 * clients, feedback and status subscriptions), so each test decides when get_result goes out, and
 * every message is recorded in the order it arrived. Two contexts on the in-memory bus with a
 * FakeClock: no sockets, no real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActionServer, type ServerGoalHandle } from '../../../src/actions/action-server.js';
import { goalIdToHex, randomGoalId } from '../../../src/actions/goal-id.js';
import { GoalStatus, type GoalStatusCode, isTerminalStatus } from '../../../src/actions/goal-status.js';
import type { Context } from '../../../src/nodes/context.js';
import { DestroyedError } from '../../../src/nodes/errors.js';
import { simulatedContexts } from '../../support/simulated-contexts.js';

const quiet = { logSink: () => {} };
const open: Context[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

const FIB = 'example_interfaces/action/Fibonacci';
type Fib = typeof FIB;
/** action-server.ts: FEEDBACK_HOLD_MS and MAX_HELD_FEEDBACK. */
const HOLD_MS = 100;
const MAX_HELD = 100;

/** What the client side saw, in arrival order. */
type Seen =
  | { readonly kind: 'feedback'; readonly goal: string; readonly step: number; readonly at: number }
  | { readonly kind: 'status'; readonly goal: string; readonly status: GoalStatusCode; readonly at: number }
  | { readonly kind: 'result'; readonly goal: string; readonly status: number; readonly at: number };

type Handle = ServerGoalHandle<Fib>;

/** A goal as execute runs it: the test publishes its feedback and ends it. */
interface RunningGoal {
  readonly handle: Handle;
  /** Ends execute; the goal then ends SUCCEEDED (or CANCELED when a cancel was accepted). */
  readonly finish: () => void;
}

async function setUp() {
  const sim = simulatedContexts(open);
  const [a, b] = [await sim.context(), await sim.context()];
  const serverNode = a.createNode('hold_server', quiet);
  const clientNode = b.createNode('hold_client', quiet);
  const running = new Map<string, RunningGoal>();
  /** When each goal was accepted: its hold started then. */
  const acceptedAt = new Map<string, number>();
  new ActionServer(serverNode, FIB, 'hold', {
    onGoal: (g) => {
      acceptedAt.set(g.goalIdHex, sim.clock.now());
      return 'accept';
    },
    onCancel: () => 'accept',
    execute: (handle) =>
      new Promise<undefined>((resolve) => {
        running.set(handle.goalIdHex, { handle, finish: () => resolve(undefined) });
      }),
  });

  const seen: Seen[] = [];
  const sendGoal = clientNode.createClient(`${FIB}_SendGoal`, 'hold/_action/send_goal');
  const cancelGoal = clientNode.createClient('action_msgs/srv/CancelGoal', 'hold/_action/cancel_goal');
  const getResult = clientNode.createClient(`${FIB}_GetResult`, 'hold/_action/get_result');
  clientNode.createSubscription(`${FIB}_FeedbackMessage`, 'hold/_action/feedback', (m) => {
    const goal = goalIdToHex(m.goal_id.uuid);
    seen.push({ kind: 'feedback', goal, step: Number(m.feedback.sequence[0]), at: sim.clock.now() });
  });
  // Each goal's status when it changes (the array lists every goal the server knows).
  const last = new Map<string, GoalStatusCode>();
  clientNode.createSubscription(
    'action_msgs/msg/GoalStatusArray',
    'hold/_action/status',
    (m) => {
      for (const s of m.status_list) {
        const goal = goalIdToHex(s.goal_info.goal_id.uuid);
        const status = s.status as GoalStatusCode;
        if (last.get(goal) === status) continue;
        last.set(goal, status);
        seen.push({ kind: 'status', goal, status, at: sim.clock.now() });
      }
    },
    'actionStatus',
  );

  /** Advances the clock 1 ms at a time, with a turn of the event loop each (the server's setImmediate). */
  async function run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t++) {
      sim.clock.advance(1);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  async function runUntil(done: () => boolean, limitMs: number, what: string): Promise<void> {
    for (let t = 0; t < limitMs && !done(); t++) await run(1);
    if (!done()) throw new Error(`${what}: not after ${limitMs} simulated ms`);
  }
  /** Runs to `ms` after the goal was accepted. */
  async function runTo(goal: string, ms: number): Promise<void> {
    const until = acceptedAt.get(goal)! + ms;
    await run(until - sim.clock.now());
  }

  const ready = () =>
    sendGoal.isServiceAvailable() && cancelGoal.isServiceAvailable() && getResult.isServiceAvailable();
  await runUntil(ready, 5000, 'the action services');

  /** Sends a goal and runs until its execute started; the goal's hex id. */
  async function startGoal(): Promise<string> {
    const id = randomGoalId();
    const goal = goalIdToHex(id);
    let accepted: boolean | undefined;
    void sendGoal
      .call({ goal_id: { uuid: id }, goal: { order: 5 } }, { timeout: 1000 })
      .then((r) => (accepted = r.accepted));
    await runUntil(() => accepted !== undefined && running.has(goal), 1000, 'the goal to start');
    expect(accepted).toBe(true);
    return goal;
  }
  /** Sends get_result for `goal`; the response is recorded in `seen` when it arrives. */
  function askResult(goal: string): void {
    void getResult.call({ goal_id: { uuid: idOf(goal) } }, { timeout: 5000 }).then(
      (r) => seen.push({ kind: 'result', goal, status: r.status, at: sim.clock.now() }),
      // A goal still running when the test ends: its client is destroyed with the context.
      (error: unknown) => {
        if (!(error instanceof DestroyedError)) throw error;
      },
    );
  }
  async function cancel(goal: string): Promise<void> {
    let done = false;
    void cancelGoal
      .call(
        { goal_info: { goal_id: { uuid: idOf(goal) }, stamp: { sec: 0, nanosec: 0 } } },
        { timeout: 1000 },
      )
      .then(() => (done = true));
    await runUntil(() => done, 1000, 'the cancel response');
  }
  const feedbackOf = (goal: string) =>
    seen.filter((s) => s.kind === 'feedback' && s.goal === goal).map((s) => (s as { step: number }).step);
  const publish = (goal: string, steps: number[]) => {
    for (const step of steps) running.get(goal)!.handle.publishFeedback({ sequence: [step] });
  };

  return {
    sim,
    seen,
    running,
    acceptedAt,
    run,
    runUntil,
    runTo,
    startGoal,
    askResult,
    cancel,
    feedbackOf,
    publish,
  };
}

function idOf(goal: string): Uint8Array {
  return Uint8Array.from(Buffer.from(goal.replaceAll('-', ''), 'hex'));
}

describe('ActionServer feedback hold', () => {
  it('sends no feedback before the goal’s get_result request, then all of it in order', async () => {
    const t = await setUp();
    const goal = await t.startGoal();
    t.publish(goal, [1, 2, 3]);
    await t.runTo(goal, HOLD_MS - 40);
    expect(t.feedbackOf(goal)).toEqual([]);

    t.askResult(goal);
    await t.runUntil(() => t.feedbackOf(goal).length === 3, 20, 'the held feedback');
    expect(t.feedbackOf(goal)).toEqual([1, 2, 3]);
    // Released by the request, well before the hold's end.
    expect(t.sim.clock.now() - t.acceptedAt.get(goal)!).toBeLessThan(HOLD_MS);
    // Later feedback is not held.
    t.publish(goal, [4]);
    await t.run(3);
    expect(t.feedbackOf(goal)).toEqual([1, 2, 3, 4]);
  });

  it('sends held feedback when the hold’s 100 ms pass without a get_result request', async () => {
    const t = await setUp();
    const goal = await t.startGoal();
    t.publish(goal, [1, 2]);
    await t.runTo(goal, HOLD_MS - 1);
    expect(t.feedbackOf(goal)).toEqual([]);

    await t.runTo(goal, HOLD_MS + 5);
    expect(t.feedbackOf(goal)).toEqual([1, 2]);
    const first = t.seen.find((s) => s.kind === 'feedback')!;
    // Sent at the hold's end, heard one bus latency (1 ms) later.
    expect(first.at - t.acceptedAt.get(goal)!).toBe(HOLD_MS + 1);
    t.publish(goal, [3]);
    await t.run(3);
    expect(t.feedbackOf(goal)).toEqual([1, 2, 3]);
  });

  const endings = [
    { how: 'succeeds', status: GoalStatus.SUCCEEDED, end: (g: Handle) => g.succeed({ sequence: [0, 1] }) },
    // The result is what execute returns, after the goal ended.
    { how: 'succeeds without a result', status: GoalStatus.SUCCEEDED, end: (g: Handle) => g.succeed() },
    { how: 'aborts', status: GoalStatus.ABORTED, end: (g: Handle) => g.abort({ sequence: [] }) },
    { how: 'is canceled', status: GoalStatus.CANCELED, end: (g: Handle) => g.canceled({ sequence: [] }) },
  ];
  for (const { how, status, end } of endings) {
    it(`sends held feedback before the status that says the goal ended, when a goal ${how}`, async () => {
      const t = await setUp();
      const goal = await t.startGoal();
      if (how === 'is canceled') await t.cancel(goal);
      t.publish(goal, [1, 2, 3]);
      await t.runTo(goal, HOLD_MS - 40);
      expect(t.feedbackOf(goal)).toEqual([]);

      end(t.running.get(goal)!.handle);
      await t.run(5);
      t.running.get(goal)!.finish();
      await t.run(5);
      t.askResult(goal);
      await t.runUntil(() => t.seen.some((s) => s.kind === 'result'), 20, 'the result');

      const order = t.seen
        .filter((s) => s.goal === goal && (s.kind !== 'status' || isTerminalStatus(s.status)))
        .map((s) => (s.kind === 'feedback' ? `feedback ${s.step}` : `${s.kind} ${s.status}`));
      expect(order).toEqual([
        'feedback 1',
        'feedback 2',
        'feedback 3',
        `status ${status}`,
        `result ${status}`,
      ]);
      // Sent when the goal ended, not at the hold's end.
      const ended = t.seen.find((s) => s.kind === 'status' && isTerminalStatus(s.status))!;
      expect(ended.at - t.acceptedAt.get(goal)!).toBeLessThan(HOLD_MS);
    });
  }

  it(`keeps the newest ${MAX_HELD} feedback messages of a goal, the older ones are dropped`, async () => {
    const t = await setUp();
    const goal = await t.startGoal();
    const steps = Array.from({ length: MAX_HELD + 50 }, (_, i) => i + 1);
    t.publish(goal, steps);
    await t.runTo(goal, HOLD_MS - 40);
    expect(t.feedbackOf(goal)).toEqual([]);

    t.askResult(goal);
    await t.run(20);
    expect(t.feedbackOf(goal)).toEqual(steps.slice(-MAX_HELD));
  });

  it('releases only the feedback of the goal whose result was asked for', async () => {
    const t = await setUp();
    const first = await t.startGoal();
    const second = await t.startGoal();
    t.publish(first, [1, 2]);
    t.publish(second, [11, 12]);
    t.askResult(second);
    await t.runUntil(() => t.feedbackOf(second).length === 2, 20, 'the second goal’s feedback');
    expect(t.feedbackOf(second)).toEqual([11, 12]);
    expect(t.feedbackOf(first)).toEqual([]);
    // The first goal's feedback waits for the end of its own hold.
    await t.runTo(first, HOLD_MS - 1);
    expect(t.feedbackOf(first)).toEqual([]);
    await t.runTo(first, HOLD_MS + 5);
    expect(t.feedbackOf(first)).toEqual([1, 2]);
  });
});
