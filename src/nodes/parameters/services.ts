/**
 * A node's parameters on the ROS graph, as rclcpp's ParameterService (`parameter_service.cpp`,
 * Jazzy) and NodeParameters's event publisher serve them: the six services `~/describe_parameters`,
 * `~/get_parameter_types`, `~/get_parameters`, `~/list_parameters`, `~/set_parameters`,
 * `~/set_parameters_atomically` (QoS `parameters`), and a ParameterEvent on `/parameter_events`
 * (QoS `parameterEvents`) for every declare, set and undeclare of the store.
 *
 * Answers as rclcpp gives them:
 * - get_parameters, get_parameter_types, describe_parameters: if any name is not declared (or,
 *   for get, is an uninitialized statically typed parameter), the whole answer is an empty list;
 *   with undeclared parameters allowed, unknown names get a NOT_SET value / type / default
 *   descriptor.
 * - set_parameters: one result per parameter, each set on its own; an undeclared one fails with
 *   `parameter 'x' cannot be set because it was not declared`.
 * - set_parameters_atomically: `One or more parameters were not declared before setting`.
 * Where rclcpp would let an exception escape (and the node die) — a ParameterValue of unknown
 * type, an empty name, an on-set callback that throws — the set fails with the error's message.
 */

import type { Message, MessageInput } from '../../cdr/index.js';
import type { Logger } from '../logger.js';
import { nowNs } from '../logger.js';
import type { Publisher } from '../publisher.js';
import type { QosInput } from '../qos.js';
import type { ServiceHandler } from '../service.js';
import { descriptorToMsg, type SetParametersResult } from './descriptors.js';
import { ParameterNotDeclaredError, ParameterUninitializedError } from './errors.js';
import type { ParameterChangeEvent, ParameterStore } from './store.js';
import {
  type Parameter,
  parameterFromMsg,
  parameterToMsg,
  parameterTypeId,
  parameterValueToMsg,
} from './values.js';

/**
 * What the services need of their node: a Node is one. Named here so that this module does not
 * import node.ts, which starts the services.
 */
export interface ParameterServicesNode {
  readonly logger: Pick<Logger, 'warn'>;
  readonly fullyQualifiedName: string;
  readonly isDestroyed: boolean;
  createService<S extends string>(
    type: S,
    serviceName: string,
    handler: ServiceHandler<Message<`${S}_Request`>, MessageInput<`${S}_Response`>>,
    qos?: QosInput,
  ): { destroy(): void };
  createPublisher<T extends string>(type: T, topic: string, qos?: QosInput): Publisher<T>;
}

export interface ParameterServicesOptions {
  /** Serve the six parameter services (rclcpp's `start_parameter_services`, default true). */
  readonly services?: boolean;
  /** Publish `/parameter_events` (rclcpp's `start_parameter_event_publisher`, default true). */
  readonly events?: boolean;
}

export interface ParameterServices {
  /** The `/parameter_events` publisher (undefined with `events: false`). */
  readonly eventPublisher: Publisher<'rcl_interfaces/msg/ParameterEvent'> | undefined;
  destroy(): void;
}

/** Either the answer, or `fallback` if the store says a name is unknown (or a value uninitialized). */
function orIfUnknown<T>(answer: () => T, fallback: T): T {
  try {
    return answer();
  } catch (error) {
    if (error instanceof ParameterNotDeclaredError || error instanceof ParameterUninitializedError) {
      return fallback;
    }
    throw error;
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startParameterServices(
  node: ParameterServicesNode,
  store: ParameterStore,
  options: ParameterServicesOptions = {},
): ParameterServices {
  const owned: { destroy(): void }[] = [];
  let stopListening = () => {};
  let eventPublisher: Publisher<'rcl_interfaces/msg/ParameterEvent'> | undefined;

  const attempt = (what: string, set: () => SetParametersResult): SetParametersResult => {
    try {
      return set();
    } catch (error) {
      node.logger.warn(`${what} failed: ${message(error)}`);
      return { successful: false, reason: message(error) };
    }
  };

  if (options.services !== false) {
    owned.push(
      node.createService(
        'rcl_interfaces/srv/DescribeParameters',
        '~/describe_parameters',
        (req) => ({ descriptors: orIfUnknown(() => store.describe(req.names).map(descriptorToMsg), []) }),
        'parameters',
      ),
      node.createService(
        'rcl_interfaces/srv/GetParameterTypes',
        '~/get_parameter_types',
        (req) => ({ types: orIfUnknown(() => store.types(req.names).map(parameterTypeId), []) }),
        'parameters',
      ),
      node.createService(
        'rcl_interfaces/srv/GetParameters',
        '~/get_parameters',
        (req) => ({
          values: orIfUnknown(() => req.names.map((n) => parameterValueToMsg(store.get(n))), []),
        }),
        'parameters',
      ),
      node.createService(
        'rcl_interfaces/srv/ListParameters',
        '~/list_parameters',
        (req) => ({ result: store.list(req.prefixes, req.depth) }),
        'parameters',
      ),
      node.createService(
        'rcl_interfaces/srv/SetParameters',
        '~/set_parameters',
        (req) => ({
          results: req.parameters.map((m) =>
            attempt(`setting parameter '${m.name}'`, () => {
              const p = parameterFromMsg(m);
              return store.set([p])[0]!;
            }),
          ),
        }),
        'parameters',
      ),
      node.createService(
        'rcl_interfaces/srv/SetParametersAtomically',
        '~/set_parameters_atomically',
        (req) => ({
          result: attempt('setting parameters atomically', () =>
            store.setAtomically(req.parameters.map(parameterFromMsg)),
          ),
        }),
        'parameters',
      ),
    );
  }

  if (options.events !== false) {
    const publisher = node.createPublisher(
      'rcl_interfaces/msg/ParameterEvent',
      '/parameter_events',
      'parameterEvents',
    );
    owned.push(publisher);
    eventPublisher = publisher;
    const toMsgs = (ps: readonly Parameter[]) => ps.map(parameterToMsg);
    stopListening = store.onChange((e: ParameterChangeEvent) => {
      if (node.isDestroyed) return;
      const ns = nowNs();
      try {
        publisher.publish({
          stamp: { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) },
          node: node.fullyQualifiedName,
          new_parameters: toMsgs(e.newParameters),
          changed_parameters: toMsgs(e.changedParameters),
          deleted_parameters: toMsgs(e.deletedParameters),
        });
      } catch (error) {
        node.logger.warn(`could not publish a parameter event: ${message(error)}`);
      }
    });
  }

  let destroyed = false;
  return {
    eventPublisher,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      stopListening();
      for (const o of owned) o.destroy();
    },
  };
}

/**
 * Declares `use_sim_time` (bool false, statically typed, not read-only) as rclcpp's TimeSource
 * does for every node, unless already declared; returns its value (an override may make it true).
 */
export function declareUseSimTime(store: ParameterStore): boolean {
  const value = store.has('use_sim_time') ? store.get('use_sim_time') : store.declare('use_sim_time', false);
  return value.type === 'bool' && value.value;
}
