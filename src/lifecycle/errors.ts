/** Typed errors of managed (lifecycle) nodes. */
import type { LifecycleState } from './states.js';

/** A transition was asked for that does not leave the current state (rcl's wording). */
export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
  constructor(
    readonly transition: number | string,
    readonly state: LifecycleState,
  ) {
    super(`Unable to start transition ${transition} from current state ${state.label}`);
  }
}
