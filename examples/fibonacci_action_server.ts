/**
 * The actions tutorial's server ("Writing an action server and client"): the `fibonacci` action
 * (example_interfaces/action/Fibonacci). A goal of order N is computed one number a second, each
 * partial sequence published as feedback and logged, then the sequence is the result. Unlike the
 * tutorial's Python server (whose single-threaded executor cannot take a cancel request while a
 * goal sleeps), it accepts cancel requests, as the tutorial's C++ server does. Ctrl+C shuts down.
 *
 *   node dist/examples/fibonacci_action_server.js
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ActionServer, Context } from 'ros2ts';

const context = await Context.create();
const node = context.createNode('fibonacci_action_server');

/** Python's str() of an array.array('i'), as the tutorial logs the sequence. */
const str = (sequence: readonly number[]) => `array('i', [${sequence.join(', ')}])`;

new ActionServer(node, 'example_interfaces/action/Fibonacci', 'fibonacci', {
  onCancel: () => {
    node.logger.info('Received request to cancel goal');
    return 'accept';
  },
  execute: async (goal) => {
    node.logger.info('Executing goal...');
    const sequence = [0, 1];
    for (let i = 1; i < goal.goal.order; i++) {
      sequence.push(sequence[i]! + sequence[i - 1]!);
      node.logger.info(`Feedback: ${str(sequence)}`);
      goal.publishFeedback({ sequence });
      // Waits a second, or less if the goal is canceled (or the node shuts down) meanwhile.
      await sleep(1000, undefined, { signal: goal.signal }).catch(() => {});
      if (goal.isCancelRequested) {
        node.logger.info('Goal canceled');
        goal.canceled({ sequence });
        return;
      }
      if (!goal.isActive) return;
    }
    return { sequence };
  },
});
node.logger.info('fibonacci action server ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void context.shutdown());
}
