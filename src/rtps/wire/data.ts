/** DATA (RTPS 9.4.5.3): one sample or key, with optional inline QoS. */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';
import { readParameterListBytes, skipToInlineQos } from './parameter-list.js';
import { DataFlags, type DataSubmessage } from './submessage.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

/** octetsToInlineQos as the spec fixes it for DATA: readerId, writerId and writerSN. */
const DATA_OCTETS_TO_INLINE_QOS = 16;

export function readData(r: ByteReader, flags: number): DataSubmessage {
  const extraFlags = r.u16('extraFlags');
  const octetsToInlineQos = r.u16('octetsToInlineQos');
  const fieldsStart = r.pos;
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const writerSN = readSequenceNumber(r, 'writerSN');
  skipToInlineQos(r, fieldsStart, octetsToInlineQos, DATA_OCTETS_TO_INLINE_QOS, 'DATA');
  const inlineQos = flags & DataFlags.INLINE_QOS ? readParameterListBytes(r) : undefined;
  if (flags & DataFlags.DATA && flags & DataFlags.KEY) {
    throw new WireFormatError('malformed-submessage', 'DATA with both the D and K flags');
  }
  const payload =
    flags & (DataFlags.DATA | DataFlags.KEY) ? r.view(r.remaining, 'serialized payload') : undefined;
  return {
    kind: 'DATA',
    flags,
    extraFlags,
    readerId,
    writerId,
    writerSN,
    // Absent fields stay present (undefined): every DATA has one shape, so the code that
    // handles submessages does not turn polymorphic, or deoptimize, on a service's inline QoS.
    inlineQos,
    payload,
  };
}

export function writeData(w: ByteWriter, m: DataSubmessage): void {
  w.u16(m.extraFlags).u16(DATA_OCTETS_TO_INLINE_QOS).octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.writerSN);
  if (m.inlineQos) w.bytes(m.inlineQos);
  if (m.payload) w.bytes(m.payload);
}
