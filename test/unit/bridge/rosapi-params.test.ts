/**
 * rosapi's parameter names and values: `<node>:<param>` names, set_param's JSON typed as rclpy's
 * get_parameter_value types it (YAML rules: 1 is an integer, 1.0 a double, lists of one kind are
 * arrays, anything else a string), and get_param's JSON of each parameter type.
 */
import { describe, expect, it } from 'vitest';
import { BridgeInputError } from '../../../src/bridge/errors.js';
import { jsonOfParameter, parameterOfJson, splitName } from '../../../src/bridge/rosbridge/rosapi-params.js';

describe('splitName', () => {
  it('splits <node>:<param>, the node taken from the root namespace when relative', () => {
    expect(splitName('/turtlesim:background_r')).toEqual({ node: '/turtlesim', param: 'background_r' });
    expect(splitName('turtlesim:background_r')).toEqual({ node: '/turtlesim', param: 'background_r' });
    expect(splitName('/ns/cam:qos.depth')).toEqual({ node: '/ns/cam', param: 'qos.depth' });
  });

  it.each([['background_r'], ['/a:b:c'], [':x'], ['/a:'], [3]])('refuses %j', (name) => {
    expect(() => splitName(name)).toThrow(BridgeInputError);
  });
});

describe('parameterOfJson', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['5', { type: 'integer', value: 5n }],
    ['-12', { type: 'integer', value: -12n }],
    ['5.0', 5],
    ['2.5e3', 2500],
    ['"hello"', 'hello'],
    // A JSON string is read again as YAML, as rosapi's set_param does.
    ['"5"', { type: 'integer', value: 5n }],
    ['"1.5"', 1.5],
    ['"true"', true],
    ['[1, 2, 3]', { type: 'integer_array', value: [1n, 2n, 3n] }],
    ['[1.5, 2.0]', { type: 'double_array', value: [1.5, 2] }],
    ['[true, false]', { type: 'bool_array', value: [true, false] }],
    ['["a", "b"]', { type: 'string_array', value: ['a', 'b'] }],
    ['[]', { type: 'bool_array', value: [] }],
    // Mixed lists, objects and null have no parameter type: the text is kept as a string.
    ['[1, 2.5]', '[1, 2.5]'],
    ['[1, "a"]', '[1, "a"]'],
    ['{"a": 1}', '{"a": 1}'],
    ['null', 'null'],
  ])('%s', (text, value) => {
    expect(parameterOfJson(text)).toEqual(value);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parameterOfJson('hello')).toThrow(/JSON-formatted/);
  });
});

describe('jsonOfParameter', () => {
  it('gives each parameter type the JSON value rosapi dumps', () => {
    expect(jsonOfParameter({ type: 'integer', value: 7n })).toBe(7);
    expect(jsonOfParameter({ type: 'double', value: 0.5 })).toBe(0.5);
    expect(jsonOfParameter({ type: 'bool', value: true })).toBe(true);
    expect(jsonOfParameter({ type: 'string', value: 'x' })).toBe('x');
    expect(jsonOfParameter({ type: 'byte_array', value: new Uint8Array([1, 255]) })).toEqual([1, 255]);
    expect(jsonOfParameter({ type: 'integer_array', value: [1n, -2n] })).toEqual([1, -2]);
    expect(jsonOfParameter({ type: 'double_array', value: [0.5] })).toEqual([0.5]);
    expect(jsonOfParameter({ type: 'string_array', value: ['a'] })).toEqual(['a']);
    expect(jsonOfParameter({ type: 'not_set' })).toBeNull();
  });
});
