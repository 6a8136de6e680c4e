/**
 * What `ros2 param describe` prints for one rcl_interfaces/msg/ParameterDescriptor: ros2param's
 * `DescribeVerb._print_descriptor` (ros2cli jazzy, `ros2param/ros2param/verb/describe.py`).
 *
 * Jazzy prints no "Dynamic typing" line, and "Constraints:" always; of the ranges only the first
 * (floating point before integer) is shown, its step only when not zero. Values print as Python's
 * `print()` prints them: floats by `repr`, strings as they are.
 */
import { parameterTypeString } from './parameter-values.js';
import { pyFloatRepr } from './python-repr.js';

interface RangeMsg {
  readonly from_value?: number | bigint;
  readonly to_value?: number | bigint;
  readonly step?: number | bigint;
}

/** The fields of a ParameterDescriptor that ros2param reads (as decoded; missing ones default). */
export interface ParameterDescriptorMsg {
  readonly name?: string;
  readonly type?: number;
  readonly description?: string;
  readonly additional_constraints?: string;
  readonly read_only?: boolean;
  readonly floating_point_range?: readonly RangeMsg[];
  readonly integer_range?: readonly RangeMsg[];
}

/** Python's str() of an int64 or a float64 range bound. */
function pyNumber(v: number | bigint | undefined): string {
  if (typeof v === 'bigint') return v.toString();
  return pyFloatRepr(v ?? 0);
}

export function describeDescriptorLines(d: ParameterDescriptorMsg): string[] {
  const lines = [`Parameter name: ${d.name ?? ''}`, `  Type: ${parameterTypeString(d.type ?? 0)}`];
  if (d.description) lines.push(`  Description: ${d.description}`);
  lines.push('  Constraints:');
  if (d.read_only) lines.push('    Read only: true');
  const range = [...(d.floating_point_range ?? []), ...(d.integer_range ?? [])][0];
  if (range) {
    lines.push(`    Min value: ${pyNumber(range.from_value)}`, `    Max value: ${pyNumber(range.to_value)}`);
    // Python's truthiness: 0 and 0.0 are false.
    if (range.step !== undefined && Number(range.step) !== 0) lines.push(`    Step: ${pyNumber(range.step)}`);
  }
  if (d.additional_constraints) lines.push(`    Additional constraints: ${d.additional_constraints}`);
  return lines;
}
