/**
 * The messages of an action, typed by the action's ROS name for the bundled interfaces
 * (`ActionGoal<'example_interfaces/action/Fibonacci'>` is `{ order: number }`), and the wire shapes
 * of the parts every action shares (goal ids, stamps, statuses), which the server and client read
 * whatever the action (type aliases, not interfaces: the node API takes them as plain records).
 */
import type { Message, MessageInput } from '../cdr/index.js';
import type { Stamp } from './goal-id.js';

/** The goal as the server receives it. */
export type ActionGoal<A extends string> = Message<`${A}_Goal`>;
/** The goal as `sendGoal` takes it (fields left out take their defaults). */
export type ActionGoalInput<A extends string> = MessageInput<`${A}_Goal`>;
export type ActionResult<A extends string> = Message<`${A}_Result`>;
export type ActionResultInput<A extends string> = MessageInput<`${A}_Result`>;
export type ActionFeedback<A extends string> = Message<`${A}_Feedback`>;
export type ActionFeedbackInput<A extends string> = MessageInput<`${A}_Feedback`>;

/** unique_identifier_msgs/msg/UUID. */
export type UuidMessage = {
  readonly uuid: Uint8Array;
};

/** action_msgs/msg/GoalInfo. */
export type GoalInfoMessage = {
  readonly goal_id: UuidMessage;
  readonly stamp: Stamp;
};

/** `<Action>_SendGoal_Request`: the action's goal under a goal id. */
export type SendGoalRequestMessage = {
  readonly goal_id: UuidMessage;
  readonly goal: unknown;
};

export type SendGoalResponseMessage = {
  readonly accepted: boolean;
  readonly stamp: Stamp;
};

export type GetResultRequestMessage = {
  readonly goal_id: UuidMessage;
};

export type GetResultResponseMessage = {
  readonly status: number;
  readonly result: unknown;
};

export type FeedbackMessageMessage = {
  readonly goal_id: UuidMessage;
  readonly feedback: unknown;
};

export type CancelGoalRequestMessage = {
  readonly goal_info: GoalInfoMessage;
};

export type CancelGoalResponseMessage = {
  readonly return_code: number;
  readonly goals_canceling: readonly GoalInfoMessage[];
};

export type GoalStatusArrayMessage = {
  readonly status_list: readonly { readonly goal_info: GoalInfoMessage; readonly status: number }[];
};

/** A goal as the status topic and cancel responses name it. */
export interface GoalInfo {
  readonly goalId: Uint8Array;
  /** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  readonly goalIdHex: string;
  /** When the server accepted it. */
  readonly stamp: Stamp;
}

/** One entry of the status topic. */
export interface GoalStatusEntry extends GoalInfo {
  /** A GoalStatus code. */
  readonly status: number;
}
