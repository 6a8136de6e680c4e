/**
 * rcl_interfaces/msg/ParameterValue as ros2param reads and prints it: rclpy's
 * `get_parameter_value` (the type guessed from the YAML of a command-line value),
 * `parameter_value_to_python`, and the labels of `ros2 param get`.
 */
import { ParameterType } from '../index.js';
import { parseYaml } from './message-input.js';
import { pyBool, pyBytesRepr, pyFloatRepr, pyStrRepr } from './python-repr.js';
import type { YamlValue } from './python-yaml.js';

/** rcl_interfaces/msg/ParameterType (the node API's constants). */
export const PARAMETER_TYPE = ParameterType;

export interface ParameterValueMsg {
  type: number;
  bool_value?: boolean;
  integer_value?: bigint;
  double_value?: number;
  string_value?: string;
  byte_array_value?: ArrayLike<number>;
  bool_array_value?: readonly boolean[];
  integer_array_value?: ArrayLike<bigint>;
  double_array_value?: ArrayLike<number>;
  string_array_value?: readonly string[];
}

/** rclpy.parameter.get_parameter_value: the type of `text` read as YAML (1.1, as PyYAML). */
export function parameterValueFromString(text: string): ParameterValueMsg {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    value = text;
  }
  if (typeof value === 'boolean') return { type: PARAMETER_TYPE.BOOL, bool_value: value };
  if (typeof value === 'bigint') return { type: PARAMETER_TYPE.INTEGER, integer_value: value };
  if (typeof value === 'number') return { type: PARAMETER_TYPE.DOUBLE, double_value: value };
  if (Array.isArray(value)) {
    // Python's bool is an int, so a list of ints and bools is an integer array.
    if (value.every((v) => typeof v === 'boolean'))
      return { type: PARAMETER_TYPE.BOOL_ARRAY, bool_array_value: value };
    if (value.every((v) => typeof v === 'bigint' || typeof v === 'boolean')) {
      return { type: PARAMETER_TYPE.INTEGER_ARRAY, integer_array_value: value.map((v) => BigInt(v)) };
    }
    if (value.every((v) => typeof v === 'number'))
      return { type: PARAMETER_TYPE.DOUBLE_ARRAY, double_array_value: value };
    if (value.every((v) => typeof v === 'string'))
      return { type: PARAMETER_TYPE.STRING_ARRAY, string_array_value: value };
    return { type: PARAMETER_TYPE.STRING, string_value: text };
  }
  return { type: PARAMETER_TYPE.STRING, string_value: typeof value === 'string' ? value : text };
}

/** ros2param's get_parameter_type_string. */
export function parameterTypeString(type: number): string {
  return (
    [
      'not set',
      'boolean',
      'integer',
      'double',
      'string',
      'byte array',
      'boolean array',
      'integer array',
      'double array',
      'string array',
    ][type] ?? `unknown type ${type}`
  );
}

/** What `ros2 param get` prints: the label and the value as Python prints it (undefined for NOT_SET). */
export function describeParameterValue(v: ParameterValueMsg): { label: string; value: string | undefined } {
  const list = <T>(xs: ArrayLike<T> | undefined, f: (x: T) => string) =>
    `[${Array.from(xs ?? [])
      .map(f)
      .join(', ')}]`;
  switch (v.type) {
    case PARAMETER_TYPE.BOOL:
      return { label: 'Boolean value is:', value: pyBool(v.bool_value) };
    case PARAMETER_TYPE.INTEGER:
      return { label: 'Integer value is:', value: String(v.integer_value ?? 0) };
    case PARAMETER_TYPE.DOUBLE:
      return { label: 'Double value is:', value: pyFloatRepr(v.double_value ?? 0) };
    case PARAMETER_TYPE.STRING:
      return { label: 'String value is:', value: v.string_value ?? '' };
    case PARAMETER_TYPE.BYTE_ARRAY:
      return { label: 'Byte values are:', value: list(v.byte_array_value, (b) => pyBytesRepr([b])) };
    case PARAMETER_TYPE.BOOL_ARRAY:
      return { label: 'Boolean values are:', value: list(v.bool_array_value, pyBool) };
    case PARAMETER_TYPE.INTEGER_ARRAY:
      return { label: 'Integer values are:', value: list(v.integer_array_value, String) };
    case PARAMETER_TYPE.DOUBLE_ARRAY:
      return { label: 'Double values are:', value: list(v.double_array_value, pyFloatRepr) };
    case PARAMETER_TYPE.STRING_ARRAY:
      return { label: 'String values are:', value: list(v.string_array_value, pyStrRepr) };
    case PARAMETER_TYPE.NOT_SET:
      return { label: 'Parameter not set.', value: undefined };
    default:
      throw new Error(`Unknown parameter type '${v.type}'`);
  }
}

/** rclpy's parameter_value_to_python, as a YAML value (`ros2 param dump`). */
export function parameterValueToYaml(v: ParameterValueMsg): YamlValue {
  switch (v.type) {
    case PARAMETER_TYPE.BOOL:
      return v.bool_value === true;
    case PARAMETER_TYPE.INTEGER:
      return BigInt(v.integer_value ?? 0);
    case PARAMETER_TYPE.DOUBLE:
      return Number(v.double_value ?? 0);
    case PARAMETER_TYPE.STRING:
      return v.string_value ?? '';
    case PARAMETER_TYPE.BYTE_ARRAY:
      return Array.from(v.byte_array_value ?? [], (b) => BigInt(b));
    case PARAMETER_TYPE.BOOL_ARRAY:
      return Array.from(v.bool_array_value ?? []);
    case PARAMETER_TYPE.INTEGER_ARRAY:
      return Array.from(v.integer_array_value ?? [], (x) => BigInt(x));
    case PARAMETER_TYPE.DOUBLE_ARRAY:
      return Array.from(v.double_array_value ?? [], Number);
    case PARAMETER_TYPE.STRING_ARRAY:
      return Array.from(v.string_array_value ?? []);
    default:
      return null;
  }
}
