/** ROS 2 actions over the node API: ActionServer, ActionClient, goal statuses and their errors. */
export {
  ActionClient,
  type CancelGoalResult,
  ClientGoalHandle,
  type GoalResult,
  type SendGoalOptions,
} from './action-client.js';
export {
  ActionServer,
  type ActionServerOptions,
  type CancelResponse,
  DEFAULT_RESULT_TIMEOUT_MS,
  type GoalRequest,
  type GoalResponse,
  ServerGoalHandle,
} from './action-server.js';
export {
  ActionServerNotAvailableError,
  ActionServerUnavailableError,
  GoalRejectedError,
  GoalStateError,
} from './errors.js';
export {
  goalIdFromHex,
  goalIdToHex,
  randomGoalId,
  type Stamp,
  stampFromMs,
  stampFromNs,
  stampToMs,
  stampToNs,
} from './goal-id.js';
export { type GoalEvent, transitionGoal } from './goal-state-machine.js';
export {
  CancelReturnCode,
  type CancelReturnCodeName,
  type CancelReturnCodeValue,
  cancelReturnCodeName,
  GoalStatus,
  type GoalStatusCode,
  type GoalStatusName,
  goalStatusName,
  isActiveStatus,
  isTerminalStatus,
} from './goal-status.js';
export type {
  ActionFeedback,
  ActionFeedbackInput,
  ActionGoal,
  ActionGoalInput,
  ActionResult,
  ActionResultInput,
  GoalInfo,
  GoalStatusEntry,
} from './types.js';
