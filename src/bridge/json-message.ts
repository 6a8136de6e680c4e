/**
 * Decoded ROS messages to and from the JSON rosbridge exchanges (rosbridge_library's
 * message_conversion on ROS 2): `uint8[]`/`byte[]` (fixed, bounded or not) as base64 strings,
 * 64-bit integers as JSON numbers, other numeric arrays as JSON arrays, time as `{sec, nanosec}`
 * (as the message has it). Fields a client leaves out take their defaults (the codec fills them);
 * a field the type does not have is an error, as rosbridge's "does not have a field" is.
 */
import type { FieldDef, InterfaceRegistry, MessageType } from '../index.js';
import { fromBase64, toBase64 } from './base64.js';
import { BridgeInputError } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What toJsonValue makes of `uint8[]`: base64 text (JSON) or the bytes themselves (CBOR). */
export type BytesAs = 'base64' | 'bytes';

/** A decoded message (or any part of one) as rosbridge's JSON has it (or its CBOR, bytes kept). */
export function toJsonValue(value: unknown, bytesAs: BytesAs = 'base64'): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'number':
      // JSON has no NaN or infinities; rosbridge's Python encoder writes tokens no JSON parser takes.
      return Number.isFinite(value) ? value : null;
    case 'boolean':
    case 'string':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Uint8Array)
    return bytesAs === 'base64' ? toBase64(value) : (value as unknown as JsonValue);
  if (ArrayBuffer.isView(value)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => toJsonValue(v));
  }
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, bytesAs));
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJsonValue(v, bytesAs);
  return out;
}

/** A client's JSON for `typeName`, made into what the codec encodes (base64 strings to bytes). */
export function fromJsonMessage(
  registry: InterfaceRegistry,
  typeName: string,
  json: unknown,
): Record<string, unknown> {
  return structFromJson(registry, registry.get(typeName), json ?? {}, typeName);
}

function structFromJson(
  registry: InterfaceRegistry,
  type: MessageType,
  json: unknown,
  path: string,
): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new BridgeInputError(`${path}: expected an object for ${type.name}, got ${describe(json)}`);
  const fields = new Map(type.fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    const f = fields.get(name);
    if (!f || f.synthetic) throw new BridgeInputError(`${type.name} does not have a field '${name}'`);
    out[name] = fieldFromJson(registry, f, v, `${path}.${name}`);
  }
  return out;
}

function fieldFromJson(registry: InterfaceRegistry, f: FieldDef, v: unknown, path: string): unknown {
  const isArray = f.array.kind !== 'none';
  if (isArray && (f.type === 'uint8' || f.type === 'byte') && typeof v === 'string') return fromBase64(v);
  if (isArray) {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v))
      throw new BridgeInputError(`${path}: expected an array, got ${describe(v)}`);
    const items = Array.from(v as ArrayLike<unknown>);
    return typeof f.type === 'string'
      ? items
      : items.map((item, i) => structFromJson(registry, registry.get(nestedName(f)), item, `${path}[${i}]`));
  }
  if (typeof f.type === 'string') return v;
  return structFromJson(registry, registry.get(nestedName(f)), v, path);
}

function nestedName(f: FieldDef): string {
  if (typeof f.type === 'string') throw new TypeError(`${f.name} is not a nested message field`);
  return f.type.nested;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}
