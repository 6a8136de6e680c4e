/**
 * Calls turtlesim's `/spawn` (turtlesim/srv/Spawn) for a turtle named foxy_turtle at (2, 2) and
 * prints the name turtlesim gave it; exits 1 with the reason if no turtlesim answers in time.
 *
 *   node dist/examples/spawn_turtle.js [--timeout <ms>]
 */
import { Context } from 'ros2ts';

const i = process.argv.indexOf('--timeout');
const timeout = i > 0 ? Number(process.argv[i + 1]) : 5_000;

const context = await Context.create();
const node = context.createNode('spawn_turtle');
const spawn = node.createClient('turtlesim/srv/Spawn', '/spawn');
try {
  await spawn.waitForService({ timeout });
  const { name } = await spawn.call({ x: 2, y: 2, theta: 0, name: 'foxy_turtle' }, { timeout });
  console.log(`spawned ${name}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await context.shutdown();
}
