import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../../src/cdr/registry.js';
import { typeDescriptionJson, typeHash } from '../../../src/cdr/type-hash.js';
import { sharedFile } from '../../shared.js';

const lines = readFileSync(sharedFile('type-hashes.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.trim().split(/\s+/) as [string, string]);

describe('RIHS01 type hashes', () => {
  const registry = new InterfaceRegistry({ amentPrefixPath: false });

  it('reproduces the canonical JSON of the WIRE.md test vector', () => {
    expect(typeDescriptionJson(registry.closure('std_msgs/msg/String'))).toBe(
      '{"type_description": {"type_name": "std_msgs/msg/String", "fields": [{"name": "data", "type": ' +
        '{"type_id": 17, "capacity": 0, "string_capacity": 0, "nested_type_name": ""}}]}, ' +
        '"referenced_type_descriptions": []}',
    );
  });

  it('has the full reference table', () => {
    expect(lines.length).toBe(111);
  });

  it.each(lines)('%s', (name, expected) => {
    expect(typeHash(registry.closure(name))).toBe(expected);
  });
});
