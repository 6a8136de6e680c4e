/**
 * TypeScript declarations of interface types, so that an editor knows the fields of
 * `geometry_msgs/msg/Twist` and `encode('geometry_msgs/msg/Twist', value)` is checked. Two shapes
 * per type: what decode returns (every field present, numeric arrays as typed arrays, 64-bit
 * integers as bigint) and what encode accepts (every field optional, plain arrays allowed).
 */

import { PRIMITIVES } from './codegen/layout.js';
import type { FieldDef, MessageType, PrimitiveType } from './model.js';

/** The TypeScript identifier of a type: `geometry_msgs/msg/Twist` → `geometry_msgs__msg__Twist`. */
export function tsIdentifier(typeName: string): string {
  return typeName.replaceAll('/', '__');
}

function scalarType(t: PrimitiveType, input: boolean): string {
  if (t === 'bool') return 'boolean';
  if (t === 'string' || t === 'wstring') return 'string';
  if (t === 'int64' || t === 'uint64') return input ? 'bigint | number' : 'bigint';
  return 'number';
}

function fieldType(f: FieldDef, input: boolean): string {
  const suffix = input ? '$Input' : '';
  const elem =
    typeof f.type === 'string' ? scalarType(f.type, input) : `${tsIdentifier(f.type.nested)}${suffix}`;
  if (f.array.kind === 'none') return elem;
  const typed = typeof f.type === 'string' ? PRIMITIVES[f.type].typedArray : undefined;
  if (typed) return input ? `${typed} | readonly (${elem})[]` : typed;
  return input ? `readonly ${elem.includes('|') ? `(${elem})` : elem}[]` : `${elem}[]`;
}

/** Declarations of one type: `interface X` (decoded) and `interface X$Input` (accepted by encode). */
export function declareType(t: MessageType): string {
  const id = tsIdentifier(t.name);
  const fields = t.fields.filter((f) => !f.synthetic);
  const body = (input: boolean) =>
    fields.map((f) => `  ${f.name}${input ? '?' : ''}: ${fieldType(f, input)};`).join('\n');
  return [
    `/** ${t.name}, as decode returns it. */\nexport interface ${id} {\n${body(false)}\n}`,
    `/** ${t.name}, as encode accepts it: every field optional. */\nexport interface ${id}$Input {\n${body(true)}\n}`,
  ].join('\n');
}

/** A module with the declarations of `types` and the maps from ROS names to them. */
export function declareModule(types: readonly MessageType[]): string {
  const sorted = [...types].sort((a, b) => (a.name < b.name ? -1 : 1));
  const map = (input: boolean) =>
    sorted.map((t) => `  '${t.name}': ${tsIdentifier(t.name)}${input ? '$Input' : ''};`).join('\n');
  return [
    '// Generated at build time from the bundled interface definitions; not committed.',
    ...sorted.map(declareType),
    `/** Decoded values of the bundled interface types, by ROS name. */\nexport interface BundledMessages {\n${map(false)}\n}`,
    `/** Values encode accepts for the bundled interface types, by ROS name. */\nexport interface BundledMessageInputs {\n${map(true)}\n}`,
    '',
  ].join('\n\n');
}
