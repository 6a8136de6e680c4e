/**
 * RIHS01 type hashes (REP-2011), as ROS 2 Jazzy computes them (rosidl_generator_type_description):
 * SHA-256 over a canonical JSON of the type's fields and of every type it references. The value
 * travels in endpoint USER_DATA (`typehash=RIHS01_<hex>;`) and shows in `ros2 topic info -v`.
 */
import { createHash } from 'node:crypto';
import type { FieldDef, MessageType, PrimitiveType } from './model.js';

/** FieldType ids (type_description_interfaces/msg/FieldType). */
const TYPE_IDS: Record<PrimitiveType, number> = {
  int8: 2,
  uint8: 3,
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  int64: 8,
  uint64: 9,
  float32: 10,
  float64: 11,
  bool: 15,
  byte: 16,
  string: 17,
  wstring: 18,
};
const NESTED_ID = 1;
const BOUNDED_STRING_ID = 21;
const BOUNDED_WSTRING_ID = 22;
const FIXED_ARRAY_OFFSET = 48;
const BOUNDED_SEQUENCE_OFFSET = 96;
const UNBOUNDED_SEQUENCE_OFFSET = 144;

function fieldJson(f: FieldDef): string {
  let id: number;
  let nestedName = '';
  if (typeof f.type !== 'string') {
    id = NESTED_ID;
    nestedName = f.type.nested;
  } else if (f.stringBound !== undefined && f.type === 'string') id = BOUNDED_STRING_ID;
  else if (f.stringBound !== undefined && f.type === 'wstring') id = BOUNDED_WSTRING_ID;
  else id = TYPE_IDS[f.type];
  let capacity = 0;
  switch (f.array.kind) {
    case 'fixed':
      id += FIXED_ARRAY_OFFSET;
      capacity = f.array.length;
      break;
    case 'bounded':
      id += BOUNDED_SEQUENCE_OFFSET;
      capacity = f.array.bound;
      break;
    case 'unbounded':
      id += UNBOUNDED_SEQUENCE_OFFSET;
      break;
  }
  // Python's json.dumps with separators (', ', ': '); names are validated ASCII identifiers.
  return (
    `{"name": ${JSON.stringify(f.name)}, "type": {"type_id": ${id}, "capacity": ${capacity}, ` +
    `"string_capacity": ${f.stringBound ?? 0}, "nested_type_name": ${JSON.stringify(nestedName)}}}`
  );
}

function typeJson(t: MessageType): string {
  return `{"type_name": ${JSON.stringify(t.name)}, "fields": [${t.fields.map(fieldJson).join(', ')}]}`;
}

/** The canonical JSON that is hashed; `closure` is the type first, then every type it references. */
export function typeDescriptionJson(closure: readonly MessageType[]): string {
  const [top, ...refs] = closure;
  if (!top) throw new Error('typeDescriptionJson needs at least the type itself');
  const sorted = [...refs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (
    `{"type_description": ${typeJson(top)}, ` +
    `"referenced_type_descriptions": [${sorted.map(typeJson).join(', ')}]}`
  );
}

/** `RIHS01_<64 hex>` for a type given with its closure (see `InterfaceRegistry.closure`). */
export function typeHash(closure: readonly MessageType[]): string {
  return `RIHS01_${createHash('sha256').update(typeDescriptionJson(closure), 'utf8').digest('hex')}`;
}
