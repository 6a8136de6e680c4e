/**
 * Parameter descriptors (rcl_interfaces ParameterDescriptor) and rclcpp's checks of a value
 * against one (`node_parameters.cpp`, Jazzy: type, then integer or floating point range), with
 * its reason strings word for word (they travel in SetParametersResult.reason).
 */
import type {
  rcl_interfaces__msg__FloatingPointRange$Input,
  rcl_interfaces__msg__IntegerRange$Input,
  rcl_interfaces__msg__ParameterDescriptor,
  rcl_interfaces__msg__ParameterDescriptor$Input,
} from '../../cdr/index.js';
import {
  isNumber,
  PARAMETER_TYPES,
  type Parameter,
  type ParameterTypeName,
  type ParameterValue,
  parameterTypeId,
  parameterTypeOf,
  parameterTypeToString,
  toInt64,
} from './values.js';

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

const UINT64_MAX = (1n << 64n) - 1n;

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

/** @internal The store's own descriptors, whose type follows the value. */
export type MutableDescriptor = { -readonly [K in keyof ParameterDescriptor]: ParameterDescriptor[K] };

/** @internal A descriptor with rclcpp's defaults for what `d` leaves out; throws for a bad range or type. */
export function makeDescriptor(name: string, d: ParameterDescriptorInput = {}): MutableDescriptor {
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

export const OK: SetParametersResult = Object.freeze({ successful: true, reason: '' });
export const fail = (reason: string): SetParametersResult => ({ successful: false, reason });
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

/** @internal How rclcpp's reason for a wrong type starts. */
export const TYPE_REASON_START = 'Wrong parameter type';

/** rclcpp's `__check_parameters`: type, then range, parameter by parameter, first failure wins. */
export function checkParameters(
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
