/**
 * Messages from the YAML a user types (`ros2 service call ... "{x: 2, y: 2, name: 'foxy'}"`,
 * `ros2 topic pub`): the text is read as PyYAML's `safe_load` reads it (YAML 1.1: `yes`/`on` are
 * booleans, `2` an int, `2.0` a float), then set over a default message as rosidl_runtime_py's
 * `set_message_fields` does, field by field.
 *
 * Unlike set_message_fields, every value is checked against the definition here, since the CDR
 * encoder ignores fields it does not know: an unknown field, a value of the wrong type, an
 * integer out of range, an array of the wrong length or a string over its bound is an
 * InputError that names the field (`linear.x`), what it expects and what it got. Conversions
 * Python makes silently and that lose nothing are kept: an int for a float field, a number for a
 * string field (`name: 42` is '42'), a float with an integral value for an integer field.
 */
import { createRequire } from 'node:module';
import type { ScalarTag } from 'yaml';
import { INTEGER_RANGES } from '../cdr/model.js';
import type { FieldDef, InterfaceRegistry, MessageType, PrimitiveType } from '../index.js';
import { defaultStruct } from './message-defaults.js';
import { isFloatType, isIntegerType, pyFloatRepr } from './python-repr.js';

export class InputError extends Error {
  override name = 'InputError';
}

/**
 * The implicit types of PyYAML's SafeLoader (`resolver.py`, `constructor.py`): YAML 1.1 as PyYAML
 * reads it, which is not quite YAML 1.1 (`y`/`n` are strings, `1e3` is a string, `1_000` an int).
 * Integers are bigint, so that `2` (int) and `2.0` (float) stay apart.
 */
const PYYAML_TAGS: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:null',
    default: true,
    test: /^(?:~|null|Null|NULL|)$/,
    resolve: () => null,
  },
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (s) => /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(s),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve: (text) => {
      let s = text.replace(/_/g, '');
      let sign = 1n;
      if (s[0] === '-' || s[0] === '+') {
        if (s[0] === '-') sign = -1n;
        s = s.slice(1);
      }
      if (s === '0') return 0n;
      if (s.startsWith('0b')) return sign * BigInt(s);
      if (s.startsWith('0x')) return sign * BigInt(s);
      if (s.startsWith('0')) return sign * BigInt(`0o${s.slice(1)}`);
      if (s.includes(':')) return sign * s.split(':').reduce((acc, d) => acc * 60n + BigInt(d), 0n);
      return sign * BigInt(s);
    },
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (text) => {
      let s = text.replace(/_/g, '').toLowerCase();
      let sign = 1;
      if (s[0] === '-' || s[0] === '+') {
        if (s[0] === '-') sign = -1;
        s = s.slice(1);
      }
      if (s === '.inf') return sign * Number.POSITIVE_INFINITY;
      if (s === '.nan') return Number.NaN;
      if (s.includes(':')) return sign * s.split(':').reduce((acc, d) => acc * 60 + Number(d), 0);
      return sign * Number(s);
    },
  },
];

// Loaded on first use: most commands never parse YAML, and loading it costs ~50 ms.
let yamlLib: typeof import('yaml') | undefined;
function yamlParser(): typeof import('yaml') {
  yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlLib;
}

/** PyYAML's safe_load (see PYYAML_TAGS). */
export function parseYaml(text: string): unknown {
  try {
    return yamlParser().parse(text, { schema: 'failsafe', customTags: PYYAML_TAGS, uniqueKeys: false });
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new InputError(`the values are not valid YAML: ${first}`);
  }
}

const FLOAT32_MAX = 3.402823466e38;

export interface FillOptions {
  /** `header: auto` fills a std_msgs/msg/Header with the current time at each publish (topic pub). */
  readonly headerAuto?: boolean;
  /** `stamp: now` fills a builtin_interfaces/msg/Time with the current time at each publish. */
  readonly timeNow?: boolean;
}

export interface FilledMessage {
  readonly message: Record<string, unknown>;
  /** Sets every `auto` header stamp and `now` time to the given time (call before each publish). */
  readonly stampNow: (now: { sec: number; nanosec: number }) => void;
}

/**
 * The default message of `typeName` with `values` (parsed YAML) set over it. `null` and `{}`
 * leave the defaults, as the '{}' default of ros2cli does.
 */
export function messageFromValues(
  registry: InterfaceRegistry,
  typeName: string,
  values: unknown,
  options: FillOptions = {},
): FilledMessage {
  const type = registry.get(typeName);
  const message = defaultStruct(registry, type);
  const stamps: Record<string, unknown>[] = [];
  const filler = new Filler(registry, options, stamps);
  if (values !== null && values !== undefined) filler.setStruct(type, message, values, '');
  return {
    message,
    stampNow: (now) => {
      for (const t of stamps) {
        t['sec'] = now.sec;
        t['nanosec'] = now.nanosec;
      }
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** `'abc' (a string)`, `2.5 (a float)`, `a list of 3 items`: what the user gave, for messages. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (typeof v === 'boolean') return `${v} (a boolean)`;
  if (typeof v === 'bigint') return `${v} (an integer)`;
  if (typeof v === 'number') return `${pyFloatRepr(v)} (a float)`;
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  return 'a mapping';
}

function typeDescription(f: FieldDef): string {
  const base = typeof f.type === 'string' ? f.type : f.type.nested;
  const bound = f.stringBound !== undefined ? `<=${f.stringBound}` : '';
  switch (f.array.kind) {
    case 'none':
      return base + bound;
    case 'fixed':
      return `${base}${bound}[${f.array.length}]`;
    case 'bounded':
      return `${base}${bound}[<=${f.array.bound}]`;
    default:
      return `${base}${bound}[]`;
  }
}

class Filler {
  constructor(
    private readonly registry: InterfaceRegistry,
    private readonly options: FillOptions,
    private readonly stamps: Record<string, unknown>[],
  ) {}

  setStruct(type: MessageType, target: Record<string, unknown>, values: unknown, path: string): void {
    const where = path === '' ? type.name : `field '${path}' (${type.name})`;
    if (!isPlainObject(values)) {
      throw new InputError(
        `${where} expects a mapping of field names to values (e.g. '{${exampleField(type)}: ...}'), got ${describeValue(values)}`,
      );
    }
    const fields = type.fields.filter((f) => !f.synthetic);
    for (const [key, value] of Object.entries(values)) {
      const f = fields.find((x) => x.name === key);
      if (!f) {
        const known =
          fields.length === 0
            ? 'it has no fields'
            : `its fields are: ${fields.map((x) => x.name).join(', ')}`;
        throw new InputError(`${where} has no field '${key}'; ${known}`);
      }
      const fieldPath = path === '' ? key : `${path}.${key}`;
      target[key] = this.fieldValue(f, target[key], value, fieldPath);
    }
  }

  private fieldValue(f: FieldDef, current: unknown, value: unknown, path: string): unknown {
    if (f.array.kind === 'none') return this.element(f, current, value, path);
    if (!Array.isArray(value)) {
      throw new InputError(
        `field '${path}' expects a list (${typeDescription(f)}), got ${describeValue(value)}`,
      );
    }
    if (f.array.kind === 'fixed' && value.length !== f.array.length) {
      throw new InputError(
        `field '${path}' expects exactly ${f.array.length} items (${typeDescription(f)}), got ${value.length}`,
      );
    }
    if (f.array.kind === 'bounded' && value.length > f.array.bound) {
      throw new InputError(
        `field '${path}' takes at most ${f.array.bound} items (${typeDescription(f)}), got ${value.length}`,
      );
    }
    return value.map((v, i) => this.element(f, undefined, v, `${path}[${i}]`));
  }

  private element(f: FieldDef, current: unknown, value: unknown, path: string): unknown {
    if (typeof f.type !== 'string') {
      const nested = this.registry.get(f.type.nested);
      if (this.options.headerAuto && f.type.nested === 'std_msgs/msg/Header' && value === 'auto') {
        const header = defaultStruct(this.registry, nested);
        this.stamps.push(header['stamp'] as Record<string, unknown>);
        return header;
      }
      if (this.options.timeNow && f.type.nested === 'builtin_interfaces/msg/Time' && value === 'now') {
        const time = defaultStruct(this.registry, nested);
        this.stamps.push(time);
        return time;
      }
      const target = isPlainObject(current) ? current : defaultStruct(this.registry, nested);
      this.setStruct(nested, target, value, path);
      return target;
    }
    return primitiveValue(f, f.type, value, path);
  }
}

function exampleField(type: MessageType): string {
  return type.fields.find((f) => !f.synthetic)?.name ?? 'field';
}

function primitiveValue(f: FieldDef, t: PrimitiveType, value: unknown, path: string): unknown {
  const fail = (expects: string): never => {
    throw new InputError(`field '${path}' expects ${expects}, got ${describeValue(value)}`);
  };
  if (t === 'bool') {
    if (typeof value !== 'boolean') fail('a boolean (true or false)');
    return value;
  }
  if (isIntegerType(t) || t === 'byte') {
    let n: bigint;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
    else return fail(`an integer (${t})`);
    const [min, max] = INTEGER_RANGES[t]!;
    if (n < min || n > max) {
      throw new InputError(`field '${path}' expects an integer in [${min}, ${max}] (${t}), got ${n}`);
    }
    return t === 'int64' || t === 'uint64' ? n : Number(n);
  }
  if (isFloatType(t)) {
    let x: number;
    if (typeof value === 'number') x = value;
    else if (typeof value === 'bigint') x = Number(value);
    else return fail(`a number (${t})`);
    if (t === 'float32' && Number.isFinite(x) && (x < -FLOAT32_MAX || x > FLOAT32_MAX)) {
      throw new InputError(
        `field '${path}' expects a float32 in [-3.402823466e+38, 3.402823466e+38], got ${x}`,
      );
    }
    return x;
  }
  // string, wstring
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'bigint') s = value.toString();
  else if (typeof value === 'number') s = pyFloatRepr(value);
  else return fail(`a string (${typeDescription(f)})`);
  if (f.stringBound !== undefined && [...s].length > f.stringBound) {
    throw new InputError(
      `field '${path}' takes strings of at most ${f.stringBound} characters, got ${[...s].length}`,
    );
  }
  return s;
}
