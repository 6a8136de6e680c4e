/**
 * `ros2ts param describe | delete | load | dump` run as a user runs them, against ros2ts nodes made
 * here, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/cli/param.test.ts
 *
 * Expected text is ros2param's (ros2cli jazzy): `ros2param/verb/describe.py` (_print_descriptor),
 * `verb/delete.py` ("Deleted parameter successfully" / "Deleting parameter failed: <reason>"),
 * `api/__init__.py` load_parameter_file ("Set parameter <name> successful" / "... failed:
 * <reason>"), `verb/dump.py` (no --output-dir nor --print since Iron). The reasons are the node's
 * (rclcpp's wording, src/nodes/parameters/store.ts). Where ros2param prints a refusal and exits 0,
 * ros2ts exits 1 (see src/cli/verbs/param.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context, type Node } from '../../src/index.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { assertSandboxed } from '../support/sandbox.js';

const DOMAIN = 16;
const cli = cliRunner(DOMAIN);
const quiet = { logSink: () => {} };
const lines = (...l: string[]) => `${l.join('\n')}\n`;

let context: Context;
let target: Node;
let dir: string;

/** A parameter file in the test's directory. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  assertSandboxed('test/cli/param.test.ts');
  dir = mkdtempSync(join(tmpdir(), 'ros2ts-param-'));
  const build = buildDist();
  context = await Context.create({ discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] } });
  target = context.createNode('target', { ...quiet, namespace: '/ns' });
  target.declareParameter('speed', 1.5, {
    description: 'Speed in m/s',
    additionalConstraints: 'multiples of 0.5',
    floatingPointRange: { fromValue: 0, toValue: 10, step: 0.5 },
  });
  target.declareParameter('gain', 7n, { integerRange: { fromValue: -5n, toValue: 100n } });
  target.declareParameter('mode', 'auto', { readOnly: true });
  target.declareParameter('label', 'demo');
  target.declareParameter('scratch', 'temporary', { dynamicTyping: true });
  await build;
}, 180_000);

afterEach(() => cli.killChildren());

afterAll(async () => {
  await context?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ros2ts param describe', () => {
  it('prints each descriptor as _print_descriptor does; an unknown name prints nothing (exit 0)', async () => {
    const [described, unknown, absent] = await Promise.all([
      cli.run('param', 'describe', '/ns/target', 'speed', 'gain', 'mode', 'label'),
      cli.run('param', 'describe', '/ns/target', 'speed', 'nope'),
      cli.run('param', 'describe', '/ns/nobody', 'speed'),
    ]);
    expect(described).toMatchObject({ code: 0, stderr: '' });
    expect(described.stdout).toBe(
      lines(
        'Parameter name: speed',
        '  Type: double',
        '  Description: Speed in m/s',
        '  Constraints:',
        '    Min value: 0.0',
        '    Max value: 10.0',
        '    Step: 0.5',
        '    Additional constraints: multiples of 0.5',
        'Parameter name: gain',
        '  Type: integer',
        '  Constraints:',
        '    Min value: -5',
        '    Max value: 100',
        'Parameter name: mode',
        '  Type: string',
        '  Constraints:',
        '    Read only: true',
        'Parameter name: label',
        '  Type: string',
        '  Constraints:',
      ),
    );
    // rclcpp answers describe_parameters with no descriptors when one name is unknown.
    expect(unknown).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(absent).toMatchObject({ code: 1, stdout: '', stderr: 'Node not found\n' });
  });
});

describe('ros2ts param delete', () => {
  it('undeclares a dynamically typed parameter, and reports the refusals of the node', async () => {
    const deleted = await cli.run('param', 'delete', '/ns/target', 'scratch');
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted parameter successfully\n', stderr: '' });
    expect(target.parameters.has('scratch')).toBe(false);

    const [staticTyped, readOnly, undeclared, absent] = await Promise.all([
      cli.run('param', 'delete', '/ns/target', 'label'),
      cli.run('param', 'delete', '/ns/target', 'mode'),
      cli.run('param', 'delete', 'ns/target', 'nope'),
      cli.run('param', 'delete', '/ns/nobody', 'label'),
    ]);
    expect(staticTyped).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Deleting parameter failed: cannot undeclare a statically typed parameter\n',
    });
    expect(readOnly).toMatchObject({
      code: 1,
      stderr: "Deleting parameter failed: parameter 'mode' cannot be set because it is read-only\n",
    });
    expect(undeclared).toMatchObject({
      code: 1,
      stderr: "Deleting parameter failed: parameter 'nope' cannot be set because it was not declared\n",
    });
    expect(absent).toMatchObject({ code: 1, stderr: 'Node not found\n' });
    expect(target.parameters.get('label')).toEqual({ type: 'string', value: 'demo' });
  });

  it('takes one name, as ros2param delete does', async () => {
    const r = await cli.run('param', 'delete', '/ns/target', 'label', 'gain');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too many arguments/);
  });
});

describe('ros2ts param load', () => {
  it('sets /** then the node entry, printing one line per parameter; refusals go to stderr, exit 1', async () => {
    const path = file(
      'load.yaml',
      [
        '/**:',
        '  ros__parameters:',
        '    label: from wildcard',
        '    gain: 11',
        '/ns/target:',
        '  ros__parameters:',
        '    label: from node',
        '    speed: 2.5',
        '/other:',
        '  ros__parameters:',
        '    speed: 9.5',
        '',
      ].join('\n'),
    );
    const ok = await cli.run('param', 'load', '/ns/target', path);
    expect(ok).toMatchObject({
      code: 0,
      stdout: lines(
        'Set parameter label successful',
        'Set parameter gain successful',
        'Set parameter speed successful',
      ),
      stderr: '',
    });
    expect(target.parameters.get('label')).toEqual({ type: 'string', value: 'from node' });
    expect(target.parameters.get('gain')).toEqual({ type: 'integer', value: 11n });
    expect(target.parameters.get('speed')).toEqual({ type: 'double', value: 2.5 });

    const noWildcard = await cli.run(
      'param',
      'load',
      '/ns/target',
      file(
        'node-only.yaml',
        '/**:\n  ros__parameters:\n    gain: 12\n/ns/target:\n  ros__parameters:\n    gain: 13\n',
      ),
      '--no-use-wildcard',
    );
    expect(noWildcard).toMatchObject({ code: 0, stdout: 'Set parameter gain successful\n' });
    expect(target.parameters.get('gain')).toEqual({ type: 'integer', value: 13n });

    const refused = await cli.run(
      'param',
      'load',
      'ns/target',
      file(
        'refused.yaml',
        '/ns/target:\n  ros__parameters:\n    gain: 500\n    mode: manual\n    speed: fast\n    label: ok\n',
      ),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('Set parameter label successful\n');
    expect(refused.stderr).toBe(
      lines(
        "Set parameter gain failed: Parameter {gain} doesn't comply with integer range.",
        "Set parameter mode failed: parameter 'mode' cannot be set because it is read-only",
        'Set parameter speed failed: Wrong parameter type, parameter {speed} is of type {double}, ' +
          'setting it to {string} is not allowed.',
      ),
    );
  });
});

describe('ros2ts param load: bad input', () => {
  it('names a missing file, YAML rcl would not read, a file for other nodes, an absent node; exit 1', async () => {
    const missing = join(dir, 'missing.yaml');
    const bad = file('bad.yaml', '/ns/target:\n  ros__parameters:\n    gain: [1, 2\n');
    const mixed = file('mixed.yaml', '/ns/target:\n  ros__parameters:\n    gain: [1, x]\n');
    const others = file('others.yaml', '/other:\n  ros__parameters:\n    gain: 1\n');
    const good = file('good.yaml', '/ns/target:\n  ros__parameters:\n    gain: 1\n');
    const [r1, r2, r3, r4, r5] = await Promise.all([
      cli.run('param', 'load', '/ns/target', missing),
      cli.run('param', 'load', '/ns/target', bad),
      cli.run('param', 'load', '/ns/target', mixed),
      cli.run('param', 'load', '/ns/target', others),
      cli.run('param', 'load', '/ns/nobody', good),
    ]);
    // Python's FileNotFoundError, as open() in rclpy's parameter_dict_from_yaml_file raises it.
    expect(r1).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `[Errno 2] No such file or directory: '${missing}'\n`,
    });
    // rcl_yaml_param_parser's messages (parse.c / parser.c).
    expect(r2).toMatchObject({
      code: 1,
      stderr: `Failed to parse parameter file '${bad}': Error parsing a event near line 4\n`,
    });
    expect(r3).toMatchObject({
      code: 1,
      stderr: `Failed to parse parameter file '${mixed}': Sequence should be of same type. Value type 'string' do not belong at line_num 3\n`,
    });
    // rclpy parameter_dict_from_yaml_file with a target node.
    expect(r4).toMatchObject({
      code: 1,
      stderr: "Param file does not contain parameters for /ns/target,only for nodes: ['/other'] \n",
    });
    expect(r5).toMatchObject({ code: 1, stderr: 'Node not found\n' });
    expect(target.parameters.get('gain')).not.toEqual({ type: 'integer', value: 1n });
  });
});

describe('ros2ts param dump, read back by param load and by --params-file', () => {
  it('prints the YAML of yaml.dump; --output-dir and --print are gone (Iron and later)', async () => {
    const keeper = context.createNode('keeper', { ...quiet, namespace: '/ns' });
    keeper.declareParameter('count', 3n);
    keeper.declareParameter('flags', [true, false]);
    keeper.declareParameter('ids', [1n, 2n]);
    keeper.declareParameter('names', ['a', 'b c']);
    keeper.declareParameter('pid.kp', 0.5);
    keeper.declareParameter('pid.ki', 2n);
    keeper.declareParameter('ratio', 1e-6);
    keeper.declareParameter('text_number', '7');
    keeper.declareParameter('yes_word', 'yes');
    const dump = await cli.run('param', 'dump', '/ns/keeper');
    // What PyYAML's yaml.dump(default_flow_style=False) writes for these values: keys sorted,
    // strings that would read as numbers or booleans quoted, 1e-06 as 1.0e-06 (represent_float).
    const expected = lines(
      '/ns/keeper:',
      '  ros__parameters:',
      '    count: 3',
      '    flags:',
      '    - true',
      '    - false',
      '    ids:',
      '    - 1',
      '    - 2',
      '    names:',
      '    - a',
      '    - b c',
      '    pid:',
      '      ki: 2',
      '      kp: 0.5',
      '    ratio: 1.0e-06',
      "    text_number: '7'",
      '    use_sim_time: false',
      "    yes_word: 'yes'",
      '',
    );
    expect(dump).toMatchObject({ code: 0, stdout: expected, stderr: '' });
    const dumped = file('keeper.yaml', dump.stdout);

    const [outputDir, print] = await Promise.all([
      cli.run('param', 'dump', '/ns/keeper', '--output-dir', dir),
      cli.run('param', 'dump', '/ns/keeper', '--print'),
    ]);
    expect(outputDir.code).toBe(2);
    expect(outputDir.stderr).toMatch(/unknown option '--output-dir'/);
    expect(print.code).toBe(2);
    expect(print.stderr).toMatch(/unknown option '--print'/);

    // Changed, then loaded back: every value as dumped.
    const original = Object.fromEntries(
      keeper.parameters.list().names.map((n) => [n, keeper.parameters.get(n)]),
    );
    const changed = keeper.parameters.set([
      { name: 'count', value: 4n },
      { name: 'flags', value: [false] },
      { name: 'ids', value: [9n] },
      { name: 'names', value: ['z'] },
      { name: 'pid.kp', value: 1.5 },
      { name: 'pid.ki', value: 5n },
      { name: 'ratio', value: 0.25 },
      { name: 'text_number', value: 'eight' },
      { name: 'yes_word', value: 'no' },
    ]);
    expect(changed.every((r) => r.successful)).toBe(true);
    const load = await cli.run('param', 'load', '/ns/keeper', dumped);
    expect(load).toMatchObject({
      code: 0,
      stderr: '',
      stdout: lines(
        ...[
          'count',
          'flags',
          'ids',
          'names',
          'pid.ki',
          'pid.kp',
          'ratio',
          'text_number',
          'use_sim_time',
          'yes_word',
        ].map((n) => `Set parameter ${n} successful`),
      ),
    });
    for (const [name, value] of Object.entries(original))
      expect(keeper.parameters.get(name), name).toEqual(value);

    // A node started with --params-file on the dump gets the same values over its defaults.
    const started = context.createNode('keeper', {
      ...quiet,
      namespace: '/ns',
      arguments: ['--ros-args', '--params-file', dumped],
      startParameterServices: false,
    });
    started.declareParameter('count', 0n);
    started.declareParameter('flags', [true]);
    started.declareParameter('ids', [0n]);
    started.declareParameter('names', ['']);
    started.declareParameter('pid.kp', 0.0);
    started.declareParameter('pid.ki', 0n);
    started.declareParameter('ratio', 0.0);
    started.declareParameter('text_number', '');
    started.declareParameter('yes_word', '');
    for (const [name, value] of Object.entries(original))
      expect(started.parameters.get(name), name).toEqual(value);
    started.destroy();
    keeper.destroy();
  });
});
