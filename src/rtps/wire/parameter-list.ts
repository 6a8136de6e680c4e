/**
 * ParameterList (RTPS 9.4.2.11): {pid u16, length u16, value} until PID_SENTINEL, in inline QoS
 * and in discovery data (PL_CDR_LE/BE payloads). Values are views of the received bytes. Per the
 * spec, PID_PAD is skipped, and how an unknown PID is treated (skipped, or the whole list
 * refused when it has the must-understand bit) is left to the reader of the list, which knows
 * the sender's vendor.
 */
import { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';

export const PID_PAD = 0x0000;
export const PID_SENTINEL = 0x0001;
/** PIDs at or above this are vendor-specific: their meaning depends on the sender's vendor id. */
export const PID_VENDOR_SPECIFIC_FLAG = 0x8000;
/** A PID with this bit set must be understood, or the whole list is to be ignored. */
export const PID_MUST_UNDERSTAND_FLAG = 0x4000;

export interface Parameter {
  readonly pid: number;
  readonly value: Uint8Array;
}

export interface ParameterList {
  readonly littleEndian: boolean;
  readonly parameters: readonly Parameter[];
}

/** Reads a list at the reader's position, up to and including its sentinel. */
export function readParameterList(r: ByteReader): ParameterList {
  const parameters: Parameter[] = [];
  walkParameterList(r, (pid, value) => parameters.push({ pid, value }));
  return { littleEndian: r.littleEndian, parameters };
}

/**
 * Walks a list at the reader's position to just past its sentinel, checking every length; hands
 * each parameter but PAD to `each` (without it, nothing is made of them).
 */
function walkParameterList(r: ByteReader, each?: (pid: number, value: Uint8Array) => void): void {
  for (;;) {
    if (r.remaining < 4) {
      throw new WireFormatError('malformed-parameter-list', 'parameter list ends without a sentinel');
    }
    const pid = r.u16('parameter id');
    const length = r.u16('parameter length');
    if (pid === PID_SENTINEL) {
      // Some peers give the sentinel a length; honour it if the bytes are there.
      if (length <= r.remaining) r.skip(length);
      return;
    }
    if (length > r.remaining) {
      throw new WireFormatError(
        'malformed-parameter-list',
        `parameter 0x${pid.toString(16)} claims ${length} bytes, ${r.remaining} left`,
      );
    }
    if (each && pid !== PID_PAD) each(pid, r.view(length, 'parameter value'));
    else r.skip(length, 'parameter value');
  }
}

/**
 * Moves from the fields of a DATA or DATA_FRAG to its inline QoS: `octets` (octetsToInlineQos,
 * counted from `fieldsStart`) may not be under the fields the spec defines (`min`), and what a
 * later spec version adds after them is skipped.
 */
export function skipToInlineQos(
  r: ByteReader,
  fieldsStart: number,
  octets: number,
  min: number,
  kind: string,
): void {
  if (octets < min)
    throw new WireFormatError('malformed-submessage', `${kind} octetsToInlineQos ${octets} < ${min}`);
  r.skip(fieldsStart + octets - r.pos, `${kind} fields before inline QoS`);
}

/**
 * Reads a list at the reader's position and returns its bytes, sentinel included (a view),
 * checked as `readParameterList` checks it but without making objects of its parameters: the
 * inline QoS of every DATA (each service request and reply) comes through here.
 */
export function readParameterListBytes(r: ByteReader): Uint8Array {
  const start = r.pos;
  walkParameterList(r);
  return r.bytes.subarray(start, r.pos);
}

/** Parses a list held in `bytes` (e.g. an inline QoS) with the given byte order. */
export function parseParameterList(bytes: Uint8Array, littleEndian: boolean): ParameterList {
  return readParameterList(new ByteReader(bytes, 0, bytes.length, littleEndian));
}

/** Writes parameters (values padded to 4 bytes) and the sentinel. */
export function writeParameterList(w: ByteWriter, parameters: readonly Parameter[]): void {
  for (const p of parameters) {
    const padded = (p.value.length + 3) & ~3;
    if (padded > 0xffff)
      throw new RangeError(`parameter 0x${p.pid.toString(16)} of ${p.value.length} bytes exceeds 65535`);
    w.u16(p.pid)
      .u16(padded)
      .bytes(p.value)
      .zeros(padded - p.value.length);
  }
  w.u16(PID_SENTINEL).u16(0);
}

/** The value of the first parameter with this PID, if any. */
export function findParameter(list: ParameterList, pid: number): Uint8Array | undefined {
  for (const p of list.parameters) if (p.pid === pid) return p.value;
  return undefined;
}
