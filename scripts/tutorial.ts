/**
 * `npm start`: the ROS 2 services tutorial as a story in one terminal, on ros2ts processes only.
 * It starts turtlesim (with its web view), lists the services, spawns foxy_turtle, starts the
 * draw_circle server, calls it from the client, lets turtle1 close its circle, then (the actions
 * tutorial's first step) turns turtle1 with turtlesim's rotate_absolute action, printing the
 * feedback as it comes and the result, and prints where to watch. Ctrl+C ends every process it
 * started.
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

/** Rewrites (or drops, with undefined) each complete line a child prints. */
type LineFilter = (line: string) => string | undefined;

function start(
  args: string[],
  label: string,
  filter: LineFilter = (l) => l,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const relay = () => {
    let partial = '';
    return (d: Buffer) => {
      out += d.toString();
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const shown = line ? filter(line) : undefined;
        if (shown !== undefined) process.stdout.write(`  [${label}] ${shown}\n`);
      }
    };
  };
  child.stdout!.on('data', relay());
  child.stderr!.on('data', relay());
  child.on('exit', () => children.delete(child));
  return { child, output: () => out };
}

async function run(
  args: string[],
  label: string,
  filter?: LineFilter,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = start(args, label, filter);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, output: output() };
}

/** `ros2ts action send_goal --feedback` prints each feedback in three lines; one each reads better here. */
function foldFeedback(): LineFilter {
  let inFeedback = false;
  return (line) => {
    if (line === 'Feedback:') {
      inFeedback = true;
      return undefined;
    }
    if (!inFeedback) return line;
    inFeedback = false;
    return `Feedback: ${line.trim()}`;
  };
}

/**
 * How far turtle1 has turned, from the headings `ros2ts topic echo /turtle1/pose --field theta`
 * printed (one number per message, then `---`), each step unwrapped across +-pi.
 */
function turned(echoed: string): number {
  const headings = echoed
    .split('\n')
    .filter((l) => /^-?\d/.test(l))
    .map(Number);
  let total = 0;
  for (let i = 1; i < headings.length; i++) {
    const step = headings[i]! - headings[i - 1]!;
    total += step - 2 * Math.PI * Math.round(step / (2 * Math.PI));
  }
  return total;
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
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

  // Watched (quietly) to tell when the circle is closed: turtlesim's clock is its update count,
  // which falls behind the wall clock on a busy machine.
  const headings = start(
    [cli, 'topic', 'echo', '/turtle1/pose', '--field', 'theta'],
    'pose',
    () => undefined,
  );

  say('5. call it from the client:  node dist/examples/my_service_client.js');
  const { code } = await run([example('my_service_client')], 'my_service_client');
  if (code !== 0) throw new Error(`the client exited with code ${code}`);

  say(`6. turtle1 draws its circle (2 pi at 0.5 rad/s: 12.6 s): see it on ${url}`);
  await until(() => turned(headings.output()) >= 2 * Math.PI, 60_000, 'the circle');
  headings.child.kill('SIGINT');
  if (stopping) return;
  // Its velocity commands would abort the goal: turtlesim aborts a rotation on any cmd_vel.
  say('   then the draw_circle server stops (Ctrl+C), as any cmd_vel would abort the next step');
  server.child.kill('SIGINT');
  await new Promise((resolve) => server.child.once('exit', resolve));

  say(
    '7. turn turtle1 with its action:  ros2ts action send_goal /turtle1/rotate_absolute turtlesim/action/RotateAbsolute "{theta: 1.57}" --feedback',
  );
  const goal = await run(
    [
      cli,
      'action',
      'send_goal',
      '/turtle1/rotate_absolute',
      'turtlesim/action/RotateAbsolute',
      '{theta: 1.57}',
      '--feedback',
      '--timeout',
      '10',
    ],
    'action send_goal',
    foldFeedback(),
  );
  if (goal.code !== 0) throw new Error(`action send_goal exited with code ${goal.code}`);
  if (!goal.output.includes('Goal finished with status: SUCCEEDED'))
    throw new Error('the rotation did not succeed');

  if (stopping) return;
  say(`turtle1 drew its circle and turned to face up: watch it at ${url}  (Ctrl+C ends the tutorial)`);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\ntutorial failed: ${(error as Error).message}\n`);
  await stopAll();
  process.exit(1);
});
