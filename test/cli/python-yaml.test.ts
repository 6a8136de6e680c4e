/**
 * The YAML that `ros2 topic echo` (message_to_yaml: OrderedDicts, width=sys.maxsize,
 * allow_unicode=True, block or flow style) and `ros2 param dump` (yaml.dump, sorted keys) print,
 * against what PyYAML 6 prints for the same values (fixtures/pyyaml-dump.json, made by
 * fixtures/pyyaml-dump.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpYaml, type YamlMap, type YamlValue } from '../../src/cli/python-yaml.js';

interface Fixture {
  strings: [string, string, string, string][];
  floats: [string, string][];
  nested: string;
  nested_flow: string;
  empty: string;
  scalar: string;
  param: string;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'pyyaml-dump.json'), 'utf8'),
) as Fixture;
const map = (...entries: [string, YamlValue][]): YamlMap => new Map(entries);

describe('PyYAML dump', () => {
  it('quotes strings exactly when PyYAML does (block and flow context)', () => {
    for (const [s, block, flow, inList] of fixture.strings) {
      expect(dumpYaml(map(['v', s])), JSON.stringify(s)).toBe(block);
      expect(dumpYaml(map(['v', s]), { flowStyle: true }), JSON.stringify(s)).toBe(flow);
      expect(dumpYaml([s]), JSON.stringify(s)).toBe(inList);
    }
  });

  it('writes floats as PyYAML represent_float does', () => {
    for (const [repr, yaml] of fixture.floats) {
      const x =
        repr === 'inf' ? Number.POSITIVE_INFINITY : repr === '-inf' ? Number.NEGATIVE_INFINITY : Number(repr);
      expect(dumpYaml(map(['v', x])), repr).toBe(yaml);
    }
  });

  const message = map(
    ['header', map(['stamp', map(['sec', 1n], ['nanosec', 2n])], ['frame_id', 'map'])],
    ['name', ['a', 'b']],
    ['position', [1, 2.5]],
    ['empty', []],
    ['poses', [map(['x', 1], ['y', 2n]), map(['x', 3], ['y', 4n])]],
    ['emptymsg', map()],
    ['flag', true],
    ['lists', [[1n, 2n], [], [3n]]],
    ['nested_multi', map(['s', 'a\nb'])],
  );

  it('nests mappings and sequences in block style', () => {
    expect(dumpYaml(message)).toBe(fixture.nested);
  });

  it('--flow-style: sequences in flow style, messages still in block style', () => {
    const value = map(
      ['header', map(['stamp', map(['sec', 1n], ['nanosec', 2n])], ['frame_id', 'map'])],
      ['name', ['a', 'b c', 'd: e']],
      ['empty', []],
      ['emptymsg', map()],
    );
    expect(dumpYaml(value, { flowStyle: true })).toBe(fixture.nested_flow);
  });

  it('writes an empty message as {} and a lone scalar with an end marker', () => {
    expect(dumpYaml(map())).toBe(fixture.empty);
    expect(dumpYaml(5n)).toBe(fixture.scalar);
  });

  it('sorts keys as yaml.dump does (ros2 param dump)', () => {
    const params = map(
      ['use_sim_time', false],
      ['background_r', 69n],
      [
        'qos_overrides',
        map(['/parameter_events', map(['publisher', map(['depth', 1000n], ['reliability', 'reliable'])])]),
      ],
      ['names', ['a', 'b']],
      ['ratio', 0.5],
      ['empty', []],
      ['none', null],
    );
    expect(dumpYaml(map(['/turtlesim', map(['ros__parameters', params])]), { sortKeys: true })).toBe(
      fixture.param,
    );
  });
});
