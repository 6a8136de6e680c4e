/**
 * A type's `ros2msg` schema as Foxglove reads it (and foxglove_bridge sends it): the type's own
 * fields, then each type it uses once, after a line of 80 `=` and `MSG: pkg/msg/Name`. Written from
 * the interface model, not copied from files, so a type defined at run time has one too.
 */
import type { FieldDef, InterfaceRegistry, MessageType } from '../../index.js';

const SEPARATOR = '='.repeat(80);

export function ros2msgSchema(registry: InterfaceRegistry, typeName: string): string {
  const [root, ...deps] = registry.closure(typeName);
  if (!root) return '';
  let text = body(root);
  for (const d of deps) text += `${SEPARATOR}\nMSG: ${d.name}\n${body(d)}`;
  return text;
}

function body(type: MessageType): string {
  let out = '';
  for (const c of type.constants) out += `${c.type} ${c.name}=${constantText(c.value)}\n`;
  for (const f of type.fields) {
    if (f.synthetic) continue;
    out += `${fieldType(f)} ${f.name}\n`;
  }
  return out;
}

function fieldType(f: FieldDef): string {
  let t = typeof f.type === 'string' ? f.type : f.type.nested;
  if (f.stringBound !== undefined) t += `<=${f.stringBound}`;
  switch (f.array.kind) {
    case 'fixed':
      return `${t}[${f.array.length}]`;
    case 'bounded':
      return `${t}[<=${f.array.bound}]`;
    case 'unbounded':
      return `${t}[]`;
    default:
      return t;
  }
}

function constantText(v: boolean | number | bigint | string): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
