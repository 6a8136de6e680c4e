/**
 * Packs submessages into datagrams of at most `maxSize` bytes, each starting with the RTPS
 * header and, when given, the INFO_DST / INFO_TS context the submessages need (repeated at the
 * start of every datagram, since each is interpreted on its own).
 */
import { ByteWriter } from '../wire/byte-writer.js';
import { RTPS_HEADER_SIZE, type RtpsHeader, writeHeader, writeSubmessage } from '../wire/message.js';
import type { Submessage } from '../wire/submessage.js';

/** Fast DDS's UDPv4 limit, and what fits any UDP stack (65,507 is IPv4's hard limit). */
export const DEFAULT_MAX_DATAGRAM = 65_000;

export class DatagramBuilder {
  private readonly datagrams: Uint8Array[] = [];
  private w: ByteWriter | undefined;

  constructor(
    private readonly header: RtpsHeader,
    private readonly maxSize = DEFAULT_MAX_DATAGRAM,
    /** Submessages every datagram starts with (e.g. INFO_DST for a directed send). */
    private readonly preamble: readonly Submessage[] = [],
  ) {}

  add(m: Submessage): void {
    const single = new ByteWriter(64);
    writeSubmessage(single, m);
    const bytes = single.result();
    if (this.w && this.w.pos + bytes.length > this.maxSize) this.finish();
    if (!this.w) {
      this.w = new ByteWriter(Math.min(this.maxSize, RTPS_HEADER_SIZE + 64 + bytes.length));
      writeHeader(this.w, this.header);
      for (const p of this.preamble) writeSubmessage(this.w, p);
      if (this.w.pos + bytes.length > this.maxSize) {
        throw new RangeError(
          `a ${bytes.length}-byte submessage does not fit in a ${this.maxSize}-byte datagram`,
        );
      }
    }
    this.w.bytes(bytes);
  }

  /** The datagrams built so far (the builder starts over). */
  take(): Uint8Array[] {
    this.finish();
    return this.datagrams.splice(0);
  }

  private finish(): void {
    if (this.w) this.datagrams.push(this.w.result());
    this.w = undefined;
  }
}
