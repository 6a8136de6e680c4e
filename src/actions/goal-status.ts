/**
 * The codes of action_msgs: a goal's status (action_msgs/msg/GoalStatus) and the return code of a
 * cancel request (action_msgs/srv/CancelGoal), with their names for printing.
 */

/** action_msgs/msg/GoalStatus `STATUS_*`. */
export const GoalStatus = {
  UNKNOWN: 0,
  ACCEPTED: 1,
  EXECUTING: 2,
  CANCELING: 3,
  SUCCEEDED: 4,
  CANCELED: 5,
  ABORTED: 6,
} as const;

export type GoalStatusName = keyof typeof GoalStatus;
export type GoalStatusCode = (typeof GoalStatus)[GoalStatusName];

const STATUS_NAMES = Object.fromEntries(Object.entries(GoalStatus).map(([k, v]) => [v, k])) as Record<
  number,
  GoalStatusName
>;

/** `'SUCCEEDED'` for 4...; `'UNKNOWN'` for a code action_msgs does not define. */
export function goalStatusName(code: number): GoalStatusName {
  return STATUS_NAMES[code] ?? 'UNKNOWN';
}

/** ACCEPTED, EXECUTING and CANCELING: the goal has not ended (rcl_action_goal_handle_is_active). */
export function isActiveStatus(code: number): boolean {
  return code === GoalStatus.ACCEPTED || code === GoalStatus.EXECUTING || code === GoalStatus.CANCELING;
}

/** SUCCEEDED, CANCELED and ABORTED. */
export function isTerminalStatus(code: number): boolean {
  return code === GoalStatus.SUCCEEDED || code === GoalStatus.CANCELED || code === GoalStatus.ABORTED;
}

/** action_msgs/srv/CancelGoal `ERROR_*`. */
export const CancelReturnCode = {
  ERROR_NONE: 0,
  ERROR_REJECTED: 1,
  ERROR_UNKNOWN_GOAL_ID: 2,
  ERROR_GOAL_TERMINATED: 3,
} as const;

export type CancelReturnCodeName = keyof typeof CancelReturnCode;
export type CancelReturnCodeValue = (typeof CancelReturnCode)[CancelReturnCodeName];

const CANCEL_NAMES = Object.fromEntries(Object.entries(CancelReturnCode).map(([k, v]) => [v, k])) as Record<
  number,
  CancelReturnCodeName
>;

/** `'ERROR_NONE'` for 0...; undefined for a code action_msgs does not define. */
export function cancelReturnCodeName(code: number): CancelReturnCodeName | undefined {
  return CANCEL_NAMES[code];
}
