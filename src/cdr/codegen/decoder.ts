/**
 * Generates the decoder of one type: straight-line JavaScript that reads every field at an
 * offset resolved at generation time where the layout allows, checks the remaining length once
 * per run of fixed-size fields, and checks every length read from the bytes before it is used.
 *
 * The generated function gets `(u8, B, n)`: the input, the index in it of the payload (after the
 * encapsulation header) and the payload length. It reads bytes straight from `u8`: creating a
 * DataView per message costs more than decoding a small message does.
 * Nothing from a definition reaches the source except validated names, quoted with
 * JSON.stringify, and numbers.
 */
import type { FieldDef, MessageType, PrimitiveType } from '../model.js';
import { CodeWriter, Cursor } from './cursor.js';
import { type LayoutTable, PRIMITIVES, type TypeLookup } from './layout.js';
import { HOST_LE } from './runtime.js';

export interface GeneratedSource {
  /** The body of a `new Function('R', 'E', 'K', body)` that returns the generated function. */
  readonly body: string;
  /** Values the body refers to as `K[i]`. */
  readonly constants: readonly unknown[];
}

/**
 * A JavaScript expression reading one `type` at index expression `at` of `u8`. Integers up to 32
 * bits are assembled from bytes inline; wider ones go through the runtime's scratch readers.
 */
export function readExpression(type: PrimitiveType, at: string, le: boolean): string {
  const b = (k: number) => `u8[${at}${k === 0 ? '' : ` + ${k}`}]`;
  const bytes = (n: number) => Array.from({ length: n }, (_, k) => b(le ? k : n - 1 - k));
  const int = (n: number) =>
    bytes(n)
      .map((e, k) => (k === 0 ? e : `${e} << ${8 * k}`))
      .join(' | ');
  switch (type) {
    case 'bool':
      return `${b(0)} !== 0`;
    case 'byte':
    case 'uint8':
      return b(0);
    case 'int8':
      return `${b(0)} << 24 >> 24`;
    case 'uint16':
      return `(${int(2)})`;
    case 'int16':
      return `(${int(2)}) << 16 >> 16`;
    case 'int32':
      return `(${int(4)})`;
    case 'uint32':
      return `(${int(4)}) >>> 0`;
    case 'float32':
      return `(SCRATCH_I32[0] = ${int(4)}, SCRATCH_F32[0])`;
    case 'float64': {
      // Two int32 halves into a scratch, read back as one float64: no call and no view per read.
      const [lo, hi] = le ? [0, 4] : [4, 0];
      const half = (k: number) =>
        Array.from({ length: 4 }, (_, j) => {
          const e = b(k + (le ? j : 3 - j));
          return j === 0 ? e : `${e} << ${8 * j}`;
        }).join(' | ');
      const [first, second] = HOST_LE ? [0, 1] : [1, 0];
      return `(SCRATCH_I32[${first}] = ${half(lo)}, SCRATCH_I32[${second}] = ${half(hi)}, SCRATCH_F64[0])`;
    }
    default:
      // Hoisted by the factory (see HOISTED_READERS): a closure constant, not a property load per read.
      return `READ_${type}(u8, ${at}, ${le})`;
  }
}

const HOISTED_READERS = [
  ...['int64', 'uint64'].map((t) => `const READ_${t} = R.READERS.${t};`),
  'const SCRATCH_F64 = new Float64Array(1);',
  'const SCRATCH_I32 = new Int32Array(SCRATCH_F64.buffer);',
  'const SCRATCH_F32 = new Float32Array(SCRATCH_F64.buffer);',
].join('\n');

class DecoderGen {
  private readonly w = new CodeWriter();
  private cur = new Cursor();
  private pending: string[] = [];
  /** Bytes past the cursor base (`o`, or 0) that the pending reads touch. */
  private extent = 0;
  /** Inside a loop whose total length was checked up front, per-element checks are skipped. */
  private prechecked = false;

  constructor(
    private readonly lookup: TypeLookup,
    private readonly layouts: LayoutTable,
    private readonly le: boolean,
  ) {}

  generate(root: string): GeneratedSource {
    this.w.line('let o = 0;');
    const v = this.struct(root);
    this.flush();
    this.w.line(`return ${v};`);
    const body = `${HOISTED_READERS}\nreturn function decode(u8, B, n) {\n${this.w.toString()}\n};`;
    return { body, constants: [] };
  }

  private get LE(): string {
    return this.le ? 'true' : 'false';
  }

  /** Queues a statement of the current fixed-size run. */
  private emit(line: string): void {
    this.pending.push(line);
  }

  /** Declares that the current run reads `bytes` bytes at the cursor. */
  private need(bytes: number): void {
    this.extent = Math.max(this.extent, this.cur.d + bytes);
  }

  /** Ends the current run: one length check for all its reads, then the reads. */
  private flush(): void {
    if (this.extent > 0 && !this.prechecked) {
      const base = this.cur.dynamic ? 'o + ' : '';
      this.w.line(`if (${base}${this.extent} > n) E.short(${this.cur.dynamic ? 'o' : '0'});`);
    }
    for (const l of this.pending) this.w.line(l);
    this.pending = [];
    this.extent = 0;
  }

  private alignTo(size: number): void {
    if (this.cur.dynamic && size > this.cur.align) this.flush();
    const stmt = this.cur.alignTo(size);
    if (stmt) this.w.line(stmt);
  }

  /** Makes `o` the exact current offset (before a loop or after variable-size data). */
  private materialize(): void {
    this.flush();
    const stmt = this.cur.materialize();
    if (stmt) this.w.line(stmt);
  }

  /**
   * Aligns to the elements of a sequence of `count` elements. An empty sequence has no padding
   * after its length: both vendors skip the alignment when there is nothing to align
   * (Fast-CDR `serialize_array`, rmw_cyclonedds `serialize_many`), so it is conditional.
   */
  private alignElements(size: number, count: string): void {
    if (size <= this.cur.knownAlign()) return;
    this.materialize();
    this.w.line(`if (${count} > 0) o = (o + ${size - 1}) & ${-size};`);
  }

  /** Decodes a struct inline; returns the local holding the object. */
  private struct(name: string): string {
    const t: MessageType = this.lookup(name);
    const props: string[] = [];
    for (const f of t.fields) {
      const v = this.field(f);
      if (!f.synthetic) props.push(`${JSON.stringify(f.name)}: ${v}`);
    }
    const s = this.w.local('s');
    this.emit(`const ${s} = {${props.join(', ')}};`);
    return s;
  }

  private field(f: FieldDef): string {
    switch (f.array.kind) {
      case 'none':
        return this.element(f);
      case 'fixed':
        return this.fixedArray(f, f.array.length);
      default:
        return this.sequence(f, f.array.kind === 'bounded' ? f.array.bound : undefined);
    }
  }

  /** One value of the field's element type. */
  private element(f: FieldDef): string {
    if (typeof f.type !== 'string') return this.struct(f.type.nested);
    if (f.type === 'string') return this.string(f.stringBound);
    if (f.type === 'wstring') return this.wstring(f.stringBound);
    return this.scalar(f.type);
  }

  private scalar(type: PrimitiveType): string {
    const p = PRIMITIVES[type];
    this.alignTo(p.align);
    this.need(p.size);
    const v = this.w.local('v');
    const at = `B + ${this.cur.at()}`;
    this.emit(`const ${v} = ${readExpression(type, at, this.le)};`);
    this.cur.d += p.size;
    return v;
  }

  /** Reads a uint32 length at the cursor; returns its local, with the run flushed. */
  private length(): string {
    this.alignTo(4);
    this.need(4);
    const len = this.w.local('l');
    this.emit(`const ${len} = ${readExpression('uint32', `B + ${this.cur.at()}`, this.le)};`);
    this.cur.d += 4;
    this.flush();
    return len;
  }

  private string(bound: number | undefined): string {
    const len = this.length();
    const at = this.cur.at();
    this.w.line(`if (${len} > n - (${at})) E.short(${at});`);
    // The length counts the NUL, so a bounded string may carry bound + 1.
    if (bound !== undefined)
      this.w.line(`if (${len} > ${bound + 1}) E.bound(${at}, 'string', ${bound}, ${len} - 1);`);
    const v = this.w.local('v');
    this.w.line(`const ${v} = R.readString(u8, B + ${at}, ${len});`);
    this.w.line(`o = ${at} + ${len};`);
    this.cur.becameDynamic();
    return v;
  }

  private wstring(bound: number | undefined): string {
    const len = this.length();
    const at = this.cur.at();
    this.w.line(`if (${len} > (n - (${at})) / R.WCHAR_SIZE) E.short(${at});`);
    if (bound !== undefined)
      this.w.line(`if (${len} > ${bound}) E.bound(${at}, 'wstring', ${bound}, ${len});`);
    const v = this.w.local('v');
    this.w.line(`const ${v} = R.readWString(u8, B + ${at}, ${len}, ${this.LE});`);
    this.w.line(`if (${v} === undefined) E.bad(${at}, 'a wstring character is not a UTF-16 code unit');`);
    this.w.line(`o = ${at} + ${len} * R.WCHAR_SIZE;`);
    this.cur.becameDynamic();
    return v;
  }

  private numericType(f: FieldDef): PrimitiveType | undefined {
    if (typeof f.type !== 'string') return undefined;
    return PRIMITIVES[f.type].typedArray ? f.type : undefined;
  }

  private fixedArray(f: FieldDef, count: number): string {
    const numeric = this.numericType(f);
    if (numeric) {
      const p = PRIMITIVES[numeric];
      this.alignTo(p.align);
      this.need(count * p.size);
      const v = this.w.local('v');
      this.emit(
        `const ${v} = R.numericArray(${p.typedArray}, u8, B + ${this.cur.at()}, ${count}, ${this.LE}, R.READERS.${numeric});`,
      );
      this.cur.d += count * p.size;
      return v;
    }
    if (f.type === 'bool') {
      this.need(count);
      const v = this.w.local('v');
      const at = this.cur.at();
      this.emit(`const ${v} = new Array(${count});`);
      this.emit(`for (let i = 0; i < ${count}; i++) ${v}[i] = u8[B + ${at} + i] !== 0;`);
      this.cur.d += count;
      return v;
    }
    return this.loop(f, String(count));
  }

  private sequence(f: FieldDef, bound: number | undefined): string {
    const count = this.length();
    if (bound !== undefined) {
      this.w.line(`if (${count} > ${bound}) E.bound(${this.cur.at(-4)}, 'sequence', ${bound}, ${count});`);
    }
    const numeric = this.numericType(f);
    const afterCount = this.cur.knownAlign();
    if (numeric || f.type === 'bool') {
      const p = PRIMITIVES[numeric ?? 'bool'];
      this.alignElements(p.align, count);
      const at = this.cur.at();
      // Checked before anything is allocated: a lying count cannot make us allocate more than the input.
      this.w.line(`if (${count} * ${p.size} > n - (${at})) E.short(${at});`);
      const v = this.w.local('v');
      if (numeric) {
        this.w.line(
          `const ${v} = R.numericArray(${p.typedArray}, u8, B + ${at}, ${count}, ${this.LE}, R.READERS.${numeric});`,
        );
      } else {
        this.w.line(`const ${v} = new Array(${count});`);
        this.w.line(`for (let i = 0; i < ${count}; i++) ${v}[i] = u8[B + ${at} + i] !== 0;`);
      }
      this.w.line(`o = ${at} + ${count} * ${p.size};`);
      this.cur.becameDynamic();
      this.cur.align = Math.min(p.align, afterCount);
      return v;
    }
    return this.loop(f, count, afterCount);
  }

  /**
   * Elements of a nested or string type, `count` times (a literal or a checked local).
   * `sequenceAlign` is given for sequences: the alignment known after their length.
   */
  private loop(f: FieldDef, count: string, sequenceAlign?: number): string {
    const layout = this.layouts.field({ ...f, array: { kind: 'none' } });
    const fixed = layout.fixedSize !== undefined && layout.uniformAlign !== undefined;
    if (fixed && sequenceAlign !== undefined) this.alignElements(layout.uniformAlign!, count);
    else if (fixed) this.alignTo(layout.uniformAlign!);
    this.materialize();
    const perElement = fixed ? layout.fixedSize! : layout.minSize;
    this.w.line(`if (${count} * ${perElement} > n - o) E.short(o);`);
    const v = this.w.local('v');
    const i = this.w.local('i');
    this.w.line(`const ${v} = new Array(${count});`);
    this.w.open(`for (let ${i} = 0; ${i} < ${count}; ${i}++) {`);
    const outer = this.cur;
    const outerPrechecked = this.prechecked;
    this.cur = new Cursor();
    this.cur.becameDynamic();
    this.cur.align = fixed ? layout.uniformAlign! : 1;
    // A fixed-size element's whole run was covered by the check above.
    this.prechecked = outerPrechecked || fixed;
    const e = this.element(f);
    this.materialize();
    this.w.line(`${v}[${i}] = ${e};`);
    this.w.close();
    this.prechecked = outerPrechecked;
    this.cur = outer;
    this.cur.becameDynamic();
    if (fixed) this.cur.align = Math.min(layout.uniformAlign!, sequenceAlign ?? 8);
    return v;
  }
}

/** The decoder source of `root`, for little- or big-endian input. */
export function generateDecoder(
  root: string,
  lookup: TypeLookup,
  layouts: LayoutTable,
  littleEndian: boolean,
): GeneratedSource {
  return new DecoderGen(lookup, layouts, littleEndian).generate(root);
}
