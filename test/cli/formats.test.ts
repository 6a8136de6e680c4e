/**
 * Smaller output formats: ros2param's value parsing and printing (rclpy's
 * get_parameter_value, ros2 param get's labels), ros2topic hz/bw lines, ros2doctor's report
 * layout, and topic info's endpoint fields.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration, formatGid, rosTypeOfDds } from '../../src/cli/graph-info.js';
import {
  describeParameterValue,
  PARAMETER_TYPE,
  parameterTypeString,
  parameterValueFromString,
  parameterValueToYaml,
} from '../../src/cli/parameter-values.js';
import { formatReport, vendorName } from '../../src/cli/verbs/doctor.js';
import { actionsOf } from '../../src/cli/verbs/node.js';
import { TopicBw } from '../../src/cli/verbs/topic-bw.js';
import { TopicHz } from '../../src/cli/verbs/topic-hz.js';

describe('ros2 param values', () => {
  it('guesses the type from YAML as rclpy.parameter.get_parameter_value does', () => {
    expect(parameterValueFromString('150')).toEqual({ type: PARAMETER_TYPE.INTEGER, integer_value: 150n });
    expect(parameterValueFromString('1.5')).toEqual({ type: PARAMETER_TYPE.DOUBLE, double_value: 1.5 });
    expect(parameterValueFromString('true')).toEqual({ type: PARAMETER_TYPE.BOOL, bool_value: true });
    expect(parameterValueFromString('on')).toEqual({ type: PARAMETER_TYPE.BOOL, bool_value: true });
    expect(parameterValueFromString('hello')).toEqual({ type: PARAMETER_TYPE.STRING, string_value: 'hello' });
    expect(parameterValueFromString("'42'")).toEqual({ type: PARAMETER_TYPE.STRING, string_value: '42' });
    expect(parameterValueFromString('')).toEqual({ type: PARAMETER_TYPE.STRING, string_value: '' });
    expect(parameterValueFromString('[1, 2]')).toEqual({
      type: PARAMETER_TYPE.INTEGER_ARRAY,
      integer_array_value: [1n, 2n],
    });
    expect(parameterValueFromString('[1.0, 2.5]')).toEqual({
      type: PARAMETER_TYPE.DOUBLE_ARRAY,
      double_array_value: [1, 2.5],
    });
    expect(parameterValueFromString('[a, b]')).toEqual({
      type: PARAMETER_TYPE.STRING_ARRAY,
      string_array_value: ['a', 'b'],
    });
    expect(parameterValueFromString('[true, false]')).toEqual({
      type: PARAMETER_TYPE.BOOL_ARRAY,
      bool_array_value: [true, false],
    });
    // A mixed list is kept as the text, as a string.
    expect(parameterValueFromString('[1, 2.5]')).toEqual({
      type: PARAMETER_TYPE.STRING,
      string_value: '[1, 2.5]',
    });
    expect(parameterValueFromString('{a: 1')).toEqual({ type: PARAMETER_TYPE.STRING, string_value: '{a: 1' });
  });

  it('prints values as ros2 param get does', () => {
    const show = (v: Parameters<typeof describeParameterValue>[0]) => {
      const d = describeParameterValue(v);
      return d.value === undefined ? d.label : `${d.label} ${d.value}`;
    };
    expect(show({ type: 2, integer_value: 69n })).toBe('Integer value is: 69');
    expect(show({ type: 3, double_value: 2 })).toBe('Double value is: 2.0');
    expect(show({ type: 1, bool_value: false })).toBe('Boolean value is: False');
    expect(show({ type: 4, string_value: 'x y' })).toBe('String value is: x y');
    expect(show({ type: 5, byte_array_value: [1, 65] })).toBe("Byte values are: [b'\\x01', b'A']");
    expect(show({ type: 6, bool_array_value: [true] })).toBe('Boolean values are: [True]');
    expect(show({ type: 7, integer_array_value: new BigInt64Array([1n, -2n]) })).toBe(
      'Integer values are: [1, -2]',
    );
    expect(show({ type: 8, double_array_value: new Float64Array([1, 0.5]) })).toBe(
      'Double values are: [1.0, 0.5]',
    );
    expect(show({ type: 9, string_array_value: ["it's", 'b'] })).toBe(`String values are: ["it's", 'b']`);
    expect(show({ type: 0 })).toBe('Parameter not set.');
    expect(parameterTypeString(7)).toBe('integer array');
    expect(parameterValueToYaml({ type: 7, integer_array_value: [1n] })).toEqual([1n]);
  });
});

describe('ros2 topic hz and bw', () => {
  it('hz: prints once a second of arrivals, from the second message on', () => {
    const hz = new TopicHz(10_000);
    const lines: string[] = [];
    for (let i = 0; i <= 30; i++) {
      hz.onMessage(BigInt(i) * 100_000_000n); // 10 Hz
      const line = hz.report();
      if (line) lines.push(line);
    }
    expect(lines[0]).toBe('average rate: 10.000\n\tmin: 0.100s max: 0.100s std dev: 0.00000s window: 11');
    expect(lines).toHaveLength(2);
  });

  it('bw: bytes per second over the window, in B, KB or MB', () => {
    const bw = new TopicBw(100);
    expect(bw.report(0)).toBeUndefined();
    for (let i = 0; i < 10; i++) bw.onMessage(i * 100, 52);
    expect(bw.report(1000)).toBe('520 B/s from 10 messages\n\tMessage size mean: 52 B min: 52 B max: 52 B');
    const big = new TopicBw(100);
    for (let i = 0; i < 10; i++) big.onMessage(i * 100, 2000 + i);
    expect(big.report(1000)).toBe(
      '20.05 KB/s from 10 messages\n\tMessage size mean: 2.00 KB min: 2.00 KB max: 2.01 KB',
    );
  });
});

describe('graph details', () => {
  it('topic info -v: GID, durations and ROS types as rclpy prints them', () => {
    expect(
      formatGid({ prefix: new Uint8Array([1, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), entityId: 0x1103 }),
    ).toBe('01.0f.01.02.03.04.05.06.07.08.09.0a.00.00.11.03');
    // Humble's rmw_gid_t: 24 bytes, the GUID then zeros (rclpy humble topic_endpoint_info.py).
    expect(
      formatGid({ prefix: new Uint8Array([1, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), entityId: 0x1103 }, 24),
    ).toBe('01.0f.01.02.03.04.05.06.07.08.09.0a.00.00.11.03.00.00.00.00.00.00.00.00');
    expect(formatDuration({ seconds: 0x7fffffff, fraction: 0xffffffff })).toBe('Infinite');
    expect(formatDuration({ seconds: 10, fraction: 0 })).toBe('10000000000 nanoseconds');
    expect(rosTypeOfDds('geometry_msgs::msg::dds_::Twist_')).toBe('geometry_msgs/msg/Twist');
    expect(rosTypeOfDds('MyType')).toBe('MyType');
  });

  it('node info: actions from the services of their send_goal', () => {
    expect(
      actionsOf([
        {
          name: '/turtle1/rotate_absolute/_action/send_goal',
          types: ['turtlesim/action/RotateAbsolute_SendGoal'],
        },
        { name: '/spawn', types: ['turtlesim/srv/Spawn'] },
      ]),
    ).toEqual([{ name: '/turtle1/rotate_absolute', types: ['turtlesim/action/RotateAbsolute'] }]);
  });

  it("doctor: ros2doctor's report layout and vendor names", () => {
    expect(
      formatReport('NAME', [
        ['a', '1'],
        ['longer name', '2'],
      ]),
    ).toEqual(['', '   NAME', 'a              : 1', 'longer name    : 2']);
    expect(formatReport('X', [['ab', 'c']])).toEqual(['', '   X', 'ab      : c']);
    expect(vendorName(0x010f)).toBe('eProsima Fast DDS (01.0f)');
    expect(vendorName(0x0110)).toBe('Eclipse Cyclone DDS (01.10)');
    expect(vendorName(0x0101)).toBe('RTI Connext (01.01)');
    expect(vendorName(0x01f7)).toBe('ros2ts (01.f7)');
    expect(vendorName(0x0112)).toBe('unknown vendor (01.12)');
  });
});

describe("Python's %f", () => {
  it('rounds exact ties to even, as CPython', async () => {
    const { pyFixed } = await import('../../src/cli/python-repr.js');
    // python3 -c "print('%.2f %.2f %.0f %.0f %.3f %.2f' % (0.125, 0.375, 52.5, 53.5, 1.0005, 20.045))"
    expect([
      pyFixed(0.125, 2),
      pyFixed(0.375, 2),
      pyFixed(52.5, 0),
      pyFixed(53.5, 0),
      pyFixed(1.0005, 3),
      pyFixed(20.045, 2),
    ]).toEqual(['0.12', '0.38', '52', '54', '1.000', '20.05']);
    expect(pyFixed(-0.125, 2)).toBe('-0.12');
  });
});
