/** Managed (lifecycle) nodes: the ROS 2 managed-node state machine over a Node. */
export { InvalidTransitionError } from './errors.js';
export {
  type LifecycleCallback,
  type LifecycleHandlers,
  LifecycleNode,
  type LifecycleNodeOptions,
} from './lifecycle-node.js';
export { LifecyclePublisher, type ManagedEntity } from './lifecycle-publisher.js';
export {
  type CallbackResult,
  type ChangeOutcome,
  LifecycleStateMachine,
  type TransitionExecutor,
} from './state-machine.js';
export {
  isPrimaryState,
  LIFECYCLE_STATES,
  LIFECYCLE_TRANSITIONS,
  type LifecycleState,
  type LifecycleTransition,
  StateId,
  TransitionId,
  transitionsFrom,
} from './states.js';
