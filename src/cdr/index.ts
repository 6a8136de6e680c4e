/**
 * ros2ts/cdr: ROS 2 interface definitions, XCDR1 serializers and type hashes.
 *
 * ```ts
 * import { encode, decode } from 'ros2ts/cdr';
 * const bytes = encode('geometry_msgs/msg/Twist', { linear: { x: 0.5 }, angular: { z: 0.5 } });
 * const twist = decode('geometry_msgs/msg/Twist', bytes); // { linear: { x: 0.5, y: 0, z: 0 }, ... }
 * ```
 */
import { CodecCache, type TypeCodec } from './codec.js';
import type { BundledMessageInputs, BundledMessages } from './generated/interfaces.js';
import { InterfaceRegistry } from './registry.js';
import { typeHash } from './type-hash.js';

export { CDR_BE, CDR_LE, CodecCache, ENCAPSULATION_HEADER_SIZE, type TypeCodec } from './codec.js';
export {
  CdrDecodeError,
  CdrEncodeError,
  CdrLayerError,
  InterfaceDefinitionError,
  InterfaceNotFoundError,
} from './errors.js';
export type * from './generated/interfaces.js';
export type { ArrayKind, ConstantDef, FieldDef, MessageType, PrimitiveType } from './model.js';
export {
  bundledInterfacesDir,
  InterfaceRegistry,
  type InterfaceSource,
  type RegistryOptions,
} from './registry.js';
export { typeDescriptionJson, typeHash } from './type-hash.js';

/** The decoded value of a type by its ROS name; `Record<string, unknown>` for types not bundled. */
export type Message<N extends string> = N extends keyof BundledMessages
  ? BundledMessages[N]
  : Record<string, unknown>;
/** What encode accepts for a type by its ROS name. */
export type MessageInput<N extends string> = N extends keyof BundledMessageInputs
  ? BundledMessageInputs[N]
  : Record<string, unknown>;

let defaults: CodecCache | undefined;

/** The codecs of the default registry: `AMENT_PREFIX_PATH`, then the bundled definitions. */
export function defaultCodecs(): CodecCache {
  defaults ??= new CodecCache(new InterfaceRegistry());
  return defaults;
}

/** The codec of a type of the default registry, typed by its name. */
export function getCodec<N extends string>(typeName: N): TypeCodec<Message<N>, MessageInput<N>> {
  return defaultCodecs().get(typeName) as TypeCodec<Message<N>, MessageInput<N>>;
}

/** Encodes a value (encapsulation header included), e.g. `encode('geometry_msgs/msg/Twist', {...})`. */
export function encode<N extends string>(typeName: N, value: MessageInput<N>): Uint8Array {
  return getCodec(typeName).encode(value);
}

/** Decodes a payload (encapsulation header included). */
export function decode<N extends string>(typeName: N, bytes: Uint8Array): Message<N> {
  return getCodec(typeName).decode(bytes);
}

/** The RIHS01 hash of a type of the default registry. */
export function typeHashOf(typeName: string): string {
  return typeHash(defaultCodecs().registry.closure(typeName));
}
