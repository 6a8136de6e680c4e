/** Typed errors of actions, beside the node API's (src/nodes/errors.ts), whose bases they extend. */
import { ServiceUnavailableError, TimeoutError } from '../nodes/errors.js';
import type { GoalEvent } from './goal-state-machine.js';
import { goalStatusName } from './goal-status.js';

/** `waitForServer` gave up: no server of the action became available in time. */
export class ActionServerNotAvailableError extends TimeoutError {
  override name = 'ActionServerNotAvailableError';
  constructor(
    readonly action: string,
    timeoutMs: number,
  ) {
    super(
      `action server ${action} is not available after ${timeoutMs} ms: is a server running, in the same ROS_DOMAIN_ID and discovery range?`,
      timeoutMs,
    );
  }
}

/**
 * The action server went away (destroyed, its process ended) before the goal's result came. It is a
 * ServiceUnavailableError too: the result service is what went away.
 */
export class ActionServerUnavailableError extends ServiceUnavailableError {
  override name = 'ActionServerUnavailableError';
  constructor(
    readonly action: string,
    readonly goalIdHex: string,
  ) {
    super(`${action}/_action/get_result`);
    this.message = `the server of action ${action} went away before goal ${goalIdHex} ended`;
  }
}

/** The server answered the goal request with `accepted: false`. */
export class GoalRejectedError extends Error {
  override name = 'GoalRejectedError';
  constructor(
    readonly action: string,
    readonly goalIdHex: string,
  ) {
    super(`the server of action ${action} rejected goal ${goalIdHex}`);
  }
}

/** A transition the goal state machine refuses, e.g. succeeding twice or aborting a canceled goal. */
export class GoalStateError extends Error {
  override name = 'GoalStateError';
  constructor(
    readonly goalIdHex: string,
    readonly status: number,
    readonly event: GoalEvent | 'publishFeedback',
  ) {
    super(
      event === 'publishFeedback'
        ? `goal ${goalIdHex} is ${goalStatusName(status)}: feedback can only be published while it is active`
        : `goal ${goalIdHex} is ${goalStatusName(status)}: '${event}' is not a legal transition from there`,
    );
  }
}
