/**
 * A node's parameters, as rclcpp's NodeParameters keeps them (`node_parameters.cpp`, Jazzy):
 * declaration with a descriptor, static or dynamic typing, read-only parameters, integer and
 * floating point ranges with a step, on-set validation callbacks, atomic sets, implicit
 * declaration when undeclared parameters are allowed, undeclaration by setting NOT_SET, and
 * list/describe/types with rclcpp's semantics and its reason strings (they travel in
 * SetParametersResult.reason, so they are kept word for word).
 *
 * No sockets: `parameter-services.ts` serves the store on the ROS graph and publishes its changes
 * on `/parameter_events`.
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
  rcl_interfaces__msg__FloatingPointRange$Input,
  rcl_interfaces__msg__IntegerRange$Input,
  rcl_interfaces__msg__Parameter,
  rcl_interfaces__msg__Parameter$Input,
  rcl_interfaces__msg__ParameterDescriptor,
  rcl_interfaces__msg__ParameterDescriptor$Input,
  rcl_interfaces__msg__ParameterValue,
  rcl_interfaces__msg__ParameterValue$Input,
} from '../cdr/index.js';

// --- types ---

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

/** ListParameters's DEPTH_RECURSIVE. */
export const DEPTH_RECURSIVE = 0;

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

export interface IntegerRange {
  readonly fromValue: bigint;
  readonly toValue: bigint;
  /** 0: any value in the range. */
  readonly step: bigint;
}

export interface FloatingPointRange {
  readonly fromValue: number;
  readonly toValue: number;
  /** 0: any value in the range. */
  readonly step: number;
}

export interface ParameterDescriptor {
  readonly name: string;
  /** A statically typed parameter's type; a dynamically typed one's current value type. */
  readonly type: ParameterTypeName;
  readonly description: string;
  readonly additionalConstraints: string;
  readonly readOnly: boolean;
  readonly dynamicTyping: boolean;
  readonly integerRange: IntegerRange | undefined;
  readonly floatingPointRange: FloatingPointRange | undefined;
}

export interface ParameterDescriptorInput {
  /**
   * The type of a statically typed parameter declared without a default value (rclcpp's
   * `declare_parameter(name, type)`). With a default value it must be that value's type. Ignored
   * for dynamically typed parameters.
   */
  readonly type?: ParameterTypeName;
  readonly description?: string;
  readonly additionalConstraints?: string;
  /** Cannot be set nor undeclared after its declaration. */
  readonly readOnly?: boolean;
  /** May change type on set, and may be undeclared (rclcpp default: false). */
  readonly dynamicTyping?: boolean;
  readonly integerRange?: {
    readonly fromValue: bigint | number;
    readonly toValue: bigint | number;
    readonly step?: bigint | number;
  };
  readonly floatingPointRange?: {
    readonly fromValue: number;
    readonly toValue: number;
    readonly step?: number;
  };
}

export interface SetParametersResult {
  readonly successful: boolean;
  readonly reason: string;
}

/** What an on-set callback returns (rclcpp's add_on_set_parameters_callback). */
export interface SetParametersResultInput {
  readonly successful: boolean;
  readonly reason?: string;
}

/** Validates a set before it is applied; the first unsuccessful result rejects it. */
export type OnSetParametersCallback = (parameters: readonly Parameter[]) => SetParametersResultInput;

/** What a successful declare, set or undeclare changed: a ParameterEvent's content. */
export interface ParameterChangeEvent {
  readonly newParameters: readonly Parameter[];
  readonly changedParameters: readonly Parameter[];
  readonly deletedParameters: readonly Parameter[];
}

export type ParameterChangeListener = (event: ParameterChangeEvent) => void;

export interface ListParametersResult {
  readonly names: string[];
  readonly prefixes: string[];
}

// --- errors ---

/** Base of the store's typed errors; `parameter` is the name concerned ('' if none). */
export class ParameterError extends Error {
  override name = 'ParameterError';
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
  }
}

/** An empty name (rclcpp's only name check: InvalidParametersException). */
export class InvalidParameterNameError extends ParameterError {
  override name = 'InvalidParameterNameError';
  constructor(parameter: string) {
    super('parameter name must not be empty', parameter);
  }
}

export class ParameterAlreadyDeclaredError extends ParameterError {
  override name = 'ParameterAlreadyDeclaredError';
  constructor(parameter: string) {
    super(`parameter '${parameter}' has already been declared`, parameter);
  }
}

export class ParameterNotDeclaredError extends ParameterError {
  override name = 'ParameterNotDeclaredError';
  constructor(parameter: string, message = `parameter '${parameter}' has not been declared`) {
    super(message, parameter);
  }
}

/** rclcpp's InvalidParameterTypeException: `parameter 'x' has invalid type: <detail>`. */
export class InvalidParameterTypeError extends ParameterError {
  override name = 'InvalidParameterTypeError';
  constructor(
    parameter: string,
    readonly detail: string,
  ) {
    super(`parameter '${parameter}' has invalid type: ${detail}`, parameter);
  }
}

/** A declaration whose initial value was rejected (range or on-set callback). */
export class InvalidParameterValueError extends ParameterError {
  override name = 'InvalidParameterValueError';
  constructor(
    parameter: string,
    readonly reason: string,
  ) {
    super(`parameter '${parameter}' could not be set: ${reason}`, parameter);
  }
}

/** Undeclaring a read-only parameter. */
export class ParameterImmutableError extends ParameterError {
  override name = 'ParameterImmutableError';
}

/** Reading a statically typed parameter that was declared without a value and never set. */
export class ParameterUninitializedError extends ParameterError {
  override name = 'ParameterUninitializedError';
  constructor(parameter: string) {
    super(`parameter '${parameter}' is not initialized`, parameter);
  }
}

/** Declaring, setting, undeclaring or adding a callback from inside an on-set callback or listener. */
export class ParameterModifiedInCallbackError extends ParameterError {
  override name = 'ParameterModifiedInCallbackError';
  constructor() {
    super('cannot set or declare a parameter, or change the callback from within set callback', '');
  }
}

/** A ParameterValue message whose type is none of the ten ParameterType constants. */
export class UnknownParameterTypeError extends ParameterError {
  override name = 'UnknownParameterTypeError';
  constructor(readonly type: number) {
    super(`unknown parameter type ${type}: expected a ParameterType constant from 0 to 9`, '');
  }
}

// --- values ---

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function toInt64(v: unknown, what: string): bigint {
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
const isNumber = (x: unknown): x is number => typeof x === 'number';
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

function copyOut(v: ParameterValue): ParameterValue {
  return v.type === 'byte_array' ? Object.freeze({ type: 'byte_array', value: new Uint8Array(v.value) }) : v;
}

// --- messages ---

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

export function descriptorToMsg(d: ParameterDescriptor): rcl_interfaces__msg__ParameterDescriptor {
  return {
    name: d.name,
    type: parameterTypeId(d.type),
    description: d.description,
    additional_constraints: d.additionalConstraints,
    read_only: d.readOnly,
    dynamic_typing: d.dynamicTyping,
    floating_point_range: d.floatingPointRange
      ? [
          {
            from_value: d.floatingPointRange.fromValue,
            to_value: d.floatingPointRange.toValue,
            step: d.floatingPointRange.step,
          },
        ]
      : [],
    integer_range: d.integerRange
      ? [
          {
            from_value: d.integerRange.fromValue,
            to_value: d.integerRange.toValue,
            step: d.integerRange.step,
          },
        ]
      : [],
  };
}

export function descriptorFromMsg(m: rcl_interfaces__msg__ParameterDescriptor$Input): ParameterDescriptor {
  const fp: rcl_interfaces__msg__FloatingPointRange$Input | undefined = m.floating_point_range?.[0];
  const ir: rcl_interfaces__msg__IntegerRange$Input | undefined = m.integer_range?.[0];
  return makeDescriptor(m.name ?? '', {
    type: parameterTypeOf(m.type ?? 0),
    description: m.description ?? '',
    additionalConstraints: m.additional_constraints ?? '',
    readOnly: m.read_only ?? false,
    dynamicTyping: m.dynamic_typing ?? false,
    ...(fp
      ? {
          floatingPointRange: {
            fromValue: fp.from_value ?? 0,
            toValue: fp.to_value ?? 0,
            step: fp.step ?? 0,
          },
        }
      : {}),
    ...(ir
      ? { integerRange: { fromValue: ir.from_value ?? 0n, toValue: ir.to_value ?? 0n, step: ir.step ?? 0n } }
      : {}),
  });
}

// --- descriptors and rclcpp's checks ---

type MutableDescriptor = { -readonly [K in keyof ParameterDescriptor]: ParameterDescriptor[K] };

function makeDescriptor(name: string, d: ParameterDescriptorInput = {}): MutableDescriptor {
  let integerRange: IntegerRange | undefined;
  if (d.integerRange) {
    const step = toInt64(d.integerRange.step ?? 0n, 'integerRange.step');
    if (step < 0n || step > UINT64_MAX) throw new RangeError(`integerRange.step: ${step} is not a uint64`);
    integerRange = Object.freeze({
      fromValue: toInt64(d.integerRange.fromValue, 'integerRange.fromValue'),
      toValue: toInt64(d.integerRange.toValue, 'integerRange.toValue'),
      step,
    });
  }
  let floatingPointRange: FloatingPointRange | undefined;
  if (d.floatingPointRange) {
    const { fromValue, toValue, step = 0 } = d.floatingPointRange;
    if (![fromValue, toValue, step].every(isNumber))
      throw new TypeError('floatingPointRange: expected numbers');
    floatingPointRange = Object.freeze({ fromValue, toValue, step });
  }
  if (d.type !== undefined && !PARAMETER_TYPES.includes(d.type)) {
    throw new TypeError(`unknown parameter type '${String(d.type)}': one of ${PARAMETER_TYPES.join(', ')}`);
  }
  return {
    name,
    type: d.type ?? 'not_set',
    description: d.description ?? '',
    additionalConstraints: d.additionalConstraints ?? '',
    readOnly: d.readOnly ?? false,
    dynamicTyping: d.dynamicTyping ?? false,
    integerRange,
    floatingPointRange,
  };
}

/** rclcpp's `__are_doubles_equal` (100 ulp). */
function doublesEqual(x: number, y: number): boolean {
  return Math.abs(x - y) <= Number.EPSILON * Math.abs(x + y) * 100;
}

/** std::round: halves away from zero. */
const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

const OK: SetParametersResult = Object.freeze({ successful: true, reason: '' });
const fail = (reason: string): SetParametersResult => ({ successful: false, reason });
const rangeReason = (name: string, kind: string) => `Parameter {${name}} doesn't comply with ${kind} range.`;

/** rclcpp's `__check_parameter_value_in_range`. */
function checkRange(d: ParameterDescriptor, v: ParameterValue): SetParametersResult {
  if (d.integerRange && v.type === 'integer') {
    const { fromValue, toValue, step } = d.integerRange;
    const x = v.value;
    if (x === fromValue || x === toValue) return OK;
    if (x < fromValue || x > toValue) return fail(rangeReason(d.name, 'integer'));
    if (step === 0n || (x - fromValue) % step === 0n) return OK;
    return fail(rangeReason(d.name, 'integer'));
  }
  if (d.floatingPointRange && v.type === 'double') {
    const { fromValue, toValue, step } = d.floatingPointRange;
    const x = v.value;
    if (doublesEqual(x, fromValue) || doublesEqual(x, toValue)) return OK;
    if (x < fromValue || x > toValue) return fail(rangeReason(d.name, 'floating point'));
    if (step === 0) return OK;
    if (doublesEqual(x, fromValue + roundHalfAway((x - fromValue) / step) * step)) return OK;
    return fail(rangeReason(d.name, 'floating point'));
  }
  return OK;
}

const TYPE_REASON_START = 'Wrong parameter type';

/** rclcpp's `__check_parameters`: type, then range, parameter by parameter, first failure wins. */
function checkParameters(
  params: readonly Parameter[],
  descriptorOf: (name: string) => ParameterDescriptor,
): SetParametersResult {
  for (const p of params) {
    const d = descriptorOf(p.name);
    const descriptor = d.name === '' ? { ...d, name: p.name } : d;
    if (!descriptor.dynamicTyping && descriptor.type !== p.value.type) {
      return fail(
        `${TYPE_REASON_START}, parameter {${p.name}} is of type {${parameterTypeToString(descriptor.type)}}, ` +
          `setting it to {${parameterTypeToString(p.value.type)}} is not allowed.`,
      );
    }
    const r = checkRange(descriptor, p.value);
    if (!r.successful) return r;
  }
  return OK;
}

const dots = (s: string) => s.split('.').length - 1;

/** Byte order of the UTF-8 names, as rclcpp's std::map<std::string, …> iterates them. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// --- the store ---

interface Info {
  value: ParameterValue;
  descriptor: MutableDescriptor;
}

export interface ParameterStoreOptions {
  /** Set implicitly declares unknown parameters (dynamically typed); get/describe/types answer for them. Default false, as rclcpp. */
  readonly allowUndeclared?: boolean;
  /** Initial values that win over declared defaults (rclcpp's parameter overrides, `-p name:=value`). */
  readonly overrides?: Iterable<readonly [string, ParameterValueInput]> | Record<string, ParameterValueInput>;
  /**
   * Where an exception thrown by a change listener goes. By default the first one is rethrown by
   * the declare/set/undeclare that caused it, after every listener has run.
   */
  readonly onListenerError?: (error: unknown) => void;
}

export interface DeclareOptions {
  /** Use the default value even if an override exists. */
  readonly ignoreOverride?: boolean;
}

const NOT_DECLARED_ATOMIC = 'One or more parameters were not declared before setting';
const EMPTY_LIST =
  'parameter list cannot be empty, this might be due to pre_set_parameters_callback modifying the original parameters list.';

export class ParameterStore {
  readonly allowUndeclared: boolean;
  private readonly params = new Map<string, Info>();
  private readonly overrides = new Map<string, ParameterValue>();
  /** Last added first, as rclcpp calls them. */
  private onSetCallbacks: OnSetParametersCallback[] = [];
  private readonly listeners = new Set<ParameterChangeListener>();
  private busy = false;

  constructor(private readonly options: ParameterStoreOptions = {}) {
    this.allowUndeclared = options.allowUndeclared ?? false;
    const o = options.overrides;
    if (o) {
      const entries =
        Symbol.iterator in o ? [...(o as Iterable<[string, ParameterValueInput]>)] : Object.entries(o);
      for (const [name, v] of entries) this.overrides.set(name, toParameterValue(v));
    }
  }

  /**
   * Declares a parameter with its initial value: the override for `name` if any (unless
   * `ignoreOverride`), else `defaultValue`. Returns that value. The value is checked against the
   * descriptor (type, range) and the on-set callbacks, and listeners get it in `newParameters`.
   *
   * Statically typed (the default): the type is the default value's, or `descriptor.type` when
   * no default is given (the parameter is then uninitialized until set: `get` throws
   * ParameterUninitializedError). Throws InvalidParameterNameError, ParameterAlreadyDeclaredError,
   * InvalidParameterTypeError (no type, descriptor type ≠ default's type, override of another
   * type), InvalidParameterValueError (out of range, rejected by a callback).
   */
  declare(
    name: string,
    defaultValue?: ParameterValueInput,
    descriptor: ParameterDescriptorInput = {},
    options: DeclareOptions = {},
  ): ParameterValue {
    return this.mutate(() => {
      if (name === '') throw new InvalidParameterNameError(name);
      if (this.params.has(name)) throw new ParameterAlreadyDeclaredError(name);
      const d = makeDescriptor(name, descriptor);
      const def = defaultValue === undefined ? PARAMETER_NOT_SET : toParameterValue(defaultValue);
      if (d.dynamicTyping) {
        d.type = 'not_set';
      } else {
        if (
          descriptor.type &&
          descriptor.type !== 'not_set' &&
          def.type !== 'not_set' &&
          descriptor.type !== def.type
        ) {
          throw new InvalidParameterTypeError(
            name,
            `the descriptor's type {${parameterTypeToString(descriptor.type)}} is not the default value's type {${parameterTypeToString(def.type)}}`,
          );
        }
        d.type = def.type !== 'not_set' ? def.type : (descriptor.type ?? 'not_set');
        if (d.type === 'not_set') {
          throw new InvalidParameterTypeError(
            name,
            'cannot declare a statically typed parameter with an uninitialized value',
          );
        }
      }
      const initial = (!options.ignoreOverride && this.overrides.get(name)) || def;
      const info: Info = { value: PARAMETER_NOT_SET, descriptor: d };
      const newParameters: Parameter[] = [];
      if (initial.type !== 'not_set') {
        const p: Parameter = { name, value: initial };
        let r = checkParameters([p], () => d);
        if (r.successful) r = this.runOnSetCallbacks([p]);
        if (!r.successful) {
          if (r.reason.startsWith(TYPE_REASON_START)) throw new InvalidParameterTypeError(name, r.reason);
          throw new InvalidParameterValueError(name, r.reason);
        }
        info.value = initial;
        d.type = initial.type;
        newParameters.push(p);
      }
      this.params.set(name, info);
      // rclcpp publishes the event even when it is empty (declared without a value).
      this.emit({ newParameters, changedParameters: [], deletedParameters: [] });
      return copyOut(info.value);
    });
  }

  /** Declares every override not declared yet, dynamically typed (rclcpp's automatically_declare_parameters_from_overrides). */
  declareFromOverrides(): void {
    for (const [name, value] of this.overrides) {
      if (!this.has(name)) this.declare(name, value, { dynamicTyping: true }, { ignoreOverride: true });
    }
  }

  /**
   * Removes a parameter; listeners get it in `deletedParameters` (with a NOT_SET value, as when
   * it is undeclared by a set). Throws ParameterNotDeclaredError, ParameterImmutableError
   * (read-only), InvalidParameterTypeError (statically typed).
   */
  undeclare(name: string): void {
    this.mutate(() => {
      const info = this.params.get(name);
      if (!info) {
        throw new ParameterNotDeclaredError(
          name,
          `cannot undeclare parameter '${name}' which has not yet been declared`,
        );
      }
      if (info.descriptor.readOnly) {
        throw new ParameterImmutableError(
          `cannot undeclare parameter '${name}' because it is read-only`,
          name,
        );
      }
      if (!info.descriptor.dynamicTyping) {
        throw new InvalidParameterTypeError(name, 'cannot undeclare a statically typed parameter');
      }
      this.params.delete(name);
      this.emit({
        newParameters: [],
        changedParameters: [],
        deletedParameters: [{ name, value: PARAMETER_NOT_SET }],
      });
    });
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  /**
   * The value of a parameter: NOT_SET for a dynamically typed one without a value, and for any
   * undeclared name if undeclared parameters are allowed. Throws ParameterNotDeclaredError,
   * ParameterUninitializedError (statically typed, declared without a value, never set).
   */
  get(name: string): ParameterValue {
    const info = this.params.get(name);
    if (info) {
      if (info.value.type !== 'not_set' || info.descriptor.dynamicTyping) return copyOut(info.value);
      throw new ParameterUninitializedError(name);
    }
    if (this.allowUndeclared) return PARAMETER_NOT_SET;
    throw new ParameterNotDeclaredError(name);
  }

  /** `get` of each name; throws on the first that `get` throws for. */
  getParameters(names: readonly string[]): Parameter[] {
    return names.map((name) => ({ name, value: this.get(name) }));
  }

  /**
   * Descriptors by name. An undeclared name throws ParameterNotDeclaredError, or, with
   * `allowUndeclared`, gets a default descriptor (type not set).
   */
  describe(names: readonly string[]): ParameterDescriptor[] {
    return names.map((name) => {
      const info = this.params.get(name);
      if (info) return Object.freeze({ ...info.descriptor });
      if (this.allowUndeclared) return Object.freeze(makeDescriptor(name));
      throw new ParameterNotDeclaredError(name);
    });
  }

  /** The current value's type by name (`not_set` for an uninitialized one); undeclared names as in `describe`. */
  types(names: readonly string[]): ParameterTypeName[] {
    return names.map((name) => {
      const info = this.params.get(name);
      if (info) return info.value.type;
      if (this.allowUndeclared) return 'not_set';
      throw new ParameterNotDeclaredError(name);
    });
  }

  /**
   * rclcpp's list_parameters, with `.` separating name levels. No prefixes and depth 0
   * (DEPTH_RECURSIVE): every name. No prefixes and depth n: names with fewer than n dots. With
   * prefixes: a name equal to a prefix, or under `prefix.` with fewer than `depth` dots after it
   * (any number for depth 0). `prefixes` of the result: each listed name's part before its last
   * dot, once, in order. Names come in byte order.
   */
  list(prefixes: readonly string[] = [], depth: number | bigint = DEPTH_RECURSIVE): ListParametersResult {
    const d = BigInt(depth);
    const fewerDotsThanDepth = (s: string) => BigInt(dots(s)) < d;
    const recursive = prefixes.length === 0 && d === 0n;
    const result: ListParametersResult = { names: [], prefixes: [] };
    for (const name of [...this.params.keys()].sort(byteOrder)) {
      if (!recursive && !(prefixes.length === 0 && fewerDotsThanDepth(name))) {
        const matches = prefixes.some((prefix) => {
          if (name === prefix) return true;
          if (!name.startsWith(`${prefix}.`)) return false;
          return d === 0n || fewerDotsThanDepth(name.slice(prefix.length + 1));
        });
        if (!matches) continue;
      }
      result.names.push(name);
      const last = name.lastIndexOf('.');
      if (last >= 0) {
        const prefix = name.slice(0, last);
        if (!result.prefixes.includes(prefix)) result.prefixes.push(prefix);
      }
    }
    return result;
  }

  /**
   * Sets each parameter on its own (one atomic set each), as the set_parameters service does:
   * one result per parameter, in order. An undeclared parameter (undeclared ones not allowed)
   * fails with rclcpp's reason `parameter 'x' cannot be set because it was not declared`.
   */
  set(parameters: readonly ParameterInput[]): SetParametersResult[] {
    const parsed = parameters.map((p) => ({ name: p.name, value: toParameterValue(p.value) }));
    return parsed.map((p) =>
      this.mutate(() =>
        this.setLocked([p], `parameter '${p.name}' cannot be set because it was not declared`),
      ),
    );
  }

  /**
   * Sets all the parameters or none, as rclcpp's set_parameters_atomically: fails on an empty list,
   * an empty name, an undeclared parameter (reason `One or more parameters were not declared
   * before setting`, the service's), a read-only one, a statically typed one set to NOT_SET (which
   * undeclares a dynamically typed one), a wrong type, a value out of range, or a callback's
   * rejection; the first failure's reason is returned. On success listeners get the implicitly
   * declared parameters as new, the undeclared ones as deleted, the others as changed.
   */
  setAtomically(parameters: readonly ParameterInput[]): SetParametersResult {
    const parsed = parameters.map((p) => ({ name: p.name, value: toParameterValue(p.value) }));
    return this.mutate(() => this.setLocked(parsed, NOT_DECLARED_ATOMIC));
  }

  /**
   * Adds a validation callback, called with every set (and declaration's initial value) before it
   * is applied; the last added is called first, and the first unsuccessful result rejects the set
   * with its reason. Returns the function that removes it. An exception thrown by a callback
   * propagates out of the set or declare.
   */
  onSetParameters(callback: OnSetParametersCallback): () => void {
    this.mutate(() => {
      this.onSetCallbacks = [callback, ...this.onSetCallbacks];
    });
    return () => {
      this.mutate(() => {
        this.onSetCallbacks = this.onSetCallbacks.filter((c) => c !== callback);
      });
    };
  }

  /** Calls `listener` after each successful declare, set and undeclare. Returns the function that removes it. */
  onChange(listener: ParameterChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private setLocked(params: readonly Parameter[], notDeclaredReason: string): SetParametersResult {
    if (params.length === 0) return fail(EMPTY_LIST);
    const toDeclare: Parameter[] = [];
    for (const p of params) {
      if (p.name === '') return fail('parameter name must not be empty');
      const info = this.params.get(p.name);
      if (!info) {
        if (!this.allowUndeclared) return fail(notDeclaredReason);
        toDeclare.push(p);
        continue;
      }
      if (info.descriptor.readOnly)
        return fail(`parameter '${p.name}' cannot be set because it is read-only`);
    }
    // Implicit declarations: dynamically typed, no override, no callback but the one below.
    const staged = new Map<string, Info>();
    const newParameters: Parameter[] = [];
    for (const p of toDeclare) {
      const descriptor = makeDescriptor(p.name, { dynamicTyping: true });
      descriptor.type = p.value.type;
      staged.set(p.name, { value: p.value, descriptor });
      if (p.value.type !== 'not_set') newParameters.push(p);
    }
    const toUndeclare = new Set<string>();
    for (const p of params) {
      if (p.value.type !== 'not_set') continue;
      const info = this.params.get(p.name);
      if (info && info.value.type !== 'not_set') {
        if (!info.descriptor.dynamicTyping) return fail('cannot undeclare a statically typed parameter');
        toUndeclare.add(p.name);
      }
    }
    const checked = checkParameters(
      params,
      (name) => this.params.get(name)?.descriptor ?? makeDescriptor(name, { dynamicTyping: true }),
    );
    if (!checked.successful) return checked;
    const result = this.runOnSetCallbacks(params);
    if (!result.successful) return result;
    for (const p of params) {
      const info = this.params.get(p.name) ?? staged.get(p.name)!;
      info.value = p.value;
      info.descriptor.type = p.value.type;
      this.params.set(p.name, info);
    }
    const deletedParameters: Parameter[] = [];
    for (const name of toUndeclare) {
      this.params.delete(name);
      deletedParameters.push({ name, value: PARAMETER_NOT_SET });
    }
    const changedParameters = params.filter((p) => !staged.has(p.name) && !toUndeclare.has(p.name));
    this.emit({ newParameters, changedParameters, deletedParameters });
    return result;
  }

  private runOnSetCallbacks(params: readonly Parameter[]): SetParametersResult {
    let result: SetParametersResult = OK;
    for (const callback of this.onSetCallbacks) {
      const r = callback(params);
      result = { successful: r.successful === true, reason: r.reason ?? '' };
      if (!result.successful) return result;
    }
    return result;
  }

  private emit(event: ParameterChangeEvent): void {
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        if (this.options.onListenerError) this.options.onListenerError(error);
        else errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  /** rclcpp's ParameterMutationRecursionGuard: no mutation from inside a callback or listener. */
  private mutate<T>(fn: () => T): T {
    if (this.busy) throw new ParameterModifiedInCallbackError();
    this.busy = true;
    try {
      return fn();
    } finally {
      this.busy = false;
    }
  }
}
