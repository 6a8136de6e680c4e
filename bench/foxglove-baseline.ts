/**
 * The baseline serializer: @foxglove/rosmsg2-serialization, the JavaScript CDR library a ROS 2
 * user of Node.js would otherwise reach for, fed the same definitions as ours.
 */
import { readFileSync } from 'node:fs';
import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import type { InterfaceRegistry } from '../src/cdr/registry.js';

/** The ROS 2 concatenated definition text (root, then `MSG: pkg/Name` sections) parsed by @foxglove/rosmsg. */
function definitions(registry: InterfaceRegistry, typeName: string) {
  const [root, ...deps] = registry.closure(typeName);
  const sections = [readFileSync(root!.source, 'utf8')];
  for (const dep of deps) {
    const [pkg, , name] = dep.name.split('/');
    sections.push(`${'='.repeat(80)}\nMSG: ${pkg}/${name}\n${readFileSync(dep.source, 'utf8')}`);
  }
  return parse(sections.join('\n'), { ros2: true });
}

export function foxgloveCodec(registry: InterfaceRegistry, typeName: string) {
  const defs = definitions(registry, typeName);
  const writer = new MessageWriter(defs);
  const reader = new MessageReader(defs);
  return {
    encode: (value: unknown): Uint8Array => writer.writeMessage(value),
    decode: (bytes: Uint8Array): unknown => reader.readMessage(bytes),
  };
}
