/**
 * Parameters and the connection graph on the Foxglove WebSocket side of `ros2ts bridge`, driven
 * by `@foxglove/ws-protocol`'s FoxgloveClient over `ws`, against a ros2ts turtlesim (its
 * background_r/g/b parameters) and a node whose parameter services never answer:
 *
 *   scripts/netns-run npx vitest run test/integration/bridge-foxglove-params.test.ts
 */
import wsProtocol, {
  type ConnectionGraphUpdate,
  type ParameterValues,
  type StatusMessage,
} from '@foxglove/ws-protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { ParameterClient } from '../../src/nodes/parameter-client.js';
import { startTurtlesim } from '../../src/turtlesim/turtlesim-node.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bridge-foxglove-params.test.ts'));

const { FoxgloveClient } = wsProtocol;
const { context } = contexts(57);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A bridge whose parameter requests give up after 1 s, and turtlesim on another context. */
async function setup() {
  const [a, b] = await Promise.all([context(), context()]);
  const sim = startTurtlesim(a, { nodeOptions: { ...quiet, enableRosout: false } });
  cleanups.push(() => sim.stop());
  const bridge: BridgeHandle = await startBridge(b, { port: 0, defaultCallTimeoutS: 1 });
  cleanups.push(() => bridge.close());
  await until(() => bridge.node.countPublishers('/turtle1/pose') === 1, 10_000, 'turtlesim in the graph');
  return { a, sim, bridge };
}

function connect(bridge: BridgeHandle) {
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}`, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  const client = new FoxgloveClient({ ws: ws as never });
  cleanups.push(() => client.close());
  const values: ParameterValues[] = [];
  const statuses: StatusMessage[] = [];
  const graph: ConnectionGraphUpdate[] = [];
  const capabilities: string[] = [];
  client.on('serverInfo', (info) => capabilities.push(...info.capabilities));
  client.on('parameterValues', (v) => values.push(v));
  client.on('status', (s) => statuses.push(s));
  client.on('connectionGraphUpdate', (g) => graph.push(g));
  const opened = new Promise<void>((resolve) => client.on('open', resolve));
  return { client, values, statuses, graph, capabilities, opened };
}

const answer = (values: ParameterValues[], id: string) => values.find((v) => v.id === id);

describe('Foxglove parameters with FoxgloveClient', () => {
  it('gets all and one, sets one, and sends the updates a client subscribed to', async () => {
    const { a, sim, bridge } = await setup();
    // A node that offers parameter services and never answers (a throwing handler sends nothing).
    const stuck = a.createNode('stuck', { ...quiet, startParameterServices: false, enableRosout: false });
    const never = () => {
      throw new Error('never answers');
    };
    stuck.createService('rcl_interfaces/srv/ListParameters', '/stuck/list_parameters', never);
    stuck.createService('rcl_interfaces/srv/GetParameters', '/stuck/get_parameters', never);
    await until(
      () => bridge.node.getServiceNamesAndTypes().some((s) => s.name === '/stuck/get_parameters'),
      10_000,
      'the stuck node in the graph',
    );

    const one = connect(bridge);
    await one.opened;
    await until(() => one.capabilities.length > 0, 5000, 'serverInfo');
    expect(one.capabilities).toEqual(expect.arrayContaining(['parameters', 'parametersSubscribe']));

    // All parameters of all nodes: turtlesim's arrive, the stuck node costs its own only.
    const started = Date.now();
    one.client.getParameters([], 'all');
    await until(() => answer(one.values, 'all') !== undefined, 10_000, 'all parameters');
    expect(Date.now() - started).toBeLessThan(3000);
    const all = answer(one.values, 'all')?.parameters ?? [];
    expect(all).toEqual(
      expect.arrayContaining([
        { name: '/turtlesim.background_r', value: 69 },
        { name: '/turtlesim.background_g', value: 86 },
        { name: '/turtlesim.background_b', value: 255 },
        { name: '/turtlesim.use_sim_time', value: false },
      ]),
    );
    expect(all.some((p) => p.name.startsWith('/stuck.') || p.name.startsWith('/ros2ts_bridge.'))).toBe(false);
    expect(one.statuses).toContainEqual(
      expect.objectContaining({ level: 2, message: expect.stringContaining('/stuck') }),
    );

    one.client.getParameters(['/turtlesim.background_g'], 'one');
    await until(() => answer(one.values, 'one') !== undefined, 5000, 'one parameter');
    expect(answer(one.values, 'one')?.parameters).toEqual([{ name: '/turtlesim.background_g', value: 86 }]);

    // Set with an id: answered with the value now; the node has it (asked through its services).
    one.client.setParameters([{ name: '/turtlesim.background_r', value: 10 }], 'set');
    await until(() => answer(one.values, 'set') !== undefined, 5000, 'the set answer');
    expect(answer(one.values, 'set')?.parameters).toEqual([{ name: '/turtlesim.background_r', value: 10 }]);
    const checker = a.createNode('checker', { ...quiet, enableRosout: false });
    const params = new ParameterClient(checker, '/turtlesim');
    expect(await params.getParameter('background_r', { timeout: 5000 })).toEqual({
      type: 'integer',
      value: 10n,
    });
    expect(sim.getBackground().r).toBe(10);

    // A refused set comes back as a status; bad input too, and the connection stays up.
    one.client.setParameters([{ name: '/turtlesim.background_r', value: 'red' }]);
    one.client.getParameters(['no_dot_here'], 'bad');
    await until(() => answer(one.values, 'bad') !== undefined, 5000, 'the answer to a bad name');
    await until(
      () => one.statuses.some((s) => s.message.includes('background_r')),
      5000,
      'the refused set status',
    );
    expect(one.statuses.some((s) => s.message.includes('no_dot_here'))).toBe(true);
    expect(sim.getBackground().r).toBe(10);

    // Updates: one client subscribes to background_b, another client changes g then b.
    const listenersBefore = sim.node.countSubscribers('/parameter_events');
    one.client.subscribeParameterUpdates(['/turtlesim.background_b']);
    await until(
      () => sim.node.countSubscribers('/parameter_events') > listenersBefore,
      5000,
      'the bridge on /parameter_events',
    );
    const other = connect(bridge);
    await other.opened;
    other.client.setParameters([
      { name: '/turtlesim.background_g', value: 30 },
      { name: '/turtlesim.background_b', value: 20 },
    ]);
    await until(
      () => one.values.some((v) => v.id === undefined && v.parameters.length > 0),
      5000,
      'the parameter update',
    );
    const updates = one.values.filter((v) => v.id === undefined).flatMap((v) => v.parameters);
    expect(updates).toEqual([{ name: '/turtlesim.background_b', value: 20 }]);
    expect(other.values).toEqual([]);

    // The last subscription gone, the bridge stops listening to /parameter_events.
    one.client.unsubscribeParameterUpdates([]);
    await until(
      () => sim.node.countSubscribers('/parameter_events') === listenersBefore,
      5000,
      'the bridge to leave /parameter_events',
    );
    params.destroy();
  });
});

describe('Foxglove connection graph with FoxgloveClient', () => {
  it('lists publishers, subscribers and providers, and sends what changes', async () => {
    const { a, bridge } = await setup();
    const fox = connect(bridge);
    await fox.opened;
    await until(() => fox.capabilities.length > 0, 5000, 'serverInfo');
    expect(fox.capabilities).toContain('connectionGraph');

    fox.client.unsubscribeConnectionGraph();
    await until(() => fox.statuses.length > 0, 5000, 'the status for an unsubscribe without subscribe');
    expect(fox.statuses[0]?.level).toBe(2);

    fox.client.subscribeConnectionGraph();
    await until(() => fox.graph.length === 1, 5000, 'the whole graph');
    const first = fox.graph[0] as ConnectionGraphUpdate;
    expect(first.publishedTopics).toContainEqual({ name: '/turtle1/pose', publisherIds: ['/turtlesim'] });
    expect(first.subscribedTopics).toContainEqual({
      name: '/turtle1/cmd_vel',
      subscriberIds: ['/turtlesim'],
    });
    expect(first.advertisedServices).toContainEqual({ name: '/spawn', providerIds: ['/turtlesim'] });
    expect(first.removedTopics).toEqual([]);

    // A new publisher of the pose (and of a topic of its own).
    const poser = a.createNode('poser', { ...quiet, enableRosout: false, startParameterServices: false });
    poser.createPublisher('turtlesim/msg/Pose', '/turtle1/pose', 10);
    poser.createPublisher('std_msgs/msg/String', '/poser_news', 10);
    const published = (name: string) =>
      fox.graph
        .slice(1)
        .flatMap((g) => g.publishedTopics)
        .filter((t) => t.name === name)
        .at(-1)?.publisherIds;
    await until(
      () => published('/turtle1/pose')?.length === 2 && published('/poser_news')?.length === 1,
      5000,
      'the new publisher in an update',
    );
    expect(published('/turtle1/pose')).toEqual(['/poser', '/turtlesim']);
    expect(published('/poser_news')).toEqual(['/poser']);

    await poser.destroy();
    await until(
      () => fox.graph.some((g) => g.removedTopics.includes('/poser_news')),
      5000,
      'the removed topic',
    );
    expect(published('/turtle1/pose')).toEqual(['/turtlesim']);
  });
});
