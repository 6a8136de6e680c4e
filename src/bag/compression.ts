/**
 * Compression of bags as rosbag2 (Jazzy) does it with its MCAP storage, and the codecs for it.
 *
 * - MCAP chunk compression, chosen by `--storage-preset-profile` (rosbag2_storage_mcap
 *   `mcap_storage.cpp` SetOptionsForPreset, and its README): `zstd_fast` is zstd at mcap's
 *   `Fastest` level without chunk CRCs, `zstd_small` zstd at `Slowest` in 4 MiB chunks; `none` (and
 *   no profile) leaves chunks uncompressed, rosbag2's default for the plugin (it overrides the mcap
 *   library's own zstd default). mcap C++ v1.3.0 (mcap_vendor's pin) maps `Fastest` to zstd level
 *   -5 and `Slowest` to 19 (`writer.inl` ZStdCompressionLevel), and keeps a chunk uncompressed when
 *   it is under 1 KiB or compression saves under 2 % (MIN_COMPRESSION_SIZE, MIN_COMPRESSION_RATIO).
 *   Unlike `zstd_fast`, ros2ts keeps chunk CRCs (see mcap-file-writer.ts). Chunks are compressed
 *   in a worker thread (zstd-worker.ts). `fastwrite` is mcap C++'s `noChunking` and
 *   `noSummaryCRC`: messages outside chunks, a summary without CRC.
 * - rosbag2_compression's `--compression-mode message --compression-format zstd`: each message's
 *   serialized bytes become one zstd frame at level 1 (rosbag2_compression_zstd
 *   `zstd_compressor.cpp`, kDefaultZstdCompressionLevel), and metadata.yaml says
 *   `compression_format: zstd`, `compression_mode: MESSAGE` (compression_options.cpp upper-cases
 *   the mode). `--compression-mode file`: each bag file, once closed, is compressed whole to
 *   `NAME_0.mcap.zstd` and the `.mcap` deleted (sequential_compression_writer.cpp; see
 *   zstd-file.ts), metadata.yaml saying `compression_mode: FILE`.
 *
 * zstd is @foxglove/wasm-zstd (facebook/zstd in WebAssembly, the codec @mcap/support uses); lz4
 * chunks (LZ4 frames, written by the mcap CLI and other MCAP writers) are read with
 * @foxglove/wasm-lz4. Both load asynchronously, once, and only when a bag needs them.
 */
import { createRequire } from 'node:module';
import { decompress } from 'fzstd';
import { BagError } from './errors.js';

interface WasmZstd {
  readonly isLoaded: Promise<unknown>;
  compress(data: Uint8Array, level: number): Uint8Array;
}

interface WasmLz4 {
  (data: Uint8Array, size: number): Uint8Array;
  readonly isLoaded: Promise<unknown>;
}

const require = createRequire(import.meta.url);
let zstd: WasmZstd | undefined;
let zstdLoading: Promise<WasmZstd> | undefined;
let lz4: WasmLz4 | undefined;
let lz4Loading: Promise<WasmLz4> | undefined;

/** Loads the zstd compressor (once); afterwards `compressZstd` works synchronously. */
export function loadZstd(): Promise<void> {
  zstdLoading ??= (async () => {
    const m = require('@foxglove/wasm-zstd') as WasmZstd;
    await m.isLoaded;
    zstd = m;
    return m;
  })();
  return zstdLoading.then(() => undefined);
}

export function isZstdLoaded(): boolean {
  return zstd !== undefined;
}

/** One zstd frame (with its content size) of `data`; loadZstd() must have resolved. */
export function compressZstd(data: Uint8Array, level: number): Uint8Array {
  if (!zstd) throw new BagError('the zstd codec is not loaded (await loadZstd() first)');
  return zstd.compress(data, level);
}

/** Loads the lz4 frame decompressor (once). */
export function loadLz4(): Promise<void> {
  lz4Loading ??= (async () => {
    const m = require('@foxglove/wasm-lz4') as WasmLz4;
    await m.isLoaded;
    lz4 = m;
    return m;
  })();
  return lz4Loading.then(() => undefined);
}

/** Decompresses one LZ4 frame of `size` bytes; loadLz4() must have resolved. */
export function decompressLz4(data: Uint8Array, size: bigint): Uint8Array {
  if (!lz4) throw new BagError('the lz4 codec is not loaded (await loadLz4() first)');
  const out = lz4(data, Number(size));
  if (out.length !== Number(size)) {
    throw new Error(`lz4 chunk decompressed to ${out.length} bytes, expected ${size}`);
  }
  return out;
}

export type StoragePresetProfile = 'none' | 'fastwrite' | 'zstd_fast' | 'zstd_small';

/** How an MCAP file's chunks are compressed (in the zstd worker, see mcap-file-writer.ts). */
export interface ChunkCompression {
  readonly format: 'zstd';
  readonly level: number;
}

/** How rosbag2_storage_mcap's preset lays out an MCAP file. */
export interface StoragePreset {
  /** false: messages outside chunks, no indexes but the summary's (fastwrite). */
  readonly useChunks: boolean;
  readonly compression?: ChunkCompression;
  /** Overrides the writer's chunk size (zstd_small). */
  readonly chunkSize?: number;
}

const PRESETS: Record<StoragePresetProfile, StoragePreset> = {
  none: { useChunks: true },
  fastwrite: { useChunks: false },
  zstd_fast: { useChunks: true, compression: { format: 'zstd', level: -5 } },
  zstd_small: { useChunks: true, compression: { format: 'zstd', level: 19 }, chunkSize: 4 * 1024 * 1024 },
};

/** The layout of a rosbag2 MCAP preset profile ('' : none); BagError for an unknown one. */
export function storagePreset(profile: string): StoragePreset {
  const key = profile || 'none';
  if (!Object.hasOwn(PRESETS, key)) {
    throw new BagError(
      `unknown MCAP storage preset profile (valid options are 'none', 'fastwrite', 'zstd_fast', 'zstd_small'): ${profile}`,
    );
  }
  return PRESETS[key as StoragePresetProfile];
}

/** rosbag2_compression's modes: each message a zstd frame, or each closed file one `.zstd`. */
export interface BagCompression {
  readonly format: 'zstd';
  /** What metadata.yaml says. */
  readonly mode: 'MESSAGE' | 'FILE';
}

/** BagError unless ros2ts reads messages compressed with `format` ('' : not compressed). */
export function checkMessageCompression(format: string): void {
  if (format !== '' && format !== 'zstd') {
    throw new BagError(`messages compressed with '${format}' cannot be read: only zstd`);
  }
}

/** A message stored in rosbag2_compression's message mode, as it was serialized. */
export function decompressMessage(format: string, data: Uint8Array): Uint8Array {
  // fzstd (pure JS) reads the frame rosbag2 wrote, its content size telling the output's.
  return format === 'zstd' ? decompress(data) : data;
}

/** rosbag2_compression_zstd's level for messages. */
export const MESSAGE_ZSTD_LEVEL = 1;

/**
 * The rosbag2_compression mode `--compression-mode`/`--compression-format` ask for (undefined:
 * none); BagError for what rosbag2 refuses or ros2ts does not write.
 */
export function bagCompression(
  mode: string | undefined,
  format: string | undefined,
): BagCompression | undefined {
  const m = (mode ?? '').toUpperCase();
  const f = format ?? '';
  // ros2bag's record verb: a format without a mode is an error.
  if ((m === '' || m === 'NONE') && f !== '') {
    throw new BagError('Invalid choice: Cannot specify compression format without a compression mode.');
  }
  if (m === '' || m === 'NONE') return undefined;
  if (m !== 'MESSAGE' && m !== 'FILE')
    throw new BagError(`invalid compression mode '${mode}': none, file or message`);
  if (f !== 'zstd') {
    throw new BagError(`compression format '${f}' is not supported: zstd (rosbag2's only compressor)`);
  }
  return { format: 'zstd', mode: m };
}
