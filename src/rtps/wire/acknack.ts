/** ACKNACK (RTPS 9.4.5.2) and NACK_FRAG (9.4.5.10): what a reader has and misses. */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import {
  readFragmentNumberSet,
  readSequenceNumberSet,
  writeFragmentNumberSet,
  writeSequenceNumberSet,
} from './number-sets.js';
import type { AckNackSubmessage, NackFragSubmessage } from './submessage.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

export function readAckNack(r: ByteReader, flags: number): AckNackSubmessage {
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const readerSNState = readSequenceNumberSet(r);
  const count = r.i32('count');
  return { kind: 'ACKNACK', flags, readerId, writerId, readerSNState, count };
}

export function writeAckNack(w: ByteWriter, m: AckNackSubmessage): void {
  w.octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumberSet(w, m.readerSNState);
  w.i32(m.count);
}

export function readNackFrag(r: ByteReader, flags: number): NackFragSubmessage {
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const writerSN = readSequenceNumber(r, 'writerSN');
  const fragmentNumberState = readFragmentNumberSet(r);
  const count = r.i32('count');
  return { kind: 'NACK_FRAG', flags, readerId, writerId, writerSN, fragmentNumberState, count };
}

export function writeNackFrag(w: ByteWriter, m: NackFragSubmessage): void {
  w.octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.writerSN);
  writeFragmentNumberSet(w, m.fragmentNumberState);
  w.i32(m.count);
}
