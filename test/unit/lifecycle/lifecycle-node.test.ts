/**
 * A LifecycleNode in one context on the in-memory bus with a FakeClock (no sockets): its local
 * transitions and handlers, its publishers' gating across activation, failed activation and error
 * processing, and a node without the communication interface. Also node.waitForMessage's timeout
 * on the context's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CallbackResult,
  InvalidTransitionError,
  LifecycleNode,
  type LifecycleState,
} from '../../../src/lifecycle/index.js';
import { Context } from '../../../src/nodes/context.js';
import type { LogRecord } from '../../../src/nodes/logger.js';
import { FakeClock } from '../../../src/rtps/clock.js';
import { MemoryBus } from '../../../src/rtps/transport/memory-transport.js';

const open: Context[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

async function simulatedContext() {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  const context = await Context.create({
    transport: bus.transport('10.1.0.1'),
    clock,
    discovery: { domainId: 0, range: 'localhost', staticPeers: [] },
    logSink: () => {},
  });
  open.push(context);
  return { clock, context };
}

async function managed(handlers: Record<string, (p: LifecycleState) => CallbackResult | undefined> = {}) {
  const { context, clock } = await simulatedContext();
  const logs: LogRecord[] = [];
  const node = new LifecycleNode(context, 'driver', {
    logSink: (r) => logs.push(r),
    enableRosout: false,
    ...handlers,
  });
  return { context, clock, node, logs };
}

describe('LifecycleNode, locally', () => {
  it('runs each handler with the state it leaves, and follows its answer', async () => {
    const seen: string[] = [];
    const note = (name: string, answer?: CallbackResult) => (p: LifecycleState) => {
      seen.push(`${name}:${p.label}`);
      return answer;
    };
    const { node } = await managed({
      onConfigure: note('configure'),
      onActivate: note('activate', 'failure'),
      onCleanup: note('cleanup'),
      onShutdown: note('shutdown'),
    });
    expect(node.currentState).toEqual({ id: 1, label: 'unconfigured' });
    expect(await node.configure()).toEqual({ result: 'success', state: { id: 2, label: 'inactive' } });
    expect(await node.activate()).toEqual({ result: 'failure', state: { id: 2, label: 'inactive' } });
    await expect(node.deactivate()).rejects.toThrow(InvalidTransitionError);
    node.setHandler('onActivate', undefined);
    expect((await node.triggerTransition('activate')).state.label).toBe('active');
    expect(node.availableTransitions.map((t) => t.label)).toEqual(['deactivate', 'shutdown']);
    expect((await node.shutdown()).state.label).toBe('finalized');
    expect(seen).toEqual(['configure:unconfigured', 'activate:inactive', 'shutdown:active']);
    expect(node.availableStates).toHaveLength(11);
    expect(node.transitionGraph).toHaveLength(25);
  });

  it('publishers send while activating and active only, and warn once per inactive stretch', async () => {
    let duringActivate: boolean | undefined;
    let duringDeactivate: boolean | undefined;
    let duringError: boolean | undefined;
    let activation: CallbackResult = 'failure';
    const { node, logs } = await managed({
      onActivate: () => {
        duringActivate = pub.isActivated;
        return activation;
      },
      onDeactivate: () => {
        duringDeactivate = pub.isActivated;
        return 'error';
      },
      onError: () => {
        duringError = pub.isActivated;
        return 'success';
      },
    });
    const pub = node.createPublisher('std_msgs/msg/String', 'out');
    const warnings = () => logs.filter((l) => l.message.includes('is not activated')).length;
    await node.configure();
    await node.activate();
    expect(duringActivate).toBe(true);
    expect(pub.isActivated).toBe(false);
    pub.publish({ data: 'x' });
    pub.publish({ data: 'y' });
    expect(warnings()).toBe(1);
    activation = 'success';
    await node.activate();
    expect(pub.isActivated).toBe(true);
    pub.publish({ data: 'z' });
    expect(warnings()).toBe(1);
    // A publisher made while active starts activated.
    expect(node.createPublisher('std_msgs/msg/String', 'late').isActivated).toBe(true);
    // Deactivation fails with an error: through errorprocessing to unconfigured, silenced throughout.
    expect(await node.deactivate()).toEqual({ result: 'error', state: { id: 1, label: 'unconfigured' } });
    expect(duringDeactivate).toBe(false);
    expect(duringError).toBe(false);
    expect(pub.isActivated).toBe(false);
    pub.publish({ data: 'w' });
    expect(warnings()).toBe(2);
  });

  it('logs a handler that throws as rclcpp does, and an async one that rejects', async () => {
    const { node, logs } = await managed({
      onConfigure: () => {
        throw new TypeError('bad config');
      },
    });
    expect(await node.configure()).toEqual({ result: 'error', state: { id: 1, label: 'unconfigured' } });
    expect(logs.map((l) => l.message)).toEqual([
      'Caught exception in callback for transition 10',
      'Original error: bad config',
    ]);
    node.setHandler('onConfigure', async () => Promise.reject(new Error('later')));
    node.setHandler('onError', () => 'failure');
    expect((await node.configure()).state.label).toBe('finalized');
    expect(logs.at(-1)?.message).toBe('Original error: later');
  });

  it('serves the lifecycle services unless told not to', async () => {
    const { context } = await simulatedContext();
    const withCom = new LifecycleNode(context, 'with', { logSink: () => {} });
    const without = new LifecycleNode(context, 'without', {
      logSink: () => {},
      enableCommunicationInterface: false,
    });
    const services = withCom.node.getServiceNamesAndTypes().map((s) => s.name);
    for (const s of [
      'change_state',
      'get_state',
      'get_available_states',
      'get_available_transitions',
      'get_transition_graph',
    ]) {
      expect(services).toContain(`/with/${s}`);
      expect(services).not.toContain(`/without/${s}`);
    }
    expect(
      withCom.node.getServiceNamesAndTypes().find((s) => s.name === '/with/get_transition_graph')?.types,
    ).toEqual(['lifecycle_msgs/srv/GetAvailableTransitions']);
    expect(
      withCom.node.getTopicNamesAndTypes().find((t) => t.name === '/with/transition_event')?.types,
    ).toEqual(['lifecycle_msgs/msg/TransitionEvent']);
    expect((await without.configure()).state.label).toBe('inactive');
  });
});

describe('node.waitForMessage on the context clock', () => {
  it('gives up at its timeout in simulated time and leaves no subscription behind', async () => {
    const { context, clock } = await simulatedContext();
    const node = context.createNode('waiter', { logSink: () => {} });
    let result: unknown = 'pending';
    void node.waitForMessage('std_msgs/msg/String', 'nothing', { timeout: 1000 }).then((m) => (result = m));
    await Promise.resolve();
    expect(node.countSubscribers('nothing')).toBe(1);
    clock.advance(999);
    await Promise.resolve();
    expect(result).toBe('pending');
    clock.advance(1);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(result).toBeUndefined();
    expect(node.countSubscribers('nothing')).toBe(0);
  });
});
