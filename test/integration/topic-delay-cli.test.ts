/**
 * `ros2ts topic delay` (the compiled binary) against ros2ts publishers, with ros2topic's
 * verb/delay.py (Jazzy) output and exit codes, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/topic-delay-cli.test.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import type { Node } from '../../src/nodes/node.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';

const DOMAIN = 47;
const cli = cliRunner(DOMAIN);
/** What the /pose publisher stamps its messages with: this long before it sends them. */
const LAG_MS = 250;

let context: Context;
let node: Node;

function stampMsAgo(ms: number): { sec: number; nanosec: number } {
  const ns = BigInt(Math.round((Date.now() - ms) * 1e6));
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  assertSandboxed('test/integration/topic-delay-cli.test.ts');
  const build = buildDist();
  context = await Context.create({ discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] } });
  node = context.createNode('stamper', quiet);
  const pose = node.createPublisher('geometry_msgs/msg/PoseStamped', '/pose');
  node.createTimer(50, () => pose.publish({ header: { stamp: stampMsAgo(LAG_MS), frame_id: 'map' } }));
  const chatter = node.createPublisher('std_msgs/msg/String', '/chatter');
  node.createTimer(100, () => chatter.publish({ data: 'hello' }));
  await build;
}, 120_000);
afterEach(() => cli.killChildren());
afterAll(() => context?.shutdown());

describe('ros2ts topic delay', () => {
  it('prints the delay of header.stamp once a second over the window, until Ctrl+C', async () => {
    const run = cli.start(['topic', 'delay', '/pose', '-w', '3']);
    await until(() => (run.stdout().match(/^average delay/gm) ?? []).length >= 2, 15_000, 'two delay lines');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    const lines = [
      ...r.stdout.matchAll(
        /^average delay: (-?\d+\.\d{3})\n\tmin: (-?\d+\.\d{3})s max: (-?\d+\.\d{3})s std dev: (\d+\.\d{5})s window: (\d+)$/gm,
      ),
    ];
    // Every line has the format, and nothing else is printed (the messages keep coming).
    expect(lines.length * 2).toBe(r.stdout.split('\n').length - 1);
    const last = lines.at(-1)!;
    // 20 messages a second, the window 3: full after the first second.
    expect(last[5]).toBe('3');
    const [mean, min, max] = [Number(last[1]), Number(last[2]), Number(last[3])];
    expect(min).toBeLessThanOrEqual(mean);
    expect(mean).toBeLessThanOrEqual(max);
    expect(mean).toBeGreaterThanOrEqual(LAG_MS / 1000 - 0.001);
    expect(mean).toBeLessThan(LAG_MS / 1000 + 0.2);
  }, 30_000);

  it('says "no new messages" once the publisher stops', async () => {
    const burst = node.createPublisher('geometry_msgs/msg/PoseStamped', '/burst');
    try {
      const run = cli.start(['topic', 'delay', '/burst']);
      // sensor-data QoS is volatile: publish once the command's subscription has matched.
      await until(() => burst.subscriptionCount > 0, 15_000, 'the delay subscription');
      for (let i = 0; i < 5; i++) {
        burst.publish({ header: { stamp: stampMsAgo(LAG_MS), frame_id: '' } });
        await new Promise((r) => setTimeout(r, 20));
      }
      await until(() => run.stdout().includes('no new messages\n'), 10_000, 'no new messages');
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(0);
      // A tick of the 1 s timer may fall within the burst: then a line before the one of all 4.
      expect(r.stdout).toMatch(
        /^(average delay: \d+\.\d{3}\n\tmin: \d+\.\d{3}s max: \d+\.\d{3}s std dev: \d+\.\d{5}s window: [1-4]\n){0,2}average delay: \d+\.\d{3}\n\tmin: \d+\.\d{3}s max: \d+\.\d{3}s std dev: \d+\.\d{5}s window: 4\n(no new messages\n)+$/,
      );
    } finally {
      burst.destroy();
    }
  }, 30_000);

  it('ends with "msg does not have header" (exit 1) on a type without a header', async () => {
    expect(await cli.run('topic', 'delay', '/chatter')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'msg does not have header\n',
    });
  }, 20_000);

  it('waits for a topic nobody publishes, saying so, until Ctrl+C; refuses a window that is not positive', async () => {
    // hz and bw wait for the type the same way (ros2topic's get_msg_class(blocking=True)).
    const runs = ['delay', 'hz', 'bw'].map((verb) => cli.start(['topic', verb, '/nothing']));
    await until(() => runs.every((r) => r.stdout().length > 0), 10_000, 'the warnings');
    for (const r of runs) r.child.kill('SIGINT');
    for (const r of runs) {
      expect(await r.done).toMatchObject({
        code: 0,
        stdout: 'WARNING: topic [/nothing] does not appear to be published yet\n',
      });
    }
    const bad = await cli.run('topic', 'delay', '/pose', '--window', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('value must be a positive integer');
  }, 20_000);
});
