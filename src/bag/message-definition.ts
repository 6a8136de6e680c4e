/**
 * The schema text rosbag2 writes for a type (rosbag2_cpp `local_message_definition_source.cpp`):
 * the type's `.msg` file as it is, then each dependency not yet written, depth first, in sorted
 * order, each after a line of 80 `=` and a `MSG: pkg/Name` line as the field names it. Schema
 * encoding `ros2msg`.
 */
import { readFileSync } from 'node:fs';
import { PRIMITIVE_TYPES } from '../cdr/model.js';
import type { InterfaceRegistry } from '../cdr/registry.js';

export const SCHEMA_ENCODING = 'ros2msg';
const DELIMITER = `${'='.repeat(80)}\n`;
// The first word of each line (a field's type, its array suffix left out), as rosbag2 finds it.
const FIELD_TYPE = /(?:^|\n)\s*([a-zA-Z0-9_/]+)(?:\[[^\]]*\])?\s+/g;

/** The dependencies a `.msg` text names, `pkg/Name` (same-package names get the package). */
export function messageDependencies(text: string, pkg: string): string[] {
  const deps = new Set<string>();
  for (const m of text.matchAll(FIELD_TYPE)) {
    const type = m[1]!;
    if (
      PRIMITIVE_TYPES.has(type) ||
      type === 'char' ||
      type.startsWith('string<') ||
      type.startsWith('wstring<')
    )
      continue;
    deps.add(type.includes('/') ? type : `${pkg}/${type}`);
  }
  return [...deps].sort();
}

/** `pkg/Name` or `pkg/msg/Name` → `pkg/msg/Name`. */
function fullName(name: string): string {
  const parts = name.split('/');
  return parts.length === 2 ? `${parts[0]}/msg/${parts[1]}` : name;
}

/**
 * The full definition text of a message type, or undefined when the registry has no file for
 * it (a type known by name only, or defined inline).
 */
export function messageDefinitionText(registry: InterfaceRegistry, type: string): string | undefined {
  const seen = new Set<string>();
  const textOf = (name: string): string | undefined => {
    if (!registry.has(fullName(name))) return undefined;
    const source = registry.get(fullName(name)).source;
    if (source === '<inline>' || !source.endsWith('.msg')) return undefined;
    return readFileSync(source, 'utf8');
  };
  const append = (name: string, depth: number): string => {
    if (depth <= 0) throw new RangeError(`definition of ${type} nests too deep`);
    const text = textOf(name);
    if (text === undefined) throw new RangeError(`no definition file for ${name}`);
    let out = text;
    for (const dep of messageDependencies(text, name.split('/')[0]!)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      out += `\n${DELIMITER}MSG: ${dep}\n${append(dep, depth - 1)}`;
    }
    return out;
  };
  try {
    return append(type, 50);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
