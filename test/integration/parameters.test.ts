/**
 * A node's parameter services and `/parameter_events` over real UDP, between two contexts, inside
 * the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/parameters.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { rcl_interfaces__msg__ParameterEvent } from '../../src/cdr/index.js';
import {
  declareUseSimTime,
  ParameterStore,
  ParameterType,
  parameterValueFromMsg,
  parameterValueToMsg,
  startParameterServices,
  toParameterValue,
} from '../../src/nodes/parameters/index.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/parameters.test.ts'));

const { context } = contexts(8);

const value = (v: Parameters<typeof toParameterValue>[0]) => parameterValueToMsg(toParameterValue(v));

async function parameterServer() {
  const [a, b] = await Promise.all([context(), context()]);
  // The node's own parameters: its services and use_sim_time come with it, as with rclcpp.
  const node = a.createNode('turtlesim', { ...quiet, namespace: '/sim' });
  const store = node.parameters;
  for (const c of ['r', 'g', 'b'] as const) {
    store.declare(`background_${c}`, { r: 69n, g: 86n, b: 255n }[c], {
      description: `${c} channel`,
      integerRange: { fromValue: 0, toValue: 255, step: 1 },
    });
  }
  store.declare('pen.width', 3n, { dynamicTyping: true });
  store.declare('frame_id', 'map', { readOnly: true });
  const client = b.createNode('param_client', quiet);
  return { node, store, client, b };
}

describe('parameter services over UDP', () => {
  it('answer all six services as rclcpp does', async () => {
    const { client } = await parameterServer();
    const call = async <S extends string>(type: S, name: string) => {
      const c = client.createClient(type, `/sim/turtlesim/${name}`, 'parameters');
      await c.waitForService({ timeout: 5000 });
      return c;
    };
    const [list, get, types, describeP, set, setAtomically] = await Promise.all([
      call('rcl_interfaces/srv/ListParameters', 'list_parameters'),
      call('rcl_interfaces/srv/GetParameters', 'get_parameters'),
      call('rcl_interfaces/srv/GetParameterTypes', 'get_parameter_types'),
      call('rcl_interfaces/srv/DescribeParameters', 'describe_parameters'),
      call('rcl_interfaces/srv/SetParameters', 'set_parameters'),
      call('rcl_interfaces/srv/SetParametersAtomically', 'set_parameters_atomically'),
    ]);
    const options = { timeout: 5000 };

    expect((await list.call({ prefixes: [], depth: 0n }, options)).result).toEqual({
      names: ['background_b', 'background_g', 'background_r', 'frame_id', 'pen.width', 'use_sim_time'],
      prefixes: ['pen'],
    });
    expect((await list.call({ prefixes: ['pen'], depth: 1n }, options)).result.names).toEqual(['pen.width']);

    const got = await get.call({ names: ['background_r', 'use_sim_time', 'frame_id'] }, options);
    expect(got.values.map(parameterValueFromMsg)).toEqual([
      { type: 'integer', value: 69n },
      { type: 'bool', value: false },
      { type: 'string', value: 'map' },
    ]);
    // rclcpp: one unknown name empties the whole answer.
    expect((await get.call({ names: ['background_r', 'nope'] }, options)).values).toEqual([]);

    expect([
      ...(await types.call({ names: ['background_g', 'pen.width', 'frame_id'] }, options)).types,
    ]).toEqual([ParameterType.INTEGER, ParameterType.INTEGER, ParameterType.STRING]);
    expect([...(await types.call({ names: ['nope'] }, options)).types]).toEqual([]);

    const described = await describeP.call({ names: ['background_b', 'frame_id'] }, options);
    expect(described.descriptors).toEqual([
      {
        name: 'background_b',
        type: ParameterType.INTEGER,
        description: 'b channel',
        additional_constraints: '',
        read_only: false,
        dynamic_typing: false,
        floating_point_range: [],
        integer_range: [{ from_value: 0n, to_value: 255n, step: 1n }],
      },
      expect.objectContaining({ name: 'frame_id', type: ParameterType.STRING, read_only: true }),
    ]);
    expect((await describeP.call({ names: ['background_b', 'nope'] }, options)).descriptors).toEqual([]);

    const results = await set.call(
      {
        parameters: [
          { name: 'background_r', value: value(10n) },
          { name: 'background_g', value: value(300n) },
          { name: 'frame_id', value: value('odom') },
          { name: 'nope', value: value(1n) },
          { name: 'pen.width', value: value('wide') },
          { name: 'use_sim_time', value: value(1n) },
          { name: 'bad_type', value: { type: 42 } },
        ],
      },
      options,
    );
    expect(results.results).toEqual([
      { successful: true, reason: '' },
      { successful: false, reason: "Parameter {background_g} doesn't comply with integer range." },
      { successful: false, reason: "parameter 'frame_id' cannot be set because it is read-only" },
      { successful: false, reason: "parameter 'nope' cannot be set because it was not declared" },
      { successful: true, reason: '' },
      {
        successful: false,
        reason:
          'Wrong parameter type, parameter {use_sim_time} is of type {bool}, setting it to {integer} is not allowed.',
      },
      {
        successful: false,
        reason: 'unknown parameter type 42: expected a ParameterType constant from 0 to 9',
      },
    ]);
    expect(
      (await get.call({ names: ['background_r', 'pen.width'] }, options)).values.map(parameterValueFromMsg),
    ).toEqual([
      { type: 'integer', value: 10n },
      { type: 'string', value: 'wide' },
    ]);

    const atomicFail = await setAtomically.call(
      {
        parameters: [
          { name: 'background_r', value: value(1n) },
          { name: 'nope', value: value(1n) },
        ],
      },
      options,
    );
    expect(atomicFail.result).toEqual({
      successful: false,
      reason: 'One or more parameters were not declared before setting',
    });
    const atomicOk = await setAtomically.call(
      {
        parameters: [
          { name: 'background_r', value: value(1n) },
          { name: 'background_b', value: value(2n) },
        ],
      },
      options,
    );
    expect(atomicOk.result).toEqual({ successful: true, reason: '' });
    expect(
      (await get.call({ names: ['background_r', 'background_b'] }, options)).values.map(
        (v) => v.integer_value,
      ),
    ).toEqual([1n, 2n]);
  });

  it('publish a ParameterEvent on /parameter_events for declare, set and undeclare', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    // Wired by hand, so the event of use_sim_time's declaration comes after our subscription matched.
    const node = a.createNode('turtlesim', {
      ...quiet,
      namespace: '/sim',
      startParameterServices: false,
      startParameterEventPublisher: false,
    });
    const store = new ParameterStore();
    const services = startParameterServices(node, store);
    const client = b.createNode('param_client', quiet);
    const events: rcl_interfaces__msg__ParameterEvent[] = [];
    client.createSubscription(
      'rcl_interfaces/msg/ParameterEvent',
      '/parameter_events',
      (e) => events.push(e),
      'parameterEvents',
    );
    // Nothing is written before the subscription matched: see the report on VOLATILE late joiners.
    await until(() => (services.eventPublisher?.subscriptionCount ?? 0) >= 1, 5000, 'the event subscription');
    const brief = (e: rcl_interfaces__msg__ParameterEvent) => ({
      node: e.node,
      new: e.new_parameters.map((p) => [p.name, parameterValueFromMsg(p.value)]),
      changed: e.changed_parameters.map((p) => [p.name, parameterValueFromMsg(p.value)]),
      deleted: e.deleted_parameters.map((p) => [p.name, parameterValueFromMsg(p.value)]),
    });

    declareUseSimTime(store);
    store.declare('pen.width', 3n, { dynamicTyping: true });
    await until(() => events.length >= 2, 5000, 'the declare events');
    expect(events.map(brief)).toEqual([
      {
        node: '/sim/turtlesim',
        new: [['use_sim_time', { type: 'bool', value: false }]],
        changed: [],
        deleted: [],
      },
      {
        node: '/sim/turtlesim',
        new: [['pen.width', { type: 'integer', value: 3n }]],
        changed: [],
        deleted: [],
      },
    ]);
    expect(Math.abs(events[0]!.stamp.sec - Date.now() / 1000)).toBeLessThan(60);

    const set = client.createClient(
      'rcl_interfaces/srv/SetParameters',
      '/sim/turtlesim/set_parameters',
      'parameters',
    );
    await set.waitForService({ timeout: 5000 });
    const response = await set.call(
      {
        parameters: [
          { name: 'pen.width', value: value('wide') },
          { name: 'use_sim_time', value: value('no') }, // refused: no event
        ],
      },
      { timeout: 5000 },
    );
    expect(response.results.map((r) => r.successful)).toEqual([true, false]);
    await until(() => events.length >= 3, 5000, 'the set event');
    expect(brief(events[2]!)).toEqual({
      node: '/sim/turtlesim',
      new: [],
      changed: [['pen.width', { type: 'string', value: 'wide' }]],
      deleted: [],
    });

    store.undeclare('pen.width');
    await until(() => events.length >= 4, 5000, 'the undeclare event');
    expect(brief(events[3]!)).toEqual({
      node: '/sim/turtlesim',
      new: [],
      changed: [],
      deleted: [['pen.width', { type: 'not_set' }]],
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toHaveLength(4);
  });

  it('offer the services under the node name in the graph, and withdraw them on destroy', async () => {
    const { node, client } = await parameterServer();
    const expected = [
      'describe_parameters',
      'get_parameter_types',
      'get_parameters',
      'list_parameters',
      'set_parameters',
      'set_parameters_atomically',
    ].map((s) => `/sim/turtlesim/${s}`);
    const ours = () =>
      client
        .getServiceNamesAndTypes()
        .map((s) => s.name)
        .filter((n) => n.startsWith('/sim/turtlesim/'))
        .sort();
    await until(() => ours().length === 6, 5000, 'the six services');
    expect(ours()).toEqual(expected);
    await node.destroy();
    await until(() => ours().length === 0, 5000, 'the services to go away');
  });
});
