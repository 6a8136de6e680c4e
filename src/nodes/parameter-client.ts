/**
 * The parameters of another node, through its six rcl_interfaces services, as rclcpp's
 * ParametersClient and rclpy's AsyncParameterClient reach them: get, set (one by one or
 * atomically), delete, list, describe and types, each call with a timeout and an AbortSignal.
 *
 * Answers are the remote node's, unchanged in meaning: rclcpp servers answer get, describe and
 * types with an empty list when any name is unknown, so those resolve to `[]` then; a set that
 * the remote refuses resolves with `successful: false` and its reason (only transport failures —
 * no server, timeout, abort — reject).
 */

import { expandTopicName } from '../rmw/names.js';
import type { CallOptions, Client } from './client.js';
import type { Node } from './node.js';
import {
  DEPTH_RECURSIVE,
  descriptorFromMsg,
  type ListParametersResult,
  PARAMETER_NOT_SET,
  type Parameter,
  type ParameterDescriptor,
  type ParameterInput,
  type ParameterTypeName,
  type ParameterValue,
  type ParameterValueInput,
  parameterToMsg,
  parameterTypeOf,
  parameterValueFromMsg,
  type SetParametersResult,
  toParameterValue,
} from './parameters/index.js';
import type { QosInput } from './qos.js';
import type { WaitOptions } from './wait.js';

export interface ParameterClientOptions {
  /** The services' QoS; default `parameters` (rmw_qos_profile_parameters, as rclcpp). */
  readonly qos?: QosInput;
  /** The default of every call's `timeout` (ms); the client's own default (10 s) otherwise. */
  readonly timeout?: number;
}

/** Parameters to set: `[{ name, value }]` or `{ name: value }`. */
export type ParametersToSet = readonly ParameterInput[] | Readonly<Record<string, ParameterValueInput>>;

const SERVICES = {
  get: ['rcl_interfaces/srv/GetParameters', 'get_parameters'],
  types: ['rcl_interfaces/srv/GetParameterTypes', 'get_parameter_types'],
  set: ['rcl_interfaces/srv/SetParameters', 'set_parameters'],
  setAtomically: ['rcl_interfaces/srv/SetParametersAtomically', 'set_parameters_atomically'],
  list: ['rcl_interfaces/srv/ListParameters', 'list_parameters'],
  describe: ['rcl_interfaces/srv/DescribeParameters', 'describe_parameters'],
} as const;

/** What is done to each of the six clients alike. */
type ServiceClient = Pick<Client, 'isServiceAvailable' | 'waitForService' | 'destroy'>;

function toParameters(input: ParametersToSet): Parameter[] {
  const entries: readonly ParameterInput[] = Array.isArray(input)
    ? (input as readonly ParameterInput[])
    : Object.entries(input).map(([name, value]) => ({ name, value }));
  return entries.map((p) => ({ name: p.name, value: toParameterValue(p.value) }));
}

export class ParameterClient {
  /** The remote node's fully qualified name. */
  readonly remoteNodeName: string;
  private readonly get: Client<'rcl_interfaces/srv/GetParameters'>;
  private readonly types: Client<'rcl_interfaces/srv/GetParameterTypes'>;
  private readonly set: Client<'rcl_interfaces/srv/SetParameters'>;
  private readonly setAtomically: Client<'rcl_interfaces/srv/SetParametersAtomically'>;
  private readonly list: Client<'rcl_interfaces/srv/ListParameters'>;
  private readonly describe: Client<'rcl_interfaces/srv/DescribeParameters'>;
  /** The six, for what is done to each alike. */
  private readonly all: readonly ServiceClient[];

  /**
   * `remoteNodeName`: `/ns/name`, or a name relative to `node`'s namespace; empty for `node`
   * itself (as rclcpp).
   */
  constructor(
    node: Node,
    remoteNodeName: string,
    private readonly options: ParameterClientOptions = {},
  ) {
    // Expanded, not remapped: as rclcpp's AsyncParametersClient, only the six service names are
    // resolved (remapped) when their clients are made (rclcpp parameter_client.cpp).
    this.remoteNodeName =
      remoteNodeName === ''
        ? node.fullyQualifiedName
        : expandTopicName(remoteNodeName, node.name, node.namespace, 'service name');
    const qos = options.qos ?? 'parameters';
    const make = <S extends string>([type, service]: readonly [S, string]) =>
      node.createClient(type, `${this.remoteNodeName}/${service}`, qos);
    this.get = make(SERVICES.get);
    this.types = make(SERVICES.types);
    this.set = make(SERVICES.set);
    this.setAtomically = make(SERVICES.setAtomically);
    this.list = make(SERVICES.list);
    this.describe = make(SERVICES.describe);
    this.all = [this.get, this.types, this.set, this.setAtomically, this.list, this.describe];
  }

  /** Whether all six services have a ready server. */
  servicesAreReady(): boolean {
    return this.all.every((c) => c.isServiceAvailable());
  }

  /**
   * Resolves once all six services are available; rejects with ServiceNotAvailableError (naming
   * the first one missing) after `timeout`.
   */
  async waitForServices(options: WaitOptions = {}): Promise<void> {
    await Promise.all(this.all.map((c) => c.waitForService(options)));
  }

  /**
   * The values of `names`, in order. `[]` when the remote knows one of them not (rclcpp's
   * answer); with undeclared parameters allowed there, an unknown one is `not_set`.
   */
  async getParameters(names: readonly string[], options?: CallOptions): Promise<Parameter[]> {
    const r = await this.get.call({ names: [...names] }, this.callOptions(options));
    if (r.values.length !== names.length) return [];
    return r.values.map((v, i) => ({ name: names[i]!, value: parameterValueFromMsg(v) }));
  }

  /** One value; `not_set` when the remote does not have it. */
  async getParameter(name: string, options?: CallOptions): Promise<ParameterValue> {
    const [p] = await this.getParameters([name], options);
    return p?.value ?? PARAMETER_NOT_SET;
  }

  /** Sets each parameter on its own: one result per parameter, in order. */
  async setParameters(parameters: ParametersToSet, options?: CallOptions): Promise<SetParametersResult[]> {
    const r = await this.set.call(
      { parameters: toParameters(parameters).map(parameterToMsg) },
      this.callOptions(options),
    );
    return r.results.map((x) => ({ successful: x.successful, reason: x.reason }));
  }

  /** Sets all or none. */
  async setParametersAtomically(
    parameters: ParametersToSet,
    options?: CallOptions,
  ): Promise<SetParametersResult> {
    const r = await this.setAtomically.call(
      { parameters: toParameters(parameters).map(parameterToMsg) },
      this.callOptions(options),
    );
    return { successful: r.result.successful, reason: r.result.reason };
  }

  /**
   * Undeclares parameters by setting them unset (what rclpy's `delete_parameters` and `ros2 param
   * delete` send); only dynamically typed ones can go.
   */
  deleteParameters(names: readonly string[], options?: CallOptions): Promise<SetParametersResult[]> {
    return this.setParameters(
      names.map((name) => ({ name, value: PARAMETER_NOT_SET })),
      options,
    );
  }

  /** Names (and prefixes) under `prefixes` down to `depth` levels (0: all), sorted as the remote gives them. */
  async listParameters(
    prefixes: readonly string[] = [],
    depth: number | bigint = DEPTH_RECURSIVE,
    options?: CallOptions,
  ): Promise<ListParametersResult> {
    const r = await this.list.call(
      { prefixes: [...prefixes], depth: BigInt(depth) },
      this.callOptions(options),
    );
    return { names: [...r.result.names], prefixes: [...r.result.prefixes] };
  }

  /** Descriptors of `names`, in order; `[]` when one is unknown to the remote. */
  async describeParameters(names: readonly string[], options?: CallOptions): Promise<ParameterDescriptor[]> {
    const r = await this.describe.call({ names: [...names] }, this.callOptions(options));
    return r.descriptors.map(descriptorFromMsg);
  }

  /** Types of `names`, in order; `[]` when one is unknown to the remote. */
  async getParameterTypes(names: readonly string[], options?: CallOptions): Promise<ParameterTypeName[]> {
    const r = await this.types.call({ names: [...names] }, this.callOptions(options));
    return [...r.types].map((t) => parameterTypeOf(t));
  }

  destroy(): void {
    for (const c of this.all) c.destroy();
  }

  private callOptions(options: CallOptions | undefined): CallOptions {
    if (this.options.timeout === undefined || options?.timeout !== undefined) return options ?? {};
    return { ...options, timeout: this.options.timeout };
  }
}
