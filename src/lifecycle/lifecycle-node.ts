/**
 * A managed (lifecycle) node, as rclcpp_lifecycle's LifecycleNode: a Node (`.node`, for
 * subscriptions, services, timers, parameters...) that starts unconfigured and moves through the
 * ROS 2 managed-node states when asked, locally (`configure()`, ...) or through its `~/change_state`
 * service, running the handler of each transition.
 *
 * A handler answers 'success', 'failure' or 'error' (nothing counts as success; a throw or a
 * rejection as 'error', logged). Publishers made here send only while the node is activating
 * (so `onActivate` may publish) or active.
 */
import type { Context } from '../nodes/context.js';
import type { Node, NodeOptions, PublisherOptions } from '../nodes/node.js';
import type { QosInput } from '../nodes/qos.js';
import { LifecyclePublisher, type ManagedEntity } from './lifecycle-publisher.js';
import { type LifecycleInterface, startLifecycleInterface } from './lifecycle-services.js';
import { type CallbackResult, type ChangeOutcome, LifecycleStateMachine } from './state-machine.js';
import {
  LIFECYCLE_STATES,
  LIFECYCLE_TRANSITIONS,
  type LifecycleState,
  type LifecycleTransition,
  StateId,
  TransitionId,
} from './states.js';

/** A transition handler; it gets the state the transition started from. */
export type LifecycleCallback = (
  previous: LifecycleState,
) => CallbackResult | undefined | Promise<CallbackResult | undefined>;

export interface LifecycleHandlers {
  readonly onConfigure?: LifecycleCallback;
  readonly onActivate?: LifecycleCallback;
  readonly onDeactivate?: LifecycleCallback;
  readonly onCleanup?: LifecycleCallback;
  readonly onShutdown?: LifecycleCallback;
  readonly onError?: LifecycleCallback;
}

export interface LifecycleNodeOptions extends NodeOptions, LifecycleHandlers {
  /**
   * The `~/` lifecycle services and `~/transition_event` (default true, rclcpp's
   * `enable_communication_interface`).
   */
  readonly enableCommunicationInterface?: boolean;
}

type HandlerName = keyof LifecycleHandlers;

/** The handler each transition state runs. */
const HANDLER_OF: Record<number, HandlerName> = {
  [StateId.CONFIGURING]: 'onConfigure',
  [StateId.ACTIVATING]: 'onActivate',
  [StateId.DEACTIVATING]: 'onDeactivate',
  [StateId.CLEANINGUP]: 'onCleanup',
  [StateId.SHUTTINGDOWN]: 'onShutdown',
  [StateId.ERRORPROCESSING]: 'onError',
};

export class LifecycleNode {
  /** The node underneath: everything that is not the lifecycle. */
  readonly node: Node;
  private readonly handlers: { -readonly [K in HandlerName]?: LifecycleCallback };
  private readonly machine: LifecycleStateMachine;
  private readonly managed = new Set<ManagedEntity>();
  private readonly com: LifecycleInterface | undefined;

  constructor(context: Context, name: string, options: LifecycleNodeOptions = {}) {
    this.node = context.createNode(name, options);
    const { onConfigure, onActivate, onDeactivate, onCleanup, onShutdown, onError } = options;
    this.handlers = { onConfigure, onActivate, onDeactivate, onCleanup, onShutdown, onError };
    this.machine = new LifecycleStateMachine(this.execute, this.onStep);
    if (options.enableCommunicationInterface !== false) {
      this.com = startLifecycleInterface(this.node, this.machine);
      this.node.adopt(this.com);
    }
  }

  get name(): string {
    return this.node.name;
  }

  get namespace(): string {
    return this.node.namespace;
  }

  get fullyQualifiedName(): string {
    return this.node.fullyQualifiedName;
  }

  get logger() {
    return this.node.logger;
  }

  get currentState(): LifecycleState {
    return this.machine.current;
  }

  get availableStates(): readonly LifecycleState[] {
    return LIFECYCLE_STATES;
  }

  get availableTransitions(): LifecycleTransition[] {
    return this.machine.availableTransitions();
  }

  get transitionGraph(): readonly LifecycleTransition[] {
    return LIFECYCLE_TRANSITIONS;
  }

  /** Sets (or, with undefined, removes) the handler of a transition, as `register_on_configure`... */
  setHandler(which: HandlerName, callback: LifecycleCallback | undefined): void {
    this.handlers[which] = callback;
  }

  /**
   * Takes a transition (id or label, from the current state) as `~/change_state` would. Rejects
   * with InvalidTransitionError if it does not leave the current state or another one is under way.
   */
  triggerTransition(idOrLabel: number | string): Promise<ChangeOutcome> {
    return this.machine.change(idOrLabel);
  }

  configure(): Promise<ChangeOutcome> {
    return this.machine.change(TransitionId.CONFIGURE);
  }

  activate(): Promise<ChangeOutcome> {
    return this.machine.change(TransitionId.ACTIVATE);
  }

  deactivate(): Promise<ChangeOutcome> {
    return this.machine.change(TransitionId.DEACTIVATE);
  }

  cleanup(): Promise<ChangeOutcome> {
    return this.machine.change(TransitionId.CLEANUP);
  }

  /** Shuts down from whichever primary state the node is in. */
  shutdown(): Promise<ChangeOutcome> {
    return this.machine.change('shutdown');
  }

  /** A publisher that sends only while the node is active; `options` as Node.createPublisher's (QoS events...). */
  createPublisher<T extends string>(
    type: T,
    topic: string,
    qos?: QosInput,
    options?: PublisherOptions,
  ): LifecyclePublisher<T> {
    const p: LifecyclePublisher<T> = new LifecyclePublisher(
      this.node.createPublisher(type, topic, qos, options),
      this.node.logger,
      (lp) => this.managed.delete(lp),
    );
    if (this.machine.current.id === StateId.ACTIVE) p.activate();
    this.managed.add(p);
    return p;
  }

  /** Destroys the node (without a shutdown transition, as rclcpp's destructor). */
  destroy(): Promise<void> {
    return this.node.destroy();
  }

  private readonly execute = async (
    transitionState: LifecycleState,
    previous: LifecycleState,
  ): Promise<CallbackResult> => {
    const name = HANDLER_OF[transitionState.id];
    const handler = name === undefined ? undefined : this.handlers[name];
    if (!handler) return 'success';
    try {
      return (await handler.call(this, previous)) ?? 'success';
    } catch (e) {
      // rclcpp's two lines for a callback that threw.
      this.logger.error(`Caught exception in callback for transition ${transitionState.id}`);
      this.logger.error(`Original error: ${(e as Error)?.message ?? String(e)}`);
      return 'error';
    }
  };

  /**
   * Publishers send while activating (so onActivate may publish) and active, and in no other
   * state: deactivating, error processing and a failed activation all silence them.
   */
  private readonly onStep = (t: LifecycleTransition): void => {
    this.setActivated(t.goal.id === StateId.ACTIVATING || t.goal.id === StateId.ACTIVE);
    this.com?.publishStep(t);
  };

  private setActivated(on: boolean): void {
    for (const p of this.managed) {
      if (on && !p.isActivated) p.activate();
      else if (!on && p.isActivated) p.deactivate();
    }
  }
}
