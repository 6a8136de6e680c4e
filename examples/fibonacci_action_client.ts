/**
 * The actions tutorial's client ("Writing an action server and client"): waits for the
 * `fibonacci` action server, sends a goal of order 10, logs each feedback and the result, and
 * exits. Where the tutorial's client would wait forever, this one gives up after a timeout (10 s,
 * as the tutorial's C++ client) and says why (exit code 1); it exits 1 too when the goal is
 * rejected, aborted or canceled.
 *
 *   node dist/examples/fibonacci_action_client.js [--timeout <ms>]
 */
import { ActionClient, Context, GoalRejectedError, GoalStatus, TimeoutError } from 'ros2ts';

const i = process.argv.indexOf('--timeout');
const timeout = i > 0 ? Number(process.argv[i + 1]) : 10_000;

/** Python's str() of an array.array('i'), as the tutorial logs the sequence. */
const str = (sequence: ArrayLike<number>) => `array('i', [${Array.from(sequence).join(', ')}])`;

const context = await Context.create();
const node = context.createNode('fibonacci_action_client');
const client = new ActionClient(node, 'example_interfaces/action/Fibonacci', 'fibonacci');
try {
  await client.waitForServer({ timeout });
  const goal = await client.sendGoal(
    { order: 10 },
    { timeout, onFeedback: (feedback) => node.logger.info(`Received feedback: ${str(feedback.sequence)}`) },
  );
  node.logger.info('Goal accepted :)');
  const { status, result } = await goal.result;
  node.logger.info(`Result: ${str(result.sequence)}`);
  if (status !== GoalStatus.SUCCEEDED) {
    node.logger.error(status === GoalStatus.CANCELED ? 'Goal was canceled' : 'Goal was aborted');
    process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof GoalRejectedError) node.logger.info('Goal rejected :(');
  else node.logger.error(error instanceof TimeoutError ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await context.shutdown();
}
