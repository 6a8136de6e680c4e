/** HEARTBEAT (RTPS 9.4.5.7) and HEARTBEAT_FRAG (9.4.5.8). */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import type { HeartbeatFragSubmessage, HeartbeatSubmessage } from './submessage.js';
import { readSequenceNumber, writeSequenceNumber } from './types.js';

export function readHeartbeat(r: ByteReader, flags: number): HeartbeatSubmessage {
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const firstSN = readSequenceNumber(r, 'firstSN');
  const lastSN = readSequenceNumber(r, 'lastSN');
  const count = r.i32('count');
  // Group information (the G flag of RTPS 2.4) may follow; ROS 2 peers do not use it.
  return { kind: 'HEARTBEAT', flags, readerId, writerId, firstSN, lastSN, count };
}

export function writeHeartbeat(w: ByteWriter, m: HeartbeatSubmessage): void {
  w.octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.firstSN);
  writeSequenceNumber(w, m.lastSN);
  w.i32(m.count);
}

export function readHeartbeatFrag(r: ByteReader, flags: number): HeartbeatFragSubmessage {
  const readerId = r.octets4('readerId');
  const writerId = r.octets4('writerId');
  const writerSN = readSequenceNumber(r, 'writerSN');
  const lastFragmentNum = r.u32('lastFragmentNum');
  const count = r.i32('count');
  return { kind: 'HEARTBEAT_FRAG', flags, readerId, writerId, writerSN, lastFragmentNum, count };
}

export function writeHeartbeatFrag(w: ByteWriter, m: HeartbeatFragSubmessage): void {
  w.octets4(m.readerId).octets4(m.writerId);
  writeSequenceNumber(w, m.writerSN);
  w.u32(m.lastFragmentNum).i32(m.count);
}
