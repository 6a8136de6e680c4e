/**
 * The validated, resolved model of a ROS 2 interface type that every other part of `src/cdr`
 * works from (serializer generation, type hashes, TypeScript declarations). It is deliberately
 * closer to rosidl's own model than to `@foxglove/rosmsg`'s: it keeps `byte` apart from `uint8`
 * (they hash differently), names every nested type fully (`pkg/msg/Name`), and records bounds.
 */

/** The primitive types a ROS 2 `.msg` field can have (`char` is `uint8` in `.msg`, as rosidl maps it). */
export type PrimitiveType =
  | 'bool'
  | 'byte'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string'
  | 'wstring';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set<PrimitiveType>([
  'bool',
  'byte',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'string',
  'wstring',
]);

/** The value range of each integer type (byte included), inclusive. */
export const INTEGER_RANGES: Partial<Record<PrimitiveType, readonly [bigint, bigint]>> = {
  byte: [0n, 255n],
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-2147483648n, 2147483647n],
  uint32: [0n, 4294967295n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

export type ArrayKind =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly length: number }
  | { readonly kind: 'bounded'; readonly bound: number }
  | { readonly kind: 'unbounded' };

/** A scalar default or constant value, as JavaScript holds it (64-bit integers as bigint). */
export type Scalar = boolean | number | bigint | string;
export type DefaultValue = Scalar | readonly Scalar[];

export interface FieldDef {
  readonly name: string;
  /** A primitive type, or the full name (`pkg/msg/Name`) of a nested message type. */
  readonly type: PrimitiveType | { readonly nested: string };
  readonly array: ArrayKind;
  /** `string<=N` / `wstring<=N`: the bound of each string, in characters. */
  readonly stringBound?: number;
  readonly defaultValue?: DefaultValue;
  /**
   * rosidl gives an empty message one `uint8 structure_needs_at_least_one_member` field; it is
   * on the wire and in the type hash, but not in the JavaScript value.
   */
  readonly synthetic?: boolean;
}

export interface ConstantDef {
  readonly name: string;
  readonly type: PrimitiveType;
  readonly value: Scalar;
}

/** One message type: a plain message, or a part of a service or action (`pkg/srv/X_Request`). */
export interface MessageType {
  /** Full ROS name: `pkg/msg/Name`, `pkg/srv/Name_Request`, `pkg/action/Name_Goal`, ... */
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly constants: readonly ConstantDef[];
  /** Where the definition came from (a file path, or `<inline>`), for error messages. */
  readonly source: string;
}

/** The kind of interface a full name refers to. */
export type InterfaceKind = 'msg' | 'srv' | 'action';

export interface InterfaceName {
  readonly pkg: string;
  readonly kind: InterfaceKind;
  readonly name: string;
}

const PKG_RE = /^[a-z][a-z0-9_]*$/;
const TYPE_RE = /^[A-Z][A-Za-z0-9]*$/;
/** Generated service and action part names: `Spawn_Request`, `Fibonacci_SendGoal_Request`. */
const PART_RE = /^[A-Z][A-Za-z0-9]*(_[A-Z][A-Za-z0-9]*)*$/;

/** Package names as ROS 2 allows them (REP 144); checked before a name reaches a path or codegen. */
export function isValidPackageName(pkg: string): boolean {
  return PKG_RE.test(pkg) && !pkg.includes('__') && !pkg.endsWith('_');
}

export function isValidTypeBaseName(name: string): boolean {
  return TYPE_RE.test(name);
}

/**
 * Splits `pkg/msg/Name` (also `pkg/Name`, read as a message) into its parts, or returns undefined
 * when the text is not a well-formed interface name.
 */
export function parseInterfaceName(text: string): InterfaceName | undefined {
  const parts = text.split('/');
  let pkg: string | undefined;
  let kind: string | undefined = 'msg';
  let name: string | undefined;
  if (parts.length === 3) [pkg, kind, name] = parts;
  else if (parts.length === 2) [pkg, name] = parts;
  else return undefined;
  if (pkg === undefined || name === undefined || kind === undefined) return undefined;
  if (kind !== 'msg' && kind !== 'srv' && kind !== 'action') return undefined;
  if (!isValidPackageName(pkg) || !PART_RE.test(name)) return undefined;
  return { pkg, kind, name };
}

export function formatInterfaceName(n: InterfaceName): string {
  return `${n.pkg}/${n.kind}/${n.name}`;
}

/** Field names as rosidl allows them: lower case, digits and single underscores, starting with a letter. */
export function isValidFieldName(name: string): boolean {
  return /^[a-z][a-z0-9_]*$/.test(name) && !name.includes('__') && !name.endsWith('_');
}

/** Constant names: upper case, digits and underscores, starting with a letter. */
export function isValidConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) && !name.includes('__') && !name.endsWith('_');
}
