/**
 * ROS 2 parameters as the Foxglove WebSocket protocol carries them (ws-protocol docs/spec.md,
 * "Parameter Values" and "Set Parameters"), mapped as foxglove_bridge maps them
 * (foxglove_bridge_base/src/serialization.cpp, ros2_foxglove_bridge/src/parameter_interface.cpp):
 *
 * - A parameter is named `/node_name.param_name`: the node's fully qualified name, a dot, the
 *   parameter's name (node names have no dots, so the first one splits them).
 * - Out: bool, integer (a JSON number), string, and the bool/integer/string arrays as JSON values;
 *   a double is tagged `type: 'float64'` and a double array `float64_array` (so that 3.0 stays a
 *   double across JSON); a byte array is base64 text tagged `byte_array`; unset is left out.
 * - In: `byte_array` base64 text, `float64` numbers and `float64_array` number lists as tagged;
 *   untagged, a boolean, a whole number (integer), any other number (double), a string, a
 *   non-empty list of one of those kinds; no value unsets (deletes) the parameter.
 */
import type { Parameter as FoxgloveParameter } from '@foxglove/ws-protocol';
import type { ParameterValue } from '../../index.js';
import { fromBase64, toBase64 } from '../base64.js';
import { BridgeInputError } from '../errors.js';

/** The separator foxglove_bridge puts between node and parameter (its PARAM_SEP). */
const SEPARATOR = '.';

/** `/node_name.param_name` split; a node name without its leading slash is taken from the root. */
export function splitParameterName(name: unknown): { node: string; param: string } {
  if (typeof name !== 'string') throw new BridgeInputError('a parameter name must be a string');
  const at = name.indexOf(SEPARATOR);
  if (at <= 0 || at === name.length - 1 || name.slice(0, at) === '/')
    throw new BridgeInputError(`malformed parameter name '${name}': expected /node_name.param_name`);
  const node = name.slice(0, at);
  return { node: node.startsWith('/') ? node : `/${node}`, param: name.slice(at + 1) };
}

export function joinParameterName(node: string, param: string): string {
  return `${node}${SEPARATOR}${param}`;
}

/** The protocol's form of a value; undefined for an unset one (which is not sent). */
export function foxgloveOfParameter(name: string, value: ParameterValue): FoxgloveParameter | undefined {
  switch (value.type) {
    case 'not_set':
      return undefined;
    case 'integer':
      return { name, value: Number(value.value) };
    case 'double':
      return { name, value: value.value, type: 'float64' };
    case 'byte_array':
      return { name, value: toBase64(value.value), type: 'byte_array' };
    case 'integer_array':
      return { name, value: value.value.map(Number) };
    case 'double_array':
      return { name, value: [...value.value], type: 'float64_array' };
    case 'bool_array':
    case 'string_array':
      return { name, value: [...value.value] };
    default:
      return { name, value: value.value };
  }
}

/** A protocol value as a ROS parameter value; BridgeInputError for what ROS cannot hold. */
export function parameterOfFoxglove(p: {
  readonly value?: unknown;
  readonly type?: unknown;
}): ParameterValue {
  const { value, type } = p;
  const bad = (what: string): never => {
    throw new BridgeInputError(what);
  };
  if (value === undefined || value === null) return { type: 'not_set' };
  switch (type) {
    case 'byte_array':
      if (typeof value !== 'string') return bad("a 'byte_array' value must be base64 text");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
        return bad(`'${value}' is not base64`);
      return { type: 'byte_array', value: fromBase64(value) };
    case 'float64':
      if (typeof value !== 'number') return bad("a 'float64' value must be a number");
      return { type: 'double', value };
    case 'float64_array':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'number'))
        return bad("a 'float64_array' value must be a list of numbers");
      return { type: 'double_array', value: [...(value as number[])] };
    case undefined:
      return untyped(value);
    default:
      return bad(`unknown parameter type '${String(type)}'`);
  }
}

function untyped(value: unknown): ParameterValue {
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number') return number(value);
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw new BridgeInputError("an empty list has no parameter type: tag it ('float64_array')");
    if (value.every((v) => typeof v === 'boolean')) return { type: 'bool_array', value: [...value] };
    if (value.every((v) => typeof v === 'string')) return { type: 'string_array', value: [...value] };
    if (value.every((v) => typeof v === 'number')) {
      // One list, one type: a single fraction makes it doubles (foxglove_bridge would truncate it).
      return value.every((v) => Number.isSafeInteger(v))
        ? { type: 'integer_array', value: value.map((v) => BigInt(v)) }
        : { type: 'double_array', value: [...value] };
    }
    throw new BridgeInputError('a list parameter must hold booleans, numbers or strings, of one kind');
  }
  throw new BridgeInputError(`a ${typeof value} is not a ROS parameter value`);
}

function number(v: number): ParameterValue {
  return Number.isSafeInteger(v) ? { type: 'integer', value: BigInt(v) } : { type: 'double', value: v };
}
