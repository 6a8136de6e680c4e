/**
 * Turns the text of one `.msg`, `.srv` or `.action` file into validated MessageTypes. The field
 * grammar is parsed by `@foxglove/rosmsg`; this module adds what ROS 2's own pipeline (rosidl)
 * does on top: full names for nested types, `byte` kept apart from `uint8`, the synthetic member of
 * empty messages, the message types a service or action implies, and validation of every name that
 * later reaches generated code.
 */
import { createRequire } from 'node:module';
import type { MessageDefinitionField } from '@foxglove/message-definition';
import { InterfaceDefinitionError } from './errors.js';
import {
  type ConstantDef,
  type DefaultValue,
  type FieldDef,
  INTEGER_RANGES,
  type InterfaceName,
  isValidConstantName,
  isValidFieldName,
  isValidPackageName,
  isValidTypeBaseName,
  type MessageType,
  PRIMITIVE_TYPES,
  type PrimitiveType,
  type Scalar,
} from './model.js';

/**
 * Loaded with require: @foxglove/rosmsg is one 91 KB CommonJS file, and an ESM import of it makes
 * Node lex it for named exports at every process start (and then optimize the lexer while the
 * program's first calls run); require skips that.
 */
const { parse: parseRosmsg } = createRequire(import.meta.url)(
  '@foxglove/rosmsg',
) as typeof import('@foxglove/rosmsg');

const SEPARATOR_RE = /^\s*---\s*$/m;

/** The message types one interface file defines, in the order rosidl lists them. */
export function parseInterfaceText(iface: InterfaceName, text: string, source: string): MessageType[] {
  const base = `${iface.pkg}/${iface.kind}/${iface.name}`;
  const sections = text.split(/\r?\n/).reduce<string[][]>(
    (acc, line) => {
      if (SEPARATOR_RE.test(line)) acc.push([]);
      else acc[acc.length - 1]!.push(line);
      return acc;
    },
    [[]],
  );
  const section = (i: number): string => sections[i]!.join('\n');
  const expected = iface.kind === 'msg' ? 1 : iface.kind === 'srv' ? 2 : 3;
  if (sections.length !== expected) {
    throw new InterfaceDefinitionError(
      base,
      `a .${iface.kind} file has ${expected} section(s) separated by '---', found ${sections.length}`,
      source,
    );
  }
  if (iface.kind === 'msg') return [parseMessage(base, iface.pkg, section(0), source)];
  if (iface.kind === 'srv') {
    return [
      parseMessage(`${base}_Request`, iface.pkg, section(0), source),
      parseMessage(`${base}_Response`, iface.pkg, section(1), source),
      ...serviceDerivedTypes(base, source),
    ];
  }
  const goal = parseMessage(`${base}_Goal`, iface.pkg, section(0), source);
  const result = parseMessage(`${base}_Result`, iface.pkg, section(1), source);
  const feedback = parseMessage(`${base}_Feedback`, iface.pkg, section(2), source);
  return [goal, result, feedback, ...actionDerivedTypes(base, source)];
}

const UUID = 'unique_identifier_msgs/msg/UUID';
const TIME = 'builtin_interfaces/msg/Time';
const EVENT_INFO = 'service_msgs/msg/ServiceEventInfo';

const nested = (name: string, type: string, array: FieldDef['array'] = { kind: 'none' }): FieldDef => ({
  name,
  type: { nested: type },
  array,
});
const prim = (name: string, type: PrimitiveType): FieldDef => ({ name, type, array: { kind: 'none' } });
const derived = (name: string, fields: FieldDef[], source: string): MessageType => ({
  name,
  fields,
  constants: [],
  source,
});

/**
 * What rosidl derives from a service `base` (rosidl_parser `definition.py`, `Service`): the event
 * message of service introspection, and the service itself as a struct of its three messages,
 * which is what the service-level type hash is computed over.
 */
function serviceDerivedTypes(base: string, source: string): MessageType[] {
  const atMostOne = { kind: 'bounded', bound: 1 } as const;
  return [
    derived(
      `${base}_Event`,
      [
        nested('info', EVENT_INFO),
        nested('request', `${base}_Request`, atMostOne),
        nested('response', `${base}_Response`, atMostOne),
      ],
      source,
    ),
    derived(
      base,
      [
        nested('request_message', `${base}_Request`),
        nested('response_message', `${base}_Response`),
        nested('event_message', `${base}_Event`),
      ],
      source,
    ),
  ];
}

/** What rosidl derives from an action `base` (rosidl_parser `definition.py`, `Action`). */
function actionDerivedTypes(base: string, source: string): MessageType[] {
  const sendGoal = `${base}_SendGoal`;
  const getResult = `${base}_GetResult`;
  return [
    derived(`${sendGoal}_Request`, [nested('goal_id', UUID), nested('goal', `${base}_Goal`)], source),
    derived(`${sendGoal}_Response`, [prim('accepted', 'bool'), nested('stamp', TIME)], source),
    ...serviceDerivedTypes(sendGoal, source),
    derived(`${getResult}_Request`, [nested('goal_id', UUID)], source),
    derived(`${getResult}_Response`, [prim('status', 'int8'), nested('result', `${base}_Result`)], source),
    ...serviceDerivedTypes(getResult, source),
    derived(
      `${base}_FeedbackMessage`,
      [nested('goal_id', UUID), nested('feedback', `${base}_Feedback`)],
      source,
    ),
    derived(
      base,
      [
        nested('goal', `${base}_Goal`),
        nested('result', `${base}_Result`),
        nested('feedback', `${base}_Feedback`),
        nested('send_goal_service', sendGoal),
        nested('get_result_service', getResult),
        nested('feedback_message', `${base}_FeedbackMessage`),
      ],
      source,
    ),
  ];
}

/** The field of an empty struct (rosidl_adapter `struct.idl.em`). */
export const EMPTY_STRUCT_FIELD: FieldDef = {
  name: 'structure_needs_at_least_one_member',
  type: 'uint8',
  array: { kind: 'none' },
  synthetic: true,
};

/** Parses one section (the text of a message) into a MessageType named `fullName`. */
export function parseMessage(fullName: string, pkg: string, text: string, source: string): MessageType {
  let parsed: MessageDefinitionField[];
  try {
    const defs = parseRosmsg(text, { ros2: true, skipTypeFixup: true });
    if (defs.length !== 1) throw new Error('expected a single message definition');
    parsed = defs[0]!.definitions;
  } catch (err) {
    throw new InterfaceDefinitionError(fullName, (err as Error).message, source);
  }
  const declaredTypes = declaredBaseTypes(text);
  const fail = (msg: string): never => {
    throw new InterfaceDefinitionError(fullName, msg, source);
  };
  const fields: FieldDef[] = [];
  const constants: ConstantDef[] = [];
  const seen = new Set<string>();
  for (const f of parsed) {
    if (seen.has(f.name)) fail(`'${f.name}' is declared twice`);
    seen.add(f.name);
    const declared = declaredTypes.get(f.name);
    const primitive = declared === 'byte' ? 'byte' : f.type;
    if (f.isConstant) {
      if (!isValidConstantName(f.name)) fail(`invalid constant name '${f.name}'`);
      if (!PRIMITIVE_TYPES.has(primitive)) fail(`constant '${f.name}' has non-primitive type '${f.type}'`);
      const type = primitive as PrimitiveType;
      constants.push({ name: f.name, type, value: checkScalar(type, f.value, `constant '${f.name}'`, fail) });
      continue;
    }
    if (!isValidFieldName(f.name)) fail(`invalid field name '${f.name}'`);
    let type: FieldDef['type'];
    if (f.isComplex) type = { nested: resolveNestedName(f.type, pkg, fail) };
    else if (declared !== undefined && ROS1_TIME_ALIASES.has(f.type) && declared.includes('/')) {
      type = { nested: resolveNestedName(declared, pkg, fail) };
    } else if (PRIMITIVE_TYPES.has(primitive)) type = primitive as PrimitiveType;
    else type = fail(`field '${f.name}' has unknown type '${f.type}'`);
    let array: FieldDef['array'] = { kind: 'none' };
    if (f.isArray) {
      if (f.arrayLength !== undefined)
        array = { kind: 'fixed', length: checkCount(f.arrayLength, f.name, fail) };
      else if (f.arrayUpperBound !== undefined)
        array = { kind: 'bounded', bound: checkCount(f.arrayUpperBound, f.name, fail) };
      else array = { kind: 'unbounded' };
    }
    const field: FieldDef = {
      name: f.name,
      type,
      array,
      ...(f.upperBound !== undefined ? { stringBound: checkCount(f.upperBound, f.name, fail) } : {}),
      ...(f.defaultValue !== undefined
        ? { defaultValue: checkDefault(field0(type), array.kind !== 'none', f.defaultValue, f.name, fail) }
        : {}),
    };
    fields.push(field);
  }
  if (fields.length === 0) fields.push(EMPTY_STRUCT_FIELD);
  return { name: fullName, fields, constants, source };
}

/** `@foxglove/rosmsg` turns `builtin_interfaces/Time` and `/Duration` into ROS 1's `time` and `duration`. */
const ROS1_TIME_ALIASES: ReadonlySet<string> = new Set(['time', 'duration']);

function field0(type: FieldDef['type']): PrimitiveType | undefined {
  return typeof type === 'string' ? type : undefined;
}

/**
 * `@foxglove/rosmsg` reads `byte` as `uint8`, but rosidl keeps them apart (`octet`, type id 16 in
 * the type hash). This recovers the declared base type of each field from the text itself.
 */
function declaredBaseTypes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_/]+)(?:<=\d+)?(?:\[[^\]]*\])?\s+([A-Za-z0-9_]+)/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** `Vector3` (same package) and `geometry_msgs/Vector3` become `pkg/msg/Name`. */
function resolveNestedName(type: string, pkg: string, fail: (m: string) => never): string {
  const parts = type.split('/');
  let p = pkg;
  let n: string;
  if (parts.length === 1) n = parts[0]!;
  else if (parts.length === 2) [p, n] = parts as [string, string];
  else if (parts.length === 3 && parts[1] === 'msg') [p, , n] = parts as [string, string, string];
  else return fail(`invalid nested type '${type}'`);
  if (!isValidPackageName(p) || !isValidTypeBaseName(n)) fail(`invalid nested type '${type}'`);
  return `${p}/msg/${n}`;
}

function checkCount(n: number, field: string, fail: (m: string) => never): number {
  if (!Number.isSafeInteger(n) || n < 0) fail(`field '${field}' has an invalid size or bound ${n}`);
  return n;
}

/** Checks a constant or default scalar against its type and normalises it (64-bit integers to bigint). */
function checkScalar(type: PrimitiveType, value: unknown, what: string, fail: (m: string) => never): Scalar {
  const bad = (): never => fail(`${what}: value ${String(value)} does not fit type ${type}`);
  if (type === 'bool') return typeof value === 'boolean' ? value : bad();
  if (type === 'string' || type === 'wstring') return typeof value === 'string' ? value : bad();
  if (type === 'float32' || type === 'float64') {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    return bad();
  }
  const range = INTEGER_RANGES[type]!;
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'boolean') big = value ? 1n : 0n;
  else return bad();
  if (big < range[0] || big > range[1]) bad();
  return type === 'int64' || type === 'uint64' ? big : Number(big);
}

function checkDefault(
  type: PrimitiveType | undefined,
  isArray: boolean,
  value: unknown,
  field: string,
  fail: (m: string) => never,
): DefaultValue {
  if (type === undefined) return fail(`field '${field}' of a nested type cannot have a default value`);
  const what = `default of field '${field}'`;
  if (isArray) {
    if (!Array.isArray(value)) return fail(`${what} must be an array`);
    return value.map((v) => checkScalar(type, v, what, fail));
  }
  return checkScalar(type, value, what, fail);
}
