/**
 * The services tutorial's client: waits for `draw_circle`, calls it once, prints the answer and
 * exits. Where the tutorial's client would wait forever, this one gives up after a timeout and
 * says why (exit code 1).
 *
 *   node dist/examples/my_service_client.js [--timeout <ms>]
 */
import { Context, TimeoutError } from 'ros2ts';

const i = process.argv.indexOf('--timeout');
const timeout = i > 0 ? Number(process.argv[i + 1]) : 5_000;

const context = await Context.create();
const node = context.createNode('my_service_client');
const client = node.createClient('std_srvs/srv/Trigger', 'draw_circle');
try {
  node.logger.info('waiting for service draw_circle...');
  await client.waitForService({ timeout });
  const response = await client.call({}, { timeout });
  node.logger.info(`Result: success=${response.success}, message='${response.message}'`);
} catch (error) {
  node.logger.error(error instanceof TimeoutError ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await context.shutdown();
}
