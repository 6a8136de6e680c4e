/**
 * ROS 2 parameters in the Foxglove WebSocket protocol's JSON, as foxglove_bridge maps them:
 * `/node.param` names, `float64`/`float64_array` tags on doubles, base64 `byte_array`, and the
 * values a client may set (the spec's examples, docs/spec.md "Parameter Values"/"Set Parameters").
 */
import { describe, expect, it } from 'vitest';
import { BridgeInputError } from '../../../src/bridge/errors.js';
import {
  foxgloveOfParameter,
  joinParameterName,
  parameterOfFoxglove,
  splitParameterName,
} from '../../../src/bridge/foxglove/parameter-json.js';

describe('parameter names', () => {
  it('splits at the first dot: the node before, the (possibly dotted) parameter after', () => {
    expect(splitParameterName('/turtlesim.background_r')).toEqual({
      node: '/turtlesim',
      param: 'background_r',
    });
    expect(splitParameterName('/ns/cam.qos.depth')).toEqual({ node: '/ns/cam', param: 'qos.depth' });
    expect(splitParameterName('turtlesim.x')).toEqual({ node: '/turtlesim', param: 'x' });
    expect(joinParameterName('/ns/cam', 'qos.depth')).toBe('/ns/cam.qos.depth');
  });

  it.each([['background_r'], ['.x'], ['/turtlesim.'], ['/.x'], [7]])('refuses %j', (name) => {
    expect(() => splitParameterName(name)).toThrow(BridgeInputError);
  });
});

describe('values sent to the client', () => {
  it.each([
    [{ type: 'bool', value: true } as const, { value: true }],
    [{ type: 'integer', value: 69n } as const, { value: 69 }],
    [{ type: 'double', value: 3 } as const, { value: 3, type: 'float64' }],
    [{ type: 'string', value: 'cam' } as const, { value: 'cam' }],
    [
      { type: 'byte_array', value: new Uint8Array([65, 66, 67, 68]) } as const,
      { value: 'QUJDRA==', type: 'byte_array' },
    ],
    [{ type: 'bool_array', value: [true, false] } as const, { value: [true, false] }],
    [{ type: 'integer_array', value: [1n, -2n] } as const, { value: [1, -2] }],
    [{ type: 'double_array', value: [1.1, 2] } as const, { value: [1.1, 2], type: 'float64_array' }],
    [{ type: 'string_array', value: ['a'] } as const, { value: ['a'] }],
  ])('sends value %# in its protocol form', (value, expected) => {
    expect(foxgloveOfParameter('/n.p', value)).toEqual({ name: '/n.p', ...expected });
  });

  it('leaves an unset parameter out', () => {
    expect(foxgloveOfParameter('/n.p', { type: 'not_set' })).toBeUndefined();
  });
});

describe('values set by the client', () => {
  it.each([
    [{ value: 3 }, { type: 'integer', value: 3n }],
    [{ value: 4.1 }, { type: 'double', value: 4.1 }],
    [
      { value: 3, type: 'float64' },
      { type: 'double', value: 3 },
    ],
    [{ value: true }, { type: 'bool', value: true }],
    [{ value: 'foo' }, { type: 'string', value: 'foo' }],
    [
      { value: 'QUJDRA==', type: 'byte_array' },
      { type: 'byte_array', value: new Uint8Array([65, 66, 67, 68]) },
    ],
    [
      { value: [1.1, 2, 3.3], type: 'float64_array' },
      { type: 'double_array', value: [1.1, 2, 3.3] },
    ],
    [{ value: [1, 2, 3] }, { type: 'integer_array', value: [1n, 2n, 3n] }],
    [{ value: [1, 2.5] }, { type: 'double_array', value: [1, 2.5] }],
    [{ value: [false] }, { type: 'bool_array', value: [false] }],
    [{ value: ['x', 'y'] }, { type: 'string_array', value: ['x', 'y'] }],
    [{}, { type: 'not_set' }],
  ])('takes %j', (input, expected) => {
    expect(parameterOfFoxglove(input)).toEqual(expected);
  });

  it.each([
    [{ value: [] }],
    [{ value: [1, 'a'] }],
    [{ value: { a: 1 } }],
    [{ value: 3, type: 'float32' }],
    [{ value: 'not base64!', type: 'byte_array' }],
    [{ value: [1], type: 'byte_array' }],
    [{ value: ['1'], type: 'float64_array' }],
    [{ value: 'x', type: 'float64' }],
  ])('refuses %j', (input) => {
    expect(() => parameterOfFoxglove(input)).toThrow(BridgeInputError);
  });
});
