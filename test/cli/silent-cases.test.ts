/**
 * The CLI's silent cases of issue 13, fed bad input as a user would: each must fail at once
 * with a message that names the problem, or say what it is waiting for and how to stop.
 *
 *   scripts/netns-run npx vitest run test/cli/silent-cases.test.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/index.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

const DOMAIN = 19;
const cli = cliRunner(DOMAIN);
let context: Context;

beforeAll(async () => {
  assertSandboxed('test/cli/silent-cases.test.ts');
  await buildDist();
  context = await Context.create({ discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] } });
  // A server that never answers.
  context
    .createNode('mute_server', { logSink: () => {} })
    .createService('std_srvs/srv/Trigger', '/mute', () => new Promise<never>(() => {}));
}, 120_000);

afterEach(() => cli.killChildren());
afterAll(async () => context?.shutdown());

describe('ros2ts CLI: no silent waits', () => {
  it('topic pub with a value its type cannot hold fails at once, without waiting for a subscriber', async () => {
    const r = await cli.run('topic', 'pub', '--once', '/nobody', 'std_msgs/msg/UInt8', '{data: 300}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Failed to populate field: .*data/);
    expect(r.stdout).not.toMatch(/Waiting for at least/);
  });

  it('service call without --timeout to a server that does not answer says it is waiting, and Ctrl+C stops it', async () => {
    const call = cli.start(['service', 'call', '/mute', 'std_srvs/srv/Trigger']);
    await until(
      () => call.stderr().includes('still waiting for the response of /mute'),
      15_000,
      'the notice',
    );
    expect(call.stderr()).toMatch(/no --timeout given; Ctrl\+C stops/);
    call.child.kill('SIGINT');
    expect((await call.done).code).toBe(130);
  }, 30_000);

  it('topic echo --timeout on a topic that never publishes says so on stderr (exit 0, as ros2)', async () => {
    const r = await cli.run('topic', 'echo', '--once', '--timeout', '1', '/silence', 'std_msgs/msg/String');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no message on \/silence within 1 s \(--timeout\)/);
  });

  it('an unknown ROS_AUTOMATIC_DISCOVERY_RANGE is named on stderr', async () => {
    const r = await cli.start(['topic', 'list'], { ROS_AUTOMATIC_DISCOVERY_RANGE: 'localhst' }).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/invalid ROS_AUTOMATIC_DISCOVERY_RANGE="localhst".*assuming LOCALHOST/);
  });
});
