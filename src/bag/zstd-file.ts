/**
 * Whole bag files compressed with zstd, as rosbag2_compression's FILE mode stores them
 * (`NAME_0.mcap.zstd` beside metadata.yaml), written and read with bounded memory.
 *
 * rosbag2 (Jazzy, rosbag2_compression_zstd `zstd_compressor.cpp` compress_uri) streams the file
 * through ZSTD_compressStream2 on a fresh context, so at zstd's default level 3
 * (ZSTD_CLEVEL_DEFAULT: the level kDefaultZstdCompressionLevel = 1 is only passed for messages),
 * into one frame whose content size is written only when the whole file fits its first 128 KiB
 * read. Our codec (@foxglove/wasm-zstd) compresses a buffer at a time, so a file becomes one frame
 * per 4 MiB piece, each with its content size, concatenated: a zstd stream is "one or more frames"
 * (RFC 8878 section 3), which `zstd -d` and rosbag2's own decompress_uri (ZSTD_decompressStream
 * in a loop, `zstd_decompressor.cpp`) read as one. The pieces are compressed in the zstd worker.
 *
 * Reading walks the frames itself (header, blocks, checksum) and hands each frame's blocks to
 * fzstd's streaming decoder, writing the output as it comes: memory is the frame's window, which
 * is refused above zstd's default decoder limit (128 MiB, ZSTD_WINDOWLOG_LIMIT_DEFAULT), as the
 * zstd tool refuses it. fzstd skips Content_Checksum, so it is checked here (xxh64.ts), as
 * libzstd checks it unless told not to (zstd.h ZSTD_d_forceIgnoreChecksum). The bytes written are bounded
 * (defaultDecompressedLimit): a few KB of zstd can claim or produce terabytes, and a full disk
 * must not be the only stop. A damaged, truncated or oversized file is a BagError naming the
 * file and offset.
 */
import { type FileHandle, open, rm } from 'node:fs/promises';
import { Decompress } from 'fzstd';
import { BagError } from './errors.js';
import { Xxh64 } from './xxh64.js';
import { sharedZstdWorker } from './zstd-worker.js';

/** rosbag2's file level: its context is never given one, so ZSTD_CLEVEL_DEFAULT. */
export const FILE_ZSTD_LEVEL = 3;
/** What rosbag2_compression_zstd appends (kCompressionIdentifier). */
export const ZSTD_EXTENSION = '.zstd';
/** Bytes of the file per frame. */
const PIECE = 4 * 1024 * 1024;
/** zstd.h ZSTD_WINDOWLOG_LIMIT_DEFAULT: the largest window a decoder accepts unless told more. */
const MAX_WINDOW = 2 ** 27;
/** Decompressed bytes gathered before a write. */
const OUTPUT_BATCH = 1024 * 1024;
/** Compressed bytes read at a time. */
const INPUT_WINDOW = 1024 * 1024;

const FRAME_MAGIC = 0xfd2fb528;

/** The decompressed-size limit's floor: 16 GiB. */
const LIMIT_FLOOR = 16 * 2 ** 30;
/** The decompressed-size limit's ratio to the compressed size. */
const LIMIT_RATIO = 1000;

/**
 * How many bytes a `.zstd` bag file of `compressedSize` bytes may decompress to unless told
 * otherwise: 1000 times its size, and at least 16 GiB. zstd lets 4 bytes (an RLE block's
 * header and byte) stand for 128 KiB, a ratio of 32768, which a bomb uses; bag data compresses
 * a few times at rosbag2's level 3 (each MCAP message record carries its own sequence number
 * and times, which zstd must keep), so no real file comes near 1000. The floor spares small
 * files of degenerate data (a covered camera's black frames compress like a bomb); the ratio
 * term lets real files of any size through, as rosbag2 splits files by size only when asked.
 */
export function defaultDecompressedLimit(compressedSize: number): number {
  return Math.max(LIMIT_FLOOR, LIMIT_RATIO * compressedSize);
}

/** What to tell the user who meets the limit. */
const RAISE_HINT =
  'raise it with BagReader.open(path, { maxDecompressedBytes }) or, for the ros2ts CLI, ' +
  'ROS2TS_BAG_MAX_DECOMPRESSED_BYTES=BYTES';

export interface DecompressOptions {
  /** The file as errors name it; `source` unless given. */
  readonly name?: string;
  /** Refuse the file past this many decompressed bytes; defaultDecompressedLimit() unless given. */
  readonly maxBytes?: number;
}

async function openFile(path: string, flags: string, what: string): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (error) {
    throw new BagError(`cannot ${what} ${path}: ${(error as Error).message}`);
  }
}

/**
 * Compresses `path` to `path.zstd` and deletes `path`, as rosbag2 does when it closes a bag file
 * in FILE mode; the compressed file's path.
 */
export async function compressFileZstd(path: string, level = FILE_ZSTD_LEVEL): Promise<string> {
  const target = path + ZSTD_EXTENSION;
  const input = await openFile(path, 'r', 'read');
  try {
    const output = await openFile(target, 'wx', 'create');
    try {
      const worker = sharedZstdWorker();
      for (;;) {
        // A new buffer each time: it is handed to the worker, not copied.
        const piece = new Uint8Array(PIECE);
        const { bytesRead } = await input.read(piece, 0, PIECE);
        if (bytesRead === 0) break;
        const frame = await worker.compress(piece.subarray(0, bytesRead), level, bytesRead === PIECE);
        await output.write(frame);
        if (bytesRead < PIECE) break;
      }
      await output.sync();
    } catch (error) {
      await output.close();
      await rm(target, { force: true });
      throw error;
    } finally {
      await output.close().catch(() => undefined);
    }
  } finally {
    await input.close();
  }
  await rm(path);
  return target;
}

/** A file read forwards: the bytes at [offset, offset + length), read a window at a time. */
class ForwardBytes {
  private buffer = new Uint8Array(0);
  private start = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** The bytes, fewer only where the file ends. */
  async at(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.buffer.length) {
      const want = Math.max(0, Math.min(Math.max(length, INPUT_WINDOW), this.size - offset));
      const buffer = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await this.handle.read(buffer, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.buffer = buffer.subarray(0, got);
      this.start = offset;
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }
}

interface FrameHeader {
  readonly length: number;
  readonly window: number;
  readonly contentSize: bigint | undefined;
  readonly checksum: boolean;
}

/** A zstd frame header (RFC 8878 section 3.1.1.1) at the start of `b`; BagError for a bad one. */
function frameHeader(b: Uint8Array, where: string): FrameHeader {
  const fhd = b[4];
  if (fhd === undefined) throw new BagError(`${where}: truncated frame header`);
  if (fhd & 0x08) throw new BagError(`${where}: frame header with its reserved bit set`);
  const singleSegment = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  const length = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
  if (b.length < length) throw new BagError(`${where}: truncated frame header`);
  const view = new DataView(b.buffer, b.byteOffset, length);
  let at = 5 + (singleSegment ? 0 : 1);
  let dictId = 0;
  for (let i = 0; i < dictBytes; i++) dictId += b[at + i]! * 2 ** (8 * i);
  if (dictId !== 0) throw new BagError(`${where}: the frame needs zstd dictionary ${dictId}`);
  at += dictBytes;
  let contentSize: bigint | undefined;
  if (fcsBytes === 1) contentSize = BigInt(b[at]!);
  else if (fcsBytes === 2) contentSize = BigInt(view.getUint16(at, true) + 256);
  else if (fcsBytes === 4) contentSize = BigInt(view.getUint32(at, true));
  else if (fcsBytes === 8) contentSize = view.getBigUint64(at, true);
  let window: number;
  if (singleSegment) window = Number(contentSize ?? 0n);
  else {
    const descriptor = b[5]!;
    const base = 2 ** (10 + (descriptor >> 3));
    window = base + (base / 8) * (descriptor & 7);
  }
  if (window > MAX_WINDOW) {
    throw new BagError(
      `${where}: the frame needs a ${window}-byte window, over zstd's limit of ${MAX_WINDOW}`,
    );
  }
  return { length, window, contentSize, checksum: ((fhd >> 2) & 1) === 1 };
}

/**
 * Decompresses the zstd file `source` (one or more frames, skippable frames skipped, each
 * frame's checksum checked) into a new file `target`; BagError naming the file and the offset
 * where it is damaged, or the limit it would exceed. `target` is removed when it fails.
 */
export async function decompressFileZstd(
  source: string,
  target: string,
  options: DecompressOptions = {},
): Promise<void> {
  const name = options.name ?? source;
  const input = await openFile(source, 'r', 'read');
  try {
    const output = await openFile(target, 'wx', 'create');
    try {
      const size = (await input.stat()).size;
      const limit = options.maxBytes ?? defaultDecompressedLimit(size);
      // NaN would compare false and bound nothing.
      if (!(limit >= 0)) throw new BagError(`${name}: ${limit} is not a decompressed size limit`);
      await decompressInto(new ForwardBytes(input, size), output, { name, target, limit });
      await output.close();
    } catch (error) {
      await output.close().catch(() => undefined);
      await rm(target, { force: true });
      throw error;
    }
  } finally {
    await input.close();
  }
}

interface Into {
  readonly name: string;
  readonly target: string;
  readonly limit: number;
}

async function decompressInto(src: ForwardBytes, output: FileHandle, into: Into): Promise<void> {
  const { name, limit } = into;
  if (src.size === 0) throw new BagError(`${name}: empty file, not zstd`);
  let pos = 0;
  let batch: Uint8Array[] = [];
  let batched = 0;
  /** Decompressed bytes of the frames before the current one. */
  let before = 0;
  const tooLarge = (where: string) =>
    new BagError(`${where}: the file decompresses to more than ${limit} bytes, its limit; ${RAISE_HINT}`);
  const flush = async () => {
    if (batched === 0) return;
    try {
      await output.write(Buffer.concat(batch, batched));
    } catch (error) {
      // ENOSPC above all: the limit may be more than the disk holds.
      throw new BagError(
        `${name}: cannot write its decompressed copy ${into.target}: ${(error as Error).message}`,
      );
    }
    batch = [];
    batched = 0;
  };
  while (pos < src.size) {
    const head = await src.at(pos, 18);
    if (head.length < 8) throw new BagError(`${name}: truncated zstd frame at byte offset ${pos}`);
    const magic = new DataView(head.buffer, head.byteOffset, 8).getUint32(0, true);
    if (magic >>> 4 === 0x184d2a5) {
      // A skippable frame: its size follows the magic.
      const end = pos + 8 + new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
      if (end > src.size) {
        throw new BagError(`${name}: skippable frame at byte offset ${pos} runs past the end of the file`);
      }
      pos = end;
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw new BagError(`${name}: not zstd data (bad frame magic) at byte offset ${pos}`);
    }
    const frameStart = pos;
    const where = `${name}: zstd frame at byte offset ${frameStart}`;
    const header = frameHeader(head, where);
    // A frame that says it is too large is refused before a byte of it is written.
    if (header.contentSize !== undefined && BigInt(before) + header.contentSize > BigInt(limit)) {
      throw tooLarge(where);
    }
    const hash = header.checksum ? new Xxh64() : undefined;
    let produced = 0;
    const decoder = new Decompress((data) => {
      if (data.length === 0) return;
      produced += data.length;
      if (header.contentSize !== undefined && produced > header.contentSize) {
        throw new BagError(`${where}: more data than its content size ${header.contentSize}`);
      }
      if (before + produced > limit) throw tooLarge(where);
      hash?.update(data);
      // fzstd may hand out a view of its window: keep a copy.
      batch.push(data.slice());
      batched += data.length;
    });
    const push = (bytes: Uint8Array, final: boolean, at: number) => {
      try {
        decoder.push(bytes, final);
      } catch (error) {
        if (error instanceof BagError) throw error;
        throw new BagError(`${where}: corrupt data near byte offset ${at}: ${(error as Error).message}`);
      }
    };
    push(await src.at(pos, header.length), false, pos);
    pos += header.length;
    for (;;) {
      const bh = await src.at(pos, 3);
      if (bh.length < 3)
        throw new BagError(`${where}: truncated: the file ends at byte ${src.size} inside it`);
      const word = bh[0]! | (bh[1]! << 8) | (bh[2]! << 16);
      const last = (word & 1) === 1;
      const type = (word >> 1) & 3;
      const size = word >>> 3;
      if (type === 3) throw new BagError(`${where}: reserved block type at byte offset ${pos}`);
      // Block_Maximum_Size: the smaller of the window and 128 KiB (RFC 8878 section 3.1.1.2.3).
      if (size > Math.min(Math.max(header.window, 1), 128 * 1024)) {
        throw new BagError(`${where}: block of ${size} bytes over the maximum at byte offset ${pos}`);
      }
      const length = 3 + (type === 1 ? 1 : size);
      const block = await src.at(pos, length);
      if (block.length < length) {
        throw new BagError(`${where}: truncated: the file ends at byte ${src.size} inside it`);
      }
      push(block, false, pos);
      pos += length;
      if (batched >= OUTPUT_BATCH) await flush();
      if (last) break;
    }
    let stored: number | undefined;
    if (header.checksum) {
      const sum = await src.at(pos, 4);
      if (sum.length < 4)
        throw new BagError(`${where}: truncated: the file ends at byte ${src.size} inside it`);
      stored = new DataView(sum.buffer, sum.byteOffset, 4).getUint32(0, true);
      push(sum, false, pos);
      pos += 4;
    }
    push(new Uint8Array(0), true, pos);
    if (header.contentSize !== undefined && BigInt(produced) !== header.contentSize) {
      throw new BagError(`${where}: ${produced} bytes decompressed, its header says ${header.contentSize}`);
    }
    if (hash && stored !== undefined) {
      const computed = hash.digestLow32();
      if (computed !== stored) {
        throw new BagError(
          `${where}: content checksum mismatch: stored ${hex32(stored)}, the decompressed data's ${hex32(computed)}`,
        );
      }
    }
    before += produced;
  }
  await flush();
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
