/**
 * What the serializer generators need to know about the XCDR1 layout of a type, computed once
 * from the model: primitive sizes and alignments, the fixed size of types whose size never
 * varies, and a lower bound of every type's size (used to reject lying sequence lengths before
 * anything is allocated).
 */
import type { FieldDef, MessageType, PrimitiveType } from '../model.js';

export interface PrimitiveInfo {
  /** Bytes on the wire; 0 for the variable-size string types. */
  readonly size: number;
  readonly align: number;
  /** Typed array constructor name for arrays of this type, where JavaScript has one. */
  readonly typedArray?: string;
}

export const PRIMITIVES: Readonly<Record<PrimitiveType, PrimitiveInfo>> = {
  bool: { size: 1, align: 1 },
  byte: { size: 1, align: 1, typedArray: 'Uint8Array' },
  int8: { size: 1, align: 1, typedArray: 'Int8Array' },
  uint8: { size: 1, align: 1, typedArray: 'Uint8Array' },
  int16: { size: 2, align: 2, typedArray: 'Int16Array' },
  uint16: { size: 2, align: 2, typedArray: 'Uint16Array' },
  int32: { size: 4, align: 4, typedArray: 'Int32Array' },
  uint32: { size: 4, align: 4, typedArray: 'Uint32Array' },
  int64: { size: 8, align: 8, typedArray: 'BigInt64Array' },
  uint64: { size: 8, align: 8, typedArray: 'BigUint64Array' },
  float32: { size: 4, align: 4, typedArray: 'Float32Array' },
  float64: { size: 8, align: 8, typedArray: 'Float64Array' },
  string: { size: 0, align: 4 },
  wstring: { size: 0, align: 4 },
};

/** Integer ranges checked on encode (64-bit ones are checked as bigint). */
export const INT_LIMITS: Partial<Record<PrimitiveType, readonly [number, number]>> = {
  byte: [0, 255],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

export type TypeLookup = (name: string) => MessageType;

export interface StructLayout {
  /** Size in bytes when the struct starts at an offset aligned to `uniformAlign`, if it never varies. */
  readonly fixedSize: number | undefined;
  /**
   * The alignment every primitive in the struct shares, if they all share one (e.g. 8 for
   * Vector3, 4 for Point32); such a fixed-size struct packs without padding between elements.
   */
  readonly uniformAlign: number | undefined;
  /** A lower bound of the serialized size, ignoring padding; at least 1. */
  readonly minSize: number;
}

/** Computes (and caches) the layout facts of struct types. */
export class LayoutTable {
  private readonly cache = new Map<string, StructLayout>();

  constructor(private readonly lookup: TypeLookup) {}

  struct(name: string): StructLayout {
    const known = this.cache.get(name);
    if (known) return known;
    const t = this.lookup(name);
    let fixed: number | undefined = 0;
    let uniform: number | undefined | null = null; // null: no primitive seen yet
    let min = 0;
    for (const f of t.fields) {
      const fl = this.field(f);
      min += fl.minSize;
      if (fl.fixedSize === undefined || fixed === undefined) fixed = undefined;
      else fixed += fl.fixedSize;
      if (uniform !== undefined) {
        if (fl.uniformAlign === undefined) uniform = undefined;
        else if (uniform === null) uniform = fl.uniformAlign;
        else if (uniform !== fl.uniformAlign) uniform = undefined;
      }
    }
    const uniformAlign = uniform === null ? undefined : uniform;
    // With one alignment throughout, laying fields end to end is the real layout: no padding.
    const layout: StructLayout = {
      fixedSize:
        uniformAlign !== undefined && fixed !== undefined && fixed % uniformAlign === 0 ? fixed : undefined,
      uniformAlign,
      minSize: Math.max(1, min),
    };
    this.cache.set(name, layout);
    return layout;
  }

  /** Layout facts of one field, with the same meaning as for a struct. */
  field(f: FieldDef): StructLayout {
    let elem: StructLayout;
    if (typeof f.type === 'string') {
      const p = PRIMITIVES[f.type];
      elem =
        p.size === 0
          ? { fixedSize: undefined, uniformAlign: undefined, minSize: 4 }
          : { fixedSize: p.size, uniformAlign: p.align, minSize: p.size };
    } else {
      elem = this.struct(f.type.nested);
    }
    switch (f.array.kind) {
      case 'none':
        return elem;
      case 'fixed':
        return {
          fixedSize: elem.fixedSize === undefined ? undefined : elem.fixedSize * f.array.length,
          uniformAlign: f.array.length === 0 ? undefined : elem.uniformAlign,
          minSize: elem.minSize * f.array.length,
        };
      default:
        return { fixedSize: undefined, uniformAlign: undefined, minSize: 4 };
    }
  }
}
