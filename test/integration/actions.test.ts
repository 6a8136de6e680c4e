/**
 * ros2ts action servers and clients in different contexts (as two processes would be) over real
 * UDP, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/actions.test.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionClient } from '../../src/actions/action-client.js';
import {
  ActionServer,
  type ActionServerOptions,
  type ServerGoalHandle,
} from '../../src/actions/action-server.js';
import {
  ActionServerNotAvailableError,
  ActionServerUnavailableError,
  GoalRejectedError,
  GoalStateError,
} from '../../src/actions/errors.js';
import { CancelReturnCode, GoalStatus } from '../../src/actions/goal-status.js';
import { InterfaceNotFoundError } from '../../src/cdr/errors.js';
import { AbortError, DestroyedError, ServiceUnavailableError } from '../../src/nodes/errors.js';
import type { Node } from '../../src/nodes/node.js';
import { InvalidTypeNameError } from '../../src/rmw/errors.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/actions.test.ts'));

const { context } = contexts(12);
const FIB = 'example_interfaces/action/Fibonacci';
type Fib = typeof FIB;

function fibonacci(order: number): number[] {
  const seq = [0, 1];
  for (let i = 1; i < order; i++) seq.push(seq[i]! + seq[i - 1]!);
  return seq;
}

/** The tutorial's Fibonacci server: one feedback per step, `stepMs` apart; stops when canceled. */
function fibonacciServer(node: Node, stepMs: number, options: Partial<ActionServerOptions<Fib>> = {}) {
  return new ActionServer(node, FIB, 'fibonacci', {
    execute: async (goal: ServerGoalHandle<Fib>) => {
      const seq = [0, 1];
      for (let i = 1; i < goal.goal.order; i++) {
        if (goal.isCancelRequested) {
          goal.canceled({ sequence: seq });
          return;
        }
        seq.push(seq[i]! + seq[i - 1]!);
        goal.publishFeedback({ sequence: seq });
        await sleep(stepMs);
      }
      return { sequence: seq };
    },
    ...options,
  });
}

/** A server node and a client node, each in its own context, the client waiting for the server. */
async function pair(stepMs: number, options: Partial<ActionServerOptions<Fib>> = {}) {
  const [a, b] = await Promise.all([context(), context()]);
  const serverNode = a.createNode('fibonacci_action_server', quiet);
  const clientNode = b.createNode('fibonacci_action_client', quiet);
  const server = fibonacciServer(serverNode, stepMs, options);
  const client = new ActionClient(clientNode, FIB, 'fibonacci');
  await client.waitForServer({ timeout: 10_000 });
  return { a, b, serverNode, clientNode, server, client };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('actions over UDP', () => {
  it('run a Fibonacci goal: feedback in order, the right result, every status transition on the topic', async () => {
    const { serverNode, clientNode, client, server } = await pair(5);
    expect(server.name).toBe('/fibonacci');
    // Every goal's transitions as the topic shows them: the status of a goal may arrive before
    // its send_goal response (rcl_action orders neither), so its id is not known yet then.
    const seen = new Map<string, number[]>();
    const statusSub = clientNode.createSubscription(
      'action_msgs/msg/GoalStatusArray',
      'fibonacci/_action/status',
      (m) => {
        for (const s of m.status_list) {
          const id = Buffer.from(s.goal_info.goal_id.uuid).toString('hex');
          const list = seen.get(id) ?? [];
          if (list.at(-1) !== s.status) list.push(s.status);
          seen.set(id, list);
        }
      },
      // Deeper than rcl_action's keep-last 1, which may rightly keep only the newest of two
      // statuses that arrive together.
      { reliability: 'RELIABLE', durability: 'TRANSIENT_LOCAL', depth: 10 },
    );
    await until(() => statusSub.publisherCount === 1, 5000, 'the status topic to match');
    // And the server's side: its status writer matched this subscription (and the client's own).
    await until(
      () => serverNode.countSubscribers('/fibonacci/_action/status') === 2,
      5000,
      'the status writer to match',
    );
    const byCallback: number[][] = [];
    const handle = await client.sendGoal(
      { order: 10 },
      { timeout: 5000, onFeedback: (f) => byCallback.push([...f.sequence]) },
    );
    const watchedId = handle.goalIdHex.replaceAll('-', '');
    const statuses = () => seen.get(watchedId) ?? [];
    expect(handle.goalIdHex).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(handle.stamp.sec).toBeGreaterThan(1_600_000_000);
    const byIterator: number[][] = [];
    for await (const f of handle.feedback) byIterator.push([...f.sequence]);
    const { status, result } = await handle.result;
    expect(status).toBe(GoalStatus.SUCCEEDED);
    expect([...result.sequence]).toEqual(fibonacci(10));
    const expectedFeedback = Array.from({ length: 9 }, (_, i) => fibonacci(i + 2));
    expect(byIterator).toEqual(expectedFeedback);
    expect(byCallback).toEqual(expectedFeedback);
    expect(handle.status).toBe(GoalStatus.SUCCEEDED);
    expect(handle.isDone).toBe(true);
    await until(
      () => statuses().length === 3,
      5000,
      () => `status transitions, got ${statuses()}`,
    );
    expect(statuses()).toEqual([GoalStatus.ACCEPTED, GoalStatus.EXECUTING, GoalStatus.SUCCEEDED]);
  });

  it('cancel a goal whose server accepts the cancel: CANCELING, then CANCELED with the partial result', async () => {
    const canceled: string[] = [];
    const { client } = await pair(50, {
      onCancel: (g) => {
        canceled.push(g.goalIdHex);
        return 'accept';
      },
    });
    const statuses: number[] = [];
    let id = '';
    client.onStatus((list) => {
      const mine = list.find((g) => g.goalIdHex === id);
      if (mine && statuses.at(-1) !== mine.status) statuses.push(mine.status);
    });
    const handle = await client.sendGoal({ order: 1000 });
    id = handle.goalIdHex;
    let seen = 0;
    handle.onFeedback(() => seen++);
    await until(() => seen >= 2, 5000, 'feedback');
    const response = await handle.cancel({ timeout: 5000 });
    expect(response.returnCode).toBe(CancelReturnCode.ERROR_NONE);
    expect(response.goalsCanceling.map((g) => g.goalIdHex)).toEqual([handle.goalIdHex]);
    expect(response.goalsCanceling[0]!.stamp).toEqual(handle.stamp);
    expect(canceled).toEqual([handle.goalIdHex]);
    const { status, result } = await handle.result;
    expect(status).toBe(GoalStatus.CANCELED);
    expect(result.sequence.length).toBeGreaterThanOrEqual(3);
    expect(result.sequence.length).toBeLessThan(1000);
    await until(() => statuses.at(-1) === GoalStatus.CANCELED, 5000, 'CANCELED on the status topic');
    expect(statuses.slice(-2)).toEqual([GoalStatus.CANCELING, GoalStatus.CANCELED]);
    // The goal has ended: canceling it again is ERROR_GOAL_TERMINATED.
    const again = await handle.cancel({ timeout: 5000 });
    expect(again.returnCode).toBe(CancelReturnCode.ERROR_GOAL_TERMINATED);
    expect(again.goalsCanceling).toEqual([]);
  });

  it('refuse a cancel by default (rclpy): ERROR_REJECTED, and the goal goes on to succeed', async () => {
    const { client } = await pair(10);
    const handle = await client.sendGoal({ order: 15 });
    const response = await handle.cancel({ timeout: 5000 });
    expect(response.returnCode).toBe(CancelReturnCode.ERROR_REJECTED);
    expect(response.goalsCanceling).toEqual([]);
    const { status, result } = await handle.result;
    expect(status).toBe(GoalStatus.SUCCEEDED);
    expect([...result.sequence]).toEqual(fibonacci(15));
  });

  it('cancel all goals, and goals before a stamp, with the cancel service semantics', async () => {
    const { client } = await pair(20, { onCancel: () => 'accept' });
    const first = await client.sendGoal({ order: 500 });
    await sleep(5);
    const second = await client.sendGoal({ order: 500 });
    await sleep(5);
    const third = await client.sendGoal({ order: 500 });
    const before = await client.cancelGoalsBefore(second.stamp, { timeout: 5000 });
    expect(before.returnCode).toBe(CancelReturnCode.ERROR_NONE);
    expect(before.goalsCanceling.map((g) => g.goalIdHex)).toEqual([first.goalIdHex, second.goalIdHex]);
    const all = await client.cancelAllGoals({ timeout: 5000 });
    expect(all.goalsCanceling.map((g) => g.goalIdHex)).toEqual([third.goalIdHex]);
    const results = await Promise.all([first.result, second.result, third.result]);
    expect(results.map((r) => r.status)).toEqual([
      GoalStatus.CANCELED,
      GoalStatus.CANCELED,
      GoalStatus.CANCELED,
    ]);
    const none = await client.cancelAllGoals({ timeout: 5000 });
    expect(none).toEqual({ returnCode: CancelReturnCode.ERROR_NONE, goalsCanceling: [] });
  });

  it('run a new goal while one runs: both complete with their own feedback and result', async () => {
    const { client } = await pair(10);
    const long = await client.sendGoal({ order: 30 });
    const short = await client.sendGoal({ order: 5 });
    const shortFeedback: number[] = [];
    short.onFeedback((f) => shortFeedback.push(f.sequence.length));
    const [l, s] = await Promise.all([long.result, short.result]);
    expect([...s.result.sequence]).toEqual(fibonacci(5));
    expect([...l.result.sequence]).toEqual(fibonacci(30));
    expect(shortFeedback.every((n) => n <= 6)).toBe(true);
  });

  it('complete 50 goals in flight at once', async () => {
    const { client, server } = await pair(1);
    const handles = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.sendGoal({ order: 3 + (i % 7) }, { timeout: 10_000 })),
    );
    expect(new Set(handles.map((h) => h.goalIdHex)).size).toBe(50);
    const results = await Promise.all(handles.map((h) => h.result));
    results.forEach((r, i) => {
      expect(r.status).toBe(GoalStatus.SUCCEEDED);
      expect([...r.result.sequence]).toEqual(fibonacci(3 + (i % 7)));
    });
    expect(server.goalCount).toBe(50); // results kept for the result timeout
  });

  it('reject a goal: GoalRejectedError, and no goal is kept', async () => {
    const { client, server } = await pair(1, { onGoal: (g) => (g.goal.order < 0 ? 'reject' : 'accept') });
    const error = await rejection(client.sendGoal({ order: -1 }));
    expect(error).toBeInstanceOf(GoalRejectedError);
    expect((error as GoalRejectedError).action).toBe('/fibonacci');
    expect(server.goalCount).toBe(0);
    const ok = await client.sendGoal({ order: 2 });
    expect((await ok.result).status).toBe(GoalStatus.SUCCEEDED);
  });

  it('abort a goal whose execute throws, and refuse an illegal transition with GoalStateError', async () => {
    const stateErrors: unknown[] = [];
    const [a, b] = await Promise.all([context(), context()]);
    new ActionServer(a.createNode('strict_server', quiet), FIB, 'strict', {
      execute: (goal) => {
        if (goal.goal.order === 0) throw new Error('no order');
        goal.succeed({ sequence: [7] });
        try {
          goal.succeed({ sequence: [8] });
        } catch (e) {
          stateErrors.push(e);
        }
        return { sequence: [9] }; // ignored: the goal ended with its result already
      },
    });
    const client = new ActionClient(b.createNode('strict_client', quiet), FIB, 'strict');
    await client.waitForServer({ timeout: 10_000 });
    const failing = await client.sendGoal({ order: 0 });
    const aborted = await failing.result;
    expect(aborted.status).toBe(GoalStatus.ABORTED);
    expect([...aborted.result.sequence]).toEqual([]);
    const good = await client.sendGoal({ order: 1 });
    const succeeded = await good.result;
    expect(succeeded.status).toBe(GoalStatus.SUCCEEDED);
    expect([...succeeded.result.sequence]).toEqual([7]);
    expect(stateErrors).toHaveLength(1);
    expect(stateErrors[0]).toBeInstanceOf(GoalStateError);
  });

  it('wait for results longer than the 10 s default call timeout (deferred get_result, 20 at once)', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const [a, b] = await Promise.all([context(), context()]);
    new ActionServer(a.createNode('slow_server', quiet), FIB, 'slow', {
      execute: async () => {
        await released;
        return { sequence: [1, 2, 3] };
      },
    });
    const client = new ActionClient(b.createNode('slow_client', quiet), FIB, 'slow');
    await client.waitForServer({ timeout: 10_000 });
    const handles = await Promise.all(Array.from({ length: 20 }, () => client.sendGoal({ order: 1 })));
    await sleep(10_500);
    expect(handles.every((h) => !h.isDone && h.status === GoalStatus.EXECUTING)).toBe(true);
    release();
    const results = await Promise.all(handles.map((h) => h.result));
    expect(results.every((r) => r.status === GoalStatus.SUCCEEDED && r.result.sequence.length === 3)).toBe(
      true,
    );
  }, 30_000);

  it('reject a pending result with ActionServerUnavailableError when the server is destroyed mid-goal', async () => {
    const { client, server } = await pair(50);
    const handle = await client.sendGoal({ order: 1000 });
    await until(() => handle.status === GoalStatus.EXECUTING, 5000, 'executing');
    const started = Date.now();
    server.destroy();
    const error = await rejection(handle.result);
    expect(error).toBeInstanceOf(ActionServerUnavailableError);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(handle.isDone).toBe(true);
  });

  it("reject a pending result when the server's context shuts down, and end its goals' signals", async () => {
    let signal: AbortSignal | undefined;
    const [a, b] = await Promise.all([context(), context()]);
    new ActionServer(a.createNode('doomed_server', quiet), FIB, 'doomed', {
      execute: async (goal) => {
        signal = goal.signal;
        await new Promise((resolve) => goal.signal.addEventListener('abort', resolve));
        return {};
      },
    });
    const client = new ActionClient(b.createNode('doomed_client', quiet), FIB, 'doomed');
    await client.waitForServer({ timeout: 10_000 });
    const handle = await client.sendGoal({ order: 1 });
    await until(() => signal !== undefined, 5000, 'execute');
    const started = Date.now();
    await a.shutdown();
    expect(signal!.aborted).toBe(true);
    expect(await rejection(handle.result)).toBeInstanceOf(ActionServerUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reject pending results with DestroyedError when the client, or its context, is destroyed', async () => {
    const { b, client, clientNode } = await pair(50);
    const first = await client.sendGoal({ order: 1000 });
    let ended = false;
    const iterating = (async () => {
      for await (const _ of first.feedback) {
      }
      ended = true;
    })();
    client.destroy();
    expect(await rejection(first.result)).toBeInstanceOf(DestroyedError);
    await iterating;
    expect(ended).toBe(true);
    expect(await rejection(client.sendGoal({ order: 1 }))).toBeInstanceOf(DestroyedError);
    const second = new ActionClient(clientNode, FIB, 'fibonacci');
    await second.waitForServer({ timeout: 10_000 });
    const handle = await second.sendGoal({ order: 1000 });
    await b.shutdown();
    expect(await rejection(handle.result)).toBeInstanceOf(DestroyedError);
    expect(second.destroyed).toBe(true);
  });

  it('time out and abort waitForServer and sendGoal', async () => {
    const b = await context();
    const client = new ActionClient(b.createNode('lonely_client', quiet), FIB, 'nobody_home');
    const started = Date.now();
    const timeout = await rejection(client.waitForServer({ timeout: 300 }));
    expect(timeout).toBeInstanceOf(ActionServerNotAvailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const controller = new AbortController();
    setTimeout(() => controller.abort('enough'), 100);
    expect(await rejection(client.waitForServer({ signal: controller.signal }))).toBeInstanceOf(AbortError);
    const sendController = new AbortController();
    const sending = client.sendGoal({ order: 1 }, { signal: sendController.signal });
    sendController.abort();
    expect(await rejection(sending)).toBeInstanceOf(AbortError);
  });

  it('show a late client the goals on the status topic (transient local), and list the action in the graph', async () => {
    const { server, client, a, serverNode } = await pair(1);
    const handle = await client.sendGoal({ order: 4 });
    await handle.result;
    const c = await context();
    const lateNode = c.createNode('late_client', quiet);
    const late = new ActionClient(lateNode, FIB, 'fibonacci');
    await late.waitForServer({ timeout: 10_000 });
    await until(() => late.goalStatuses.length > 0, 5000, 'the status the server published before we came');
    expect(late.goalStatuses.map((s) => [s.goalIdHex, s.status])).toEqual([
      [handle.goalIdHex, GoalStatus.SUCCEEDED],
    ]);
    expect(late.goalStatuses[0]!.stamp).toEqual(handle.stamp);
    await until(
      () => lateNode.getActionNamesAndTypes().some((x) => x.name === '/fibonacci'),
      5000,
      'the action in the graph',
    );
    expect(lateNode.getActionNamesAndTypes()).toEqual([{ name: '/fibonacci', types: [FIB], hidden: false }]);
    await until(
      () => lateNode.getActionServerNamesAndTypesByNode('fibonacci_action_server', '/').length === 1,
      5000,
      'the server node',
    );
    expect(lateNode.getActionServerNamesAndTypesByNode('fibonacci_action_server', '/')).toEqual([
      { name: '/fibonacci', types: [FIB], hidden: false },
    ]);
    expect(lateNode.getActionClientNamesAndTypesByNode('fibonacci_action_server', '/')).toEqual([]);
    expect(lateNode.getActionClientNamesAndTypesByNode('late_client', '/')).toEqual([
      { name: '/fibonacci', types: [FIB], hidden: false },
    ]);
    expect(lateNode.getActionServerNamesAndTypesByNode('no_such_node', '/')).toEqual([]);
    const services = lateNode.getServiceNamesAndTypes().filter((s) => s.name.startsWith('/fibonacci/'));
    expect(services.map((s) => [s.name, s.types])).toEqual([
      ['/fibonacci/_action/cancel_goal', ['action_msgs/srv/CancelGoal']],
      ['/fibonacci/_action/get_result', [`${FIB}_GetResult`]],
      ['/fibonacci/_action/send_goal', [`${FIB}_SendGoal`]],
    ]);
    // Destroying the server takes it out of the node's servers; the action stays listed while
    // clients subscribe to its feedback (rcl_action counts subscriptions too).
    server.destroy();
    await until(
      () => lateNode.getActionServerNamesAndTypesByNode('fibonacci_action_server', '/').length === 0,
      5000,
      'the server to leave the graph',
    );
    expect(lateNode.getActionNamesAndTypes().map((x) => x.name)).toEqual(['/fibonacci']);
    client.destroy();
    late.destroy();
    await until(() => lateNode.getActionNamesAndTypes().length === 0, 5000, 'the action to leave the graph');
    expect(a.isShutdown).toBe(false);
    expect(serverNode.isDestroyed).toBe(false);
  });

  it('refuse an unknown or non-action type before making anything, and leave with the node', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const node = a.createNode('typo_node', quiet);
    expect(() => new ActionServer(node, 'nope_msgs/action/Missing', 'x', { execute: () => ({}) })).toThrow(
      InterfaceNotFoundError,
    );
    expect(() => new ActionClient(node, 'std_msgs/msg/String', 'x')).toThrow(InvalidTypeNameError);
    expect(node.getServiceNamesAndTypes().filter((s) => s.name.startsWith('/x/'))).toEqual([]);
    const watcher = b.createNode('watcher', quiet);
    new ActionServer(node, FIB, 'leaving', { execute: () => ({}) });
    new ActionClient(node, FIB, 'leaving');
    await until(() => watcher.getActionNamesAndTypes().length === 1, 5000, 'the action in the graph');
    await node.destroy();
    await until(
      () => watcher.getActionNamesAndTypes().length === 0,
      5000,
      'the action to leave with its node',
    );
    expect(watcher.getServiceNamesAndTypes().filter((s) => s.name.startsWith('/leaving/'))).toEqual([]);
  });

  it('forget results after the result timeout: a later result request gets status UNKNOWN', async () => {
    const { client, server, clientNode } = await pair(1, { resultTimeoutMs: 200 });
    const handle = await client.sendGoal({ order: 3 });
    expect((await handle.result).status).toBe(GoalStatus.SUCCEEDED);
    expect(server.goalCount).toBe(1);
    // The raw get_result service, as any ROS client calls it: the result is still kept.
    const getResult = clientNode.createClient(`${FIB}_GetResult`, 'fibonacci/_action/get_result');
    await getResult.waitForService({ timeout: 5000 });
    const kept = await getResult.call({ goal_id: { uuid: handle.goalId } }, { timeout: 5000 });
    expect(kept.status).toBe(GoalStatus.SUCCEEDED);
    expect([...kept.result.sequence]).toEqual(fibonacci(3));
    await until(() => server.goalCount === 0, 3000, 'the result to expire');
    const forgotten = await getResult.call({ goal_id: { uuid: handle.goalId } }, { timeout: 5000 });
    expect(forgotten.status).toBe(GoalStatus.UNKNOWN);
    expect([...forgotten.result.sequence]).toEqual([]);
    // The table forgot it: cancel by id says unknown.
    const cancel = await handle.cancel({ timeout: 5000 });
    expect(cancel.returnCode).toBe(CancelReturnCode.ERROR_UNKNOWN_GOAL_ID);
  });
});
