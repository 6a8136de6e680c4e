/**
 * Callbacks on `/parameter_events`, as rclpy's and rclcpp's ParameterEventHandler give them: one
 * parameter of one node (called with its new value whenever the node declares or changes it), or
 * every event of every node. As there, the latest callback added is called first, parameter
 * callbacks before event callbacks, and node names resolve against the handler's node (empty: the
 * node itself; relative: under its namespace).
 */
import type { rcl_interfaces__msg__ParameterEvent } from '../cdr/index.js';
import type { Node } from './node.js';
import { type Parameter, parameterFromMsg } from './parameters/index.js';
import type { QosInput } from './qos.js';
import type { Subscription } from './subscription.js';

export type ParameterEvent = rcl_interfaces__msg__ParameterEvent;

/** What `add...Callback` returns, to remove the callback with. */
export interface ParameterCallbackHandle {
  readonly parameterName: string;
  /** The node's fully qualified name. */
  readonly nodeName: string;
  readonly callback: (parameter: Parameter) => void;
}

export interface ParameterEventCallbackHandle {
  readonly callback: (event: ParameterEvent) => void;
}

/** A handle given to `remove...Callback` that is not (or no longer) registered. */
export class UnknownCallbackHandleError extends Error {
  override name = 'UnknownCallbackHandleError';
  constructor() {
    super("Callback doesn't exist");
  }
}

export interface ParameterEventHandlerOptions {
  /** Default `parameterEvents` (rmw_qos_profile_parameter_events). */
  readonly qos?: QosInput;
}

/** The parameter `name` declared or changed by `node` in `event`, if it is there (not deletions, as upstream). */
export function parameterFromEvent(event: ParameterEvent, name: string, node: string): Parameter | undefined {
  if (event.node !== node) return undefined;
  for (const list of [event.new_parameters, event.changed_parameters]) {
    for (const p of list) if (p.name === name) return parameterFromMsg(p);
  }
  return undefined;
}

/** Every parameter declared or changed in `event`. */
export function parametersFromEvent(event: ParameterEvent): Parameter[] {
  return [...event.new_parameters, ...event.changed_parameters].map(parameterFromMsg);
}

export class ParameterEventHandler {
  /** The `/parameter_events` subscription (rclpy's `parameter_event_subscription`). */
  readonly subscription: Subscription<'rcl_interfaces/msg/ParameterEvent'>;
  /** By `${node}\0${parameter}`, latest first. */
  private readonly parameterCallbacks = new Map<string, ParameterCallbackHandle[]>();
  private readonly eventCallbacks: ParameterEventCallbackHandle[] = [];

  constructor(
    private readonly node: Node,
    options: ParameterEventHandlerOptions = {},
  ) {
    this.subscription = node.createSubscription(
      'rcl_interfaces/msg/ParameterEvent',
      '/parameter_events',
      this.onEvent,
      options.qos ?? 'parameterEvents',
    );
  }

  /** Calls `callback` with the parameter's value each time `nodeName` declares or sets it. */
  addParameterCallback(
    parameterName: string,
    nodeName: string,
    callback: (parameter: Parameter) => void,
  ): ParameterCallbackHandle {
    const handle: ParameterCallbackHandle = { parameterName, nodeName: this.resolveNode(nodeName), callback };
    const key = `${handle.nodeName}\0${parameterName}`;
    const list = this.parameterCallbacks.get(key) ?? [];
    list.unshift(handle);
    this.parameterCallbacks.set(key, list);
    return handle;
  }

  /** Throws UnknownCallbackHandleError for a handle not registered. */
  removeParameterCallback(handle: ParameterCallbackHandle): void {
    const key = `${handle.nodeName}\0${handle.parameterName}`;
    const list = this.parameterCallbacks.get(key);
    const i = list?.indexOf(handle) ?? -1;
    if (!list || i < 0) throw new UnknownCallbackHandleError();
    list.splice(i, 1);
    if (list.length === 0) this.parameterCallbacks.delete(key);
  }

  /** Calls `callback` with every ParameterEvent of every node. */
  addParameterEventCallback(callback: (event: ParameterEvent) => void): ParameterEventCallbackHandle {
    const handle = { callback };
    this.eventCallbacks.unshift(handle);
    return handle;
  }

  removeParameterEventCallback(handle: ParameterEventCallbackHandle): void {
    const i = this.eventCallbacks.indexOf(handle);
    if (i < 0) throw new UnknownCallbackHandleError();
    this.eventCallbacks.splice(i, 1);
  }

  destroy(): void {
    this.subscription.destroy();
  }

  private readonly onEvent = (event: ParameterEvent): void => {
    for (const [key, handles] of this.parameterCallbacks) {
      const [nodeName = '', name = ''] = key.split('\0');
      const parameter = parameterFromEvent(event, name, nodeName);
      if (parameter) for (const h of [...handles]) this.guard(() => h.callback(parameter));
    }
    for (const h of [...this.eventCallbacks]) this.guard(() => h.callback(event));
  };

  /** One callback that throws is logged and does not keep the others from running. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (e) {
      this.node.logger.error(`parameter event callback threw: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  private resolveNode(path: string): string {
    if (path === '') return this.node.fullyQualifiedName;
    if (path.startsWith('/')) return path;
    const ns = this.node.namespace === '/' ? '' : this.node.namespace;
    return `${ns}/${path}`;
  }
}
