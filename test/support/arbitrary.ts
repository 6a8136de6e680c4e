/**
 * fast-check arbitraries of values of any interface type, in the shape decode returns (typed
 * arrays for numeric arrays, bigint for 64-bit integers), so that decode(encode(v)) equals v.
 */
import fc from 'fast-check';
import { PRIMITIVES } from '../../src/cdr/codegen/layout.js';
import type { FieldDef, PrimitiveType } from '../../src/cdr/model.js';
import type { InterfaceRegistry } from '../../src/cdr/registry.js';

const MAX_ELEMS = 6;

function scalar(t: PrimitiveType, stringBound: number | undefined): fc.Arbitrary<unknown> {
  switch (t) {
    case 'bool':
      return fc.boolean();
    case 'byte':
    case 'uint8':
      return fc.integer({ min: 0, max: 255 });
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer();
    case 'uint32':
      return fc.integer({ min: 0, max: 4294967295 });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'uint64':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'float32':
      return fc.float();
    case 'float64':
      return fc.double();
    case 'string':
      // Whole code points (no lone surrogates: UTF-8 cannot carry them); a bound counts UTF-8 bytes.
      return stringBound === undefined
        ? fc.string({ unit: 'binary', maxLength: 12 })
        : fc
            .string({ unit: 'binary', maxLength: stringBound })
            .filter((s) => Buffer.byteLength(s) <= stringBound);
    case 'wstring':
      // UTF-16 code units travel as they are, lone surrogates included.
      return fc.string({
        unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        maxLength: stringBound ?? 12,
      });
  }
}

function typedArray(t: PrimitiveType, min: number, max: number): fc.Arbitrary<unknown> | undefined {
  const len = { minLength: min, maxLength: max };
  switch (PRIMITIVES[t].typedArray) {
    case 'Uint8Array':
      return fc.uint8Array(len);
    case 'Int8Array':
      return fc.int8Array(len);
    case 'Int16Array':
      return fc.int16Array(len);
    case 'Uint16Array':
      return fc.uint16Array(len);
    case 'Int32Array':
      return fc.int32Array(len);
    case 'Uint32Array':
      return fc.uint32Array(len);
    case 'Float32Array':
      return fc.float32Array(len);
    case 'Float64Array':
      return fc.float64Array(len);
    case 'BigInt64Array':
      return fc.bigInt64Array(len);
    case 'BigUint64Array':
      return fc.bigUint64Array(len);
    default:
      return undefined;
  }
}

export function arbitraryOf(
  registry: InterfaceRegistry,
  typeName: string,
): fc.Arbitrary<Record<string, unknown>> {
  const memo = new Map<string, fc.Arbitrary<Record<string, unknown>>>();
  const struct = (name: string): fc.Arbitrary<Record<string, unknown>> => {
    const known = memo.get(name);
    if (known) return known;
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of registry.get(name).fields) if (!f.synthetic) shape[f.name] = field(f);
    const arb = fc.record(shape);
    memo.set(name, arb);
    return arb;
  };
  const element = (f: FieldDef): fc.Arbitrary<unknown> =>
    typeof f.type === 'string' ? scalar(f.type, f.stringBound) : struct(f.type.nested);
  const field = (f: FieldDef): fc.Arbitrary<unknown> => {
    let min = 0;
    let max = MAX_ELEMS;
    switch (f.array.kind) {
      case 'none':
        return element(f);
      case 'fixed':
        min = max = f.array.length;
        break;
      case 'bounded':
        max = Math.min(max, f.array.bound);
        break;
    }
    const typed = typeof f.type === 'string' ? typedArray(f.type, min, max) : undefined;
    return typed ?? fc.array(element(f), { minLength: min, maxLength: max });
  };
  return struct(typeName);
}
