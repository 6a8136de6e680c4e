/**
 * The pure parts of `ros2ts param describe` and `param load`: the descriptor printout of ros2param's
 * `DescribeVerb._print_descriptor` (ros2cli jazzy, `ros2param/verb/describe.py`), and which
 * parameters a params file gives a node (ros2param `api/__init__.py` load_parameter_file, rclpy
 * `parameter.py` parameter_dict_from_yaml_file; the files and expectations of ros2cli jazzy
 * `ros2param/test/test_verb_load.py`). Expected text is written from those sources by hand.
 */
import { describe, expect, it } from 'vitest';
import { describeDescriptorLines } from '../../src/cli/parameter-descriptor-text.js';
import { ParameterFileSelectionError, parametersToLoad } from '../../src/cli/parameter-file.js';
import { ParamsFileError } from '../../src/nodes/arguments/index.js';

describe('param describe: _print_descriptor', () => {
  it('prints name, type, description, constraints and the first range as Python prints them', () => {
    expect(
      describeDescriptorLines({
        name: 'speed',
        type: 3,
        description: 'Speed in m/s',
        additional_constraints: 'even steps only',
        read_only: false,
        floating_point_range: [{ from_value: 0, to_value: 1e20, step: 0.5 }],
        integer_range: [],
      }),
    ).toEqual([
      'Parameter name: speed',
      '  Type: double',
      '  Description: Speed in m/s',
      '  Constraints:',
      '    Min value: 0.0',
      '    Max value: 1e+20',
      '    Step: 0.5',
      '    Additional constraints: even steps only',
    ]);
  });

  it('leaves out an empty description, a zero step and empty constraints; read only shows', () => {
    expect(
      describeDescriptorLines({
        name: 'gain',
        type: 2,
        description: '',
        additional_constraints: '',
        read_only: true,
        floating_point_range: [],
        integer_range: [{ from_value: -5n, to_value: 100n, step: 0n }],
      }),
    ).toEqual([
      'Parameter name: gain',
      '  Type: integer',
      '  Constraints:',
      '    Read only: true',
      '    Min value: -5',
      '    Max value: 100',
    ]);
    expect(describeDescriptorLines({ name: 'names', type: 9 })).toEqual([
      'Parameter name: names',
      '  Type: string array',
      '  Constraints:',
    ]);
  });
});

// ros2param test_verb_load.py: INPUT_PARAMETER_FILE, INPUT_WILDCARD_PARAMETER_FILE,
// INPUT_NODE_OVERLAY_PARAMETER_FILE.
const NODE = '/foo/test_node';
const INPUT_PARAMETER_FILE = [
  '/foo/test_node:',
  '  ros__parameters:',
  '    bool_array_param:',
  '    - true',
  '    - false',
  '    - false',
  '    bool_param: false',
  '    double_array_param:',
  '    - 2.125',
  '    - 1.25',
  '    - 2.5',
  '    double_param: 1.3',
  '    foo:',
  '      bar:',
  '        str_param: foo_bar',
  '      str_param: foobar',
  '    int_array_param:',
  '    - 42',
  '    - 3',
  '    - 3',
  '    int_param: -42',
  '    start_type_description_service: true',
  '    str_array_param:',
  '    - a_foo',
  '    - a_bar',
  '    - baz',
  '    str_param: Bye World',
  '    use_sim_time: false',
  '',
].join('\n');
const WILDCARD = '/**:\n  ros__parameters:\n    str_param: Wildcard\n    int_param: 12345\n';
const OVERLAY = '/foo/test_node:\n  ros__parameters:\n    str_param: Override\n';

describe('param load: the parameters a file gives a node', () => {
  it("flattens the node's entry in file order, typed as in the file", () => {
    expect(parametersToLoad(INPUT_PARAMETER_FILE, NODE, true)).toEqual([
      { name: 'bool_array_param', value: { type: 'bool_array', value: [true, false, false] } },
      { name: 'bool_param', value: { type: 'bool', value: false } },
      { name: 'double_array_param', value: { type: 'double_array', value: [2.125, 1.25, 2.5] } },
      { name: 'double_param', value: { type: 'double', value: 1.3 } },
      { name: 'foo.bar.str_param', value: { type: 'string', value: 'foo_bar' } },
      { name: 'foo.str_param', value: { type: 'string', value: 'foobar' } },
      { name: 'int_array_param', value: { type: 'integer_array', value: [42n, 3n, 3n] } },
      { name: 'int_param', value: { type: 'integer', value: -42n } },
      { name: 'start_type_description_service', value: { type: 'bool', value: true } },
      { name: 'str_array_param', value: { type: 'string_array', value: ['a_foo', 'a_bar', 'baz'] } },
      { name: 'str_param', value: { type: 'string', value: 'Bye World' } },
      { name: 'use_sim_time', value: { type: 'bool', value: false } },
    ]);
  });

  it('puts /** first and lets the node entry override it in place (dict.update)', () => {
    expect(parametersToLoad(`${WILDCARD}\n${OVERLAY}`, NODE, true)).toEqual([
      { name: 'str_param', value: { type: 'string', value: 'Override' } },
      { name: 'int_param', value: { type: 'integer', value: 12345n } },
    ]);
    expect(parametersToLoad(`${WILDCARD}\n${OVERLAY}`, NODE, false)).toEqual([
      { name: 'str_param', value: { type: 'string', value: 'Override' } },
    ]);
    expect(parametersToLoad(WILDCARD, NODE, true)).toEqual([
      { name: 'str_param', value: { type: 'string', value: 'Wildcard' } },
      { name: 'int_param', value: { type: 'integer', value: 12345n } },
    ]);
  });

  it('takes the node in the namespace-nested form rcl reads, and no entry of another node', () => {
    const nested =
      'foo:\n  test_node:\n    ros__parameters:\n      a: 1\n/other:\n  ros__parameters:\n      b: 2\n';
    expect(parametersToLoad(nested, NODE, true)).toEqual([
      { name: 'a', value: { type: 'integer', value: 1n } },
    ]);
  });

  it("refuses a file with nothing for the node, in rclpy's words", () => {
    // test_verb_load_wildcard: a file of only /** with --no-use-wildcard.
    expect(() => parametersToLoad(WILDCARD, NODE, false)).toThrow(
      new ParameterFileSelectionError('Param file does not contain selected parameters'),
    );
    // Only the literal /** is a wildcard to ros2param; /* is another node's key.
    const others = '/*:\n  ros__parameters:\n    a: 1\n/bar:\n  ros__parameters:\n    b: 2\n';
    expect(() => parametersToLoad(others, NODE, true)).toThrow(
      new ParameterFileSelectionError(
        "Param file does not contain parameters for /foo/test_node,only for nodes: ['/*', '/bar'] ",
      ),
    );
  });

  it("refuses YAML rcl would not read, with rcl_yaml_param_parser's message", () => {
    expect(() =>
      parametersToLoad('/foo/test_node:\n  ros__parameters:\n    a: [1, "x"\n', NODE, true),
    ).toThrow(ParamsFileError);
    expect(() => parametersToLoad('/foo/test_node:\n  a: 1\n', NODE, true)).toThrow(
      new ParamsFileError('Cannot have a value before ros__parameters at line 2'),
    );
  });
});
