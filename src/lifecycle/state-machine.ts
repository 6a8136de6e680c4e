/**
 * The managed-node state machine as rcl_lifecycle and rclcpp_lifecycle run it, without sockets or
 * clocks: a transition moves the node into its transition state (configuring, activating...), the
 * callback registered for that state decides the way out (`transition_success`,
 * `transition_failure`, `transition_error`), and an error leads through errorprocessing, whose
 * own callback decides between unconfigured (success) and finalized (anything else).
 *
 * A callback that throws counts as an error (rclcpp catches and logs it); a state without a
 * callback succeeds. Every step is reported to `onStep` (the node's `~/transition_event`).
 */
import { InvalidTransitionError } from './errors.js';
import {
  ERROR_LABEL,
  ERRORPROCESSING,
  FAILURE_LABEL,
  type LifecycleState,
  type LifecycleTransition,
  SUCCESS_LABEL,
  transitionsFrom,
  UNCONFIGURED,
} from './states.js';

/** What a transition callback answers (rclcpp's CallbackReturn). */
export type CallbackResult = 'success' | 'failure' | 'error';

/**
 * Runs the callback of a transition state (`configuring`, ..., `errorprocessing`) with the state
 * the transition started from; a throw or rejection counts as 'error'.
 */
export type TransitionExecutor = (
  transitionState: LifecycleState,
  previous: LifecycleState,
) => CallbackResult | Promise<CallbackResult>;

export interface ChangeOutcome {
  /** The outcome of the transition's own callback (the service's `success` is `result === 'success'`). */
  readonly result: CallbackResult;
  /** The primary state the node is in afterwards. */
  readonly state: LifecycleState;
}

const LABEL_OF: Record<CallbackResult, string> = {
  success: SUCCESS_LABEL,
  failure: FAILURE_LABEL,
  error: ERROR_LABEL,
};

export class LifecycleStateMachine {
  private state: LifecycleState = UNCONFIGURED;

  constructor(
    private readonly execute: TransitionExecutor,
    private readonly onStep: (transition: LifecycleTransition) => void = () => {},
  ) {}

  get current(): LifecycleState {
    return this.state;
  }

  /** The transitions that leave the current state (`~/get_available_transitions`). */
  availableTransitions(): LifecycleTransition[] {
    return transitionsFrom(this.state);
  }

  transitionById(id: number): LifecycleTransition | undefined {
    return this.availableTransitions().find((t) => t.id === id);
  }

  /** The first transition with this label from the current state, as rcl looks labels up. */
  transitionByLabel(label: string): LifecycleTransition | undefined {
    return this.availableTransitions().find((t) => t.label === label);
  }

  /**
   * Takes one transition without running callbacks (rcl_lifecycle_trigger_transition_by_id).
   * Throws InvalidTransitionError if it does not leave the current state.
   */
  trigger(idOrLabel: number | string): LifecycleState {
    const t =
      typeof idOrLabel === 'number' ? this.transitionById(idOrLabel) : this.transitionByLabel(idOrLabel);
    if (!t) throw new InvalidTransitionError(idOrLabel, this.state);
    this.state = t.goal;
    this.onStep(t);
    return this.state;
  }

  /**
   * Takes a transition the way `~/change_state` does: into the transition state, its callback,
   * out by the callback's outcome, and through errorprocessing on an error. Throws
   * InvalidTransitionError (changing nothing) if the transition does not leave the current state,
   * which is also the case while another transition is under way.
   */
  async change(idOrLabel: number | string): Promise<ChangeOutcome> {
    const previous = this.state;
    const transitionState = this.trigger(idOrLabel);
    const result = await this.run(transitionState, previous);
    this.trigger(LABEL_OF[result]);
    if (result === 'error') {
      const recovery = await this.run(ERRORPROCESSING, previous);
      this.trigger(LABEL_OF[recovery]);
    }
    return { result, state: this.state };
  }

  private async run(transitionState: LifecycleState, previous: LifecycleState): Promise<CallbackResult> {
    try {
      const r = await this.execute(transitionState, previous);
      return r === 'success' || r === 'failure' ? r : 'error';
    } catch {
      return 'error';
    }
  }
}
