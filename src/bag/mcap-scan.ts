/**
 * Reads an MCAP file record by record from the start, without its summary: for files whose end
 * is missing (a recorder killed before it closed them). The file is read forwards through a file
 * handle a window at a time (memory bounded by the largest record), and each top-level record is
 * parsed alone by @mcap/core's stream reader, so an error names the offset of the record at
 * fault. Chunks may be uncompressed, zstd or lz4. A record cut short by the end of
 * the file ends the scan: what came before it is kept and the offset reported.
 */
import { McapStreamReader, type TypedMcapRecord } from '@mcap/core';
import { decompress } from 'fzstd';
import { decompressLz4, loadLz4 } from './compression.js';
import { BagFormatError } from './errors.js';
import type { FileReadable } from './file-readable.js';

export const MAGIC = [0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a];
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
/** Bytes read at a time; a larger record is read whole. */
const WINDOW = 1 << 20;

/** The record kind an opcode names, for error messages. */
export function opcodeName(opcode: number | undefined): string {
  if (opcode === undefined) return 'record';
  return `${OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`} record`;
}

/** Whether an error is a file @mcap/core cannot read rather than a damaged one. */
export function problemOf(error: unknown): 'unreadable' | 'corrupt' {
  return /unsupported compression/i.test((error as Error).message) ? 'unreadable' : 'corrupt';
}

export interface ScanResult {
  /** The footer was reached: the file is complete. */
  readonly complete: boolean;
  /** Where a record cut short by the end of the file starts, if one is. */
  readonly truncatedAt: number | undefined;
  /** The end of the last complete chunk (0 if none). */
  readonly lastChunkEnd: number;
  /** The end of the last complete record read. */
  readonly end: number;
}

/** One step of a scan: the records of one top-level record (a chunk's, all of them), or the end. */
export type ScanStep =
  | { readonly done: false; readonly offset: number; readonly records: readonly TypedMcapRecord[] }
  | { readonly done: true; readonly result: ScanResult };

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
  // rosbag2's zstd presets compress chunks: read with fzstd (pure JS, decompression only); other
  // MCAP writers' lz4 with @foxglove/wasm-lz4, loaded before the first lz4 chunk is fed.
  private readonly reader = new McapStreamReader({
    validateCrcs: true,
    decompressHandlers: {
      zstd: (data, size) => decompress(data, new Uint8Array(Number(size))),
      lz4: decompressLz4,
    },
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
      throw new BagFormatError(
        this.file,
        offset,
        `${problemOf(error)} ${opcodeName(bytes[0])}: ${(error as Error).message}`,
      );
    }
    return out;
  }
}

/** Chunk record: opcode, length, start and end times, uncompressed size and CRC, then the name. */
const CHUNK_COMPRESSION_AT = 1 + 8 + 8 + 8 + 8 + 4;

/** The compression a whole Chunk record names ('' if it is too short to tell). */
function chunkCompression(record: Uint8Array): string {
  if (record.length < CHUNK_COMPRESSION_AT + 4) return '';
  const length = new DataView(record.buffer, record.byteOffset).getUint32(CHUNK_COMPRESSION_AT, true);
  const start = CHUNK_COMPRESSION_AT + 4;
  return new TextDecoder().decode(record.subarray(start, Math.min(record.length, start + length)));
}

/** A forward window over the file: the bytes of [offset, offset + length), read as needed. */
class ForwardWindow {
  private buffer: Uint8Array = new Uint8Array(0);
  private start = 0;

  constructor(private readonly file: FileReadable) {}

  async bytes(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.buffer.length) {
      this.buffer = await this.file.readAt(offset, Math.max(length, WINDOW));
      this.start = offset;
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }
}

/**
 * Reads the file from the start up to `limit` (default its size), a top-level record per step,
 * to the footer or the last complete record; the last step says how far it got.
 */
export async function* scanMcap(file: FileReadable, limit = file.byteSize): AsyncGenerator<ScanStep> {
  const size = Math.min(limit, file.byteSize);
  const window = new ForwardWindow(file);
  const magic = await window.bytes(0, Math.min(size, MAGIC.length));
  checkMagic(magic, file.path);
  const feeder = new RecordFeeder(magic, file.path);
  let offset = MAGIC.length;
  let lastChunkEnd = 0;
  const cut = (at: number): ScanStep => ({
    done: true,
    result: { complete: false, truncatedAt: at, lastChunkEnd, end: offset },
  });
  while (offset < size) {
    if (offset + 9 > size) {
      yield cut(offset);
      return;
    }
    const head = await window.bytes(offset, 9);
    const opcode = head[0]!;
    const length = new DataView(head.buffer, head.byteOffset, 9).getBigUint64(1, true);
    const end = BigInt(offset) + 9n + length;
    if (end > BigInt(size)) {
      yield cut(offset);
      return;
    }
    const bytes = await window.bytes(offset, Number(end) - offset);
    if (opcode === 6 && chunkCompression(bytes) === 'lz4') await loadLz4();
    const records = feeder.feed(bytes, offset);
    yield { done: false, offset, records };
    if (opcode === 6) lastChunkEnd = Number(end);
    offset = Number(end);
    if (opcode === 2) {
      // The footer is followed by the closing magic.
      const rest = await window.bytes(offset, Math.min(MAGIC.length, size - offset));
      if (rest.length < MAGIC.length || MAGIC.some((b, i) => rest[i] !== b)) {
        throw new BagFormatError(file.path, offset, 'no closing magic after the footer');
      }
      feeder.feed(rest, offset);
      yield {
        done: true,
        result: { complete: true, truncatedAt: undefined, lastChunkEnd, end: offset + MAGIC.length },
      };
      return;
    }
  }
  yield cut(size);
}
