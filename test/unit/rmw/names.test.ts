import { describe, expect, it } from 'vitest';
import { InvalidNameError, type NameProblemCode } from '../../../src/rmw/errors.js';
import {
  actionNames,
  checkFullTopicName,
  checkNamespace,
  checkNodeName,
  checkTopicName,
  ddsToRos,
  expandTopicName,
  isHiddenName,
  isHiddenNodeName,
  NAMESPACE_MAX_LENGTH,
  NODE_NAME_MAX_LENGTH,
  nodeFqn,
  normalizeNodeNamespace,
  serviceToDds,
  splitActionName,
  splitNodeFqn,
  TOPIC_MAX_NAME_LENGTH,
  topicToDds,
  validateFullTopicName,
  validateNamespace,
  validateNodeName,
  validateTopicName,
} from '../../../src/rmw/names.js';

/** The error a call throws, so its fields can be checked one by one. */
function thrown(fn: () => unknown): InvalidNameError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidNameError);
    return e as InvalidNameError;
  }
  throw new Error('expected an InvalidNameError, nothing was thrown');
}

type Case = readonly [input: string, code: NameProblemCode, index: number];

// Reasons word for word from rmw `*_validation_result_string` and rcl `rcl_topic_name_validation_result_string`.
const NODE_REASON: Partial<Record<NameProblemCode, string>> = {
  empty: 'node name must not be empty',
  'unallowed-characters': "node name must not contain characters other than alphanumerics or '_'",
  'starts-with-number': 'node name must not start with a number',
  'too-long': "node name length should not exceed '255'",
};

describe('node names (rmw validate_node_name)', () => {
  it.each(['nodename', 'node_name', 'my_node', '_hidden', 'a'.repeat(NODE_NAME_MAX_LENGTH)])(
    'accepts %s',
    (n) => {
      expect(checkNodeName(n)).toBeUndefined();
      expect(() => validateNodeName(n)).not.toThrow();
    },
  );

  // Cases and indexes from ros2/rmw test/test_validate_node_name.cpp and rclpy's tests.
  it.each<Case>([
    ['', 'empty', 0],
    ['node/name', 'unallowed-characters', 4],
    ['node_{name}', 'unallowed-characters', 5],
    ['~node_name', 'unallowed-characters', 0],
    ['with spaces', 'unallowed-characters', 4],
    ['with.periods', 'unallowed-characters', 4],
    ['invalid_node?', 'unallowed-characters', 12],
    ['/invalid_node', 'unallowed-characters', 0],
    ['nöde', 'unallowed-characters', 1],
    ['42node', 'starts-with-number', 0],
    ['0'.repeat(NODE_NAME_MAX_LENGTH + 1), 'starts-with-number', 0],
    ['a'.repeat(NODE_NAME_MAX_LENGTH + 1), 'too-long', NODE_NAME_MAX_LENGTH - 1],
  ])('refuses %j: %s at %i', (input, code, index) => {
    const e = thrown(() => validateNodeName(input));
    expect({ kind: e.kind, input: e.input, code: e.code, index: e.index, reason: e.reason }).toEqual({
      kind: 'node name',
      input,
      code,
      index,
      reason: NODE_REASON[code],
    });
    expect(checkNodeName(input)).toEqual({ code, index, reason: NODE_REASON[code] });
  });

  it('words the error as rclpy does, with the index and a caret under the character', () => {
    const e = thrown(() => validateNodeName('with.periods'));
    expect(e.name).toBe('InvalidNameError');
    expect(e.message).toBe(
      "Invalid node name: node name must not contain characters other than alphanumerics or '_' (at index 4):\n" +
        "  'with.periods'\n" +
        '       ^',
    );
  });
});

const FULL_REASON: Partial<Record<NameProblemCode, string>> = {
  empty: 'topic name must not be empty',
  'not-absolute': "topic name must be absolute, it must lead with a '/'",
  'ends-with-slash': "topic name must not end with a '/'",
  'unallowed-characters': "topic name must not contain characters other than alphanumerics, '_', or '/'",
  'repeated-slash': "topic name must not contain repeated '/'",
  'token-starts-with-number': 'topic name must not have a token that starts with a number',
  'too-long': "topic length should not exceed '247'",
};

describe('full topic names (rmw validate_full_topic_name)', () => {
  it.each([
    '/basename_only',
    '/with_one/namespace',
    '/ns/node_name/chatter',
    `/${'a'.repeat(TOPIC_MAX_NAME_LENGTH - 1)}`,
  ])('accepts %s', (n) => {
    expect(checkFullTopicName(n)).toBeUndefined();
    expect(() => validateFullTopicName(n)).not.toThrow();
  });

  // Cases and indexes from ros2/rmw test/test_validate_full_topic_name.cpp.
  it.each<Case>([
    ['', 'empty', 0],
    ['not_absolute', 'not-absolute', 0],
    ['not/absolute', 'not-absolute', 0],
    ['/ends/with/', 'ends-with-slash', 10],
    ['/', 'ends-with-slash', 0],
    ['/~/unexpanded_tilde', 'unallowed-characters', 1],
    ['/unexpanded_sub/{node}', 'unallowed-characters', 16],
    ['/question?', 'unallowed-characters', 9],
    ['/with spaces', 'unallowed-characters', 5],
    ['/repeated//slashes', 'repeated-slash', 10],
    ['/9starts_with_number', 'token-starts-with-number', 1],
    ['/starts/42with/number', 'token-starts-with-number', 8],
    ['a'.repeat(TOPIC_MAX_NAME_LENGTH + 1), 'not-absolute', 0],
    [`/${'a'.repeat(TOPIC_MAX_NAME_LENGTH + 1)}`, 'too-long', TOPIC_MAX_NAME_LENGTH - 1],
  ])('refuses %j: %s at %i', (input, code, index) => {
    expect(checkFullTopicName(input)).toEqual({ code, index, reason: FULL_REASON[code] });
    const e = thrown(() => validateFullTopicName(input));
    expect([e.kind, e.code, e.index]).toEqual(['topic name', code, index]);
  });

  it('names a service when asked to', () => {
    const e = thrown(() => validateFullTopicName('/invalid_service?', 'service name'));
    expect(e.kind).toBe('service name');
    expect(e.message).toMatch(/^Invalid service name: topic name must not contain characters/);
  });
});

const NAMESPACE_REASON: Partial<Record<NameProblemCode, string>> = {
  empty: 'namespace must not be empty',
  'not-absolute': "namespace must be absolute, it must lead with a '/'",
  'ends-with-slash': "namespace must not end with a '/', unless only a '/'",
  'unallowed-characters': "namespace must not contain characters other than alphanumerics, '_', or '/'",
  'repeated-slash': "namespace must not contain repeated '/'",
  'token-starts-with-number': 'namespace must not have a token that starts with a number',
  'too-long': "namespace should not exceed '245'",
};

describe('namespaces (rmw validate_namespace)', () => {
  it.each([
    '/',
    '/basename_only',
    '/with_one/heirarchy',
    '/my_ns',
    `/${'a'.repeat(NAMESPACE_MAX_LENGTH - 1)}`,
  ])('accepts %s', (ns) => {
    expect(checkNamespace(ns)).toBeUndefined();
    expect(() => validateNamespace(ns)).not.toThrow();
  });

  // Cases and indexes from ros2/rmw test/test_validate_namespace.cpp.
  it.each<Case>([
    ['', 'empty', 0],
    ['not_absolute', 'not-absolute', 0],
    ['not/absolute', 'not-absolute', 0],
    ['/ends/with/', 'ends-with-slash', 10],
    ['/~/unexpanded_tilde', 'unallowed-characters', 1],
    ['/unexpanded_sub/{node}', 'unallowed-characters', 16],
    ['/question?', 'unallowed-characters', 9],
    ['/with spaces', 'unallowed-characters', 5],
    ['/repeated//slashes', 'repeated-slash', 10],
    ['/9starts_with_number', 'token-starts-with-number', 1],
    ['/starts/42with/number', 'token-starts-with-number', 8],
    ['a'.repeat(NAMESPACE_MAX_LENGTH + 1), 'not-absolute', 0],
    // Longer than a namespace may be, short enough for a topic: the namespace limit applies.
    [`/${'a'.repeat(NAMESPACE_MAX_LENGTH)}`, 'too-long', NAMESPACE_MAX_LENGTH - 1],
  ])('refuses %j: %s at %i', (input, code, index) => {
    expect(checkNamespace(input)).toEqual({ code, index, reason: NAMESPACE_REASON[code] });
    const e = thrown(() => validateNamespace(input));
    expect([e.kind, e.code, e.index]).toEqual(['namespace', code, index]);
  });

  it('normalizes a node namespace as rcl_node_init does', () => {
    expect(normalizeNodeNamespace('')).toBe('/');
    expect(normalizeNodeNamespace('ns')).toBe('/ns');
    expect(normalizeNodeNamespace('/a/b')).toBe('/a/b');
    expect(thrown(() => normalizeNodeNamespace('ns/')).code).toBe('ends-with-slash');
  });
});

const TOPIC_REASON: Partial<Record<NameProblemCode, string>> = {
  empty: 'topic name must not be empty string',
  'ends-with-slash': 'topic name must not end with a forward slash',
  'unallowed-characters':
    "topic name must not contain characters other than alphanumerics, '_', '~', '{', or '}'",
  'token-starts-with-number': 'topic name token must not start with a number',
  'unmatched-curly-brace': "topic name must not have unmatched (unbalanced) curly braces '{}'",
  'misplaced-tilde': "topic name must not have tilde '~' unless it is the first character",
  'tilde-not-followed-by-slash':
    "topic name must not have a tilde '~' that is not followed by a forward slash '/'",
  'substitution-unallowed-characters':
    "substitution name must not contain characters other than alphanumerics or '_'",
  'substitution-starts-with-number': 'substitution name must not start with a number',
};

describe('topic names as written (rcl validate_topic_name)', () => {
  // ros2/rcl test/rcl/test_validate_topic_name.cpp, various_valid_topics.
  it.each([
    'foo',
    'abc123',
    '_foo',
    'Foo',
    'BAR',
    '~',
    'foo/bar',
    '~/foo',
    '{foo}_bar',
    'foo/{ping}/bar',
    'foo/_bar',
    'foo_/bar',
    'foo_',
    '/foo',
    '/bar/baz',
    '/_private/thing',
    '/public_namespace/_private/thing',
    '{foo1}',
    '{foo_bar}',
    '{_bar}',
    'chatter',
    '{node}/chatter',
    '~/chatter',
  ])('accepts %s', (n) => {
    expect(checkTopicName(n)).toBeUndefined();
    expect(() => validateTopicName(n)).not.toThrow();
  });

  // ros2/rcl test/rcl/test_validate_topic_name.cpp, various_invalid_topics.
  it.each<Case>([
    ['123abc', 'token-starts-with-number', 0],
    ['123', 'token-starts-with-number', 0],
    [' ', 'unallowed-characters', 0],
    ['foo bar', 'unallowed-characters', 3],
    ['/~', 'misplaced-tilde', 1],
    ['~foo', 'tilde-not-followed-by-slash', 1],
    ['foo~', 'misplaced-tilde', 3],
    ['foo~/bar', 'misplaced-tilde', 3],
    ['foo/~bar', 'misplaced-tilde', 4],
    ['foo/~/bar', 'misplaced-tilde', 4],
    ['foo/', 'ends-with-slash', 3],
    ['', 'empty', 0],
    ['foo/123bar', 'token-starts-with-number', 4],
    ['foo/bar}/baz', 'unmatched-curly-brace', 7],
    ['foo/{bar', 'unmatched-curly-brace', 4],
    ['{$}', 'substitution-unallowed-characters', 1],
    ['{{bar}_baz}', 'substitution-unallowed-characters', 1],
    ['foo/{bar/baz}', 'substitution-unallowed-characters', 8],
    ['{1foo}', 'substitution-starts-with-number', 1],
    // rcl lets this one through (its check skips the last character); we do not.
    ['~a', 'tilde-not-followed-by-slash', 1],
    ['invalid/42topic', 'token-starts-with-number', 8],
  ])('refuses %j: %s at %i', (input, code, index) => {
    expect(checkTopicName(input)).toEqual({ code, index, reason: TOPIC_REASON[code] });
    const e = thrown(() => validateTopicName(input));
    expect([e.kind, e.input, e.code, e.index]).toEqual(['topic name', input, code, index]);
  });

  it('leaves repeated slashes to the check after expansion, as rcl does', () => {
    expect(checkTopicName('foo//bar')).toBeUndefined();
  });

  it('names services and actions when asked to', () => {
    expect(thrown(() => validateTopicName('invalid/42service', 'service name')).message).toMatch(
      /^Invalid service name: topic name token must not start with a number \(at index 8\)/,
    );
    expect(thrown(() => validateTopicName('', 'action name')).kind).toBe('action name');
  });
});

describe('expandTopicName (rcl expand_topic_name, then the full-name check)', () => {
  // ros2/rcl test/rcl/test_expand_topic_name.cpp various_valid_topics, and rclpy's test_expand_topic_name.
  it.each([
    ['/chatter', 'my_node', '/my_ns', '/chatter'],
    ['chatter', 'my_node', '/my_ns', '/my_ns/chatter'],
    ['{node}/chatter', 'my_node', '/my_ns', '/my_ns/my_node/chatter'],
    ['/{node}', 'my_node', '/my_ns', '/my_node'],
    ['{node}', 'my_node', '/my_ns', '/my_ns/my_node'],
    ['{ns}', 'my_node', '/my_ns', '/my_ns'],
    ['{namespace}', 'my_node', '/my_ns', '/my_ns'],
    ['{namespace}/{node}/chatter', 'my_node', '/my_ns', '/my_ns/my_node/chatter'],
    ['{node}/{node}', 'my_node', '/my_ns', '/my_ns/my_node/my_node'],
    ['ping', 'my_node', '/', '/ping'],
    ['ping', 'my_node', '/my_ns', '/my_ns/ping'],
    ['/ping', 'my_node', '/', '/ping'],
    ['/ping', 'my_node', '/my_ns', '/ping'],
    ['~', 'my_node', '/', '/my_node'],
    ['~', 'my_node', '/my_ns', '/my_ns/my_node'],
    ['~/ping', 'my_node', '/', '/my_node/ping'],
    ['~/ping', 'my_node', '/my_ns', '/my_ns/my_node/ping'],
    ['~/{node}', 'n', '/a/b', '/a/b/n/n'],
    ['chatter', 'node_name', '/ns', '/ns/chatter'],
    ['chatter', 'node_name', '/', '/chatter'],
    ['turtle1/cmd_vel', 'teleop', '/', '/turtle1/cmd_vel'],
  ])('%s for node %s in %s is %s', (name, node, ns, expected) => {
    expect(expandTopicName(name, node, ns)).toBe(expected);
  });

  it('refuses an invalid name, node name or namespace with the kind at fault', () => {
    expect(thrown(() => expandTopicName('white space', 'my_node', '/my_ns')).kind).toBe('topic name');
    expect(thrown(() => expandTopicName('invalid/topic?', 'node_name', '/ns')).code).toBe(
      'unallowed-characters',
    );
    expect(thrown(() => expandTopicName('{node}/chatter', '/invalid_node', '/my_ns')).kind).toBe('node name');
    expect(thrown(() => expandTopicName('topic', 'invalid_node_name?', '/ns')).kind).toBe('node name');
    expect(thrown(() => expandTopicName('{node}/chatter', 'my_node', 'white space')).kind).toBe('namespace');
    expect(thrown(() => expandTopicName('topic', 'node_name', '')).code).toBe('empty');
    expect(thrown(() => expandTopicName('topic', 'node_name', 'ns')).kind).toBe('namespace');
  });

  it('refuses an unknown substitution, pointing at it', () => {
    const e = thrown(() => expandTopicName('a/{unknown}/test', 'bar', '/foo'));
    expect([e.code, e.index, e.reason]).toEqual([
      'unknown-substitution',
      2,
      'unknown substitution: {unknown}',
    ]);
    expect(thrown(() => expandTopicName('{}', 'bar', '/foo')).reason).toBe('unknown substitution: {}');
  });

  it('checks the expanded name as a full name (rcl_node_resolve_name)', () => {
    // rcl_expand_topic_name gives /foo//my_ns; resolution then refuses it.
    const e = thrown(() => expandTopicName('/foo/{namespace}', 'my_node', '/my_ns'));
    expect([e.input, e.code, e.index]).toEqual(['/foo//my_ns', 'repeated-slash', 5]);
    expect(thrown(() => expandTopicName('{ns}/x', 'n', '/')).code).toBe('repeated-slash');
    expect(thrown(() => expandTopicName('a'.repeat(250), 'n', '/')).code).toBe('too-long');
  });

  it('reports a service as a service', () => {
    expect(thrown(() => expandTopicName('x?', 'n', '/', 'service name')).kind).toBe('service name');
  });
});

describe('DDS topic names (WIRE.md 1)', () => {
  it('prefixes topics with rt', () => {
    expect(topicToDds('/turtle1/cmd_vel')).toBe('rt/turtle1/cmd_vel');
    expect(topicToDds('/chatter')).toBe('rt/chatter');
  });

  it('prefixes service requests with rq and replies with rr, suffixed Request and Reply', () => {
    expect(serviceToDds('/spawn')).toEqual({ request: 'rq/spawnRequest', reply: 'rr/spawnReply' });
    expect(serviceToDds('/turtle1/rotate_absolute/_action/send_goal').request).toBe(
      'rq/turtle1/rotate_absolute/_action/send_goalRequest',
    );
  });

  it('drops the prefix when the profile avoids the ROS conventions (ros_discovery_info)', () => {
    expect(topicToDds('ros_discovery_info', { avoidRosNamespaceConventions: true })).toBe(
      'ros_discovery_info',
    );
    expect(serviceToDds('/s', { avoidRosNamespaceConventions: true })).toEqual({
      request: '/sRequest',
      reply: '/sReply',
    });
  });

  it('takes only fully qualified names', () => {
    expect(thrown(() => topicToDds('chatter')).code).toBe('not-absolute');
    expect(thrown(() => serviceToDds('spawn')).kind).toBe('service name');
  });

  it('maps DDS topics back to ROS names', () => {
    expect(ddsToRos('rt/turtle1/cmd_vel')).toEqual({ kind: 'topic', name: '/turtle1/cmd_vel' });
    expect(ddsToRos('rq/spawnRequest')).toEqual({ kind: 'serviceRequest', name: '/spawn' });
    expect(ddsToRos('rr/spawnReply')).toEqual({ kind: 'serviceReply', name: '/spawn' });
    expect(ddsToRos('rq/turtle1/rotate_absolute/_action/send_goalRequest')).toEqual({
      kind: 'serviceRequest',
      name: '/turtle1/rotate_absolute/_action/send_goal',
    });
  });

  it.each([
    'ros_discovery_info',
    'DCPSParticipant',
    'rtchatter',
    'rq/spawnReply',
    'rr/spawnRequest',
    'rq/spawn',
    '',
  ])('finds no ROS name behind %j', (dds) => {
    expect(ddsToRos(dds)).toBeUndefined();
  });

  it('round-trips names through DDS', () => {
    for (const name of ['/a', '/turtle1/cmd_vel', '/x/_action/status']) {
      expect(ddsToRos(topicToDds(name))?.name).toBe(name);
      const s = serviceToDds(name);
      expect(ddsToRos(s.request)?.name).toBe(name);
      expect(ddsToRos(s.reply)?.name).toBe(name);
    }
  });
});

describe('hidden names', () => {
  it.each([
    ['/_private/thing', true],
    ['/public_namespace/_private/thing', true],
    ['/turtle1/rotate_absolute/_action/feedback', true],
    ['_hidden', true],
    ['/turtle1/cmd_vel', false],
    ['/foo_/bar_baz', false],
    ['/', false],
  ])('%s hidden: %s', (name, hidden) => {
    expect(isHiddenName(name)).toBe(hidden);
  });

  it.each([
    ['_ros2cli_daemon_0', true],
    ['/ns/_node', true],
    ['/_ns/node', false],
    ['turtlesim', false],
    ['', true],
  ])('node %j hidden: %s', (name, hidden) => {
    expect(isHiddenNodeName(name)).toBe(hidden);
  });
});

describe('node full names', () => {
  it.each([
    ['/ns/node', '/ns', 'node'],
    ['/node', '/', 'node'],
    ['node', '/', 'node'],
    ['/a/b/c', '/a/b', 'c'],
  ])('splits %s into %s and %s (as ros2cli)', (fqn, namespace, name) => {
    expect(splitNodeFqn(fqn)).toEqual({ namespace, name });
  });

  it('joins a namespace and a name without doubling the root slash', () => {
    expect(nodeFqn('/', 'turtlesim')).toBe('/turtlesim');
    expect(nodeFqn('/ns', 'node')).toBe('/ns/node');
    expect(nodeFqn('/a/b', 'c')).toBe('/a/b/c');
    const { namespace, name } = splitNodeFqn('/x/y/z');
    expect(nodeFqn(namespace, name)).toBe('/x/y/z');
  });
});

describe('action names (rcl_action names.c)', () => {
  it('gives the three services and two topics of an action', () => {
    expect(actionNames('/turtle1/rotate_absolute')).toEqual({
      sendGoal: '/turtle1/rotate_absolute/_action/send_goal',
      cancelGoal: '/turtle1/rotate_absolute/_action/cancel_goal',
      getResult: '/turtle1/rotate_absolute/_action/get_result',
      feedback: '/turtle1/rotate_absolute/_action/feedback',
      status: '/turtle1/rotate_absolute/_action/status',
    });
  });

  it('keeps a relative action relative, to be expanded like any name', () => {
    const names = actionNames('fibonacci');
    expect(names.sendGoal).toBe('fibonacci/_action/send_goal');
    expect(expandTopicName(names.status, 'server', '/demo')).toBe('/demo/fibonacci/_action/status');
  });

  it('refuses an invalid action name', () => {
    const e = thrown(() => actionNames(''));
    expect([e.kind, e.code]).toEqual(['action name', 'empty']);
  });

  it('tells which action and part a name belongs to', () => {
    expect(splitActionName('/turtle1/rotate_absolute/_action/feedback')).toEqual({
      action: '/turtle1/rotate_absolute',
      part: 'feedback',
    });
    expect(splitActionName('/a/_action/send_goal')).toEqual({ action: '/a', part: 'sendGoal' });
    expect(splitActionName('/a/_action/other')).toBeUndefined();
    expect(splitActionName('/turtle1/cmd_vel')).toBeUndefined();
    expect(splitActionName('/_action/status')).toBeUndefined();
  });
});
