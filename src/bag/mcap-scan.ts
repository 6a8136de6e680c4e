/**
 * Reads an MCAP file record by record from the start, without its summary: for files whose end
 * is missing (a recorder killed before it closed them) and to check every chunk's CRC. Each
 * top-level record is parsed alone by @mcap/core, so an error names the offset of the record at
 * fault. Chunks may be uncompressed or zstd (lz4 is not read). A record cut short by the end of the file ends the scan: what came before it is kept
 * and the offset reported.
 */
import { McapStreamReader, type TypedMcapRecord } from '@mcap/core';
import { decompress } from 'fzstd';
import { BagFormatError } from './errors.js';

const MAGIC = [0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a];
const OPCODE_NAMES: Record<number, string> = {
  1: 'Header',
  2: 'Footer',
  3: 'Schema',
  4: 'Channel',
  5: 'Message',
  6: 'Chunk',
  7: 'MessageIndex',
  8: 'ChunkIndex',
  9: 'Attachment',
  10: 'AttachmentIndex',
  11: 'Statistics',
  12: 'Metadata',
  13: 'MetadataIndex',
  14: 'SummaryOffset',
  15: 'DataEnd',
};

export interface ScannedRecord {
  /** Offset of the top-level record (for a record inside a chunk, the chunk's). */
  readonly offset: number;
  readonly record: TypedMcapRecord;
}

export interface ScanResult {
  readonly records: ScannedRecord[];
  /** The footer was reached: the file is complete. */
  readonly complete: boolean;
  /** Where a record cut short by the end of the file starts, if one is. */
  readonly truncatedAt: number | undefined;
  /** The end of the last complete chunk (0 if none). */
  readonly lastChunkEnd: number;
}

/** Checks the magic at the start; BagFormatError at offset 0 if it is not there. */
export function checkMagic(bytes: Uint8Array, file: string): void {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new BagFormatError(file, 0, 'not an MCAP file (bad magic)');
  }
}

/**
 * Feeds the file to one @mcap/core stream reader a top-level record at a time (it keeps the
 * channels seen across chunks), so an error is the record's just appended.
 */
class RecordFeeder {
  // rosbag2's zstd presets compress chunks: read with fzstd (pure JS, decompression only).
  private readonly reader = new McapStreamReader({
    validateCrcs: true,
    decompressHandlers: { zstd: (data, size) => decompress(data, new Uint8Array(Number(size))) },
  });

  constructor(
    magic: Uint8Array,
    private readonly file: string,
  ) {
    this.reader.append(magic);
  }

  feed(bytes: Uint8Array, offset: number): TypedMcapRecord[] {
    this.reader.append(bytes);
    const out: TypedMcapRecord[] = [];
    try {
      for (let r = this.reader.nextRecord(); r !== undefined; r = this.reader.nextRecord()) out.push(r);
    } catch (error) {
      const what = OPCODE_NAMES[bytes[0]!] ?? `opcode 0x${bytes[0]!.toString(16)}`;
      const message = (error as Error).message;
      const problem = /unsupported compression/i.test(message) ? 'unreadable' : 'corrupt';
      throw new BagFormatError(this.file, offset, `${problem} ${what} record: ${message}`);
    }
    return out;
  }
}

export function scanMcap(bytes: Uint8Array, file: string): ScanResult {
  checkMagic(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: ScannedRecord[] = [];
  const feeder = new RecordFeeder(bytes.subarray(0, MAGIC.length), file);
  let offset = MAGIC.length;
  let lastChunkEnd = 0;
  while (offset < bytes.length) {
    if (offset + 9 > bytes.length) return { records, complete: false, truncatedAt: offset, lastChunkEnd };
    const opcode = bytes[offset]!;
    const length = view.getBigUint64(offset + 1, true);
    const end = BigInt(offset) + 9n + length;
    if (end > BigInt(bytes.length)) return { records, complete: false, truncatedAt: offset, lastChunkEnd };
    const slice = bytes.subarray(offset, Number(end));
    for (const record of feeder.feed(slice, offset)) records.push({ offset, record });
    if (opcode === 6) lastChunkEnd = Number(end);
    offset = Number(end);
    if (opcode === 2) {
      // The footer is followed by the closing magic.
      const rest = bytes.subarray(offset);
      if (rest.length < MAGIC.length || MAGIC.some((b, i) => rest[i] !== b)) {
        throw new BagFormatError(file, offset, 'no closing magic after the footer');
      }
      feeder.feed(rest, offset);
      return { records, complete: true, truncatedAt: undefined, lastChunkEnd };
    }
  }
  return { records, complete: false, truncatedAt: bytes.length, lastChunkEnd };
}
