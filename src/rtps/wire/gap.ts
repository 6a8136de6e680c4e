/** GAP (RTPS 9.4.5.5): sequence numbers the writer will never send. */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { readSequenceNumberSet, writeSequenceNumberSet } from './number-sets.js';
import type { GapSubmessage } from './submessage.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

export function readGap(r: ByteReader, flags: number): GapSubmessage {
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const gapStart = readSequenceNumber(r, 'gapStart');
  const gapList = readSequenceNumberSet(r);
  // Group sequence numbers (RTPS 2.4 G flag) may follow; ROS 2 peers do not use them.
  return { kind: 'GAP', flags, readerId, writerId, gapStart, gapList };
}

export function writeGap(w: ByteWriter, m: GapSubmessage): void {
  w.octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.gapStart);
  writeSequenceNumberSet(w, m.gapList);
}
