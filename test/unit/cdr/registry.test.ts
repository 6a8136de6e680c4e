import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterfaceDefinitionError, InterfaceNotFoundError } from '../../../src/cdr/errors.js';
import { bundledInterfacesDir, InterfaceRegistry } from '../../../src/cdr/registry.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ros2ts-reg-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('InterfaceRegistry', () => {
  it('resolves bundled types with nested types across packages', () => {
    const r = new InterfaceRegistry({ amentPrefixPath: false });
    const names = r.closure('geometry_msgs/msg/TwistStamped').map((t) => t.name);
    expect(names).toEqual([
      'geometry_msgs/msg/TwistStamped',
      'std_msgs/msg/Header',
      'geometry_msgs/msg/Twist',
      'builtin_interfaces/msg/Time',
      'geometry_msgs/msg/Vector3',
    ]);
    expect(r.get('rcl_interfaces/msg/Log').constants.map((c) => [c.name, c.value])).toContainEqual([
      'INFO',
      20,
    ]);
  });

  it('derives service and action types as rosidl does', () => {
    const r = new InterfaceRegistry({ amentPrefixPath: false });
    expect(r.partsOf('turtlesim/srv/Spawn')).toEqual([
      'turtlesim/srv/Spawn_Request',
      'turtlesim/srv/Spawn_Response',
      'turtlesim/srv/Spawn_Event',
      'turtlesim/srv/Spawn',
    ]);
    const sendGoal = r.get('turtlesim/action/RotateAbsolute_SendGoal_Request');
    expect(sendGoal.fields.map((f) => [f.name, f.type])).toEqual([
      ['goal_id', { nested: 'unique_identifier_msgs/msg/UUID' }],
      ['goal', { nested: 'turtlesim/action/RotateAbsolute_Goal' }],
    ]);
    expect(r.get('turtlesim/action/RotateAbsolute_FeedbackMessage').fields.map((f) => f.name)).toEqual([
      'goal_id',
      'feedback',
    ]);
  });

  it('searches user folders, then AMENT_PREFIX_PATH, then the bundled set', () => {
    const user = tree({ 'std_msgs/msg/String.msg': 'string data\nint32 user_only' });
    const ament = tree({
      'share/std_msgs/msg/String.msg': 'string data\nint32 ament_only',
      'share/my_pkg/msg/Thing.msg': 'std_msgs/Header header\nuint8 x',
    });
    const withUser = new InterfaceRegistry({ paths: [user], amentPrefixPath: ament });
    expect(withUser.get('std_msgs/msg/String').fields.map((f) => f.name)).toEqual(['data', 'user_only']);
    const withAment = new InterfaceRegistry({ amentPrefixPath: ament });
    expect(withAment.get('std_msgs/msg/String').fields.map((f) => f.name)).toEqual(['data', 'ament_only']);
    expect(withAment.closure('my_pkg/msg/Thing').map((t) => t.name)).toContain('builtin_interfaces/msg/Time');
    expect(withUser.sources.map((s) => s.origin)).toEqual(['user', 'ament', 'bundled']);
  });

  it('names the interface and every place searched when nothing has it', () => {
    const user = tree({});
    const r = new InterfaceRegistry({ paths: [user], amentPrefixPath: '/nonexistent/prefix' });
    const err = (() => {
      try {
        r.get('nope_msgs/msg/Missing');
      } catch (e) {
        return e as InterfaceNotFoundError;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(InterfaceNotFoundError);
    expect(err.message).toContain("unknown interface 'nope_msgs/msg/Missing'");
    expect(err.searched).toEqual([
      `${join(user, 'nope_msgs/msg/Missing.msg')} (user)`,
      `${join('/nonexistent/prefix/share', 'nope_msgs/msg/Missing.msg')} (ament)`,
      `${join(bundledInterfacesDir(), 'nope_msgs/msg/Missing.msg')} (bundled)`,
    ]);
    const nested = new InterfaceRegistry({ amentPrefixPath: false });
    nested.define('a_pkg/msg/A', 'b_pkg/B b');
    expect(() => nested.closure('a_pkg/msg/A')).toThrow(
      "unknown interface 'b_pkg/msg/B' (needed by 'a_pkg/msg/A')",
    );
  });

  it('rejects malformed names and definitions with the place at fault', () => {
    const r = new InterfaceRegistry({ amentPrefixPath: false });
    expect(() => r.get('Geometry/msg/Twist')).toThrow(InterfaceDefinitionError);
    expect(() => r.get('geometry_msgs/msg/../../etc')).toThrow('not a valid interface name');
    expect(() => r.define('x_pkg/msg/A', 'int32 Bad_Name')).toThrow(
      'Invalid field name: Bad_Name (in <inline>)',
    );
    expect(() => r.define('x_pkg/msg/B', 'int32 x\nint32 x')).toThrow("'x' is declared twice");
    expect(() => r.define('x_pkg/msg/C', 'uint8 X=300')).toThrow(
      'Number 300 out of range [0, 255] (in <inline>)',
    );
    expect(() => r.define('x_pkg/srv/D', 'int32 a')).toThrow(
      "a .srv file has 2 section(s) separated by '---', found 1",
    );
    const bad = tree({ 'bad_pkg/msg/E.msg': 'int32 a b c d' });
    expect(() =>
      new InterfaceRegistry({ paths: [bad], amentPrefixPath: false }).get('bad_pkg/msg/E'),
    ).toThrow(join(bad, 'bad_pkg/msg/E.msg'));
  });

  it('keeps byte apart from uint8, and char as uint8', () => {
    const r = new InterfaceRegistry({ amentPrefixPath: false });
    r.define('x_pkg/msg/Bytes', 'byte a\nchar b\nuint8 c\nbyte[2] d');
    expect(r.get('x_pkg/msg/Bytes').fields.map((f) => f.type)).toEqual(['byte', 'uint8', 'uint8', 'byte']);
  });
});
