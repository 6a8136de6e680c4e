/**
 * A LifecycleNode driven over UDP by a ros2ts client through its `~/` services, as `ros2 lifecycle`
 * and nav2's lifecycle manager drive one, with its `~/transition_event` and a lifecycle publisher
 * watched from the other side, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/lifecycle-node.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { lifecycle_msgs__msg__TransitionEvent } from '../../src/cdr/index.js';
import { type CallbackResult, LifecycleNode, type LifecycleState } from '../../src/lifecycle/index.js';
import type { LogRecord } from '../../src/nodes/logger.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/lifecycle-node.test.ts'));

const { context } = contexts(43);
const options = { timeout: 5000 };

async function managedPair(
  handlers: Partial<Record<string, (p: LifecycleState) => CallbackResult | undefined>> = {},
) {
  const [a, b] = await Promise.all([context(), context()]);
  const logs: LogRecord[] = [];
  const calls: string[] = [];
  const record =
    (name: string) =>
    (previous: LifecycleState): CallbackResult | undefined => {
      calls.push(`${name}(${previous.label})`);
      return handlers[name]?.(previous);
    };
  const managed = new LifecycleNode(a, 'talker', {
    namespace: '/robot',
    logSink: (r) => logs.push(r),
    enableRosout: false,
    onConfigure: record('onConfigure'),
    onActivate: record('onActivate'),
    onDeactivate: record('onDeactivate'),
    onCleanup: record('onCleanup'),
    onShutdown: record('onShutdown'),
    onError: record('onError'),
  });
  const driver = b.createNode('lifecycle_manager', quiet);
  const events: lifecycle_msgs__msg__TransitionEvent[] = [];
  driver.createSubscription('lifecycle_msgs/msg/TransitionEvent', '/robot/talker/transition_event', (m) =>
    events.push(m),
  );
  const client = <S extends string>(type: S, name: string) =>
    driver.createClient(type, `/robot/talker/${name}`);
  const change = client('lifecycle_msgs/srv/ChangeState', 'change_state');
  const getState = client('lifecycle_msgs/srv/GetState', 'get_state');
  const available = client('lifecycle_msgs/srv/GetAvailableTransitions', 'get_available_transitions');
  const graph = client('lifecycle_msgs/srv/GetAvailableTransitions', 'get_transition_graph');
  const states = client('lifecycle_msgs/srv/GetAvailableStates', 'get_available_states');
  await Promise.all([change, getState, available, graph, states].map((c) => c.waitForService(options)));
  await until(() => driver.countPublishers('/robot/talker/transition_event') === 1, 5000, 'transition_event');
  return { a, b, managed, driver, logs, calls, events, change, getState, available, graph, states };
}

const labels = (ts: { transition: { id: number; label: string } }[]) =>
  ts.map((t) => `${t.transition.label} [${t.transition.id}]`);

describe('a LifecycleNode over UDP', () => {
  it('goes configure, activate, deactivate, cleanup, shutdown through ~/change_state', async () => {
    const { managed, driver, calls, events, change, getState, available, graph, states } =
      await managedPair();
    expect((await getState.call({}, options)).current_state).toEqual({ id: 1, label: 'unconfigured' });
    expect((await states.call({}, options)).available_states.map((s) => s.label)).toEqual([
      'unknown',
      'unconfigured',
      'inactive',
      'active',
      'finalized',
      'configuring',
      'cleaningup',
      'shuttingdown',
      'activating',
      'deactivating',
      'errorprocessing',
    ]);
    expect((await graph.call({}, options)).available_transitions).toHaveLength(25);
    expect(labels((await available.call({}, options)).available_transitions)).toEqual([
      'configure [1]',
      'shutdown [5]',
    ]);

    // A publisher of the managed node, heard on the driver's side.
    const heard: string[] = [];
    driver.createSubscription('std_msgs/msg/String', '/chatter', (m) => heard.push(m.data));
    const pub = managed.createPublisher('std_msgs/msg/String', '/chatter');
    await until(() => pub.subscriptionCount === 1, 5000, 'the chatter subscription');

    // By id, as nav2 does; by label only, as `ros2 service call` does.
    expect(await change.call({ transition: { id: 1 } }, options)).toEqual({ success: true });
    expect((await getState.call({}, options)).current_state).toEqual({ id: 2, label: 'inactive' });
    pub.publish({ data: 'while inactive' });
    expect(labels((await available.call({}, options)).available_transitions)).toEqual([
      'cleanup [2]',
      'activate [3]',
      'shutdown [6]',
    ]);
    expect(await change.call({ transition: { label: 'activate' } }, options)).toEqual({ success: true });
    expect(managed.currentState.label).toBe('active');
    pub.publish({ data: 'while active' });
    await until(() => heard.length === 1, 5000, 'the message published while active');
    expect(await change.call({ transition: { id: 4, label: 'deactivate' } }, options)).toEqual({
      success: true,
    });
    pub.publish({ data: 'inactive again' });
    expect(await change.call({ transition: { label: 'cleanup' } }, options)).toEqual({ success: true });
    // Shutdown from unconfigured is transition 5; its label finds it.
    expect(await change.call({ transition: { label: 'shutdown' } }, options)).toEqual({ success: true });
    expect((await getState.call({}, options)).current_state).toEqual({ id: 4, label: 'finalized' });
    expect((await available.call({}, options)).available_transitions).toEqual([]);
    expect(await change.call({ transition: { label: 'configure' } }, options)).toEqual({ success: false });

    expect(calls).toEqual([
      'onConfigure(unconfigured)',
      'onActivate(inactive)',
      'onDeactivate(active)',
      'onCleanup(inactive)',
      'onShutdown(unconfigured)',
    ]);
    await until(
      () => events.length === 10,
      5000,
      () => `10 transition events, got ${events.length}`,
    );
    expect(events.map((e) => `${e.start_state.label}->${e.goal_state.label}`)).toEqual([
      'unconfigured->configuring',
      'configuring->inactive',
      'inactive->activating',
      'activating->active',
      'active->deactivating',
      'deactivating->inactive',
      'inactive->cleaningup',
      'cleaningup->unconfigured',
      'unconfigured->shuttingdown',
      'shuttingdown->finalized',
    ]);
    expect(events[1]?.start_state).toEqual({ id: 10, label: 'configuring' });
    expect(events[1]?.goal_state).toEqual({ id: 2, label: 'inactive' });
    expect(events[1]?.transition).toEqual({ id: 10, label: 'transition_success' });
    // Only the active stretch was sent.
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toEqual(['while active']);
  });

  it('warns once per inactive stretch when a lifecycle publisher is used inactive', async () => {
    const { managed, logs } = await managedPair();
    const pub = managed.createPublisher('std_msgs/msg/String', 'chatter');
    pub.publish({ data: 'a' });
    pub.publish({ data: 'b' });
    await managed.configure();
    await managed.activate();
    expect(pub.isActivated).toBe(true);
    pub.publish({ data: 'c' });
    await managed.deactivate();
    pub.publish({ data: 'd' });
    const warnings = logs.filter((l) => l.message.includes('not activated')).map((l) => l.message);
    expect(warnings).toEqual([
      "Trying to publish message on the topic '/robot/chatter', but the publisher is not activated",
      "Trying to publish message on the topic '/robot/chatter', but the publisher is not activated",
    ]);
  });

  it('answers failure, and an error through onError, over the service', async () => {
    const { calls, events, change, getState } = await managedPair({
      onConfigure: () => 'failure',
    });
    expect(await change.call({ transition: { label: 'configure' } }, options)).toEqual({ success: false });
    expect((await getState.call({}, options)).current_state.label).toBe('unconfigured');
    expect(calls).toEqual(['onConfigure(unconfigured)']);
    await until(() => events.length === 2, 5000, 'two events');
    expect(events[1]?.transition).toEqual({ id: 11, label: 'transition_failure' });
  });

  it('a handler that throws goes through errorprocessing and logs it as rclcpp does', async () => {
    const { logs, calls, events, change, getState } = await managedPair({
      onConfigure: () => {
        throw new Error('no hardware');
      },
      onError: () => 'failure',
    });
    expect(await change.call({ transition: { id: 1 } }, options)).toEqual({ success: false });
    expect((await getState.call({}, options)).current_state).toEqual({ id: 4, label: 'finalized' });
    expect(calls).toEqual(['onConfigure(unconfigured)', 'onError(unconfigured)']);
    expect(logs.map((l) => l.message)).toContain('Caught exception in callback for transition 10');
    expect(logs.map((l) => l.message)).toContain('Original error: no hardware');
    await until(() => events.length === 3, 5000, 'three events');
    expect(events.map((e) => e.goal_state.label)).toEqual(['configuring', 'errorprocessing', 'finalized']);
  });

  it('refuses a transition that does not leave the current state, saying so', async () => {
    const { logs, change, managed } = await managedPair();
    expect(await change.call({ transition: { id: 3 } }, options)).toEqual({ success: false });
    expect(await change.call({ transition: { label: 'activate' } }, options)).toEqual({ success: false });
    expect(managed.currentState.label).toBe('unconfigured');
    expect(logs.map((l) => l.message)).toContain(
      'Unable to start transition 3 from current state unconfigured',
    );
  });
});
