/**
 * Generates the encoder of one type, in two flavours from one walk over the layout:
 * - `size`: the payload size of a value (only what varies is looked at: strings and sequences);
 * - `write`: checks every field of the value and writes it, padding included, at offsets
 *   resolved at generation time where the layout allows.
 * Missing fields take the definition's default (or zero); a value of the wrong type or out of
 * range is a CdrEncodeError naming the field.
 *
 * Generated `size(m)` returns the payload length; `write(m, u8, B)` writes the payload at index
 * B of `u8` and returns its length. Bytes are stored one by one (wide values through a scratch
 * buffer): a DataView per message would cost more than encoding a small message does.
 */
import type { DefaultValue, FieldDef, MessageType, PrimitiveType, Scalar } from '../model.js';
import { CodeWriter, Cursor } from './cursor.js';
import type { GeneratedSource } from './decoder.js';
import { INT_LIMITS, type LayoutTable, PRIMITIVES, type TypeLookup } from './layout.js';
import { HOST_LE } from './runtime.js';

type Mode = 'size' | 'write';

/** A JavaScript literal for a validated scalar. */
function literal(v: Scalar): string {
  switch (typeof v) {
    case 'bigint':
      return `${v}n`;
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v); // also NaN, Infinity, -Infinity
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      // Anything else would put unchecked text into generated source.
      throw new TypeError(`not a scalar literal: ${typeof v}`);
  }
}

function zeroOf(type: PrimitiveType): Scalar {
  if (type === 'bool') return false;
  if (type === 'string' || type === 'wstring') return '';
  if (type === 'int64' || type === 'uint64') return 0n;
  return 0;
}

/** Scratch views shared by the generated writer's wide stores. */
const SCRATCH = [
  'const SCRATCH_F64 = new Float64Array(1);',
  'const SCRATCH_U8 = new Uint8Array(SCRATCH_F64.buffer);',
  'const SCRATCH_F32 = new Float32Array(SCRATCH_F64.buffer);',
  'const SCRATCH_I64 = new BigInt64Array(SCRATCH_F64.buffer);',
  'const SCRATCH_U64 = new BigUint64Array(SCRATCH_F64.buffer);',
  '',
].join('\n');

/**
 * Statements storing value expression `v` (already checked) of `type` little-endian at index
 * expression `at` of `u8`. Uint8Array stores keep the low 8 bits, which does the masking.
 */
export function writeStatement(type: PrimitiveType, at: string, v: string): string {
  const b = (k: number) => `u8[${at}${k === 0 ? '' : ` + ${k}`}]`;
  const viaScratch = (view: string, n: number) => {
    // The scratch holds the value in host order; the wire wants little-endian.
    const bytes = Array.from({ length: n }, (_, k) => `${b(k)} = SCRATCH_U8[${HOST_LE ? k : n - 1 - k}];`);
    return `${view}[0] = ${v}; ${bytes.join(' ')}`;
  };
  switch (type) {
    case 'bool':
      return `${b(0)} = ${v} ? 1 : 0;`;
    case 'byte':
    case 'uint8':
    case 'int8':
      return `${b(0)} = ${v};`;
    case 'int16':
    case 'uint16':
      return `${b(0)} = ${v}; ${b(1)} = ${v} >> 8;`;
    case 'int32':
    case 'uint32':
      return `${b(0)} = ${v}; ${b(1)} = ${v} >> 8; ${b(2)} = ${v} >> 16; ${b(3)} = ${v} >>> 24;`;
    case 'float32':
      return viaScratch('SCRATCH_F32', 4);
    case 'float64':
      return viaScratch('SCRATCH_F64', 8);
    case 'int64':
      return viaScratch('SCRATCH_I64', 8);
    case 'uint64':
      return viaScratch('SCRATCH_U64', 8);
    default:
      throw new TypeError(`no fixed-size store for ${type}`);
  }
}

/** The value of a fixed array field left out: zeros (nested elements: undefined, so all defaults). */
function zeroArray(type: FieldDef['type'], length: number): unknown[] {
  return Array.from({ length }, () => (typeof type === 'string' ? zeroOf(type) : undefined));
}

class EncoderGen {
  private readonly w = new CodeWriter();
  private cur = new Cursor();
  readonly constants: unknown[] = [];

  constructor(
    private readonly lookup: TypeLookup,
    private readonly layouts: LayoutTable,
    private readonly mode: Mode,
  ) {}

  generate(root: string): GeneratedSource {
    this.w.line('let o = 0;');
    this.struct('m', root, '""');
    const end = this.cur.at();
    this.w.line(`return ${end};`);
    const args = this.mode === 'size' ? 'm' : 'm, u8, B';
    const body = `${this.writing ? SCRATCH : ''}return function ${this.mode}(${args}) {\n${this.w.toString()}\n};`;
    return { body, constants: this.constants };
  }

  private get writing(): boolean {
    return this.mode === 'write';
  }

  private constant(v: unknown): string {
    this.constants.push(v);
    return `K[${this.constants.length - 1}]`;
  }

  private alignTo(size: number): void {
    const before = this.cur.at();
    const stmt = this.cur.alignTo(size, (from, count) => {
      if (this.writing) for (let k = 0; k < count; k++) this.w.line(`u8[B + ${from} + ${k}] = 0;`);
    });
    if (!stmt) return;
    if (this.writing) {
      const p = this.w.local('p');
      this.w.line(`const ${p} = ${before};`);
      this.w.line(stmt);
      this.w.line(`for (let z = ${p}; z < o; z++) u8[B + z] = 0;`);
    } else {
      this.w.line(stmt);
    }
  }

  private materialize(): void {
    const stmt = this.cur.materialize();
    if (stmt) this.w.line(stmt);
  }

  /** Aligns to a sequence's elements, only when there are any (see the decoder's alignElements). */
  private alignElements(size: number, count: string): void {
    if (size <= this.cur.knownAlign()) return;
    this.materialize();
    if (this.writing) {
      this.w.line(
        `if (${count} > 0) { const p = o; o = (o + ${size - 1}) & ${-size}; for (let z = p; z < o; z++) u8[B + z] = 0; }`,
      );
    } else {
      this.w.line(`if (${count} > 0) o = (o + ${size - 1}) & ${-size};`);
    }
  }

  /**
   * Encodes the struct held by local `obj` (already known to be an object). `path` is a
   * JavaScript expression for the field path, evaluated only when reporting an error.
   */
  private struct(obj: string, name: string, path: string): void {
    const t: MessageType = this.lookup(name);
    for (const f of t.fields) {
      const fieldPath = path === '""' ? JSON.stringify(f.name) : `${path} + ${JSON.stringify(`.${f.name}`)}`;
      if (f.synthetic) {
        this.scalarWrite('uint8', '0');
        continue;
      }
      const v = this.w.local('f');
      // Only the size flavour skips fields whose size is fixed: their values do not matter for it.
      const layout = this.layouts.field(f);
      if (!this.writing && layout.fixedSize !== undefined && layout.uniformAlign !== undefined) {
        this.alignTo(layout.uniformAlign);
        this.cur.d += layout.fixedSize;
        continue;
      }
      if (
        !this.writing &&
        typeof f.type === 'string' &&
        f.array.kind === 'none' &&
        PRIMITIVES[f.type].size > 0
      ) {
        this.scalarWrite(f.type, '');
        continue;
      }
      this.w.line(`let ${v} = ${obj}[${JSON.stringify(f.name)}];`);
      this.field(f, v, fieldPath);
    }
  }

  private field(f: FieldDef, v: string, path: string): void {
    switch (f.array.kind) {
      case 'none':
        this.defaultScalar(f, v);
        this.element(f, v, path);
        return;
      case 'fixed':
        this.array(f, v, path, f.array.length, undefined);
        return;
      case 'bounded':
        this.array(f, v, path, undefined, f.array.bound);
        return;
      case 'unbounded':
        this.array(f, v, path, undefined, undefined);
    }
  }

  /** `undefined` becomes the field's default (nested structs: an empty object, all defaults). */
  private defaultScalar(f: FieldDef, v: string): void {
    if (typeof f.type !== 'string') {
      this.w.line(`if (${v} === undefined) ${v} = R.EMPTY;`);
      return;
    }
    const def = f.defaultValue === undefined ? zeroOf(f.type) : (f.defaultValue as Scalar);
    this.w.line(`if (${v} === undefined) ${v} = ${literal(def)};`);
  }

  /** One element in local `v` (defaults already applied). */
  private element(f: FieldDef, v: string, path: string): void {
    if (typeof f.type !== 'string') {
      this.w.line(`if (typeof ${v} !== 'object' || ${v} === null) E.type(${path}, 'an object', ${v});`);
      this.struct(v, f.type.nested, path);
      return;
    }
    if (f.type === 'string') this.string(v, path, f.stringBound);
    else if (f.type === 'wstring') this.wstring(v, path, f.stringBound);
    else {
      if (this.writing) this.check(f.type, v, path);
      this.scalarWrite(f.type, v);
    }
  }

  /** Throws unless local `v` holds a valid value of `type` (64-bit: converts numbers to bigint). */
  private check(type: PrimitiveType, v: string, path: string): void {
    const limits = INT_LIMITS[type];
    if (type === 'bool') {
      this.w.line(`if (typeof ${v} !== 'boolean') E.type(${path}, 'a boolean', ${v});`);
    } else if (type === 'float32' || type === 'float64') {
      this.w.line(`if (typeof ${v} !== 'number') E.type(${path}, 'a number', ${v});`);
    } else if (type === 'int64' || type === 'uint64') {
      const [min, max] =
        type === 'int64'
          ? ['-9223372036854775808n', '9223372036854775807n']
          : ['0n', '18446744073709551615n'];
      this.w.line(`if (typeof ${v} !== 'bigint') ${v} = R.toBigInt(${v}, ${path}, E);`);
      this.w.line(`if (${v} < ${min} || ${v} > ${max}) E.range(${path}, '${type}', ${v});`);
    } else if (limits) {
      this.w.line(`if (typeof ${v} !== 'number') E.type(${path}, 'a number', ${v});`);
      const intTest =
        type === 'int32'
          ? `(${v} | 0) !== ${v}`
          : type === 'uint32'
            ? `${v} >>> 0 !== ${v}`
            : `(${v} | 0) !== ${v} || ${v} < ${limits[0]} || ${v} > ${limits[1]}`;
      this.w.line(`if (${intTest}) E.range(${path}, '${type}', ${v});`);
    }
  }

  private scalarWrite(type: PrimitiveType, v: string): void {
    const p = PRIMITIVES[type];
    this.alignTo(p.align);
    if (this.writing) {
      this.w.line(writeStatement(type, `B + ${this.cur.at()}`, v));
    }
    this.cur.d += p.size;
  }

  private string(v: string, path: string, bound: number | undefined): void {
    this.w.line(`if (typeof ${v} !== 'string') E.type(${path}, 'a string', ${v});`);
    this.alignTo(4);
    const at = this.cur.at();
    const len = this.w.local('l');
    if (this.writing) {
      this.w.line(`const ${len} = R.writeString(u8, B + ${at} + 4, ${v});`);
      this.w.line(writeStatement('uint32', `B + ${at}`, `${len} + 1`));
      this.w.line(`u8[B + ${at} + 4 + ${len}] = 0;`);
    } else {
      this.w.line(`const ${len} = R.utf8Length(${v});`);
    }
    if (bound !== undefined) {
      this.w.line(`if (${len} > ${bound}) E.bound(${path}, 'string', ${bound}, ${len});`);
    }
    this.w.line(`o = ${at} + 5 + ${len};`);
    this.cur.becameDynamic();
  }

  private wstring(v: string, path: string, bound: number | undefined): void {
    this.w.line(`if (typeof ${v} !== 'string') E.type(${path}, 'a string', ${v});`);
    if (bound !== undefined) {
      this.w.line(`if (${v}.length > ${bound}) E.bound(${path}, 'wstring', ${bound}, ${v}.length);`);
    }
    this.alignTo(4);
    const at = this.cur.at();
    if (this.writing) {
      this.w.line(writeStatement('uint32', `B + ${at}`, `${v}.length`));
      this.w.line(`R.writeWString(u8, B + ${at} + 4, ${v});`);
    }
    this.w.line(`o = ${at} + 4 + ${v}.length * R.WCHAR_SIZE;`);
    this.cur.becameDynamic();
  }

  /** A fixed array (`fixed` set) or a sequence (with an optional bound) in local `v`. */
  private array(
    f: FieldDef,
    v: string,
    path: string,
    fixed: number | undefined,
    bound: number | undefined,
  ): void {
    const def = f.defaultValue as DefaultValue | undefined;
    if (def !== undefined) this.w.line(`if (${v} === undefined) ${v} = ${this.constant(def)};`);
    else if (fixed !== undefined)
      this.w.line(`if (${v} === undefined) ${v} = ${this.constant(zeroArray(f.type, fixed))};`);
    else this.w.line(`if (${v} === undefined) ${v} = R.NONE;`);
    this.w.line(`if (!R.isArrayLike(${v})) E.type(${path}, 'an array', ${v});`);
    const count = this.w.local('c');
    this.w.line(`const ${count} = ${v}.length;`);
    if (fixed !== undefined) {
      this.w.line(`if (${count} !== ${fixed}) E.length(${path}, ${fixed}, ${count});`);
    } else {
      if (bound !== undefined)
        this.w.line(`if (${count} > ${bound}) E.bound(${path}, 'sequence', ${bound}, ${count});`);
      this.scalarWrite('uint32', count);
    }
    const elemType = f.type;
    const afterCount = fixed === undefined ? this.cur.knownAlign() : undefined;
    if (typeof elemType === 'string' && PRIMITIVES[elemType].size > 0) {
      this.primitiveArray(elemType, v, path, count, fixed, afterCount);
      return;
    }
    this.loop(f, v, path, count, afterCount);
  }

  private primitiveArray(
    type: PrimitiveType,
    v: string,
    path: string,
    count: string,
    fixed: number | undefined,
    sequenceAlign: number | undefined,
  ): void {
    const p = PRIMITIVES[type];
    if (sequenceAlign === undefined) this.alignTo(p.align);
    else this.alignElements(p.align, count);
    const at = this.cur.at();
    if (this.writing) {
      const x = this.w.local('x');
      const i = this.w.local('i');
      const loop = () => {
        this.w.open(`for (let ${i} = 0; ${i} < ${count}; ${i}++) {`);
        this.w.line(`let ${x} = ${v}[${i}];`);
        this.check(type, x, `${path} + '[' + ${i} + ']'`);
        this.w.line(writeStatement(type, `B + ${at} + ${i} * ${p.size}`, x));
        this.w.close();
      };
      if (p.typedArray) {
        // Same element type: a byte copy (memcpy), no per-element checks needed.
        this.w.open(`if (${v} instanceof ${p.typedArray} && R.copyTypedLE(u8, B + ${at}, ${v})) {} else {`);
        loop();
        this.w.close();
      } else {
        loop();
      }
    }
    if (fixed !== undefined) {
      this.cur.d += fixed * p.size;
    } else {
      this.w.line(`o = ${at} + ${count} * ${p.size};`);
      this.cur.becameDynamic();
      this.cur.align = Math.min(p.align, sequenceAlign ?? 8);
    }
  }

  /** Elements of a nested or string type; `sequenceAlign` as for the decoder's loop. */
  private loop(f: FieldDef, v: string, path: string, count: string, sequenceAlign: number | undefined): void {
    // An element of a user's array that is left undefined takes the element type's zero, not the array's default.
    const { defaultValue: _arrayDefault, ...rest } = f;
    const elem: FieldDef = { ...rest, array: { kind: 'none' } };
    const layout = this.layouts.field(elem);
    const fixedElem = layout.fixedSize !== undefined && layout.uniformAlign !== undefined;
    const alignAfter = Math.min(layout.uniformAlign ?? 1, sequenceAlign ?? 8);
    if (fixedElem && sequenceAlign !== undefined) this.alignElements(layout.uniformAlign!, count);
    else if (fixedElem) this.alignTo(layout.uniformAlign!);
    if (!this.writing && fixedElem) {
      // Sizing a run of fixed-size elements needs no walk over them.
      this.materialize();
      this.w.line(`o += ${count} * ${layout.fixedSize};`);
      this.cur.becameDynamic();
      this.cur.align = alignAfter;
      return;
    }
    this.materialize();
    const i = this.w.local('i');
    const e = this.w.local('e');
    this.w.open(`for (let ${i} = 0; ${i} < ${count}; ${i}++) {`);
    const outer = this.cur;
    this.cur = new Cursor();
    this.cur.becameDynamic();
    this.cur.align = fixedElem ? layout.uniformAlign! : 1;
    this.w.line(`let ${e} = ${v}[${i}];`);
    this.defaultScalar(elem, e);
    this.element(elem, e, `${path} + '[' + ${i} + ']'`);
    this.materialize();
    this.w.close();
    this.cur = outer;
    this.cur.becameDynamic();
    if (fixedElem) this.cur.align = alignAfter;
  }
}

export function generateEncoder(
  root: string,
  lookup: TypeLookup,
  layouts: LayoutTable,
  mode: Mode,
): GeneratedSource {
  return new EncoderGen(lookup, layouts, mode).generate(root);
}
