/** DATA_FRAG (RTPS 9.4.5.4): consecutive fragments of one sample. */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { WireFormatError } from './errors.js';
import { readParameterListBytes, skipToInlineQos } from './parameter-list.js';
import { DataFragFlags, type DataFragSubmessage } from './submessage.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

const DATA_FRAG_OCTETS_TO_INLINE_QOS = 28;

export function readDataFrag(r: ByteReader, flags: number): DataFragSubmessage {
  const extraFlags = r.u16('extraFlags');
  const octetsToInlineQos = r.u16('octetsToInlineQos');
  const fieldsStart = r.pos;
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const writerSN = readSequenceNumber(r, 'writerSN');
  const fragmentStartingNum = r.u32('fragmentStartingNum');
  const fragmentsInSubmessage = r.u16('fragmentsInSubmessage');
  const fragmentSize = r.u16('fragmentSize');
  const sampleSize = r.u32('sampleSize');
  skipToInlineQos(r, fieldsStart, octetsToInlineQos, DATA_FRAG_OCTETS_TO_INLINE_QOS, 'DATA_FRAG');
  // 8.3.7.3: invalid when the numbers cannot describe a sample.
  if (fragmentStartingNum < 1 || fragmentSize === 0 || fragmentsInSubmessage === 0) {
    throw new WireFormatError('malformed-submessage', 'DATA_FRAG with a zero fragment number, size or count');
  }
  const offset = (fragmentStartingNum - 1) * fragmentSize;
  if (offset >= sampleSize) {
    throw new WireFormatError(
      'malformed-submessage',
      `DATA_FRAG fragment ${fragmentStartingNum} starts past sample size ${sampleSize}`,
    );
  }
  const inlineQos = flags & DataFragFlags.INLINE_QOS ? readParameterListBytes(r) : undefined;
  const length = Math.min(fragmentsInSubmessage * fragmentSize, sampleSize - offset);
  const fragments = r.view(length, 'fragments');
  r.skip(r.remaining); // padding
  return {
    kind: 'DATA_FRAG',
    flags,
    extraFlags,
    readerId,
    writerId,
    writerSN,
    fragmentStartingNum,
    fragmentsInSubmessage,
    fragmentSize,
    sampleSize,
    inlineQos, // present when absent too: one shape (see readData)
    fragments,
  };
}

export function writeDataFrag(w: ByteWriter, m: DataFragSubmessage): void {
  w.u16(m.extraFlags).u16(DATA_FRAG_OCTETS_TO_INLINE_QOS).octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.writerSN);
  w.u32(m.fragmentStartingNum).u16(m.fragmentsInSubmessage).u16(m.fragmentSize).u32(m.sampleSize);
  if (m.inlineQos) w.bytes(m.inlineQos);
  w.bytes(m.fragments);
}
