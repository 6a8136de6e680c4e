/**
 * `npm start`: the ROS 2 services tutorial as a story in one terminal, on ros2ts processes only.
 * It starts turtlesim (with its web view), lists the services, spawns foxy_turtle, starts the
 * draw_circle server, calls it from the client, and prints where to watch the circle being drawn.
 * Ctrl+C ends every process it started.
 *
 * Unless ROS_AUTOMATIC_DISCOVERY_RANGE is set, the story stays on this host (LOCALHOST): a demo
 * has no business on the LAN. Set it (e.g. SUBNET) to let real ROS 2 nodes join in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const cli = join(root, 'dist/src/cli/main.js');
const example = (name: string) => join(root, 'dist/examples', `${name}.js`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ROS_AUTOMATIC_DISCOVERY_RANGE: process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'] ?? 'LOCALHOST',
};
const children = new Set<ChildProcess>();

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

function start(args: string[], label: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const relay = (d: Buffer) => {
    out += d.toString();
    for (const line of d.toString().split('\n')) if (line) process.stdout.write(`  [${label}] ${line}\n`);
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  child.on('exit', () => children.delete(child));
  return { child, output: () => out };
}

async function run(args: string[], label: string): Promise<number | null> {
  const { child } = start(args, label);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

async function waitFor(
  output: () => string,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = output().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopAll(): Promise<void> {
  const exits = [...children].map((c) => new Promise<void>((r) => c.once('exit', () => r())));
  for (const c of children) c.kill('SIGINT');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 3000))]);
  for (const c of children) c.kill('SIGKILL');
}

async function main(): Promise<void> {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      say('stopping every process of the tutorial');
      void stopAll().then(() => process.exit(0));
    });
  }
  say(
    `ros2ts services tutorial (domain ${env['ROS_DOMAIN_ID'] ?? '0'}, discovery range ${env['ROS_AUTOMATIC_DISCOVERY_RANGE']})`,
  );
  say('1. start turtlesim:  ros2ts run turtlesim turtlesim_node');
  const sim = start([cli, 'run', 'turtlesim', 'turtlesim_node'], 'turtlesim');
  const [, url] = await waitFor(sim.output, /turtlesim window: (\S+)/, 15_000, 'turtlesim starting');

  say('2. list its services:  ros2ts service list -t');
  await run([cli, 'service', 'list', '-t'], 'service list');

  say(
    '3. spawn a turtle:  ros2ts service call /spawn turtlesim/srv/Spawn "{x: 2, y: 2, theta: 0, name: \'foxy_turtle\'}"',
  );
  await run(
    [cli, 'service', 'call', '/spawn', 'turtlesim/srv/Spawn', "{x: 2, y: 2, theta: 0, name: 'foxy_turtle'}"],
    'service call',
  );

  say('4. start the draw_circle server:  node dist/examples/my_service_server.js');
  const server = start([example('my_service_server')], 'my_service_server');
  await waitFor(server.output, /draw_circle service ready/, 15_000, 'the draw_circle server starting');

  say('5. call it from the client:  node dist/examples/my_service_client.js');
  const code = await run([example('my_service_client')], 'my_service_client');
  if (code !== 0) throw new Error(`the client exited with code ${code}`);

  if (stopping) return;
  say(`turtle1 is drawing a circle: watch it at ${url}  (Ctrl+C ends the tutorial)`);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\ntutorial failed: ${(error as Error).message}\n`);
  await stopAll();
  process.exit(1);
});
