/**
 * ROS arguments as rcl_parse_arguments reads them. The tables of known, unknown and refused
 * arguments are those of ros2/rcl `rcl/test/rcl/test_arguments.cpp` (are_known_ros_args,
 * are_valid_ros_args, test_remove_ros_args); the messages are rcl's format strings
 * (`arguments.c`, `lexer_lookahead.c`) with their values filled in by hand.
 */
import { describe, expect, it } from 'vitest';
import { logLevelFor } from '../../../../src/nodes/arguments/log-levels.js';
import {
  assertNoUnknownRosArguments,
  parseRosArguments,
  RosArgumentsError,
  removeRosArgs,
  UnknownRosArgumentsError,
} from '../../../../src/nodes/arguments/parse.js';

const files: Record<string, string> = {
  'params.yaml': 'some_node:\n  ros__parameters:\n    int_param: 1\n',
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};
const parse = (argv: string[]) => parseRosArguments(argv, { readFile });

/** rcl's are_known_ros_args: parses, and nothing is left unknown. */
function known(args: string[]): boolean {
  try {
    return parse(args).unknownRosArguments.length === 0;
  } catch {
    return false;
  }
}

/** rcl's are_valid_ros_args: parses (unknown arguments allowed). */
function valid(args: string[]): boolean {
  try {
    parse(args);
    return true;
  } catch (e) {
    if (!(e instanceof RosArgumentsError)) throw e;
    return false;
  }
}

describe('which ROS arguments rcl knows (test_arguments.cpp)', () => {
  const R = (rule: string) => ['--ros-args', '-r', rule];
  const P = (rule: string) => ['--ros-args', '-p', rule];
  it.each([
    '__node:=node_name',
    'old_name:__node:=node_name',
    'old_name:__node:=nodename123',
    '__node:=nodename123',
    '__ns:=/foo/bar',
    '__ns:=/',
    '_:=kq',
    'nodename:__ns:=/foobar',
    'foo:=bar',
    '~/foo:=~/bar',
    '/foo/bar:=bar',
    'foo:=/bar',
    '/foo123:=/bar123',
    'node:/foo123:=/bar123',
    'rostopic:=/foo/bar',
    'rosservice:=baz',
    'rostopic://rostopic:=rosservice',
    'rostopic:///rosservice:=rostopic',
    'rostopic:///foo/bar:=baz',
  ])('-r %s is known', (rule) => {
    expect(known(R(rule))).toBe(true);
  });

  it.each(['foo:=bar', 'foo.bar:=bar', 'node:foo:=bar', 'fizz123:=buzz456'])('-p %s is known', (rule) => {
    expect(known(P(rule))).toBe(true);
  });

  it.each([
    [['--ros-args', '--params-file', 'params.yaml']],
    [['--ros-args', '--log-config-file', 'file.config']],
    ...['UNSET', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'debug', 'Info'].map((l) => [
      ['--ros-args', '--log-level', l],
    ]),
    [['--ros-args', '--log-file-name', 'filename']],
    ...['rosout', 'stdout', 'external-lib'].flatMap((k) => [
      [['--ros-args', `--enable-${k}-logs`]],
      [['--ros-args', `--disable-${k}-logs`]],
    ]),
  ])('%j is known', (args) => {
    expect(known(args)).toBe(true);
  });

  it.each([
    [['--ros-args', '--custom-ros-arg']],
    [['--ros-args', '__node:=node_name']],
    [['--ros-args', 'old_name:__node:=node_name']],
    [['--ros-args', '/foo/bar:=bar']],
    [['--ros-args', 'foo:=/bar']],
    [['--ros-args', 'file_name.yaml']],
    [['--ros-args', '--log', 'foo']],
    [['--ros-args', '--loglevel', 'foo']],
    [['--ros-args', '--logfile-name', 'filename']],
    [['--ros-args', '--log-filename', 'filename']],
    [['--ros-args', 'stdout-logs']],
    [['--ros-args', 'external-lib-logs']],
  ])('%j is not known', (args) => {
    expect(known(args)).toBe(false);
  });
});

describe('which ROS arguments rcl refuses (test_arguments.cpp)', () => {
  it('takes unknown ones as valid', () => {
    expect(valid(['--ros-args', '--custom-ros-arg'])).toBe(true);
  });

  it.each([
    ['-r'],
    ['--remap'],
    ...[
      ':',
      '1',
      '~',
      ':=',
      'foo:=',
      ':=bar',
      '::=',
      '1:=',
      '~:=',
      '__node:=',
      '__node:=/foo/bar',
      '__ns:=',
      '__ns:=foo',
      ':__node:=nodename',
      '~:__node:=nodename',
      '}foo:=/bar',
      'f oo:=/bar',
      'foo:=/b ar',
      'f{oo:=/bar',
      'foo:=/b}ar',
      'rostopic://:=rosservice',
      'rostopic::=rosservice',
    ].map((rule) => ['-r', rule]),
    ['-p'],
    ...[
      ':=',
      'foo:=',
      ':=bar',
      ':',
      '1',
      '~',
      '::=',
      '1:=',
      '~:=',
      '__node:=',
      '__node:=/foo/bar',
      '__ns:=foo',
      ':__node:=nodename',
      '~:__node:=nodename',
      '}foo:=/bar',
      'f oo:=/bar',
    ].map((rule) => ['-p', rule]),
    ['--param', '}foo:=/bar'],
    ['--param', 'f oo:=/bar'],
    ['-e'],
    ['--enclave'],
    ['--params-file'],
    ['--log-config-file'],
    ['--log-level'],
    ['--log-level', 'foo'],
    ['--log-file-name'],
  ])('--ros-args %s is refused', (...args) => {
    expect(valid(['--ros-args', ...args])).toBe(false);
  });
});

describe('rcl wording', () => {
  const message = (argv: string[]) => {
    try {
      parse(argv);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };

  it('names the flag and its value, and what the lexer found', () => {
    expect(message(['--ros-args', '-r', 'foo'])).toBe(
      "Couldn't parse remap rule: '-r foo'. Error: Expected lexeme type (19) not found, search ended at index 3",
    );
    expect(message(['--ros-args', '--remap', 'foo:=bar/'])).toBe(
      "Couldn't parse remap rule: '--remap foo:=bar/'. Error: error not set",
    );
    expect(message(['--ros-args', '-r', '/foo/*:=bar'])).toBe(
      "Couldn't parse remap rule: '-r /foo/*:=bar'. Error: Wildcard '*' is not implemented",
    );
    expect(message(['--ros-args', '-r', 'foo:=\\1'])).toBe(
      "Couldn't parse remap rule: '-r foo:=\\1'. Error: Backreferences are not implemented",
    );
    expect(message(['--ros-args', '-r', '__node:=a/b'])).toBe(
      "Couldn't parse remap rule: '-r __node:=a/b'. Error: Expected lexeme type 1, got 19 at index 9",
    );
    expect(message(['--ros-args', '-p', '**:=1'])).toBe(
      "Couldn't parse parameter override rule: '-p **:=1'. Error: Wildcard '**' is not implemented",
    );
    expect(message(['--ros-args', '--log-level', 'rcl:=loud'])).toBe(
      "Couldn't parse log level: '--log-level rcl:=loud'. Error: Argument does not use a valid severity level",
    );
    expect(message(['--ros-args', '--log-level', ':=info'])).toBe(
      "Couldn't parse log level: '--log-level :=info'. Error: Argument has an invalid logger item that name is empty",
    );
  });

  it('says when a flag ends the list', () => {
    expect(message(['--ros-args', '-p'])).toBe(
      "Couldn't parse trailing -p flag. No parameter override rule found.",
    );
    expect(message(['--ros-args', '--remap'])).toBe(
      "Couldn't parse trailing --remap flag. No remap rule found.",
    );
    expect(message(['--ros-args', '--params-file'])).toBe(
      "Couldn't parse trailing --params-file flag. No file path provided.",
    );
    expect(message(['--ros-args', '--log-level'])).toBe(
      "Couldn't parse trailing log level flag: '--log-level'. No log level provided.",
    );
    expect(message(['--ros-args', '-e'])).toBe("Couldn't parse trailing -e flag. No enclave path provided.");
  });

  it('reports a params file it cannot open or read', () => {
    expect(message(['--ros-args', '--params-file', 'missing.yaml'])).toBe(
      "Couldn't parse params file: '--params-file missing.yaml'. Error: Error opening YAML file",
    );
    files['bad.yaml'] = 'a:\n  b: 1\n';
    expect(message(['--ros-args', '--params-file', 'bad.yaml'])).toBe(
      "Couldn't parse params file: '--params-file bad.yaml'. Error: Cannot have a value before ros__parameters at line 2",
    );
  });

  it("names unknown ROS arguments as rclcpp's UnknownROSArgsError", () => {
    const args = parse(['--ros-args', '--foo', '-r', 'a:=b', 'bar', '--', '--baz']);
    expect(args.unknownRosArguments).toEqual(['--foo', 'bar']);
    expect(() => assertNoUnknownRosArguments(args)).toThrow(UnknownRosArgumentsError);
    expect(() => assertNoUnknownRosArguments(args)).toThrow("found unknown ROS arguments: '--foo', 'bar'");
  });

  it('carries the warning rcl logs before refusing a namespace or node name', () => {
    const refused = (argv: string[]) => {
      try {
        parse(argv);
      } catch (e) {
        if (e instanceof RosArgumentsError) return e.warnings;
      }
      return undefined;
    };
    expect(refused(['--ros-args', '-r', '__ns:=foo'])).toEqual([
      'Namespace not remapped to a fully qualified name (found: foo)',
    ]);
    expect(refused(['--ros-args', '-r', '__node:=/x'])).toEqual([
      "Node name not remapped to invalid name: '/x'",
    ]);
  });
});

describe('what the sections hold', () => {
  it("keeps non-ROS arguments in order, with every section's ROS arguments out (test_remove_ros_args)", () => {
    const argv = [
      '-d',
      '--ros-args',
      '-r',
      '__ns:=/foo/bar',
      '-r',
      '__ns:=/fiz/buz',
      '--',
      '--foo=bar',
      '--baz',
      '--ros-args',
      '--ros-args',
      '-p',
      'bar:=baz',
      '--',
      '--',
      'arg',
    ];
    expect(removeRosArgs(argv)).toEqual(['-d', '--foo=bar', '--baz', '--', 'arg']);
    const args = parseRosArguments(argv);
    expect(args.remapRules.map((r) => r.replacement)).toEqual(['/foo/bar', '/fiz/buz']);
    expect(args.parameterOverrides.entries).toEqual([
      { node: '/**', parameters: new Map([['bar', { type: 'string', value: 'baz' }]]) },
    ]);
  });

  it('leaves `from:=to` outside --ros-args to the program', () => {
    const args = parse(['a:=b', '--ros-args', '-r', 'c:=d']);
    expect(args.nonRosArguments).toEqual(['a:=b']);
    expect(args.remapRules).toEqual([
      { kind: 'name', topic: true, service: true, match: 'c', replacement: 'd' },
    ]);
  });

  it('parses every kind of remap rule', () => {
    const rules = parse([
      '--ros-args',
      '-r',
      'talker:__node:=speaker',
      '-r',
      '__name:=n',
      '-r',
      '__ns:=/a/b/',
      '-r',
      'rosservice://~/x:=/y',
      '-r',
      'cam:rostopic://image:=raw',
    ]).remapRules;
    expect(rules).toEqual([
      { kind: 'nodeName', topic: false, service: false, nodeName: 'talker', replacement: 'speaker' },
      { kind: 'nodeName', topic: false, service: false, replacement: 'n' },
      { kind: 'namespace', topic: false, service: false, replacement: '/a/b/' },
      { kind: 'name', topic: false, service: true, match: '~/x', replacement: '/y' },
      { kind: 'name', topic: true, service: false, nodeName: 'cam', match: 'image', replacement: 'raw' },
    ]);
  });

  it('keeps the enclave, log settings and files', () => {
    const args = parse([
      '--ros-args',
      '-e',
      '/first',
      '--enclave',
      '/robot/arm',
      '--log-level',
      'warn',
      '--log-level',
      'talker.sub:=DEBUG',
      '--log-level',
      'talker:=error',
      '--disable-rosout-logs',
      '--disable-stdout-logs',
      '--enable-stdout-logs',
      '--params-file',
      'params.yaml',
      '--log-file-name',
      'run1',
    ]);
    expect(args.enclave).toBe('/robot/arm');
    expect(args.rosoutLogsDisabled).toBe(true);
    expect(args.stdoutLogsDisabled).toBe(false);
    expect(args.parameterFiles).toEqual(['params.yaml']);
    expect(args.logFileName).toBe('run1');
    // rcutils's effective level: own setting, else the nearest ancestor's, else the default.
    expect(logLevelFor(args.logLevels, 'talker')).toBe(40);
    expect(logLevelFor(args.logLevels, 'talker.sub.deeper')).toBe(10);
    expect(logLevelFor(args.logLevels, 'talker.other')).toBe(40);
    expect(logLevelFor(args.logLevels, 'listener')).toBe(30);
    expect(logLevelFor(parse([]).logLevels, 'listener')).toBeUndefined();
    expect(logLevelFor(parse(['--ros-args', '--log-level', 'unset']).logLevels, 'x')).toBeUndefined();
  });
});
