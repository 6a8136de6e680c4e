/**
 * The states and transitions of the ROS 2 managed-node design, with the ids of lifecycle_msgs and
 * the labels and order in which rcl_lifecycle's default state machine registers them
 * (rcl_lifecycle/src/default_state_machine.c): `get_available_states` and `get_transition_graph`
 * list them in this order, and `ros2 lifecycle list` prints them so.
 */

/** A state: lifecycle_msgs/msg/State. */
export interface LifecycleState {
  readonly id: number;
  readonly label: string;
}

/** A transition from one state to another: lifecycle_msgs/msg/TransitionDescription, flattened. */
export interface LifecycleTransition {
  readonly id: number;
  readonly label: string;
  readonly start: LifecycleState;
  readonly goal: LifecycleState;
}

/** lifecycle_msgs/msg/State's constants. */
export const StateId = {
  UNKNOWN: 0,
  UNCONFIGURED: 1,
  INACTIVE: 2,
  ACTIVE: 3,
  FINALIZED: 4,
  CONFIGURING: 10,
  CLEANINGUP: 11,
  SHUTTINGDOWN: 12,
  ACTIVATING: 13,
  DEACTIVATING: 14,
  ERRORPROCESSING: 15,
} as const;

/** lifecycle_msgs/msg/Transition's constants. */
export const TransitionId = {
  CREATE: 0,
  CONFIGURE: 1,
  CLEANUP: 2,
  ACTIVATE: 3,
  DEACTIVATE: 4,
  UNCONFIGURED_SHUTDOWN: 5,
  INACTIVE_SHUTDOWN: 6,
  ACTIVE_SHUTDOWN: 7,
  DESTROY: 8,
  ON_CONFIGURE_SUCCESS: 10,
  ON_CONFIGURE_FAILURE: 11,
  ON_CONFIGURE_ERROR: 12,
  ON_CLEANUP_SUCCESS: 20,
  ON_CLEANUP_FAILURE: 21,
  ON_CLEANUP_ERROR: 22,
  ON_ACTIVATE_SUCCESS: 30,
  ON_ACTIVATE_FAILURE: 31,
  ON_ACTIVATE_ERROR: 32,
  ON_DEACTIVATE_SUCCESS: 40,
  ON_DEACTIVATE_FAILURE: 41,
  ON_DEACTIVATE_ERROR: 42,
  ON_SHUTDOWN_SUCCESS: 50,
  ON_SHUTDOWN_FAILURE: 51,
  ON_SHUTDOWN_ERROR: 52,
  ON_ERROR_SUCCESS: 60,
  ON_ERROR_FAILURE: 61,
  ON_ERROR_ERROR: 62,
} as const;

const state = (id: number, label: string): LifecycleState => Object.freeze({ id, label });

export const UNKNOWN = state(StateId.UNKNOWN, 'unknown');
export const UNCONFIGURED = state(StateId.UNCONFIGURED, 'unconfigured');
export const INACTIVE = state(StateId.INACTIVE, 'inactive');
export const ACTIVE = state(StateId.ACTIVE, 'active');
export const FINALIZED = state(StateId.FINALIZED, 'finalized');
export const CONFIGURING = state(StateId.CONFIGURING, 'configuring');
export const CLEANINGUP = state(StateId.CLEANINGUP, 'cleaningup');
export const SHUTTINGDOWN = state(StateId.SHUTTINGDOWN, 'shuttingdown');
export const ACTIVATING = state(StateId.ACTIVATING, 'activating');
export const DEACTIVATING = state(StateId.DEACTIVATING, 'deactivating');
export const ERRORPROCESSING = state(StateId.ERRORPROCESSING, 'errorprocessing');

/** Every state, primary ones first, in rcl's order. */
export const LIFECYCLE_STATES: readonly LifecycleState[] = Object.freeze([
  UNKNOWN,
  UNCONFIGURED,
  INACTIVE,
  ACTIVE,
  FINALIZED,
  CONFIGURING,
  CLEANINGUP,
  SHUTTINGDOWN,
  ACTIVATING,
  DEACTIVATING,
  ERRORPROCESSING,
]);

/** The labels a callback's outcome triggers from a transition state. */
export const SUCCESS_LABEL = 'transition_success';
export const FAILURE_LABEL = 'transition_failure';
export const ERROR_LABEL = 'transition_error';

const T = TransitionId;
const transition = (id: number, label: string, start: LifecycleState, goal: LifecycleState) =>
  Object.freeze({ id, label, start, goal });

/** Every transition, in rcl's order (the transition graph). */
export const LIFECYCLE_TRANSITIONS: readonly LifecycleTransition[] = Object.freeze([
  transition(T.CONFIGURE, 'configure', UNCONFIGURED, CONFIGURING),
  transition(T.ON_CONFIGURE_SUCCESS, SUCCESS_LABEL, CONFIGURING, INACTIVE),
  transition(T.ON_CONFIGURE_FAILURE, FAILURE_LABEL, CONFIGURING, UNCONFIGURED),
  transition(T.ON_CONFIGURE_ERROR, ERROR_LABEL, CONFIGURING, ERRORPROCESSING),
  transition(T.CLEANUP, 'cleanup', INACTIVE, CLEANINGUP),
  transition(T.ON_CLEANUP_SUCCESS, SUCCESS_LABEL, CLEANINGUP, UNCONFIGURED),
  transition(T.ON_CLEANUP_FAILURE, FAILURE_LABEL, CLEANINGUP, INACTIVE),
  transition(T.ON_CLEANUP_ERROR, ERROR_LABEL, CLEANINGUP, ERRORPROCESSING),
  transition(T.ACTIVATE, 'activate', INACTIVE, ACTIVATING),
  transition(T.ON_ACTIVATE_SUCCESS, SUCCESS_LABEL, ACTIVATING, ACTIVE),
  transition(T.ON_ACTIVATE_FAILURE, FAILURE_LABEL, ACTIVATING, INACTIVE),
  transition(T.ON_ACTIVATE_ERROR, ERROR_LABEL, ACTIVATING, ERRORPROCESSING),
  transition(T.DEACTIVATE, 'deactivate', ACTIVE, DEACTIVATING),
  transition(T.ON_DEACTIVATE_SUCCESS, SUCCESS_LABEL, DEACTIVATING, INACTIVE),
  transition(T.ON_DEACTIVATE_FAILURE, FAILURE_LABEL, DEACTIVATING, ACTIVE),
  transition(T.ON_DEACTIVATE_ERROR, ERROR_LABEL, DEACTIVATING, ERRORPROCESSING),
  transition(T.UNCONFIGURED_SHUTDOWN, 'shutdown', UNCONFIGURED, SHUTTINGDOWN),
  transition(T.INACTIVE_SHUTDOWN, 'shutdown', INACTIVE, SHUTTINGDOWN),
  transition(T.ACTIVE_SHUTDOWN, 'shutdown', ACTIVE, SHUTTINGDOWN),
  // A failed shutdown still ends in finalized, as rcl registers it.
  transition(T.ON_SHUTDOWN_SUCCESS, SUCCESS_LABEL, SHUTTINGDOWN, FINALIZED),
  transition(T.ON_SHUTDOWN_FAILURE, FAILURE_LABEL, SHUTTINGDOWN, FINALIZED),
  transition(T.ON_SHUTDOWN_ERROR, ERROR_LABEL, SHUTTINGDOWN, ERRORPROCESSING),
  transition(T.ON_ERROR_SUCCESS, SUCCESS_LABEL, ERRORPROCESSING, UNCONFIGURED),
  transition(T.ON_ERROR_FAILURE, FAILURE_LABEL, ERRORPROCESSING, FINALIZED),
  transition(T.ON_ERROR_ERROR, ERROR_LABEL, ERRORPROCESSING, FINALIZED),
]);

/** The transitions that leave `from`, in rcl's order. */
export function transitionsFrom(from: LifecycleState): LifecycleTransition[] {
  return LIFECYCLE_TRANSITIONS.filter((t) => t.start.id === from.id);
}

/** Whether `s` is one of the four states a node rests in (or unknown). */
export function isPrimaryState(s: LifecycleState): boolean {
  return s.id <= StateId.FINALIZED;
}
