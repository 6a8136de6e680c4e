/**
 * Turns a value in ros2ts' JavaScript representation into C++ statements on a fastddsgen class
 * and C statements on an idlc struct, so the vendors serialize exactly the value our codec gets.
 * Every number is written as an exact literal (hex floats for floating point), every string as
 * escaped UTF-8 bytes, so no compiler or locale conversion can change a bit.
 */
import type { FieldDef, PrimitiveType } from '../../src/cdr/model.js';
import type { IdlModel } from './idl.js';

type Numeric = Exclude<PrimitiveType, 'string' | 'wstring' | 'bool'>;

/** The typed array our representation uses for each numeric element type. */
const TYPED_ARRAYS: Readonly<Record<Numeric, string>> = {
  byte: 'Uint8Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int16: 'Int16Array',
  uint16: 'Uint16Array',
  int32: 'Int32Array',
  uint32: 'Uint32Array',
  int64: 'BigInt64Array',
  uint64: 'BigUint64Array',
  float32: 'Float32Array',
  float64: 'Float64Array',
};

/** The C element type idlc uses, for static initializers of arrays and sequence buffers. */
const C_TYPES: Readonly<Record<Exclude<PrimitiveType, 'string' | 'wstring'>, string>> = {
  bool: 'bool',
  byte: 'uint8_t',
  int8: 'int8_t',
  uint8: 'uint8_t',
  int16: 'int16_t',
  uint16: 'uint16_t',
  int32: 'int32_t',
  uint32: 'uint32_t',
  int64: 'int64_t',
  uint64: 'uint64_t',
  float32: 'float',
  float64: 'double',
};

/** The exact C hex-float literal of a double: `3` → `0x1.8p+1`, `-0` → `-0x0p+0`. */
export function hexFloat(x: number): string {
  if (Number.isNaN(x)) return 'NAN';
  if (!Number.isFinite(x)) return x > 0 ? 'INFINITY' : '-INFINITY';
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & 0xfffffffffffffn;
  const digits = mant.toString(16).padStart(13, '0').replace(/0+$/, '');
  const frac = digits === '' ? '' : `.${digits}`;
  if (exp === 0) return mant === 0n ? `${sign}0x0p+0` : `${sign}0x0${frac}p-1022`;
  const e = exp - 1023;
  return `${sign}0x1${frac}p${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}

/** A C/C++ string literal of the UTF-8 bytes of `s`; octal escapes cannot swallow a following digit. */
export function cString(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    const printable = b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f;
    out += printable ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function fail(path: string, what: string): never {
  throw new Error(`${path}: ${what}`);
}

/** The exact C literal of one primitive value of `type` (not string/wstring). */
export function primitiveLiteral(
  type: Exclude<PrimitiveType, 'string' | 'wstring'>,
  v: unknown,
  path: string,
): string {
  switch (type) {
    case 'bool':
      if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${typeof v}`);
      return v ? 'true' : 'false';
    case 'int64':
      if (typeof v !== 'bigint') fail(path, `expected a bigint, got ${typeof v}`);
      // -2^63 has no literal: 9223372036854775808 does not fit a signed long long.
      return v === -(2n ** 63n) ? '(-9223372036854775807LL - 1)' : `${v}LL`;
    case 'uint64':
      if (typeof v !== 'bigint') fail(path, `expected a bigint, got ${typeof v}`);
      return `${v}ULL`;
    case 'float32':
    case 'float64': {
      if (typeof v !== 'number') fail(path, `expected a number, got ${typeof v}`);
      if (type === 'float32' && Math.fround(v) !== v && !Number.isNaN(v)) fail(path, `${v} is not a float32`);
      const lit = hexFloat(v);
      return type === 'float32' && Number.isFinite(v) ? `${lit}f` : lit;
    }
    default: {
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${String(v)}`);
      if (type === 'int32' && v === -2147483648) return '(-2147483647 - 1)';
      return type === 'uint32' ? `${v}u` : String(v);
    }
  }
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) {
    fail(path, 'expected a plain object');
  }
  return v as Record<string, unknown>;
}

/** The elements of an array-valued field, checked against our representation of its type. */
function elements(f: FieldDef, v: unknown, path: string): readonly unknown[] {
  if (f.type === 'bool' || f.type === 'string' || f.type === 'wstring' || typeof f.type !== 'string') {
    if (!Array.isArray(v)) fail(path, 'expected an array');
  } else {
    const expected = TYPED_ARRAYS[f.type];
    if (!ArrayBuffer.isView(v) || v.constructor.name !== expected) fail(path, `expected a ${expected}`);
  }
  const items = Array.from(v as ArrayLike<unknown>);
  if (f.array.kind === 'fixed' && items.length !== f.array.length) {
    fail(path, `expected ${f.array.length} elements, got ${items.length}`);
  }
  if (f.array.kind === 'bounded' && items.length > f.array.bound) {
    fail(path, `at most ${f.array.bound} elements allowed, got ${items.length}`);
  }
  return items;
}

function fieldValue(obj: Record<string, unknown>, f: FieldDef, path: string): unknown {
  if (!(f.name in obj)) fail(path, 'missing (values must give every field)');
  return obj[f.name];
}

function stringValue(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${typeof v}`);
  return v;
}

/**
 * A `std::wstring` built from UTF-16 code units, one `wchar_t` each: rosidl_typesupport_fastrtps
 * copies a ROS `std::u16string` into a `std::wstring` unit by unit before Fast-CDR writes it.
 */
function cxxWString(s: string): string {
  const units: string[] = [];
  for (let i = 0; i < s.length; i++) units.push(`wchar_t(0x${s.charCodeAt(i).toString(16)})`);
  return `std::wstring{${units.join(', ')}}`;
}

/** C++ statements setting every field of `value` (type `typeName`) on the fastddsgen object `target`. */
export function cxxAssignments(model: IdlModel, typeName: string, value: unknown, target: string): string[] {
  const out: string[] = [];
  const emit = (t: string, v: unknown, lvalue: string, path: string): void => {
    const obj = record(v, path);
    for (const f of model.type(t).fields) {
      if (f.synthetic) continue;
      const p = `${path}.${f.name}`;
      // fastddsgen accessors without arguments return a reference to the member.
      assignField(f, fieldValue(obj, f, p), `${lvalue}.${model.member(f)}()`, p);
    }
  };
  const assignScalar = (f: FieldDef, v: unknown, lvalue: string, path: string): void => {
    const type = f.type;
    if (typeof type !== 'string') emit(type.nested, v, lvalue, path);
    else if (type === 'string') out.push(`${lvalue} = ${cString(stringValue(v, path))};`);
    else if (type === 'wstring') out.push(`${lvalue} = ${cxxWString(stringValue(v, path))};`);
    else out.push(`${lvalue} = ${primitiveLiteral(type, v, path)};`);
  };
  const assignField = (f: FieldDef, v: unknown, lvalue: string, path: string): void => {
    if (f.array.kind === 'none') {
      assignScalar(f, v, lvalue, path);
      return;
    }
    const items = elements(f, v, path);
    if (f.array.kind !== 'fixed') out.push(`${lvalue}.resize(${items.length});`);
    const type = f.type;
    if (typeof type === 'string' && type !== 'string' && type !== 'wstring') {
      // A braced list assigns std::array and std::vector (also vector<bool>) in one statement.
      const lits = items.map((x, i) => primitiveLiteral(type, x, `${path}[${i}]`));
      if (lits.length > 0) out.push(`${lvalue} = {${lits.join(', ')}};`);
      return;
    }
    items.forEach((item, i) => {
      assignScalar(f, item, `${lvalue}[${i}]`, `${path}[${i}]`);
    });
  };
  emit(typeName, value, target, typeName);
  return out;
}

/**
 * C statements setting every field of `value` on the idlc struct lvalue `target`, which must be
 * zeroed first. Sequence buffers come from `dds_alloc` and are never freed: the program exits.
 */
export function cAssignments(model: IdlModel, typeName: string, value: unknown, target: string): string[] {
  const out: string[] = [];
  const emit = (t: string, v: unknown, lvalue: string, path: string): void => {
    const obj = record(v, path);
    for (const f of model.type(t).fields) {
      if (f.synthetic) continue;
      const p = `${path}.${f.name}`;
      assignField(f, fieldValue(obj, f, p), `${lvalue}.${model.member(f)}`, p);
    }
  };
  const assignScalar = (f: FieldDef, v: unknown, lvalue: string, path: string): void => {
    const type = f.type;
    if (typeof type !== 'string') {
      emit(type.nested, v, lvalue, path);
    } else if (type === 'wstring') {
      throw new Error(`${path}: idlc 0.10.2 has no wstring`);
    } else if (type === 'string') {
      // idlc makes a bounded string an inline char[N + 1], an unbounded one a char *.
      const lit = cString(stringValue(v, path));
      out.push(
        f.stringBound === undefined ? `${lvalue} = dds_string_dup(${lit});` : `strcpy(${lvalue}, ${lit});`,
      );
    } else {
      out.push(`${lvalue} = ${primitiveLiteral(type, v, path)};`);
    }
  };
  const assignField = (f: FieldDef, v: unknown, lvalue: string, path: string): void => {
    if (f.array.kind === 'none') {
      assignScalar(f, v, lvalue, path);
      return;
    }
    const items = elements(f, v, path);
    let base = lvalue;
    if (f.array.kind !== 'fixed') {
      out.push(`${lvalue}._maximum = ${items.length};`, `${lvalue}._length = ${items.length};`);
      out.push(`${lvalue}._release = true;`);
      if (items.length === 0) {
        out.push(`${lvalue}._buffer = NULL;`);
        return;
      }
      out.push(`${lvalue}._buffer = dds_alloc(${items.length} * sizeof(*${lvalue}._buffer));`);
      out.push(`memset(${lvalue}._buffer, 0, ${items.length} * sizeof(*${lvalue}._buffer));`);
      base = `${lvalue}._buffer`;
    }
    const type = f.type;
    if (typeof type === 'string' && type !== 'string' && type !== 'wstring') {
      if (items.length === 0) return;
      // One static initializer per array keeps large payloads (image data) compact.
      const lits = items.map((x, i) => primitiveLiteral(type, x, `${path}[${i}]`));
      out.push(`{ static const ${C_TYPES[type]} init_[] = {${lits.join(', ')}};`);
      out.push(`  memcpy(${base}, init_, sizeof init_); }`);
      return;
    }
    items.forEach((item, i) => {
      assignScalar(f, item, `${base}[${i}]`, `${path}[${i}]`);
    });
  };
  emit(typeName, value, target, typeName);
  return out;
}
