/**
 * Packs submessages into datagrams of at most `maxSize` bytes, each starting with the RTPS
 * header and the preamble the submessages need (e.g. INFO_DST, repeated in every datagram since
 * each is interpreted on its own), and hands each finished datagram to a sink.
 *
 * Datagrams are encoded in one reused buffer and the sink gets a view of it, valid only during
 * the call: transports copy what they send, so a datagram costs no allocation of its own
 * (allocating and growing buffers per datagram was the largest cost of a send).
 */
import { ByteWriter } from '../wire/byte-writer.js';
import { type RtpsHeader, writeHeader, writeSubmessage } from '../wire/message.js';
import { type Submessage, SubmessageId } from '../wire/submessage.js';

/** Fast DDS's UDPv4 limit, and what fits any UDP stack (65,507 is IPv4's hard limit). */
export const DEFAULT_MAX_DATAGRAM = 65_000;

const shared = new ByteWriter(DEFAULT_MAX_DATAGRAM + 4096);
let sharedInUse = false;

/**
 * Encodes the first `count` of `submessages` (holes, undefined, are skipped) into as few
 * datagrams as fit, calling `sink` with each (a view of a reused buffer: consume or copy it
 * before returning).
 */
export function sendDatagrams(
  header: RtpsHeader,
  maxSize: number,
  preamble: readonly Submessage[],
  submessages: readonly (Submessage | undefined)[],
  sink: (datagram: Uint8Array) => void,
  count = submessages.length,
): void {
  // A sink that builds datagrams itself (a synchronous loopback) gets a buffer of its own.
  const w = sharedInUse ? new ByteWriter(1024) : shared;
  const owner = !sharedInUse;
  sharedInUse = true;
  try {
    // Indexed loops and no closure: this runs for every datagram sent.
    let base = startDatagram(w, header, preamble);
    // The INFO_TS in force: each datagram is read on its own (RTPS 8.3.4), and a writer sends one
    // INFO_TS for the samples of a timestamp, so one that goes on past a split is said again.
    let timestamp: Submessage | undefined;
    for (let i = 0; i < count; i++) {
      const m = submessages[i];
      if (m === undefined) continue;
      const before = w.pos;
      // The id it returns, not m.kind: a load from submessages of many shapes is megamorphic.
      if (writeSubmessage(w, m) === SubmessageId.INFO_TS) timestamp = m;
      if (w.pos <= maxSize) continue;
      if (before === base)
        throw new RangeError(
          `a ${w.pos - before}-byte submessage does not fit in a ${maxSize}-byte datagram`,
        );
      // It overflowed: finish the datagram without it, and start the next one with it, encoded
      // again (cheaper than copying it out and back: a fragment is ~64 KB).
      const size = w.pos - before;
      w.pos = before;
      sink(w.prefix(w.pos));
      base = startDatagram(w, header, preamble);
      if (timestamp && timestamp !== m) writeSubmessage(w, timestamp);
      writeSubmessage(w, m);
      if (w.pos > maxSize)
        throw new RangeError(`a ${size}-byte submessage does not fit in a ${maxSize}-byte datagram`);
    }
    if (w.pos > base) sink(w.prefix(w.pos));
  } finally {
    if (owner) sharedInUse = false;
  }
}

/** Starts a datagram in `w`: the RTPS header, then the preamble; returns where the rest begins. */
function startDatagram(w: ByteWriter, header: RtpsHeader, preamble: readonly Submessage[]): number {
  w.pos = 0;
  writeHeader(w, header);
  for (let i = 0; i < preamble.length; i++) writeSubmessage(w, preamble[i]!);
  return w.pos;
}
