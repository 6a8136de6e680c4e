/**
 * Parameter overrides as rcl_yaml_param_parser reads them (ros2/rcl `rcl_yaml_param_parser/src/
 * parse.c`, `parser.c`, `namespace.c`) and rclcpp picks a node's share of them (rclcpp
 * `parameter_map.cpp`, `detail/resolve_parameter_overrides.cpp`).
 *
 * A params file maps node names to `ros__parameters` maps:
 *
 *   /**:                      # every node (`/*`: one level of namespace)
 *     ros__parameters: { use_sim_time: false }
 *   robot:                    # keys before ros__parameters nest as namespaces: /robot/camera
 *     camera:
 *       ros__parameters:
 *         fps: 30             # an integer (int64); 30.0 a double, 'x' or !!str 30 a string
 *         exposure: { auto: true }   # nested maps give dotted names: exposure.auto
 *
 * Values are typed as rcl types them (`get_value`): YAML 1.1 booleans (`yes`, `On`...), then a
 * C `strtoll` integer (hex and octal included), then a `strtod` double (`.inf`, `.nan`), else a
 * string; quoted scalars are strings; a sequence is an array of one type. Aliases are refused.
 *
 * Every file and `-p` of one argument list fills one ParameterOverrideSet, in argument order: a
 * later value of a parameter replaces an earlier one of the same node entry, and entries keep the
 * order in which their node name first appeared, which decides between `/**` and `/robot/camera`.
 */
import { createRequire } from 'node:module';
import type { Node as YamlNode } from 'yaml';
import { checkNamespace, checkNodeName } from '../../rmw/names.js';
import type { ParameterValue } from '../parameters/index.js';

/**
 * `yaml` is loaded on first use: it is 70 CommonJS files, which Node's ESM loader lexes one by one
 * (~25 ms per process start, plus optimizing the lexer while the program's first calls run), and
 * most programs never pass a params file or `-p`.
 */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}

const PARAMS_KEY = 'ros__parameters';
const STR_TAG = 'tag:yaml.org,2002:str';

/** One node entry: its name as written (`/**`, `robot/camera`, `talker`) and its values in order. */
export interface NodeParameterEntry {
  readonly node: string;
  readonly parameters: Map<string, ParameterValue>;
}

/** rcl's `rcl_params_t`: node entries in the order their names first appeared. */
export class ParameterOverrideSet {
  readonly entries: NodeParameterEntry[] = [];

  /** The entry of `node`, made at the end if there is none yet (rcl's `find_node`). */
  entry(node: string): NodeParameterEntry {
    let e = this.entries.find((x) => x.node === node);
    if (!e) {
      e = { node, parameters: new Map() };
      this.entries.push(e);
    }
    return e;
  }

  set(node: string, name: string, value: ParameterValue): void {
    this.entry(node).parameters.set(name, value);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }
}

/** A params file (or a `-p` value) rcl would not take; the message is rcl's. */
export class ParamsFileError extends Error {
  override name = 'ParamsFileError';
}

/**
 * Whether a node entry's name applies to the node `/ns/name` (rclcpp's `is_node_name_matched`:
 * `/*` stands for one `/token`, `/**` for any number of them; a name without a leading `/` gets one).
 */
export function nodeEntryMatches(entryName: string, nodeFqn: string): boolean {
  const name = entryName.startsWith('/') ? entryName : `/${entryName}`;
  let pattern = '';
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '/' && name[i + 1] === '*') {
      pattern += '(/\\w+)';
      i++;
    } else if (name[i] === '*') {
      pattern += '*';
    } else {
      pattern += (name[i] as string).replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${pattern})$`).test(nodeFqn);
}

/**
 * The overrides for the node `nodeFqn` from sets given in increasing precedence (rclcpp: global
 * arguments, then the node's own): matching entries in order, later values replacing earlier ones.
 */
export function overridesForNode(
  sets: readonly ParameterOverrideSet[],
  nodeFqn: string,
): Map<string, ParameterValue> {
  const out = new Map<string, ParameterValue>();
  for (const set of sets) {
    for (const e of set.entries) {
      if (!nodeEntryMatches(e.node, nodeFqn)) continue;
      for (const [name, value] of e.parameters) out.set(name, value);
    }
  }
  return out;
}

// --- typing a scalar (parse.c get_value) ---

const TRUE_WORDS = new Set(['Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS = /^[-+]?\.(nan|NaN|NAN|inf|Inf|INF)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** C's strtoll(s, &end, 0) taking the whole string, or undefined (trailing text, overflow). */
function strtoll(text: string): bigint | undefined {
  const m = /^[ \t\n\v\f\r]*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] as string;
  let v: bigint;
  if (/^0[xX]/.test(digits)) v = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) v = BigInt(`0o${digits.slice(1)}`);
  else v = BigInt(digits);
  if (m[1] === '-') v = -v;
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** C's strtod taking the whole string (decimal forms, inf, nan), or undefined (incl. ERANGE). */
function strtod(text: string): number | undefined {
  const t = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (/^[-+]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(t)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  // ERANGE: overflow to infinity, or underflow of a non-zero mantissa to zero.
  if (!Number.isFinite(v)) return undefined;
  if (v === 0 && /[1-9]/.test(t.replace(/[eE].*$/, ''))) return undefined;
  return v;
}

type ScalarValue = Extract<ParameterValue, { type: 'bool' | 'integer' | 'double' | 'string' }>;

/** The value rcl gives a YAML scalar: `quoted` for single- and double-quoted styles, `tag` as written. */
export function typeScalar(text: string, quoted: boolean, tag?: string): ScalarValue {
  if (tag === STR_TAG || quoted) return { type: 'string', value: text };
  if (TRUE_WORDS.has(text)) return { type: 'bool', value: true };
  if (FALSE_WORDS.has(text)) return { type: 'bool', value: false };
  const i = strtoll(text);
  if (i !== undefined) return { type: 'integer', value: i };
  const special = SPECIAL_FLOATS.exec(text);
  const d = special
    ? (special[1] as string).toLowerCase() === 'nan'
      ? Number.NaN
      : text.startsWith('-')
        ? -Infinity
        : Infinity
    : strtod(text);
  if (d !== undefined) return { type: 'double', value: d };
  return { type: 'string', value: text };
}

// --- reading YAML ---

interface YamlText {
  readonly docs: ReturnType<typeof import('yaml').parseAllDocuments>;
  readonly line: (n: YamlNode | { range?: readonly number[] | null }) => number;
}

/** `value`: a `-p` value, whose syntax errors rcl words without a line. */
function readYaml(text: string, value = false): YamlText {
  const { LineCounter, parseAllDocuments } = yaml();
  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { schema: 'failsafe', lineCounter: lc, uniqueKeys: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const d of docs) {
    const e = d.errors[0];
    if (!e) continue;
    throw new ParamsFileError(
      value ? 'Error parsing an event' : `Error parsing a event near line ${lc.linePos(e.pos[0]).line}`,
    );
  }
  const line = (n: { range?: readonly number[] | null }) => lc.linePos(n.range?.[0] ?? 0).line;
  return { docs, line };
}

function scalarOf(n: unknown): { text: string; quoted: boolean; tag?: string } | undefined {
  if (!yaml().isScalar(n)) return undefined;
  const quoted = n.type === 'QUOTE_SINGLE' || n.type === 'QUOTE_DOUBLE';
  return { text: n.value == null ? '' : String(n.value), quoted, ...(n.tag ? { tag: n.tag } : {}) };
}

/** A parameter's value node: a scalar or a sequence of scalars of one type (parse.c parse_value). */
function parameterValueOf(n: unknown, y: YamlText): ParameterValue | undefined {
  if (yaml().isAlias(n)) throw new ParamsFileError(`Will not support aliasing at line ${y.line(n)}\n`);
  const s = scalarOf(n);
  if (s) {
    if (!s.quoted && s.text === '') throw new ParamsFileError(`No value at line ${y.line(n as YamlNode)}`);
    return typeScalar(s.text, s.quoted, s.tag);
  }
  if (!yaml().isSeq(n)) return undefined;
  const values: ScalarValue[] = [];
  for (const item of n.items) {
    if (yaml().isAlias(item))
      throw new ParamsFileError(`Will not support aliasing at line ${y.line(item)}\n`);
    const is = scalarOf(item);
    if (!is) throw new ParamsFileError(`Unknown YAML event at line ${y.line(item as YamlNode)}`);
    if (!is.quoted && is.text === '')
      throw new ParamsFileError(`No value at line ${y.line(item as YamlNode)}`);
    const v = typeScalar(is.text, is.quoted, is.tag);
    const first = values[0];
    if (first && first.type !== v.type) {
      throw new ParamsFileError(
        `Sequence should be of same type. Value type '${v.type}' do not belong at line_num ${y.line(item as YamlNode)}`,
      );
    }
    values.push(v);
  }
  const first = values[0];
  // An empty sequence sets no value: rclcpp refuses it when the node reads its overrides.
  if (!first) throw new ParamsFileError(`No parameter value set at line ${y.line(n)}`);
  switch (first.type) {
    case 'bool':
      return { type: 'bool_array', value: values.map((v) => v.value as boolean) };
    case 'integer':
      return { type: 'integer_array', value: values.map((v) => v.value as bigint) };
    case 'double':
      return { type: 'double_array', value: values.map((v) => v.value as number) };
    case 'string':
      return { type: 'string_array', value: values.map((v) => v.value as string) };
  }
}

/** rcl's `_validate_name` of a node entry: namespaces and node name valid, `*`/`**` allowed. */
function validateEntryName(name: string): void {
  if (name === '/**' || name === '/*') return;
  const cut = name.lastIndexOf('/');
  const nodeName = name.slice(cut + 1);
  if (cut >= 0) {
    const ns = name.startsWith('/') ? name.slice(0, cut + 1) : `/${name.slice(0, cut + 1)}`;
    const parts = ns.split('/').slice(1, -1);
    for (const part of parts) {
      if (part === '') throw new ParamsFileError(`${ns} contains repeated forward slash`);
      if (part === '**' || part === '*') continue;
      const p = checkNamespace(`/${part}`);
      if (p) throw new ParamsFileError(p.reason);
    }
  }
  if (nodeName !== '*' && nodeName !== '**') {
    const p = checkNodeName(nodeName);
    if (p) throw new ParamsFileError(p.reason);
  }
}

function joinNodeNames(parts: readonly string[]): string {
  let out = '';
  for (const p of parts) out = out === '' ? p : out.endsWith('/') ? out + p : `${out}/${p}`;
  return out;
}

function readParameters(
  map: unknown,
  node: string,
  prefix: string,
  set: ParameterOverrideSet,
  y: YamlText,
): void {
  if (!yaml().isMap(map)) return;
  for (const pair of map.items) {
    const key = scalarOf(pair.key);
    if (!key || key.text === '') throw new ParamsFileError(`No key at line ${y.line(pair.key as YamlNode)}`);
    const name = prefix === '' ? key.text : `${prefix}.${key.text}`;
    if (yaml().isMap(pair.value)) {
      readParameters(pair.value, node, name, set, y);
      continue;
    }
    const value = parameterValueOf(pair.value, y);
    if (value === undefined) throw new ParamsFileError(`No value at line ${y.line(pair.key as YamlNode)}`);
    set.set(node, name, value);
  }
}

function readNodeLevel(map: unknown, names: readonly string[], set: ParameterOverrideSet, y: YamlText): void {
  if (yaml().isAlias(map)) throw new ParamsFileError(`Will not support aliasing at line ${y.line(map)}\n`);
  if (!yaml().isMap(map)) return;
  for (const pair of map.items) {
    const key = scalarOf(pair.key);
    const keyLine = y.line(pair.key as YamlNode);
    if (!key || key.text === '') throw new ParamsFileError(`No key at line ${keyLine}`);
    const v = pair.value;
    if (yaml().isSeq(v)) {
      throw new ParamsFileError(
        `Sequences can only be values and not keys in params. Error at line ${y.line(v)}\n`,
      );
    }
    // rcl compares the key's first characters only.
    if (key.text.startsWith(PARAMS_KEY)) {
      if (names.length === 0) {
        throw new ParamsFileError(`There are no node names before ${PARAMS_KEY} at line ${keyLine}`);
      }
      const node = joinNodeNames(names);
      validateEntryName(node);
      set.entry(node);
      if (!yaml().isMap(v))
        throw new ParamsFileError(`Cannot have a value before ${PARAMS_KEY} at line ${keyLine}`);
      readParameters(v, node, '', set, y);
      continue;
    }
    if (!yaml().isMap(v)) {
      throw new ParamsFileError(
        `Cannot have a value before ${PARAMS_KEY} at line ${y.line((v ?? pair.key) as YamlNode)}`,
      );
    }
    readNodeLevel(v, [...names, key.text], set, y);
  }
}

/** Adds a params file's contents to `set` (rcl_parse_yaml_file); throws ParamsFileError. */
export function parseParamsFile(
  text: string,
  set: ParameterOverrideSet = new ParameterOverrideSet(),
): ParameterOverrideSet {
  const y = readYaml(text);
  for (const doc of y.docs) readNodeLevel(doc.contents, [], set, y);
  return set;
}

/**
 * Adds the value of `-p [node:]name:=value` (rcl_parse_yaml_value): `value` is YAML, a scalar or a
 * flow sequence. Returns false where rcl does without a message (empty parts).
 */
export function parseParamValue(
  node: string,
  name: string,
  value: string,
  set: ParameterOverrideSet,
): boolean {
  if (node === '' || name === '' || value === '') return false;
  const y = readYaml(value, true);
  const contents = y.docs[0]?.contents;
  if (contents == null) return false;
  if (yaml().isMap(contents)) throw new ParamsFileError('Unknown YAML event');
  const v = parameterValueOf(contents, y);
  if (v === undefined) throw new ParamsFileError('Unknown YAML event');
  set.set(node, name, v);
  return true;
}
