/**
 * Remapping as rcl applies it; the cases are those of ros2/rcl `rcl/test/rcl/test_remap.cpp`
 * (rule lists, node names and expected outputs), plus `~` and node-prefixed rules.
 */
import { describe, expect, it } from 'vitest';
import { parseRosArguments } from '../../../../src/nodes/arguments/parse.js';
import {
  type RemapSources,
  remapNamespace,
  remapNodeName,
  remapTopicName,
} from '../../../../src/nodes/arguments/remap.js';
import { InvalidNameError } from '../../../../src/rmw/errors.js';

const rules = (...r: string[]) =>
  parseRosArguments(['--ros-args', ...r.flatMap((x) => ['-r', x])]).remapRules;
const global = (...r: string[]): RemapSources => ({ global: rules(...r) });

describe('node name and namespace', () => {
  it('takes the first __node rule, local before global, and leaves the name alone without one', () => {
    expect(remapNodeName(global('__node:=globalname'), 'NodeName')).toBe('globalname');
    expect(remapNodeName(global(), 'NodeName')).toBe('NodeName');
    expect(
      remapNodeName({ local: rules('__node:=local_name'), ...global('__node:=global_name') }, 'NodeName'),
    ).toBe('local_name');
    expect(remapNodeName({ local: rules() }, 'NodeName')).toBe('NodeName');
    expect(remapNodeName(global('__node:=firstname', '__node:=secondname'), 'NodeName')).toBe('firstname');
    expect(remapNodeName(global('/foobar:=/foo', '__ns:=/namespace', '__node:=remap_name'), 'NodeName')).toBe(
      'remap_name',
    );
  });

  it('applies __ns rules, node-prefixed ones only to their node', () => {
    expect(remapNamespace(global('__ns:=/foo/bar'), 'NodeName')).toBe('/foo/bar');
    const prefixed = global('Node1:__ns:=/foo/bar', 'Node2:__ns:=/this_one', 'Node3:__ns:=/bar/foo');
    expect(remapNamespace(prefixed, 'Node1')).toBe('/foo/bar');
    expect(remapNamespace(prefixed, 'Node2')).toBe('/this_one');
    expect(remapNamespace(prefixed, 'Node3')).toBe('/bar/foo');
    expect(remapNamespace(prefixed, 'Node4')).toBeUndefined();
    expect(remapNamespace(global(), 'NodeName')).toBeUndefined();
    expect(
      remapNamespace({ local: rules('__ns:=/local_args'), ...global('__ns:=/global_args') }, 'NodeName'),
    ).toBe('/local_args');
    expect(
      remapNamespace(global('/foobar:=/foo/bar', '__ns:=/namespace', '__node:=new_name'), 'NodeName'),
    ).toBe('/namespace');
  });
});

describe('topic and service names', () => {
  it('compares fully qualified names, relative rules expanded for the node', () => {
    const r = global('/bar/foo:=/foo/bar');
    expect(remapTopicName(r, '/bar/foo', 'NodeName', '/', 'topic')).toBe('/foo/bar');
    expect(remapTopicName(r, '/foo/bar', 'NodeName', '/', 'topic')).toBe('/foo/bar');
    expect(remapTopicName(global('foo:=bar'), '/ns/foo', 'NodeName', '/ns', 'topic')).toBe('/ns/bar');
    expect(remapTopicName(global('foo:=bar'), '/ns/foo', 'NodeName', '/ns', 'service')).toBe('/ns/bar');
    expect(remapTopicName(global('foo:=bar'), '/foo', 'NodeName', '/ns', 'topic')).toBe('/foo');
    expect(remapTopicName(global('~/foo:=~/bar'), '/ns/n/foo', 'n', '/ns', 'topic')).toBe('/ns/n/bar');
  });

  it('applies node-prefixed rules to their node, local rules first', () => {
    const r = global('Node1:/foo:=/foo/bar', 'Node2:/foo:=/this_one', 'Node3:/foo:=/bar/foo');
    expect(remapTopicName(r, '/foo', 'Node1', '/', 'topic')).toBe('/foo/bar');
    expect(remapTopicName(r, '/foo', 'Node2', '/', 'service')).toBe('/this_one');
    expect(remapTopicName(r, '/foo', 'Node3', '/', 'topic')).toBe('/bar/foo');
    const both = { local: rules('/bar/foo:=/foo/local_args'), ...global('/bar/foo:=/foo/global_args') };
    expect(remapTopicName(both, '/bar/foo', 'NodeName', '/', 'topic')).toBe('/foo/local_args');
    const others = global('__ns:=/namespace', '__node:=remap_name', '/foobar:=/foo/bar');
    expect(remapTopicName(others, '/foobar', 'NodeName', '/', 'topic')).toBe('/foo/bar');
  });

  it('keeps rosservice:// rules to services and rostopic:// rules to topics', () => {
    const s = global('rosservice://foo:=bar');
    expect(remapTopicName(s, '/ns/foo', 'NodeName', '/ns', 'service')).toBe('/ns/bar');
    expect(remapTopicName(s, '/ns/foo', 'NodeName', '/ns', 'topic')).toBe('/ns/foo');
    const t = global('rostopic://foo:=bar');
    expect(remapTopicName(t, '/ns/foo', 'NodeName', '/ns', 'topic')).toBe('/ns/bar');
    expect(remapTopicName(t, '/ns/foo', 'NodeName', '/ns', 'service')).toBe('/ns/foo');
  });

  it('refuses a replacement that does not make a valid name', () => {
    const r = global(`a:=/${'x'.repeat(300)}`);
    expect(() => remapTopicName(r, '/a', 'n', '/', 'topic')).toThrow(InvalidNameError);
  });
});
