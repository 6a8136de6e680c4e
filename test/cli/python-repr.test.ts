/**
 * rclpy's repr of messages (`ros2 service call`, `ros2 topic pub`): Python's float, str and bytes
 * reprs, numpy's array repr, and whole messages. Expected strings were printed by CPython 3 and
 * numpy (`repr(...)`), or follow rosidl_generator_py's `__repr__` (Jazzy `_msg.py.em`).
 */
import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../src/cdr/index.js';
import {
  fieldStr,
  messageRepr,
  numpyArrayRepr,
  pyBytesRepr,
  pyFloatRepr,
  pyStrRepr,
} from '../../src/cli/python-repr.js';

const registry = new InterfaceRegistry({ amentPrefixPath: false });

describe("Python's repr", () => {
  it('of floats is the shortest round trip in Python notation', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [-0, '-0.0'],
      [1, '1.0'],
      [2, '2.0'],
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789012345680, '1.2345678901234568e+17'],
      [1e-4, '0.0001'],
      [1e-5, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [Math.fround(0.1), '0.10000000149011612'],
      [100, '100.0'],
      [12345.678, '12345.678'],
      [-2.5, '-2.5'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NEGATIVE_INFINITY, '-inf'],
      [Number.NaN, 'nan'],
    ];
    for (const [x, repr] of cases) expect(pyFloatRepr(x), String(x)).toBe(repr);
  });

  it('of strings picks the quote and escapes as CPython does', () => {
    const cases: [string, string][] = [
      ['', "''"],
      ['abc', "'abc'"],
      ["it's", `"it's"`],
      ['say "hi"', `'say "hi"'`],
      [`both ' and "`, `'both \\' and "'`],
      ['tab\there', "'tab\\there'"],
      ['new\nline', "'new\\nline'"],
      ['back\\slash', "'back\\\\slash'"],
      ['\x00\x07\x7f', "'\\x00\\x07\\x7f'"],
      ['é ü', "'é ü'"],
      ['日本', "'日本'"],
      ['\u200b zero width', "'\\u200b zero width'"],
      ['\u{1F600}', "'\u{1F600}'"],
      ['\xa0nbsp', "'\\xa0nbsp'"],
      ['\u2028', "'\\u2028'"],
    ];
    for (const [s, repr] of cases) expect(pyStrRepr(s)).toBe(repr);
  });

  it('of bytes', () => {
    const cases: [number, string][] = [
      [0, "b'\\x00'"],
      [39, `b"'"`],
      [34, `b'"'`],
      [92, "b'\\\\'"],
      [97, "b'a'"],
      [127, "b'\\x7f'"],
      [255, "b'\\xff'"],
      [10, "b'\\n'"],
    ];
    for (const [b, repr] of cases) expect(pyBytesRepr([b])).toBe(repr);
  });
});

describe("numpy's array repr (fixed-size arrays)", () => {
  const zeros = (n: number) => Array.from({ length: n }, () => 0);
  it.each([
    ['float64', zeros(9), 'array([0., 0., 0., 0., 0., 0., 0., 0., 0.])'],
    [
      'float64',
      zeros(36),
      'array([0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,\n' +
        '       0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.,\n' +
        '       0., 0.])',
    ],
    ['float64', [1, 2.5], 'array([1. , 2.5])'],
    ['float64', [0.1, 0.25, 3], 'array([0.1 , 0.25, 3.  ])'],
    ['float64', [1e-5, 1], 'array([1.e-05, 1.e+00])'],
    ['float64', [1e8, 1], 'array([1.e+08, 1.e+00])'],
    ['float64', [-1.5, 2, 100], 'array([ -1.5,   2. , 100. ])'],
    ['float64', [1 / 3, 2 / 3], 'array([0.33333333, 0.66666667])'],
    ['float32', [0.1, 0.2], 'array([0.1, 0.2], dtype=float32)'],
    ['float32', [1, 0, 0], 'array([1., 0., 0.], dtype=float32)'],
    ['int8', [1, -10, 100], 'array([  1, -10, 100], dtype=int8)'],
    ['uint8', [0, 255], 'array([  0, 255], dtype=uint8)'],
    ['int64', [1n, 2n, 3n], 'array([1, 2, 3])'],
    ['uint64', [1n, 2n], 'array([1, 2], dtype=uint64)'],
    [
      'int32',
      Array.from({ length: 30 }, (_, i) => i),
      'array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n' +
        '       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29], dtype=int32)',
    ],
    ['float64', [Number.NaN, 1], 'array([nan,  1.])'],
    ['float64', [Number.NEGATIVE_INFINITY, 1.5], 'array([-inf,  1.5])'],
    ['float32', zeros(9), 'array([0., 0., 0., 0., 0., 0., 0., 0., 0.], dtype=float32)'],
    ['float64', [123456.789, 0.001], 'array([1.23456789e+05, 1.00000000e-03])'],
    ['float64', [1.23456789012, 2], 'array([1.23456789, 2.        ])'],
  ] as const)('%s (case %#)', (dtype, values, repr) => {
    expect(numpyArrayRepr(values as readonly (number | bigint)[], dtype)).toBe(repr);
  });
});

describe('message repr', () => {
  it('of the tutorial request and response', () => {
    expect(
      messageRepr(registry, 'turtlesim/srv/Spawn_Request', { x: 2, y: 2, theta: 0, name: 'foxy_turtle' }),
    ).toBe("turtlesim.srv.Spawn_Request(x=2.0, y=2.0, theta=0.0, name='foxy_turtle')");
    expect(messageRepr(registry, 'turtlesim/srv/Spawn_Response', { name: 'foxy_turtle' })).toBe(
      "turtlesim.srv.Spawn_Response(name='foxy_turtle')",
    );
  });

  it('of an empty message, nested messages and missing fields (defaults)', () => {
    expect(messageRepr(registry, 'std_srvs/srv/Trigger_Request', {})).toBe('std_srvs.srv.Trigger_Request()');
    expect(messageRepr(registry, 'geometry_msgs/msg/Twist', { linear: { x: 2 } })).toBe(
      'geometry_msgs.msg.Twist(linear=geometry_msgs.msg.Vector3(x=2.0, y=0.0, z=0.0), angular=geometry_msgs.msg.Vector3(x=0.0, y=0.0, z=0.0))',
    );
    expect(messageRepr(registry, 'example_interfaces/srv/AddTwoInts_Response', { sum: 5n })).toBe(
      'example_interfaces.srv.AddTwoInts_Response(sum=5)',
    );
  });

  it('of arrays: array.array without its wrapper, numpy for fixed sizes, lists for the rest', () => {
    expect(
      messageRepr(registry, 'sensor_msgs/msg/JointState', {
        name: ['a', "b'"],
        position: new Float64Array([1, 2.5]),
        velocity: [],
      }),
    ).toBe(
      "sensor_msgs.msg.JointState(header=std_msgs.msg.Header(stamp=builtin_interfaces.msg.Time(sec=0, nanosec=0), frame_id=''), " +
        `name=['a', "b'"], position=[1.0, 2.5], velocity=[], effort=[])`,
    );
    expect(messageRepr(registry, 'std_msgs/msg/Float32MultiArray', { data: [0.1] })).toBe(
      'std_msgs.msg.Float32MultiArray(layout=std_msgs.msg.MultiArrayLayout(dim=[], data_offset=0), data=[0.10000000149011612])',
    );
    expect(messageRepr(registry, 'std_msgs/msg/ByteMultiArray', { data: new Uint8Array([0, 65]) })).toBe(
      "std_msgs.msg.ByteMultiArray(layout=std_msgs.msg.MultiArrayLayout(dim=[], data_offset=0), data=[b'\\x00', b'A'])",
    );
    expect(messageRepr(registry, 'std_msgs/msg/UInt8MultiArray', { data: [1, 2] })).toBe(
      'std_msgs.msg.UInt8MultiArray(layout=std_msgs.msg.MultiArrayLayout(dim=[], data_offset=0), data=[1, 2])',
    );
    const imu = messageRepr(registry, 'sensor_msgs/msg/Imu', {});
    expect(imu).toContain('orientation_covariance=array([0., 0., 0., 0., 0., 0., 0., 0., 0.])');
    expect(messageRepr(registry, 'std_msgs/msg/Byte', { data: 7 })).toBe("std_msgs.msg.Byte(data=b'\\x07')");
    expect(messageRepr(registry, 'std_msgs/msg/Bool', { data: true })).toBe('std_msgs.msg.Bool(data=True)');
  });

  it("of a selected field, as Python's str() (ros2 topic echo --field)", () => {
    const pose = registry.get('turtlesim/msg/Pose');
    const field = (name: string) => pose.fields.find((f) => f.name === name)!;
    expect(fieldStr(registry, field('x'), 1.5)).toBe('1.5');
    const js = registry.get('sensor_msgs/msg/JointState').fields.find((f) => f.name === 'name')!;
    expect(fieldStr(registry, js, ['a'])).toBe("['a']");
    const pos = registry.get('sensor_msgs/msg/JointState').fields.find((f) => f.name === 'position')!;
    expect(fieldStr(registry, pos, [1, 2])).toBe("array('d', [1.0, 2.0])");
    const cov = registry.get('sensor_msgs/msg/Imu').fields.find((f) => f.name === 'orientation_covariance')!;
    expect(fieldStr(registry, cov, [0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe('[0. 0. 0. 0. 0. 0. 0. 0. 0.]');
    const str = registry.get('std_msgs/msg/String').fields[0]!;
    expect(fieldStr(registry, str, 'hello')).toBe('hello');
  });
});
