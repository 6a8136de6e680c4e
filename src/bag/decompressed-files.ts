/**
 * Where a reader puts the MCAP files of a FILE-mode bag (`NAME_0.mcap.zstd`) once decompressed:
 * a private temporary folder, not the bag's (rosbag2 decompresses beside the `.zstd`, which
 * needs a writable bag folder and leaves files behind when it is killed). The folder goes when
 * the reader is closed, or at the latest when the process exits. Each file may decompress to
 * `maxBytes` at most (zstd-file.ts defaultDecompressedLimit unless given).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decompressFileZstd, ZSTD_EXTENSION } from './zstd-file.js';

const live = new Set<string>();
let hooked = false;

function removeAllNow(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

export class DecompressedFiles {
  private dir: string | undefined;
  private count = 0;

  /** `maxBytes`: the most one file may decompress to; by default, as its size sets it. */
  constructor(private readonly maxBytes?: number) {}

  /** Whether `path` is a whole file compressed with zstd (by its name, as rosbag2 tells it). */
  static isCompressed(path: string): boolean {
    return path.endsWith(ZSTD_EXTENSION);
  }

  /** Decompresses `path` (a `.zstd`) into the folder; the decompressed file's path. */
  async decompress(path: string): Promise<string> {
    if (!this.dir) {
      this.dir = mkdtempSync(join(tmpdir(), 'ros2ts-bag-'));
      live.add(this.dir);
      if (!hooked) {
        hooked = true;
        process.once('exit', removeAllNow);
      }
    }
    const target = join(this.dir, `${this.count++}-${basename(path, ZSTD_EXTENSION)}`);
    await decompressFileZstd(path, target, { maxBytes: this.maxBytes });
    return target;
  }

  /** Removes the folder and what it holds. */
  async remove(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    this.dir = undefined;
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
