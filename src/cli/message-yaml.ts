/**
 * A message as the ordered mapping `ros2 topic echo` dumps to YAML: rosidl_runtime_py's
 * `message_to_ordereddict` (Jazzy `convert.py`), with its `truncate_length`, `no_arr` and
 * `no_str` options, and `message_to_csv`.
 *
 * Integers become bigint (Python ints), floats numbers (Python floats), `byte` fields the
 * one-character string Python makes of them, and messages ordered maps in field order.
 */
import type { FieldDef, InterfaceRegistry, MessageType, PrimitiveType } from '../index.js';
import { withDefaults } from './message-defaults.js';
import { isFloatType, isIntegerType, pyBytesRepr, pyFloatRepr } from './python-repr.js';
import type { YamlMap, YamlValue } from './python-yaml.js';

export interface ConvertOptions {
  /** Truncate strings and arrays longer than this (`...` appended); undefined keeps everything. */
  readonly truncateLength?: number | undefined;
  /** Replace arrays by a description of their type and length. */
  readonly noArr?: boolean;
  /** Replace strings by their length. */
  readonly noStr?: boolean;
}

export function messageToYamlValue(
  registry: InterfaceRegistry,
  typeName: string,
  value: unknown,
  options: ConvertOptions = {},
): YamlMap {
  return structToMap(registry, registry.get(typeName), value, options);
}

function structToMap(
  registry: InterfaceRegistry,
  type: MessageType,
  value: unknown,
  options: ConvertOptions,
): YamlMap {
  const v = withDefaults(registry, type, value);
  const out = new Map<string, YamlValue>();
  for (const f of type.fields) {
    if (f.synthetic) continue;
    out.set(f.name, fieldToYaml(registry, f, v[f.name], options));
  }
  return out;
}

/** The IDL name of a field's element type, as `__abbreviate_array_info` prints it. */
function idlTypeName(f: FieldDef): string {
  if (typeof f.type !== 'string') return f.type.nested;
  const names: Partial<Record<PrimitiveType, string>> = {
    bool: 'boolean',
    byte: 'octet',
    float32: 'float',
    float64: 'double',
  };
  return names[f.type] ?? f.type;
}

function fieldToYaml(
  registry: InterfaceRegistry,
  f: FieldDef,
  value: unknown,
  options: ConvertOptions,
): YamlValue {
  const element = (x: unknown): YamlValue =>
    typeof f.type === 'string'
      ? primitiveToYaml(f.type, x, options)
      : structToMap(registry, registry.get(f.type.nested), x, options);
  if (f.array.kind === 'none') return element(value);
  const items = value === undefined || value === null ? [] : Array.from(value as ArrayLike<unknown>);
  if (options.noArr) {
    const t = idlTypeName(f);
    if (f.array.kind === 'fixed') return `<array type: ${t}[${f.array.length}]>`;
    if (f.array.kind === 'bounded') return `<sequence type: ${t}[${f.array.bound}], length: ${items.length}>`;
    return `<sequence type: ${t}, length: ${items.length}>`;
  }
  const n = options.truncateLength;
  if (n !== undefined && items.length > n) return [...items.slice(0, n).map(element), '...'];
  return items.map(element);
}

function primitiveToYaml(t: PrimitiveType, x: unknown, options: ConvertOptions): YamlValue {
  if (t === 'bool') return Boolean(x);
  if (t === 'byte') return String.fromCharCode(Number(x ?? 0));
  if (isIntegerType(t)) return BigInt((x as number | bigint | undefined) ?? 0);
  if (isFloatType(t)) return Number(x ?? 0);
  const s = String(x ?? '');
  if (options.noStr) return `<string length: <${[...s].length}>>`;
  const n = options.truncateLength;
  const chars = [...s];
  return n !== undefined && chars.length > n ? `${chars.slice(0, n).join('')}...` : s;
}

/** rosidl_runtime_py's `message_to_csv`: every leaf value, comma-separated, in field order. */
export function messageToCsv(
  registry: InterfaceRegistry,
  typeName: string,
  value: unknown,
  options: ConvertOptions = {},
): string {
  return structToCsv(registry, registry.get(typeName), value, options);
}

function structToCsv(
  registry: InterfaceRegistry,
  type: MessageType,
  value: unknown,
  options: ConvertOptions,
): string {
  const v = withDefaults(registry, type, value);
  return type.fields
    .filter((f) => !f.synthetic)
    .map((f) => fieldToCsv(registry, f, v[f.name], options))
    .join(',');
}

function fieldToCsv(
  registry: InterfaceRegistry,
  f: FieldDef,
  value: unknown,
  options: ConvertOptions,
): string {
  const element = (x: unknown): string =>
    typeof f.type === 'string'
      ? primitiveToCsv(f.type, x, options)
      : structToCsv(registry, registry.get(f.type.nested), x, options);
  if (f.array.kind === 'none') return element(value);
  const items = value === undefined || value === null ? [] : Array.from(value as ArrayLike<unknown>);
  if (options.noArr) {
    const y = fieldToYaml(registry, f, value, options);
    return String(y);
  }
  const n = options.truncateLength;
  const shown = n !== undefined && items.length > n ? items.slice(0, n) : items;
  const parts = shown.map(element);
  if (shown.length < items.length) parts.push('...');
  return parts.join(',');
}

function primitiveToCsv(t: PrimitiveType, x: unknown, options: ConvertOptions): string {
  if (t === 'bool') return x ? 'True' : 'False';
  if (t === 'byte') return pyBytesRepr([Number(x ?? 0)]);
  if (isIntegerType(t)) return String(x ?? 0);
  if (isFloatType(t)) return pyFloatRepr(Number(x ?? 0));
  const s = String(x ?? '');
  if (options.noStr) return `<string length: <${[...s].length}>>`;
  const n = options.truncateLength;
  const chars = [...s];
  return n !== undefined && chars.length > n ? `${chars.slice(0, n).join('')}...` : s;
}
