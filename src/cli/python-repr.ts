/**
 * Python's `repr` of ROS messages as rclpy prints them (`ros2 service call`, `ros2 topic pub`):
 * the `__repr__` that rosidl_generator_py generates (`_msg.py.em`, Jazzy):
 * `turtlesim.srv.Spawn_Request(x=2.0, y=2.0, theta=0.0, name='foxy_turtle')`.
 *
 * How each field prints follows the Python type rclpy stores it as:
 * - float32/float64: a Python float (`repr(float)`: shortest round trip, `2.0`, `1e-05`);
 * - integers: a Python int; bool: `True`/`False`; string: a Python str repr; byte: a bytes object (`b'\x01'`);
 * - sequences of numbers: an `array.array`, printed without the `array('d', ...)` wrapper (`[1.0, 2.0]`),
 *   float32 elements widened from single precision;
 * - fixed-size arrays of numbers: a numpy array (`array([0., 0., 0.])`, `array([1, 2], dtype=int8)`);
 * - other arrays (bool, byte, string, messages): Python lists.
 */

import { INTEGER_RANGES } from '../cdr/model.js';
import type { FieldDef, InterfaceRegistry, MessageType, PrimitiveType } from '../index.js';
import { withDefaults } from './message-defaults.js';

export function pyBool(b: unknown): string {
  return b ? 'True' : 'False';
}

/** Python's `repr(float)`: the shortest string that round-trips, in Python's notation. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return formatShortest(x < 0, ...shortestDigits(Math.abs(x)));
}

/** The shortest decimal digits of a positive double and the position of its decimal point. */
export function shortestDigits(x: number): [digits: string, decpt: number] {
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return [mantissa.replace('.', ''), Number(exponent) + 1];
}

/** Python's float_repr_style 'short' layout: positional when -4 < decpt <= 16, else scientific. */
function formatShortest(negative: boolean, digits: string, decpt: number): string {
  const sign = negative ? '-' : '';
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const exp = decpt - 1;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

// Python's str.isprintable(): false for Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (but ' ').
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || (ch !== ' ' && !NON_PRINTABLE.test(ch))) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

/** Python's `repr(bytes)`. */
export function pyBytesRepr(bytes: ArrayLike<number>): string {
  const arr = Array.from(bytes);
  const quote = arr.includes(0x27) && !arr.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of arr) {
    const ch = String.fromCharCode(b);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${hex(b, 2)}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's `'%.<d>f' % x`: like toFixed, but an exact tie rounds to even (0.125 → '0.12', where
 * toFixed gives '0.13').
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return x.toFixed(digits);
  // A tie: keep the truncated digits when the last one is even, else round up.
  const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  const last = Number(truncated[truncated.length - 1]);
  const sign = x < 0 ? '-' : '';
  if (last % 2 === 0) return sign + truncated;
  return sign + (Math.abs(x) + 0.5 * 10 ** -digits).toFixed(digits);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** The integer types: those with a value range, byte aside (bytes print as `b'..'`). */
const INTEGER_TYPES: ReadonlySet<string> = new Set(Object.keys(INTEGER_RANGES).filter((t) => t !== 'byte'));
const FLOAT_TYPES: ReadonlySet<string> = new Set(['float32', 'float64']);

export function isIntegerType(t: PrimitiveType): boolean {
  return INTEGER_TYPES.has(t);
}
export function isFloatType(t: PrimitiveType): boolean {
  return FLOAT_TYPES.has(t);
}

// --- numpy ---

/** numpy's repr of a 1-D array (`arrayprint.py`, numpy 1.26 defaults: precision 8, linewidth 75). */
export function numpyArrayRepr(values: readonly (number | bigint)[], dtype: PrimitiveType): string {
  const isFloat = isFloatType(dtype);
  const words = isFloat
    ? formatFloats(
        values.map((v) => (dtype === 'float32' ? Math.fround(Number(v)) : Number(v))),
        dtype === 'float32',
      )
    : formatInts(values.map((v) => BigInt(v)));
  const typeless = dtype === 'float64' || dtype === 'int64';
  const suffix = typeless ? ')' : ',';
  const body = wrapWords(words, 75 - suffix.length, ' '.repeat('array('.length + 1));
  const arr = `array(${body}${suffix}`;
  if (typeless) return arr;
  const dtypeStr = `dtype=${dtype})`;
  const lastLine = arr.length - (arr.lastIndexOf('\n') + 1);
  const spacer = lastLine + dtypeStr.length + 1 > 75 ? `\n${' '.repeat('array('.length)}` : ' ';
  return arr + spacer + dtypeStr;
}

function formatInts(values: readonly bigint[]): string[] {
  if (values.length === 0) return [];
  let max = values[0]!;
  let min = values[0]!;
  for (const v of values) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const width = Math.max(String(max).length, String(min).length);
  return values.map((v) => String(v).padStart(width));
}

/** numpy's FloatingFormat in 'maxprec' mode with precision 8, sign '-', no suppression. */
function formatFloats(values: readonly number[], single: boolean): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonZero = finite.map(Math.abs).filter((v) => v !== 0);
  let expFormat = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    expFormat = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  const digitsOf = (v: number) => shortestDigitsOf(Math.abs(v), single);
  let render: (v: number) => string;
  let padLeft: number;
  let padRight: number;
  if (!expFormat) {
    const strs = finite.map((v) => positional(v, digitsOf(v)));
    padLeft = Math.max(0, ...strs.map((s) => s.split('.')[0]!.length));
    padRight = Math.max(0, ...strs.map((s) => s.split('.')[1]!.length));
    render = (v) => {
      const [i, f] = positional(v, digitsOf(v)).split('.') as [string, string];
      return `${i.padStart(padLeft)}.${f.padEnd(padRight)}`;
    };
  } else {
    const parts = finite.map((v) => scientific(v, digitsOf(v)));
    const precision = Math.max(0, ...parts.map((p) => p.frac.length));
    const expSize = Math.max(0, ...parts.map((p) => p.exp.length));
    padLeft = Math.max(0, ...parts.map((p) => p.int.length));
    padRight = expSize + 2 + precision;
    render = (v) => {
      const p = scientific(v, digitsOf(v), precision);
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(precision, '0')}e${p.sign}${p.exp.padStart(expSize, '0')}`;
    };
  }
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === Number.NEGATIVE_INFINITY);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  const width = padLeft + padRight + 1;
  return values.map((v) => {
    if (Number.isNaN(v)) return 'nan'.padStart(width);
    if (!Number.isFinite(v)) return (v < 0 ? '-inf' : 'inf').padStart(width);
    return render(v);
  });
}

/** Shortest digits that identify `x` among doubles, or among float32 values when `single`. */
function shortestDigitsOf(x: number, single: boolean): [string, number] {
  if (x === 0) return ['0', 1];
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const s = x.toPrecision(p);
      if (Math.fround(Number(s)) === x) return shortestDigits(Number(s));
    }
  }
  return shortestDigits(x);
}

/** dragon4_positional(unique, precision 8, trim '.'): `1.`, `0.25`, `-3.14159265`. */
function positional(v: number, [digits, decpt]: [string, number]): string {
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  let frac = digits.length - decpt;
  if (frac > 8) {
    // More than 8 fractional digits: round (the exact value) to 8 and trim trailing zeros.
    return sign + Math.abs(v).toFixed(8).replace(/0+$/, '');
  }
  frac = Math.max(frac, 0);
  let int: string;
  let fracDigits: string;
  if (decpt <= 0) {
    int = '0';
    fracDigits = '0'.repeat(-decpt) + digits;
  } else if (decpt >= digits.length) {
    int = digits + '0'.repeat(decpt - digits.length);
    fracDigits = '';
  } else {
    int = digits.slice(0, decpt);
    fracDigits = digits.slice(decpt);
  }
  if (/^0+$/.test(fracDigits)) fracDigits = '';
  return `${sign}${int}.${fracDigits}`;
}

/** dragon4_scientific(unique, precision 8, trim '.'), split into its parts. */
function scientific(
  v: number,
  [digits, decpt]: [string, number],
  precision?: number,
): { int: string; frac: string; sign: string; exp: string } {
  const sign = v < 0 ? '-' : '';
  let d = digits;
  let e = decpt - 1;
  if (d.length - 1 > 8) {
    const [m, ex] = Math.abs(v).toExponential(8).split('e') as [string, string];
    d = m.replace('.', '').replace(/0+$/, '');
    e = Number(ex);
  }
  let frac = d.slice(1).replace(/0+$/, '');
  if (precision !== undefined) frac = frac.padEnd(precision, '0');
  const exp = String(Math.abs(e)).padStart(2, '0');
  return { int: sign + d[0], frac, sign: e < 0 ? '-' : '+', exp };
}

/** numpy's _formatArray for one dimension: `[a, b, c]`, wrapped at `width` with a hanging indent. */
function wrapWords(words: readonly string[], width: number, indent: string, sep = ', '): string {
  if (words.length === 0) return '[]';
  const elemWidth = width - Math.max(sep.trimEnd().length, 1);
  let s = '';
  let line = indent;
  const extend = (word: string, limit: number) => {
    const needsWrap = line.length + word.length > limit && line.length > indent.length;
    if (needsWrap) {
      s += `${line.trimEnd()}\n`;
      line = indent;
    }
    line += word;
  };
  for (let i = 0; i < words.length - 1; i++) {
    extend(words[i]!, elemWidth);
    line += sep;
  }
  extend(words[words.length - 1]!, elemWidth);
  s += line;
  return `[${s.slice(indent.length)}]`;
}

// --- messages ---

/** `pkg/srv/Name_Request` → `pkg.srv.Name_Request`, the class rclpy prints. */
export function pythonClassName(typeName: string): string {
  return typeName.split('/').join('.');
}

/** rclpy's repr of a message of `typeName` holding `value` (missing fields print their defaults). */
export function messageRepr(registry: InterfaceRegistry, typeName: string, value: unknown): string {
  return structRepr(registry, registry.get(typeName), value);
}

function structRepr(registry: InterfaceRegistry, type: MessageType, value: unknown): string {
  const v = withDefaults(registry, type, value);
  const args = type.fields
    .filter((f) => !f.synthetic)
    .map((f) => `${f.name}=${fieldRepr(registry, f, v[f.name])}`);
  return `${pythonClassName(type.name)}(${args.join(', ')})`;
}

function fieldRepr(registry: InterfaceRegistry, f: FieldDef, value: unknown): string {
  const element = (x: unknown): string =>
    typeof f.type === 'string' ? scalarRepr(f.type, x) : structRepr(registry, registry.get(f.type.nested), x);
  if (f.array.kind === 'none') return element(value);
  const items = value === undefined || value === null ? [] : Array.from(value as ArrayLike<unknown>);
  if (typeof f.type === 'string' && (isIntegerType(f.type) || isFloatType(f.type))) {
    const t = f.type;
    if (f.array.kind === 'fixed') return numpyArrayRepr(items as (number | bigint)[], t);
    // array.array: float32 elements are stored in single precision.
    const widened = t === 'float32' ? items.map((x) => Math.fround(Number(x))) : items;
    return `[${widened.map((x) => scalarRepr(t, x)).join(', ')}]`;
  }
  return `[${items.map(element).join(', ')}]`;
}

/**
 * Python's `str()` of a field's value, as `ros2 topic echo --field` prints a selection that is
 * not a message: strings bare, arrays as Python prints an `array.array`, a numpy array or a list.
 */
export function fieldStr(registry: InterfaceRegistry, f: FieldDef, value: unknown): string {
  if (f.array.kind === 'none') {
    if (f.type === 'string' || f.type === 'wstring') return String(value ?? '');
    return fieldRepr(registry, f, value);
  }
  if (typeof f.type === 'string' && (isIntegerType(f.type) || isFloatType(f.type))) {
    const items =
      value === undefined || value === null ? [] : Array.from(value as ArrayLike<number | bigint>);
    if (f.array.kind === 'fixed') {
      const words = isFloatType(f.type)
        ? formatFloats(
            items.map((v) => (f.type === 'float32' ? Math.fround(Number(v)) : Number(v))),
            f.type === 'float32',
          )
        : formatInts(items.map((v) => BigInt(v)));
      return wrapWords(words, 75, ' ', ' ');
    }
    const list = fieldRepr(registry, f, value);
    return `array('${ARRAY_TYPECODES[f.type]}'${items.length === 0 ? '' : `, ${list}`})`;
  }
  return fieldRepr(registry, f, value);
}

const ARRAY_TYPECODES: Partial<Record<PrimitiveType, string>> = {
  float32: 'f',
  float64: 'd',
  int8: 'b',
  uint8: 'B',
  int16: 'h',
  uint16: 'H',
  int32: 'i',
  uint32: 'I',
  int64: 'q',
  uint64: 'Q',
};

function scalarRepr(t: PrimitiveType, x: unknown): string {
  switch (t) {
    case 'bool':
      return pyBool(x);
    case 'byte':
      return pyBytesRepr([Number(x ?? 0)]);
    case 'float32':
    case 'float64':
      return pyFloatRepr(Number(x ?? 0));
    case 'string':
    case 'wstring':
      return pyStrRepr(String(x ?? ''));
    default:
      return String(x ?? 0);
  }
}
