/**
 * ROS arguments and parameters of a ros2ts program as a real ROS 2 Jazzy sees them, over each RMW:
 * a ros2ts node started with `--ros-args -r __node:=… -p … --params-file …` is listed under its
 * new name by `ros2 node list` and has those values for `ros2 param get`; `ros2 param describe`,
 * `delete`, `load` and `dump` work on it; and `ros2ts param` prints what `ros2 param` prints.
 *
 *   ROS2_SETUP=/opt/ros/jazzy/setup.bash scripts/netns-run npx vitest run test/ros2/params.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSandboxed } from '../support/sandbox.js';
import {
  available,
  dist,
  ensureBuilt,
  type Finished,
  Processes,
  RMWS,
  type Rmw,
  ROS2TS,
  skipUnlessAvailable,
} from './real-ros2.js';

const FILE = 'test/ros2/params.test.ts';
/** Domains of their own (other test/ros2 files use 31 to 35 and 46 to 49). */
const DOMAINS: Record<Rmw, number> = { rmw_fastrtps_cpp: 50, rmw_cyclonedds_cpp: 51 };
const CLI_MS = 30_000;
const DAEMON_MS = 30_000;

/** The program under test: one node, its parameters declared as an rclcpp node would. */
const HOST = `
import { Context } from ${JSON.stringify(dist('src/nodes/context.js'))};
const context = await Context.create();
const node = context.createNode('param_host');
node.declareParameter('a', 0n);
node.declareParameter('from_file', 'unset');
node.declareParameter('everyone', false);
node.declareParameter('speed', 1.5, {
  description: 'how fast',
  floatingPointRange: { fromValue: 0, toValue: 2, step: 0 },
});
node.declareParameter('scratch', 'x', { dynamicTyping: true });
process.on('SIGINT', () => void context.shutdown().then(() => process.exit(0)));
`;

skipUnlessAvailable('ROS arguments and parameters of a ros2ts node seen by a real ROS 2');

describe.runIf(available).each(RMWS)('parameters of a ros2ts node over %s', (rmw) => {
  const domain = DOMAINS[rmw];
  const procs = new Processes();
  let dir: string;

  beforeAll(async () => {
    assertSandboxed(FILE);
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ros2-params-'));
    writeFileSync(join(dir, 'host.mjs'), HOST);
    writeFileSync(
      join(dir, 'start.yaml'),
      '/**:\n  ros__parameters:\n    everyone: true\n/renamed:\n  ros__parameters:\n    from_file: hello\n',
    );
    writeFileSync(join(dir, 'load.yaml'), '/renamed:\n  ros__parameters:\n    a: 5\n    speed: 1.0\n');
    const started = await procs.run(rmw, domain, 'ros2 daemon start', CLI_MS);
    expect(started.code, started.out).toBe(0);
    procs.start(
      rmw,
      domain,
      `node ${join(dir, 'host.mjs')} --ros-args -r __node:=renamed -p a:=1 --params-file ${join(dir, 'start.yaml')}`,
    );
    const since = Date.now();
    let nodes = '';
    while (!nodes.split('\n').includes('/renamed') && Date.now() - since < DAEMON_MS)
      nodes = (await procs.run(rmw, domain, 'ros2 node list', CLI_MS)).out;
    expect(nodes.split('\n')).toContain('/renamed');
  }, 120_000);
  afterAll(async () => {
    await procs.run(rmw, domain, 'ros2 daemon stop', CLI_MS);
    await procs.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (command: string): Promise<Finished> => procs.run(rmw, domain, command, CLI_MS);
  const ros2 = async (args: string): Promise<string> => {
    const r = await run(`ros2 ${args}`);
    expect(r.code, `ros2 ${args}: ${r.out}`).toBe(0);
    return r.out;
  };

  it("its --ros-args are rcl's: the remapped name, -p and --params-file values", async () => {
    expect(await ros2('param get /renamed a')).toBe('Integer value is: 1\n');
    expect(await ros2('param get /renamed from_file')).toBe('String value is: hello\n');
    expect(await ros2('param get /renamed everyone')).toBe('Boolean value is: True\n');
  }, 60_000);

  it('ros2 param describe, delete, load and dump work on it, and ros2ts param prints the same', async () => {
    const described = await ros2('param describe /renamed speed');
    expect(described).toContain('Parameter name: speed');
    expect(described).toContain('Description: how fast');
    const ours = await run(`${ROS2TS} param describe /renamed speed`);
    expect(ours.out).toBe(described);

    expect(await ros2('param delete /renamed scratch')).toBe('Deleted parameter successfully\n');
    expect((await ros2('param list /renamed')).split('\n').map((l) => l.trim())).not.toContain('scratch');

    expect(await ros2(`param load /renamed ${join(dir, 'load.yaml')}`)).toBe(
      'Set parameter a successful\nSet parameter speed successful\n',
    );
    expect(await ros2('param get /renamed a')).toBe('Integer value is: 5\n');
    const theirs = await ros2('param get /renamed speed');
    expect(theirs).toBe('Double value is: 1.0\n');
    expect((await run(`${ROS2TS} param get /renamed speed`)).out).toBe(theirs);

    const dump = await ros2('param dump /renamed');
    expect(dump).toContain('a: 5');
    expect((await run(`${ROS2TS} param dump /renamed`)).out).toBe(dump);
  }, 120_000);
});
