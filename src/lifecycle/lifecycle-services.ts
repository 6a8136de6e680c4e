/**
 * A managed node's communication interface, as rcl_lifecycle makes it: `~/transition_event` and
 * the five `~/` services that `ros2 lifecycle` and nav2's lifecycle manager call.
 */
import type { Node } from '../nodes/node.js';
import type { Publisher } from '../nodes/publisher.js';
import { InvalidTransitionError } from './errors.js';
import type { LifecycleStateMachine } from './state-machine.js';
import {
  LIFECYCLE_STATES,
  LIFECYCLE_TRANSITIONS,
  type LifecycleState,
  type LifecycleTransition,
} from './states.js';

const stateMsg = (s: LifecycleState) => ({ id: s.id, label: s.label });
const descriptionMsg = (t: LifecycleTransition) => ({
  transition: { id: t.id, label: t.label },
  start_state: stateMsg(t.start),
  goal_state: stateMsg(t.goal),
});

export interface LifecycleInterface {
  /** Publishes one step of the state machine on `~/transition_event`. */
  publishStep(t: LifecycleTransition): void;
  destroy(): void;
}

export function startLifecycleInterface(node: Node, machine: LifecycleStateMachine): LifecycleInterface {
  const events: Publisher<'lifecycle_msgs/msg/TransitionEvent'> = node.createPublisher(
    'lifecycle_msgs/msg/TransitionEvent',
    '~/transition_event',
  );
  const services = [
    node.createService('lifecycle_msgs/srv/ChangeState', '~/change_state', async (req) => {
      // The label wins over the id when there is one: `ros2 service call` leaves the id 0.
      let id: number | string = req.transition.id;
      if (req.transition.label !== '') {
        const t = machine.transitionByLabel(req.transition.label);
        if (!t) return { success: false };
        id = t.id;
      }
      try {
        return { success: (await machine.change(id)).result === 'success' };
      } catch (e) {
        if (!(e instanceof InvalidTransitionError)) throw e;
        node.logger.error(e.message);
        return { success: false };
      }
    }),
    node.createService('lifecycle_msgs/srv/GetState', '~/get_state', () => ({
      current_state: stateMsg(machine.current),
    })),
    node.createService('lifecycle_msgs/srv/GetAvailableStates', '~/get_available_states', () => ({
      available_states: LIFECYCLE_STATES.map(stateMsg),
    })),
    node.createService('lifecycle_msgs/srv/GetAvailableTransitions', '~/get_available_transitions', () => ({
      available_transitions: machine.availableTransitions().map(descriptionMsg),
    })),
    node.createService('lifecycle_msgs/srv/GetAvailableTransitions', '~/get_transition_graph', () => ({
      available_transitions: LIFECYCLE_TRANSITIONS.map(descriptionMsg),
    })),
  ];
  return {
    publishStep(t) {
      if (node.isDestroyed) return;
      // rcl fills only the states; the transition and the time are filled here too, as they cost nothing.
      const ns = BigInt(Date.now()) * 1_000_000n;
      events.publish({ timestamp: ns, ...descriptionMsg(t) });
    },
    destroy() {
      for (const s of services) s.destroy();
      events.destroy();
    },
  };
}
