/**
 * Parameter values and their types (rcl_interfaces ParameterType and ParameterValue).
 *
 * Values are tagged: `{ type: 'integer', value: 5n }`. Integers are `bigint` (int64, as on the
 * wire), doubles `number`. Where a value is taken, plain JS values are accepted too and typed as
 * follows: boolean → bool, bigint → integer, **number → double** (JS cannot tell 5 from 5.0: write
 * `5n` or `{ type: 'integer', value: 5 }` for an integer), string, Uint8Array → byte_array,
 * BigInt64Array → integer_array, Float64Array → double_array, a non-empty array of one of
 * boolean / bigint / number / string → the array type, `null` → not set. An empty array has no
 * type: give it tagged (`{ type: 'string_array', value: [] }`).
 */
import type {
  rcl_interfaces__msg__Parameter,
  rcl_interfaces__msg__Parameter$Input,
  rcl_interfaces__msg__ParameterValue,
  rcl_interfaces__msg__ParameterValue$Input,
} from '../../cdr/index.js';
import { UnknownParameterTypeError } from './errors.js';

/** Parameter types in the order of their rcl_interfaces/msg/ParameterType constants (0..9). */
export const PARAMETER_TYPES = [
  'not_set',
  'bool',
  'integer',
  'double',
  'string',
  'byte_array',
  'bool_array',
  'integer_array',
  'double_array',
  'string_array',
] as const;

export type ParameterTypeName = (typeof PARAMETER_TYPES)[number];

/** rcl_interfaces/msg/ParameterType. */
export const ParameterType = Object.freeze({
  NOT_SET: 0,
  BOOL: 1,
  INTEGER: 2,
  DOUBLE: 3,
  STRING: 4,
  BYTE_ARRAY: 5,
  BOOL_ARRAY: 6,
  INTEGER_ARRAY: 7,
  DOUBLE_ARRAY: 8,
  STRING_ARRAY: 9,
});

export function parameterTypeId(type: ParameterTypeName): number {
  return PARAMETER_TYPES.indexOf(type);
}

/** The type of a ParameterType constant; throws UnknownParameterTypeError for anything else. */
export function parameterTypeOf(id: number): ParameterTypeName {
  const t = PARAMETER_TYPES[id];
  if (t === undefined || !Number.isInteger(id)) throw new UnknownParameterTypeError(id);
  return t;
}

/** rclcpp's `to_string(ParameterType)`: `not set`, `bool`, `integer`, ..., as in its reason strings. */
export function parameterTypeToString(type: ParameterTypeName): string {
  return type === 'not_set' ? 'not set' : type;
}

export type ParameterValue =
  | { readonly type: 'not_set' }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'byte_array'; readonly value: Uint8Array }
  | { readonly type: 'bool_array'; readonly value: readonly boolean[] }
  | { readonly type: 'integer_array'; readonly value: readonly bigint[] }
  | { readonly type: 'double_array'; readonly value: readonly number[] }
  | { readonly type: 'string_array'; readonly value: readonly string[] };

/** Plain JS values taken as parameter values (see the header for how each is typed). */
export type PlainParameterValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | BigInt64Array
  | Float64Array
  | readonly boolean[]
  | readonly bigint[]
  | readonly number[]
  | readonly string[];

/** What the store takes as a value: a tagged value (integers may be safe-integer numbers) or a plain one. */
export type ParameterValueInput =
  | ParameterValue
  | { readonly type: 'integer'; readonly value: bigint | number }
  | { readonly type: 'byte_array'; readonly value: Uint8Array | readonly number[] }
  | { readonly type: 'integer_array'; readonly value: BigInt64Array | readonly (bigint | number)[] }
  | { readonly type: 'double_array'; readonly value: Float64Array | readonly number[] }
  | PlainParameterValue;

export interface Parameter {
  readonly name: string;
  readonly value: ParameterValue;
}

export interface ParameterInput {
  readonly name: string;
  readonly value: ParameterValueInput;
}

export const PARAMETER_NOT_SET: ParameterValue = Object.freeze({ type: 'not_set' });

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** @internal An int64 from a bigint or a safe integer number; `what` names it in errors. */
export function toInt64(v: unknown, what: string): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new TypeError(`${what}: ${String(v)} is not an integer (a bigint or a safe integer number)`);
  if (b < INT64_MIN || b > INT64_MAX) throw new RangeError(`${what}: ${b} does not fit in an int64`);
  return b;
}

function everyOf<T>(arr: readonly unknown[], test: (x: unknown) => x is T, what: string): readonly T[] {
  if (!arr.every(test)) throw new TypeError(`not a ${what}: [${arr.map(String).join(', ')}]`);
  return Object.freeze([...(arr as T[])]);
}

const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
export const isNumber = (x: unknown): x is number => typeof x === 'number';
const isString = (x: unknown): x is string => typeof x === 'string';

function byteArray(v: Uint8Array | readonly number[]): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
    throw new TypeError('byte_array: expected a Uint8Array or integers from 0 to 255');
  }
  return Uint8Array.from(v);
}

function integerArray(v: BigInt64Array | readonly (bigint | number)[]): readonly bigint[] {
  if (v instanceof BigInt64Array) return Object.freeze([...v]);
  if (!Array.isArray(v)) throw new TypeError('integer_array: expected an array of integers');
  return Object.freeze(v.map((x) => toInt64(x, 'integer_array')));
}

function doubleArray(v: Float64Array | readonly number[]): readonly number[] {
  if (v instanceof Float64Array) return Object.freeze([...v]);
  if (!Array.isArray(v)) throw new TypeError('double_array: expected an array of numbers');
  return everyOf(v, isNumber, 'double_array');
}

function array<T>(v: unknown, test: (x: unknown) => x is T, what: string): readonly T[] {
  if (!Array.isArray(v)) throw new TypeError(`${what}: expected an array`);
  return everyOf(v, test, what);
}

function tagged(input: { readonly type: string; readonly value?: unknown }): ParameterValue {
  const v = input.value;
  const bad = (what: string): never => {
    throw new TypeError(`a ${input.type} parameter value must be ${what}, got ${typeof v}`);
  };
  switch (input.type) {
    case 'not_set':
      return PARAMETER_NOT_SET;
    case 'bool':
      return typeof v === 'boolean' ? Object.freeze({ type: 'bool', value: v }) : bad('a boolean');
    case 'integer':
      return Object.freeze({ type: 'integer', value: toInt64(v, 'integer') });
    case 'double':
      return typeof v === 'number' ? Object.freeze({ type: 'double', value: v }) : bad('a number');
    case 'string':
      return typeof v === 'string' ? Object.freeze({ type: 'string', value: v }) : bad('a string');
    case 'byte_array':
      return Object.freeze({ type: 'byte_array', value: byteArray(v as Uint8Array) });
    case 'bool_array':
      return Object.freeze({ type: 'bool_array', value: array(v, isBool, 'bool_array') });
    case 'integer_array':
      return Object.freeze({ type: 'integer_array', value: integerArray(v as BigInt64Array) });
    case 'double_array':
      return Object.freeze({ type: 'double_array', value: doubleArray(v as Float64Array) });
    case 'string_array':
      return Object.freeze({ type: 'string_array', value: array(v, isString, 'string_array') });
    default:
      throw new TypeError(`unknown parameter type '${input.type}': one of ${PARAMETER_TYPES.join(', ')}`);
  }
}

/** A tagged, frozen, validated value from what the store takes (see the header). */
export function toParameterValue(input: ParameterValueInput): ParameterValue {
  if (input === null) return PARAMETER_NOT_SET;
  switch (typeof input) {
    case 'boolean':
      return Object.freeze({ type: 'bool', value: input });
    case 'bigint':
      return tagged({ type: 'integer', value: input });
    case 'number':
      return Object.freeze({ type: 'double', value: input });
    case 'string':
      return Object.freeze({ type: 'string', value: input });
  }
  if (input instanceof Uint8Array) return tagged({ type: 'byte_array', value: input });
  if (input instanceof BigInt64Array) return tagged({ type: 'integer_array', value: input });
  if (input instanceof Float64Array) return tagged({ type: 'double_array', value: input });
  if (Array.isArray(input)) {
    const arr = input as readonly unknown[];
    if (arr.length === 0) {
      throw new TypeError(
        "an empty array has no parameter type: give it tagged, e.g. { type: 'string_array', value: [] }",
      );
    }
    const kinds: Record<string, ParameterTypeName> = {
      boolean: 'bool_array',
      bigint: 'integer_array',
      number: 'double_array',
      string: 'string_array',
    };
    const kind = kinds[typeof arr[0]];
    if (!kind || !arr.every((x) => typeof x === typeof arr[0])) {
      throw new TypeError(
        'an array parameter value holds booleans, bigints, numbers or strings, one kind only',
      );
    }
    return tagged({ type: kind, value: arr });
  }
  if (typeof input === 'object' && typeof (input as { type?: unknown }).type === 'string') {
    return tagged(input as { type: string; value?: unknown });
  }
  throw new TypeError(`not a parameter value: ${String(input)}`);
}

/** The value as a plain JS value: undefined for not set, bigint for integers. */
export function plainParameterValue(v: ParameterValue): Exclude<PlainParameterValue, null> | undefined {
  return v.type === 'not_set' ? undefined : v.value;
}

function sameArray<T>(a: ArrayLike<T>, b: ArrayLike<T>, eq = (x: T, y: T) => x === y): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i]!, b[i]!)) return false;
  return true;
}

/** Same type and value (doubles compared with `Object.is`, so NaN equals NaN). */
export function parameterValuesEqual(a: ParameterValue, b: ParameterValue): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'not_set') return true;
  const bv = (b as { value: unknown }).value;
  switch (a.type) {
    case 'double':
      return Object.is(a.value, bv);
    case 'byte_array':
    case 'bool_array':
    case 'integer_array':
    case 'string_array':
      return sameArray(a.value as ArrayLike<unknown>, bv as ArrayLike<unknown>);
    case 'double_array':
      return sameArray(a.value, bv as readonly number[], Object.is);
    default:
      return a.value === bv;
  }
}

/** @internal A copy the caller may keep (byte arrays are the only mutable values). */
export function copyOut(v: ParameterValue): ParameterValue {
  return v.type === 'byte_array' ? Object.freeze({ type: 'byte_array', value: new Uint8Array(v.value) }) : v;
}

/** rcl_interfaces/msg/ParameterValue with only the field of its type filled in. */
export function parameterValueToMsg(v: ParameterValue): rcl_interfaces__msg__ParameterValue {
  return {
    type: parameterTypeId(v.type),
    bool_value: v.type === 'bool' ? v.value : false,
    integer_value: v.type === 'integer' ? v.value : 0n,
    double_value: v.type === 'double' ? v.value : 0,
    string_value: v.type === 'string' ? v.value : '',
    byte_array_value: v.type === 'byte_array' ? new Uint8Array(v.value) : new Uint8Array(),
    bool_array_value: v.type === 'bool_array' ? [...v.value] : [],
    integer_array_value: BigInt64Array.from(v.type === 'integer_array' ? v.value : []),
    double_array_value: Float64Array.from(v.type === 'double_array' ? v.value : []),
    string_array_value: v.type === 'string_array' ? [...v.value] : [],
  };
}

/** The value a ParameterValue message carries (its type's field; the others are ignored). */
export function parameterValueFromMsg(m: rcl_interfaces__msg__ParameterValue$Input): ParameterValue {
  const type = parameterTypeOf(m.type ?? 0);
  switch (type) {
    case 'not_set':
      return PARAMETER_NOT_SET;
    case 'bool':
      return tagged({ type, value: m.bool_value ?? false });
    case 'integer':
      return tagged({ type, value: m.integer_value ?? 0n });
    case 'double':
      return tagged({ type, value: m.double_value ?? 0 });
    case 'string':
      return tagged({ type, value: m.string_value ?? '' });
    case 'byte_array':
      return tagged({ type, value: m.byte_array_value ?? [] });
    case 'bool_array':
      return tagged({ type, value: m.bool_array_value ?? [] });
    case 'integer_array':
      return tagged({ type, value: m.integer_array_value ?? [] });
    case 'double_array':
      return tagged({ type, value: m.double_array_value ?? [] });
    case 'string_array':
      return tagged({ type, value: m.string_array_value ?? [] });
  }
}

export function parameterToMsg(p: Parameter): rcl_interfaces__msg__Parameter {
  return { name: p.name, value: parameterValueToMsg(p.value) };
}

export function parameterFromMsg(m: rcl_interfaces__msg__Parameter$Input): Parameter {
  return { name: m.name ?? '', value: parameterValueFromMsg(m.value ?? {}) };
}
