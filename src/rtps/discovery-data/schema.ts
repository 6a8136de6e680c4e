/**
 * The machinery shared by the SPDP and SEDP codecs: opening a PL_CDR payload, and mapping its
 * parameters to typed fields (and back) through a table of field codecs.
 *
 * Decoding walks the list once:
 * - a standard PID with a field in the table is decoded into it; a malformed value refuses the whole
 *   data ('invalid-parameter'), as Fast DDS does with a malformed known PID. Longer values than
 *   needed are accepted (RTPS 9.6.2.2.1 lets later versions extend a parameter). A repeated field
 *   (locators) collects every occurrence; for a single field the first occurrence wins and later
 *   ones are kept as `extra`;
 * - a vendor-specific PID of the sender's own vendor is interpreted (vendor-parameters.ts) and also
 *   kept in `extra`, so it re-encodes unchanged;
 * - anything else is kept in `extra` (copied), except an unrecognised PID with the must-understand
 *   bit, which refuses the whole data (pids.ts `classifyPid`).
 *
 * Encoding writes the fields present, in table order, then `extra` verbatim, then the sentinel.
 */

import type { ByteReader } from '../wire/byte-reader.js';
import { ByteWriter } from '../wire/byte-writer.js';
import { WireFormatError } from '../wire/errors.js';
import {
  type Parameter,
  type ParameterList,
  parseParameterList,
  writeParameterList,
} from '../wire/parameter-list.js';
import { DiscoveryDataError } from './errors.js';
import { classifyPid, pidName } from './pids.js';
import { readValue } from './values.js';
import { decodeVendorParameter, type VendorSpecificParameters } from './vendor-parameters.js';

/** Encapsulation identifiers of a serialized payload (RTPS 10.2, 10.5). */
export const ENCAPSULATION_PL_CDR_BE = 0x0002;
export const ENCAPSULATION_PL_CDR_LE = 0x0003;

/** How one typed field travels: its PID, and how one parameter's value is read and written. */
export interface FieldSpec<T> {
  readonly pid: number;
  /** Each element of the field (an array) is a parameter of its own, e.g. locators. */
  readonly repeated: boolean;
  readonly read: (r: ByteReader) => unknown;
  readonly write: (w: ByteWriter, element: unknown) => void;
  /** Type marker only (never set): ties the spec to the field's type in a Schema. */
  readonly __type?: T;
}

export function scalar<T>(
  pid: number,
  read: (r: ByteReader) => T,
  write: (w: ByteWriter, v: T) => void,
): FieldSpec<T> {
  return { pid, repeated: false, read, write: write as (w: ByteWriter, v: unknown) => void };
}

export function repeated<E>(
  pid: number,
  read: (r: ByteReader) => E,
  write: (w: ByteWriter, v: E) => void,
): FieldSpec<readonly E[]> {
  return { pid, repeated: true, read, write: write as (w: ByteWriter, v: unknown) => void };
}

/** The field codecs of a structure: one per (optional) field, in the order they are written. */
export type Schema<T> = { readonly [K in keyof T]-?: FieldSpec<NonNullable<T[K]>> };

/** Opens a PL_CDR_LE / PL_CDR_BE serialized payload (encapsulation header included). */
export function openParameterListPayload(payload: Uint8Array): ParameterList {
  if (payload.length < 4) {
    throw new DiscoveryDataError(
      'bad-encapsulation',
      `payload of ${payload.length} bytes has no encapsulation`,
    );
  }
  const id = (payload[0]! << 8) | payload[1]!;
  if (id !== ENCAPSULATION_PL_CDR_LE && id !== ENCAPSULATION_PL_CDR_BE) {
    throw new DiscoveryDataError(
      'bad-encapsulation',
      `encapsulation 0x${id.toString(16).padStart(4, '0')} is not PL_CDR_LE or PL_CDR_BE`,
    );
  }
  return parseList(payload.subarray(4), id === ENCAPSULATION_PL_CDR_LE, 'payload');
}

/** Parses a bare parameter list (inline QoS), turning wire errors into DiscoveryDataErrors. */
export function parseList(bytes: Uint8Array, littleEndian: boolean, what: string): ParameterList {
  try {
    return parseParameterList(bytes, littleEndian);
  } catch (err) {
    if (err instanceof WireFormatError) {
      throw new DiscoveryDataError('malformed-parameter-list', `${what}: ${err.message}`);
    }
    throw err;
  }
}

/** A schema of one group of fields (e.g. the QoS of an endpoint) under a name. */
export interface SchemaGroup {
  readonly group: string;
  readonly schema: Readonly<Record<string, FieldSpec<unknown>>>;
}

interface IndexEntry {
  readonly group: string;
  readonly key: string;
  readonly spec: FieldSpec<unknown>;
}

const indexes = new WeakMap<readonly SchemaGroup[], ReadonlyMap<number, IndexEntry>>();

function indexOf(groups: readonly SchemaGroup[]): ReadonlyMap<number, IndexEntry> {
  let index = indexes.get(groups);
  if (!index) {
    const m = new Map<number, IndexEntry>();
    for (const { group, schema } of groups) {
      for (const [key, spec] of Object.entries(schema)) m.set(spec.pid, { group, key, spec });
    }
    indexes.set(groups, m);
    index = m;
  }
  return index;
}

export interface DecodedParameters {
  /** Per group, the fields found. */
  readonly groups: ReadonlyMap<string, Record<string, unknown>>;
  readonly vendorSpecific: VendorSpecificParameters | undefined;
  readonly extra: Parameter[];
}

export function decodeParameters(
  list: ParameterList,
  groups: readonly SchemaGroup[],
  vendor: number,
): DecodedParameters {
  const index = indexOf(groups);
  const out = new Map<string, Record<string, unknown>>(groups.map((g) => [g.group, {}]));
  const extra: Parameter[] = [];
  let vendorSpecific: VendorSpecificParameters | undefined;
  const le = list.littleEndian;
  for (const p of list.parameters) {
    const entry = index.get(p.pid);
    if (entry) {
      const fields = out.get(entry.group)!;
      const value = readValue(p, le, vendor, entry.spec.read);
      if (entry.spec.repeated) {
        const list = fields[entry.key] as unknown[] | undefined;
        if (list) list.push(value);
        else fields[entry.key] = [value];
        continue;
      }
      if (!Object.hasOwn(fields, entry.key)) {
        fields[entry.key] = value;
        continue;
      }
      // A repeated single-valued parameter: the first one counts; the others are kept as they came.
      extra.push(copyParameter(p));
      continue;
    }
    switch (classifyPid(p.pid, vendor)) {
      case 'must-understand':
        throw new DiscoveryDataError(
          'must-understand',
          `unrecognised parameter ${pidName(p.pid, vendor)} must be understood`,
          p.pid,
        );
      case 'vendor':
        vendorSpecific = decodeVendorParameter(p, le, vendor, vendorSpecific);
        break;
      default:
        break;
    }
    extra.push(copyParameter(p));
  }
  return { groups: out, vendorSpecific, extra };
}

function copyParameter(p: Parameter): Parameter {
  return { pid: p.pid, value: p.value.slice() };
}

/** The parameters of the fields present in `fields`, in schema order. */
export function encodeFields(
  out: Parameter[],
  fields: Readonly<Record<string, unknown>>,
  schema: Readonly<Record<string, FieldSpec<unknown>>>,
): void {
  for (const [key, spec] of Object.entries(schema)) {
    const value = fields[key];
    if (value === undefined) continue;
    if (spec.repeated) {
      for (const element of value as readonly unknown[]) out.push(encodeValue(spec, element));
    } else out.push(encodeValue(spec, value));
  }
}

function encodeValue(spec: FieldSpec<unknown>, value: unknown): Parameter {
  const w = new ByteWriter(64);
  spec.write(w, value);
  return { pid: spec.pid, value: w.result() };
}

/** Parameter values padded to 4 must still fit the 16-bit length. */
const MAX_PARAMETER_LENGTH = 0xfffc;

/** A PL_CDR_LE serialized payload: encapsulation 00 03, options 00 00, the list, the sentinel. */
export function encodeParameterListPayload(parameters: readonly Parameter[]): Uint8Array {
  const w = new ByteWriter(512);
  w.u8(0x00).u8(ENCAPSULATION_PL_CDR_LE).u8(0).u8(0);
  for (const p of parameters) {
    if (p.value.length > MAX_PARAMETER_LENGTH) {
      throw new RangeError(
        `parameter ${pidName(p.pid)} of ${p.value.length} bytes exceeds ${MAX_PARAMETER_LENGTH}`,
      );
    }
  }
  writeParameterList(w, parameters);
  return w.result();
}
