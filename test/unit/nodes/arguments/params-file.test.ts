/**
 * Params files and `-p` values as rcl_yaml_param_parser types them, and a node's share of them as
 * rclcpp picks it. The files of ros2/rcl `rcl/test/resources/test_arguments/test_parameters.{1,2}.yaml`
 * and the expectations of `test_arguments.cpp` (test_param_overrides) are reproduced here.
 */
import { describe, expect, it } from 'vitest';
import {
  nodeEntryMatches,
  overridesForNode,
  ParameterOverrideSet,
  ParamsFileError,
  parseParamsFile,
  typeScalar,
} from '../../../../src/nodes/arguments/params-file.js';
import { parseRosArguments } from '../../../../src/nodes/arguments/parse.js';

const TEST_PARAMETERS_1 = `some_node:
  ros__parameters:
    int_param: 1
    param_group:
      string_param: foo
`;
const TEST_PARAMETERS_2 = `some_node:
  ros__parameters:
    int_param: 3
another_node:
  ros__parameters:
    double_param: 1.0
    param_group:
      bool_array_param: [true, false, false]
`;
const files: Record<string, string> = { '1.yaml': TEST_PARAMETERS_1, '2.yaml': TEST_PARAMETERS_2 };
const readFile = (p: string) => files[p] as string;

describe('typing a scalar as rcl does (parse.c get_value)', () => {
  it.each([
    ['yes', { type: 'bool', value: true }],
    ['On', { type: 'bool', value: true }],
    ['n', { type: 'bool', value: false }],
    ['OFF', { type: 'bool', value: false }],
    ['42', { type: 'integer', value: 42n }],
    ['-7', { type: 'integer', value: -7n }],
    ['0x1F', { type: 'integer', value: 31n }],
    ['010', { type: 'integer', value: 8n }],
    ['9223372036854775807', { type: 'integer', value: 9223372036854775807n }],
    ['9223372036854775808', { type: 'double', value: 2 ** 63 }],
    ['08', { type: 'double', value: 8 }],
    ['1.5', { type: 'double', value: 1.5 }],
    ['1e3', { type: 'double', value: 1000 }],
    ['-.inf', { type: 'double', value: -Infinity }],
    ['1e999', { type: 'string', value: '1e999' }],
    ['0x', { type: 'string', value: '0x' }],
    ['hello world', { type: 'string', value: 'hello world' }],
  ])('%s', (text, value) => {
    expect(typeScalar(text, false)).toEqual(value);
  });

  it('keeps quoted and !!str scalars as strings, and .nan a double', () => {
    expect(typeScalar('5', true)).toEqual({ type: 'string', value: '5' });
    expect(typeScalar('true', false, 'tag:yaml.org,2002:str')).toEqual({ type: 'string', value: 'true' });
    const nan = typeScalar('.NaN', false);
    expect(nan.type).toBe('double');
    expect(Number.isNaN(nan.value)).toBe(true);
  });
});

describe('params files', () => {
  it('nests node names as namespaces, parameter maps as dotted names, and types arrays', () => {
    const set = parseParamsFile(`robot:
  camera:
    ros__parameters:
      fps: 30
      exposure: { auto: true, value: 0.5 }
      names: ['a', b]
/robot/lidar:
  ros__parameters:
    ranges: [1.0, 2.5]
    ids: [1, 2]
/**:
  ros__parameters:
    use_sim_time: false
`);
    expect(set.entries.map((e) => e.node)).toEqual(['robot/camera', '/robot/lidar', '/**']);
    expect(Object.fromEntries(set.entries[0]!.parameters)).toEqual({
      fps: { type: 'integer', value: 30n },
      'exposure.auto': { type: 'bool', value: true },
      'exposure.value': { type: 'double', value: 0.5 },
      names: { type: 'string_array', value: ['a', 'b'] },
    });
    expect(Object.fromEntries(set.entries[1]!.parameters)).toEqual({
      ranges: { type: 'double_array', value: [1, 2.5] },
      ids: { type: 'integer_array', value: [1n, 2n] },
    });
  });

  it.each([
    ['ros__parameters:\n  a: 1\n', 'There are no node names before ros__parameters at line 1'],
    [
      'n:\n  ros__parameters:\n    a: [1, x]\n',
      "Sequence should be of same type. Value type 'string' do not belong at line_num 3",
    ],
    ['n:\n  ros__parameters:\n    a: &x 1\n    b: *x\n', 'Will not support aliasing at line 4\n'],
    ['n:\n  ros__parameters:\n    a:\n', 'No value at line 3'],
    ['n:\n  ros__parameters:\n    a: [1\n', 'Error parsing a event near line 4'],
    ['1n:\n  ros__parameters:\n    a: 1\n', 'node name must not start with a number'],
    ['/a//n:\n  ros__parameters:\n    a: 1\n', '/a// contains repeated forward slash'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseParamsFile(text)).toThrow(ParamsFileError);
    expect(() => parseParamsFile(text)).toThrow(message);
  });
});

describe("a node's overrides", () => {
  it('matches node names with /* and /** as rclcpp does', () => {
    expect(nodeEntryMatches('/**', '/talker')).toBe(true);
    expect(nodeEntryMatches('/**', '/a/b/talker')).toBe(true);
    expect(nodeEntryMatches('/*', '/talker')).toBe(true);
    expect(nodeEntryMatches('/*', '/a/talker')).toBe(false);
    expect(nodeEntryMatches('/a/*', '/a/talker')).toBe(true);
    expect(nodeEntryMatches('/**/talker', '/x/y/talker')).toBe(true);
    expect(nodeEntryMatches('/**/talker', '/talker')).toBe(true);
    expect(nodeEntryMatches('talker', '/talker')).toBe(true);
    expect(nodeEntryMatches('talker', '/ns/talker')).toBe(false);
    expect(nodeEntryMatches('ns/talker', '/ns/talker')).toBe(true);
  });

  it('gives -p and files one list in argument order (test_param_overrides)', () => {
    const args = parseRosArguments(
      [
        '--ros-args',
        '--params-file',
        '1.yaml',
        '--param',
        'string_param:=bar',
        '-p',
        'some.bool_param:=false',
        '-p',
        'some_node:int_param:=4',
      ],
      { readFile },
    );
    const set = args.parameterOverrides;
    expect(set.entries.map((e) => e.node)).toEqual(['some_node', '/**']);
    expect(set.entry('/**').parameters.get('string_param')).toEqual({ type: 'string', value: 'bar' });
    expect(set.entry('/**').parameters.get('some.bool_param')).toEqual({ type: 'bool', value: false });
    expect(set.entry('some_node').parameters.get('int_param')).toEqual({ type: 'integer', value: 4n });
    expect(set.entry('some_node').parameters.get('param_group.string_param')).toEqual({
      type: 'string',
      value: 'foo',
    });
  });

  it('lets a later file replace an earlier one, and keeps each node to its own', () => {
    const set = parseRosArguments(['--ros-args', '--params-file', '1.yaml', '--params-file', '2.yaml'], {
      readFile,
    }).parameterOverrides;
    const some = overridesForNode([set], '/some_node');
    expect(some.get('int_param')).toEqual({ type: 'integer', value: 3n });
    expect(some.get('param_group.string_param')).toEqual({ type: 'string', value: 'foo' });
    expect(some.has('double_param')).toBe(false);
    expect(overridesForNode([set], '/another_node').get('param_group.bool_array_param')).toEqual({
      type: 'bool_array',
      value: [true, false, false],
    });
    expect(overridesForNode([set], '/ns/some_node').size).toBe(0);
  });

  it('takes entries in the order their names first appeared, and sets later in precedence', () => {
    // `/**` appears first, so the node's own entry wins even over a later -p (rcl keeps one list).
    const set = new ParameterOverrideSet();
    parseParamsFile('/**:\n  ros__parameters:\n    x: 1\n/n:\n  ros__parameters:\n    x: 2\n', set);
    const later = parseRosArguments(['--ros-args', '-p', 'x:=3']).parameterOverrides;
    expect(overridesForNode([set], '/n').get('x')).toEqual({ type: 'integer', value: 2n });
    expect(overridesForNode([set], '/m').get('x')).toEqual({ type: 'integer', value: 1n });
    // A later set (a node's own arguments after the context's) wins whatever its entry.
    expect(overridesForNode([set, later], '/n').get('x')).toEqual({ type: 'integer', value: 3n });
  });

  it('reads -p values as YAML', () => {
    const set = parseRosArguments([
      '--ros-args',
      '-p',
      "s:='5'",
      '-p',
      'l:=[a, b]',
      '-p',
      'f:=2.0',
      '-p',
      'b:=true',
      '-p',
      'w:=hello world',
    ]).parameterOverrides;
    expect(Object.fromEntries(set.entry('/**').parameters)).toEqual({
      s: { type: 'string', value: '5' },
      l: { type: 'string_array', value: ['a', 'b'] },
      f: { type: 'double', value: 2 },
      b: { type: 'bool', value: true },
      w: { type: 'string', value: 'hello world' },
    });
    expect(() => parseRosArguments(['--ros-args', '-p', 'm:={a: 1}'])).toThrow(
      "Couldn't parse parameter override rule: '-p m:={a: 1}'. Error: Unknown YAML event",
    );
  });
});
