/**
 * The value a message has before anything is set: every field at the default its definition
 * declares, or its type's zero (rosidl's rules: 0, false, '', fixed arrays of zeros, empty
 * sequences, nested messages at their defaults). 64-bit integers are bigint.
 */
import type { FieldDef, InterfaceRegistry, MessageType, PrimitiveType } from '../index.js';

/** The default value of a message: every field at its declared default or its type's zero. */
export function defaultMessage(registry: InterfaceRegistry, typeName: string): Record<string, unknown> {
  return defaultStruct(registry, registry.get(typeName));
}

export function defaultStruct(registry: InterfaceRegistry, type: MessageType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) {
    if (!f.synthetic) out[f.name] = defaultField(registry, f);
  }
  return out;
}

function defaultField(registry: InterfaceRegistry, f: FieldDef): unknown {
  const element = (): unknown =>
    typeof f.type === 'string' ? zeroOf(f.type) : defaultStruct(registry, registry.get(f.type.nested));
  if (f.defaultValue !== undefined) {
    const d = f.defaultValue;
    return Array.isArray(d) ? d.map((x) => normalizeDefault(f, x)) : normalizeDefault(f, d);
  }
  if (f.array.kind === 'fixed') return Array.from({ length: f.array.length }, element);
  if (f.array.kind !== 'none') return [];
  return element();
}

function normalizeDefault(f: FieldDef, x: unknown): unknown {
  if (typeof f.type === 'string' && (f.type === 'int64' || f.type === 'uint64')) return BigInt(x as bigint);
  if (typeof x === 'bigint') return Number(x);
  return x;
}

function zeroOf(t: PrimitiveType): unknown {
  if (t === 'bool') return false;
  if (t === 'string' || t === 'wstring') return '';
  if (t === 'int64' || t === 'uint64') return 0n;
  return 0;
}

/** `value`'s fields, with the default of each field it lacks (a partial message prints whole). */
export function withDefaults(
  registry: InterfaceRegistry,
  type: MessageType,
  value: unknown,
): Record<string, unknown> {
  const v = (value ?? {}) as Record<string, unknown>;
  if (type.fields.every((f) => f.synthetic || v[f.name] !== undefined)) return v;
  const out: Record<string, unknown> = { ...v };
  for (const f of type.fields) {
    if (!f.synthetic && out[f.name] === undefined) out[f.name] = defaultField(registry, f);
  }
  return out;
}
