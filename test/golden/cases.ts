/**
 * The representative cases the golden tests run through both vendors and our codec, with values
 * in ros2ts' JavaScript representation (typed arrays for numeric arrays, bigint for 64-bit
 * integers). They cover the common ROS 2 types, and Debian's `ros2-test-interface-files`
 * (rosidl's test_msgs) for every primitive at its extremes, every array kind and deep nesting.
 * NaN is left out: its payload bits are not a property of the value, so a byte comparison of it
 * would test the platform, not the codec.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterfaceRegistry } from '../../src/cdr/registry.js';
import type { GoldenCase } from './peers.js';

/** Where Debian's ros2-test-interface-files puts rosidl's test_msgs definitions. */
export const TEST_INTERFACE_FILES = '/usr/share/test_interface_files/msg';

export interface CaseSpec {
  readonly type: string;
  readonly values: readonly object[];
}

/**
 * A registry that finds the bundled interfaces and test_msgs, copied from Debian's package into
 * `<tmp>/ros2ts-golden/interfaces/test_msgs/msg/` (the package keeps them without a package folder).
 */
export function goldenRegistry(): InterfaceRegistry {
  if (!existsSync(TEST_INTERFACE_FILES)) {
    throw new Error(
      `${TEST_INTERFACE_FILES} is missing: install the Debian package ros2-test-interface-files`,
    );
  }
  const root = join(tmpdir(), 'ros2ts-golden', 'interfaces');
  const dir = join(root, 'test_msgs', 'msg');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(TEST_INTERFACE_FILES)) {
    if (f.endsWith('.msg')) copyFileSync(join(TEST_INTERFACE_FILES, f), join(dir, f));
  }
  return new InterfaceRegistry({ paths: [root], amentPrefixPath: false });
}

/** The cases with their closures, ready for the peers. */
export function goldenCases(registry: InterfaceRegistry, specs: readonly CaseSpec[] = CASES): GoldenCase[] {
  return specs.map((s) => ({ type: s.type, closure: registry.closure(s.type), values: s.values }));
}

const f32 = Math.fround;
const FLT_MAX = f32(3.4028234663852886e38);
const FLT_MIN = f32(1.1754943508222875e-38);
const FLT_TRUE_MIN = f32(1.401298464324817e-45);
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/** test_msgs' float64 array default, literally `3.1415` in the .msg files. */
// biome-ignore lint/suspicious/noApproximativeNumericConstant: the value test_msgs defines, not an approximation of pi
const TEST_MSGS_PI = 3.1415;

const time = (sec: number, nanosec: number) => ({ sec, nanosec });
const header = (sec: number, frame_id: string) => ({ stamp: time(sec, 999_999_999), frame_id });

/** Deterministic bytes that are not a simple ramp, so a shifted or reordered copy shows. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 37 + seed * 11 + (i >> 3)) & 0xff;
  return out;
}

/** Little-endian float32 bytes, as PointCloud2's data holds points. */
function floatBytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    dv.setFloat32(i * 4, v, true);
  });
  return out;
}

// --- test_msgs value builders ------------------------------------------------------------

function basicTypes(k: number): object {
  switch (k % 3) {
    case 0: // maxima and minima
      return {
        bool_value: true,
        byte_value: 255,
        char_value: 127,
        float32_value: FLT_MAX,
        float64_value: Number.MAX_VALUE,
        int8_value: -128,
        uint8_value: 255,
        int16_value: -32768,
        uint16_value: 65535,
        int32_value: -2147483648,
        uint32_value: 4294967295,
        int64_value: I64_MIN,
        uint64_value: U64_MAX,
      };
    case 1: // zeros, negative zero and the other ends
      return {
        bool_value: false,
        byte_value: 0,
        char_value: 0,
        float32_value: -0,
        float64_value: -0,
        int8_value: 127,
        uint8_value: 0,
        int16_value: 32767,
        uint16_value: 0,
        int32_value: 2147483647,
        uint32_value: 0,
        int64_value: I64_MAX,
        uint64_value: 0n,
      };
    default: // tiny, subnormal and infinite floats, ordinary integers
      return {
        bool_value: true,
        byte_value: 0x5a,
        char_value: 200,
        float32_value: k % 2 ? FLT_TRUE_MIN : -FLT_MIN,
        float64_value: k % 2 ? Number.MIN_VALUE : -2.2250738585072014e-308,
        int8_value: -1,
        uint8_value: 128,
        int16_value: -2,
        uint16_value: 40000,
        int32_value: -123456789,
        uint32_value: 3000000000,
        int64_value: -1234567890123456789n,
        uint64_value: 12345678901234567890n,
      };
  }
}

function defaults(k: number): object {
  return k % 2 === 0
    ? {
        bool_value: true,
        byte_value: 50,
        char_value: 100,
        float32_value: 1.125,
        float64_value: 1.125,
        int8_value: -50,
        uint8_value: 200,
        int16_value: -1000,
        uint16_value: 2000,
        int32_value: -30000,
        uint32_value: 60000,
        int64_value: -40000000n,
        uint64_value: 50000000n,
      }
    : {
        bool_value: false,
        byte_value: 1,
        char_value: 2,
        float32_value: f32(0.1),
        float64_value: 0.1,
        int8_value: 3,
        uint8_value: 4,
        int16_value: 5,
        uint16_value: 6,
        int32_value: 7,
        uint32_value: 8,
        int64_value: 9n,
        uint64_value: 10n,
      };
}

/** The `*_values_default` fields shared by Arrays and the sequence messages, at their defaults. */
function defaultArrays(withStrings: boolean): object {
  const base = {
    bool_values_default: [false, true, false],
    byte_values_default: Uint8Array.of(0, 1, 255),
    char_values_default: Uint8Array.of(0, 1, 127),
    float32_values_default: Float32Array.of(1.125, 0, -1.125),
    float64_values_default: Float64Array.of(TEST_MSGS_PI, 0, -TEST_MSGS_PI),
    int8_values_default: Int8Array.of(0, 127, -128),
    uint8_values_default: Uint8Array.of(0, 1, 255),
    int16_values_default: Int16Array.of(0, 32767, -32768),
    uint16_values_default: Uint16Array.of(0, 1, 65535),
    int32_values_default: Int32Array.of(0, 2147483647, -2147483648),
    uint32_values_default: Uint32Array.of(0, 1, 4294967295),
    int64_values_default: BigInt64Array.of(0n, I64_MAX, I64_MIN),
    uint64_values_default: BigUint64Array.of(0n, 1n, U64_MAX),
  };
  return withStrings ? { ...base, string_values_default: ['', 'max value', 'min value'] } : base;
}

function arrays(k: number): object {
  return {
    bool_values: [true, false, k % 2 === 0],
    byte_values: Uint8Array.of(0, 128, 255 - k),
    char_values: Uint8Array.of(65 + k, 0, 255),
    float32_values: Float32Array.of(-1.5, f32(0.1), FLT_MAX),
    float64_values: Float64Array.of(Math.PI, -0, 1e-300 * (k + 1)),
    int8_values: Int8Array.of(-128, 0, 127),
    uint8_values: Uint8Array.of(0, 1, 254),
    int16_values: Int16Array.of(-32768, k, 32767),
    uint16_values: Uint16Array.of(0, 65535, 256),
    int32_values: Int32Array.of(-2147483648, 0, 2147483647),
    uint32_values: Uint32Array.of(4294967295, 0, 65536),
    int64_values: BigInt64Array.of(I64_MIN, BigInt(k), I64_MAX),
    uint64_values: BigUint64Array.of(U64_MAX, 0n, 2n ** 32n),
    string_values: ['', `element ${k}`, 'ünïcödé ✓'],
    basic_types_values: [basicTypes(k), basicTypes(k + 1), basicTypes(k + 2)],
    constants_values: [{}, {}, {}],
    defaults_values: [defaults(k), defaults(k + 1), defaults(k)],
    ...defaultArrays(true),
    alignment_check: -7 - k,
  };
}

/** BoundedSequences / UnboundedSequences / BoundedPlainSequences; `n` is the sequence length. */
function sequences(n: number, k: number, withStrings: boolean): object {
  const take = <T>(xs: readonly T[]): T[] => xs.slice(0, n);
  const value: Record<string, unknown> = {
    bool_values: take([true, false, true]),
    byte_values: Uint8Array.from(take([255, 0, 7])),
    char_values: Uint8Array.from(take([97, 98, 99])),
    float32_values: Float32Array.from(take([FLT_MIN, -2.5, 1e10])),
    float64_values: Float64Array.from(take([-0.1, 1e100, Number.EPSILON])),
    int8_values: Int8Array.from(take([-1, -128, 127])),
    uint8_values: Uint8Array.from(take([1, 2, 3])),
    int16_values: Int16Array.from(take([-300, 300, 0])),
    uint16_values: Uint16Array.from(take([65535, 1, 2])),
    int32_values: Int32Array.from(take([-70000, 70000, k])),
    uint32_values: Uint32Array.from(take([4000000000, 3, 2])),
    int64_values: BigInt64Array.from(take([I64_MIN, -1n, I64_MAX])),
    uint64_values: BigUint64Array.from(take([U64_MAX, 1n, 0n])),
    basic_types_values: take([basicTypes(k), basicTypes(k + 1), basicTypes(k + 2)]),
    constants_values: take([{}, {}, {}]),
    defaults_values: take([defaults(k), defaults(k + 1), defaults(k)]),
    ...defaultArrays(withStrings),
    alignment_check: 0x01020304 + k,
  };
  if (withStrings) value['string_values'] = take(['x', '', 'sequence ✓ 日本']);
  return value;
}

function multiNested(): object {
  return {
    array_of_arrays: [arrays(0), arrays(1), arrays(2)],
    array_of_bounded_sequences: [sequences(0, 0, true), sequences(3, 1, true), sequences(1, 2, true)],
    array_of_unbounded_sequences: [sequences(2, 0, true), sequences(0, 1, true), sequences(3, 2, true)],
    bounded_sequence_of_arrays: [arrays(3)],
    bounded_sequence_of_bounded_sequences: [sequences(2, 3, true), sequences(0, 4, true)],
    bounded_sequence_of_unbounded_sequences: [],
    unbounded_sequence_of_arrays: [arrays(4), arrays(5)],
    unbounded_sequence_of_bounded_sequences: [sequences(1, 5, true)],
    unbounded_sequence_of_unbounded_sequences: [
      sequences(3, 6, true),
      sequences(0, 7, true),
      sequences(2, 8, true),
    ],
  };
}

// --- common ROS 2 types --------------------------------------------------------------------

function transformStamped(i: number): object {
  return {
    header: header(1700000000 + i, i === 0 ? 'map' : `odom_${i}`),
    child_frame_id: ['base_link', 'laser', ''][i] ?? '',
    transform: {
      translation: { x: 1.5 * i, y: -0.25, z: 1e-9 },
      rotation: { x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 },
    },
  };
}

const gid = (seed: number) => ({ data: bytes(16, seed) });

export const CASES: readonly CaseSpec[] = [
  {
    type: 'geometry_msgs/msg/Twist',
    values: [
      { linear: { x: 1, y: 2, z: 3 }, angular: { x: 4, y: 5, z: 6 } },
      { linear: { x: 0.1, y: -2.5e-300, z: 1e308 }, angular: { x: -0, y: Number.MIN_VALUE, z: Math.PI } },
    ],
  },
  {
    type: 'turtlesim/srv/Spawn_Request',
    values: [
      { x: 5.5, y: f32(1.1), theta: f32(-0.7), name: 'turtle2' },
      { x: 0, y: 0, theta: 0, name: '' },
    ],
  },
  { type: 'turtlesim/srv/Spawn_Response', values: [{ name: 'turtle2' }, { name: '' }] },
  {
    type: 'sensor_msgs/msg/Image',
    values: [
      {
        header: header(1700000123, 'camera/left_optical_frame ✓'),
        height: 8,
        width: 12,
        encoding: 'rgb8',
        is_bigendian: 0,
        step: 36,
        data: bytes(288, 1),
      },
      {
        header: header(0, ''),
        height: 0,
        width: 0,
        encoding: '',
        is_bigendian: 1,
        step: 0,
        data: new Uint8Array(0),
      },
    ],
  },
  { type: 'std_msgs/msg/String', values: [{ data: '' }, { data: 'héllo wörld ✓ 日本' }, { data: 'a' }] },
  { type: 'std_msgs/msg/Empty', values: [{}] },
  {
    type: 'tf2_msgs/msg/TFMessage',
    values: [
      { transforms: [transformStamped(0), transformStamped(1), transformStamped(2)] },
      { transforms: [] },
    ],
  },
  {
    type: 'rcl_interfaces/msg/Log',
    values: [
      {
        stamp: time(1700000000, 123456789),
        level: 20,
        name: 'talker',
        msg: 'Publishing: "Hello World: 7" ✓',
        file: '/ws/src/demo_nodes_cpp/src/topics/talker.cpp',
        function: 'operator()',
        line: 42,
      },
    ],
  },
  {
    type: 'sensor_msgs/msg/PointCloud2',
    values: [
      {
        header: header(1700000001, 'velodyne'),
        height: 1,
        width: 2,
        fields: [
          { name: 'x', offset: 0, datatype: 7, count: 1 },
          { name: 'y', offset: 4, datatype: 7, count: 1 },
          { name: 'z', offset: 8, datatype: 7, count: 1 },
        ],
        is_bigendian: false,
        point_step: 12,
        row_step: 24,
        data: floatBytes([1, 2, 3, -0.5, 0.25, 1e6]),
        is_dense: true,
      },
    ],
  },
  {
    type: 'rmw_dds_common/msg/ParticipantEntitiesInfo',
    values: [
      {
        gid: gid(1),
        node_entities_info_seq: [
          {
            node_namespace: '/',
            node_name: 'talker',
            reader_gid_seq: [gid(2)],
            writer_gid_seq: [gid(3), gid(4)],
          },
          {
            node_namespace: '/a/much/longer/namespace',
            node_name: 'n',
            reader_gid_seq: [],
            writer_gid_seq: [],
          },
        ],
      },
      { gid: gid(5), node_entities_info_seq: [] },
    ],
  },
  {
    // An empty sequence of 8-byte elements is its count alone: no padding to 8 follows it.
    type: 'sensor_msgs/msg/JointState',
    values: [
      {
        header: header(1700000002, 'base_link'),
        name: ['shoulder', 'elbow', 'wrist'],
        position: Float64Array.of(0.5, -1.25, Math.PI),
        velocity: new Float64Array(0),
        effort: Float64Array.of(1e-3),
      },
      {
        header: header(0, 'x'),
        name: [],
        position: new Float64Array(0),
        velocity: new Float64Array(0),
        effort: new Float64Array(0),
      },
    ],
  },
  {
    // The same for an empty sequence of structs whose first member is 8-aligned.
    type: 'geometry_msgs/msg/PoseArray',
    values: [
      { header: header(5, 'map'), poses: [] },
      {
        header: header(6, 'odom'),
        poses: [
          { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
          { position: { x: -1, y: 0.5, z: 0 }, orientation: { x: 0.5, y: 0.5, z: 0.5, w: 0.5 } },
        ],
      },
    ],
  },
  { type: 'test_msgs/msg/BasicTypes', values: [basicTypes(0), basicTypes(1), basicTypes(2)] },
  { type: 'test_msgs/msg/Arrays', values: [arrays(0), arrays(1)] },
  {
    type: 'test_msgs/msg/BoundedSequences',
    values: [sequences(0, 0, true), sequences(1, 1, true), sequences(3, 2, true)],
  },
  { type: 'test_msgs/msg/BoundedPlainSequences', values: [sequences(2, 0, false), sequences(0, 1, false)] },
  {
    type: 'test_msgs/msg/UnboundedSequences',
    values: [sequences(0, 0, true), sequences(3, 1, true), sequences(2, 2, true)],
  },
  {
    type: 'test_msgs/msg/Nested',
    values: [{ basic_types_value: basicTypes(0) }, { basic_types_value: basicTypes(2) }],
  },
  { type: 'test_msgs/msg/MultiNested', values: [multiNested()] },
  {
    type: 'test_msgs/msg/Strings',
    values: [
      {
        string_value: '',
        string_value_default1: 'Hello world!',
        string_value_default2: "Hello'world!",
        string_value_default3: 'Hello"world!',
        string_value_default4: "Hello'world!",
        string_value_default5: 'Hello"world!',
        bounded_string_value: '',
        bounded_string_value_default1: 'Hello world!',
        bounded_string_value_default2: "Hello'world!",
        bounded_string_value_default3: 'Hello"world!',
        bounded_string_value_default4: "Hello'world!",
        bounded_string_value_default5: 'Hello"world!',
      },
      {
        string_value: 'tab\there, newline\nthere, backslash \\ and ??= trigraph',
        string_value_default1: 'ä',
        string_value_default2: '日本語のテキスト',
        string_value_default3: '🙂 outside the BMP',
        string_value_default4: 'x'.repeat(1000),
        string_value_default5: '\u007f\u0001',
        bounded_string_value: 'exactly 22 characters!',
        bounded_string_value_default1: 'a',
        bounded_string_value_default2: 'ab',
        bounded_string_value_default3: 'abc',
        bounded_string_value_default4: 'abcd',
        bounded_string_value_default5: 'abcde',
      },
    ],
  },
  { type: 'test_msgs/msg/Constants', values: [{}] },
  { type: 'test_msgs/msg/Defaults', values: [defaults(0), defaults(1)] },
  { type: 'test_msgs/msg/Empty', values: [{}] },
  {
    // Fast-CDR only: idlc 0.10.2 has no wstring. Non-BMP text travels as two UTF-16 units.
    type: 'test_msgs/msg/WStrings',
    values: [
      {
        wstring_value: '',
        wstring_value_default1: 'Hello world!',
        wstring_value_default2: 'Hellö wörld!',
        wstring_value_default3: 'ハローワールド',
        array_of_wstrings: ['a', '', '🙂'],
        bounded_sequence_of_wstrings: ['x', 'ÿ'],
        unbounded_sequence_of_wstrings: [],
      },
    ],
  },
];
