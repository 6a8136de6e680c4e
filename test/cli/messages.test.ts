/**
 * Messages in and out of the CLI: YAML values typed by the user (PyYAML's safe_load, then
 * set_message_fields with checks the CDR encoder does not make) and messages printed as
 * `ros2 topic echo` prints them (message_to_ordereddict, message_to_csv).
 */
import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../src/cdr/index.js';
import { defaultMessage } from '../../src/cli/message-defaults.js';
import { InputError, messageFromValues, parseYaml } from '../../src/cli/message-input.js';
import { messageToCsv, messageToYamlValue } from '../../src/cli/message-yaml.js';
import { dumpYaml } from '../../src/cli/python-yaml.js';

const registry = new InterfaceRegistry({ amentPrefixPath: false });
const fill = (type: string, yaml: string) => messageFromValues(registry, type, parseYaml(yaml)).message;
const failure = (type: string, yaml: string): string => {
  try {
    fill(type, yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('YAML as PyYAML safe_load reads it', () => {
  it('YAML 1.1 as PyYAML has it: yes/on are booleans, y and 1e3 are strings, ints stay ints', () => {
    expect(
      parseYaml('{x: 2, y: 2, theta: 0.2, a: yes, b: y, c: 1e3, d: 1_000, e: 017, f: 0x1F, g: 1:30, h: 2.}'),
    ).toEqual({
      x: 2n,
      y: 2n,
      theta: 0.2,
      a: true,
      b: 'y',
      c: '1e3',
      d: 1000n,
      e: 15n,
      f: 31n,
      g: 90n,
      h: 2,
    });
    expect(parseYaml('')).toBeNull();
    expect(parseYaml('~')).toBeNull();
    expect(parseYaml('.inf')).toBe(Number.POSITIVE_INFINITY);
  });

  it('says what is wrong with text that is not YAML', () => {
    expect(() => parseYaml('{x: 1')).toThrow(/^the values are not valid YAML: /);
  });
});

describe('set_message_fields, checked', () => {
  it('fills the tutorial request over the defaults, ints widened to floats', () => {
    expect(fill('turtlesim/srv/Spawn_Request', "{x: 2, y: 2, theta: 0, name: 'foxy_turtle'}")).toEqual({
      x: 2,
      y: 2,
      theta: 0,
      name: 'foxy_turtle',
    });
    expect(fill('turtlesim/srv/Spawn_Request', '{}')).toEqual({ x: 0, y: 0, theta: 0, name: '' });
    expect(fill('geometry_msgs/msg/Twist', '{linear: {x: 2.0}, angular: {z: 1.8}}')).toEqual({
      linear: { x: 2, y: 0, z: 0 },
      angular: { x: 0, y: 0, z: 1.8 },
    });
    expect(fill('example_interfaces/srv/AddTwoInts_Request', '{a: 2, b: 3.0}')).toEqual({ a: 2n, b: 3n });
    expect(fill('std_msgs/msg/String', '{data: 42}')).toEqual({ data: '42' });
  });

  it('fills arrays and messages in arrays', () => {
    const m = fill(
      'sensor_msgs/msg/JointState',
      "{name: [a, b], position: [1, 2.5], header: {frame_id: 'map'}}",
    );
    expect(m['name']).toEqual(['a', 'b']);
    expect(m['position']).toEqual([1, 2.5]);
    expect(m['header']).toEqual({ stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' });
    const path = fill('nav_msgs/msg/Path', '{poses: [{pose: {position: {x: 1}}}]}');
    expect((path['poses'] as { pose: { position: { x: number } } }[])[0]!.pose.position.x).toBe(1);
  });

  it('names unknown fields and lists the known ones', () => {
    expect(failure('turtlesim/srv/Spawn_Request', '{x: 1, nmae: a}')).toBe(
      "turtlesim/srv/Spawn_Request has no field 'nmae'; its fields are: x, y, theta, name",
    );
    expect(failure('geometry_msgs/msg/Twist', '{linear: {w: 1}}')).toBe(
      "field 'linear' (geometry_msgs/msg/Vector3) has no field 'w'; its fields are: x, y, z",
    );
    expect(failure('std_srvs/srv/Trigger_Request', '{a: 1}')).toBe(
      "std_srvs/srv/Trigger_Request has no field 'a'; it has no fields",
    );
  });

  it('names values of the wrong type, with what the field expects', () => {
    expect(failure('turtlesim/srv/Spawn_Request', "{theta: 'a'}")).toBe(
      "field 'theta' expects a number (float32), got 'a' (a string)",
    );
    expect(failure('turtlesim/srv/Spawn_Request', '{name: true}')).toBe(
      "field 'name' expects a string (string), got true (a boolean)",
    );
    expect(failure('geometry_msgs/msg/Twist', '{linear: 5}')).toBe(
      "field 'linear' (geometry_msgs/msg/Vector3) expects a mapping of field names to values (e.g. '{x: ...}'), got 5 (an integer)",
    );
    expect(failure('turtlesim/srv/Spawn_Request', '[1, 2]')).toBe(
      "turtlesim/srv/Spawn_Request expects a mapping of field names to values (e.g. '{x: ...}'), got a list of 2 items",
    );
    expect(failure('std_msgs/msg/Bool', '{data: 1}')).toBe(
      "field 'data' expects a boolean (true or false), got 1 (an integer)",
    );
    expect(failure('example_interfaces/srv/AddTwoInts_Request', '{a: 2.5}')).toBe(
      "field 'a' expects an integer (int64), got 2.5 (a float)",
    );
    expect(failure('sensor_msgs/msg/JointState', '{position: 1.0}')).toBe(
      "field 'position' expects a list (float64[]), got 1.0 (a float)",
    );
    expect(failure('sensor_msgs/msg/JointState', '{position: [1, x]}')).toBe(
      "field 'position[1]' expects a number (float64), got 'x' (a string)",
    );
  });

  it('checks ranges, array lengths and bounds', () => {
    expect(failure('std_msgs/msg/UInt8', '{data: 256}')).toBe(
      "field 'data' expects an integer in [0, 255] (uint8), got 256",
    );
    expect(failure('std_msgs/msg/Int8', '{data: -129}')).toBe(
      "field 'data' expects an integer in [-128, 127] (int8), got -129",
    );
    expect(failure('std_msgs/msg/Float32', '{data: 1.0e+39}')).toBe(
      "field 'data' expects a float32 in [-3.402823466e+38, 3.402823466e+38], got 1e+39",
    );
    expect(failure('sensor_msgs/msg/Imu', '{orientation_covariance: [1, 2]}')).toBe(
      "field 'orientation_covariance' expects exactly 9 items (float64[9]), got 2",
    );
    expect(failure('rcl_interfaces/msg/ParameterDescriptor', '{floating_point_range: [{}, {}]}')).toBe(
      "field 'floating_point_range' takes at most 1 items (rcl_interfaces/msg/FloatingPointRange[<=1]), got 2",
    );
  });

  it('fills `header: auto` and `stamp: now` at publish time (ros2 topic pub)', () => {
    const filled = messageFromValues(registry, 'geometry_msgs/msg/PoseStamped', parseYaml('{header: auto}'), {
      headerAuto: true,
      timeNow: true,
    });
    filled.stampNow({ sec: 7, nanosec: 8 });
    expect((filled.message['header'] as { stamp: unknown }).stamp).toEqual({ sec: 7, nanosec: 8 });
  });
});

describe('message_to_ordereddict as YAML (ros2 topic echo)', () => {
  const echo = (type: string, value: unknown, options = {}) =>
    dumpYaml(messageToYamlValue(registry, type, value, { truncateLength: 128, ...options }));

  it('prints fields in order, floats as floats, ints as ints', () => {
    expect(
      echo('geometry_msgs/msg/Twist', { linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 1.8 } }),
    ).toBe('linear:\n  x: 2.0\n  y: 0.0\n  z: 0.0\nangular:\n  x: 0.0\n  y: 0.0\n  z: 1.8\n');
    expect(
      echo('turtlesim/msg/Pose', {
        x: Math.fround(5.544445),
        y: 1,
        theta: 0,
        linear_velocity: 0,
        angular_velocity: 0,
      }),
    ).toBe('x: 5.544445037841797\ny: 1.0\ntheta: 0.0\nlinear_velocity: 0.0\nangular_velocity: 0.0\n');
    expect(echo('std_msgs/msg/Int64', { data: -5n })).toBe('data: -5\n');
    expect(echo('std_msgs/msg/Empty', {})).toBe('{}\n');
    expect(echo('std_msgs/msg/String', { data: '' })).toBe("data: ''\n");
    expect(echo('std_msgs/msg/Byte', { data: 65 })).toBe('data: A\n');
    expect(echo('std_msgs/msg/Byte', { data: 0 })).toBe('data: "\\0"\n');
  });

  it('truncates long strings and arrays, and abbreviates them with no_arr/no_str', () => {
    const js = {
      header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'map' },
      name: ['a', 'b', 'c'],
      position: new Float64Array([1, 2]),
    };
    expect(echo('sensor_msgs/msg/JointState', js, { truncateLength: 2 })).toBe(
      'header:\n  stamp:\n    sec: 1\n    nanosec: 2\n  frame_id: ma...\nname:\n- a\n- b\n' +
        "- '...'\nposition:\n- 1.0\n- 2.0\nvelocity: []\neffort: []\n",
    );
    expect(echo('sensor_msgs/msg/JointState', js, { noArr: true, noStr: true })).toBe(
      "header:\n  stamp:\n    sec: 1\n    nanosec: 2\n  frame_id: '<string length: <3>>'\n" +
        "name: '<sequence type: string, length: 3>'\nposition: '<sequence type: double, length: 2>'\n" +
        "velocity: '<sequence type: double, length: 0>'\neffort: '<sequence type: double, length: 0>'\n",
    );
    expect(
      echo('sensor_msgs/msg/Imu', defaultMessage(registry, 'sensor_msgs/msg/Imu'), { noArr: true }),
    ).toContain("orientation_covariance: '<array type: double[9]>'");
  });

  it('--csv: every leaf, comma-separated', () => {
    expect(
      messageToCsv(registry, 'geometry_msgs/msg/Twist', {
        linear: { x: 2, y: 0, z: 0 },
        angular: { x: 0, y: 0, z: 1.8 },
      }),
    ).toBe('2.0,0.0,0.0,0.0,0.0,1.8');
    expect(messageToCsv(registry, 'std_msgs/msg/Bool', { data: true })).toBe('True');
  });

  it('interface proto: the default message', () => {
    expect(
      dumpYaml(
        messageToYamlValue(
          registry,
          'turtlesim/srv/Spawn_Request',
          defaultMessage(registry, 'turtlesim/srv/Spawn_Request'),
        ),
      ),
    ).toBe("x: 0.0\ny: 0.0\ntheta: 0.0\nname: ''\n");
  });
});
