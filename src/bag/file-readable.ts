/**
 * A file as @mcap/core's IReadable: positional reads through one file handle, so a reader holds
 * only what it asked for (the summary, a chunk), never the file. It remembers where it last read,
 * which is where a record that fails to parse starts: errors can then name that offset.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { IReadable } from '@mcap/core';
import { BagError } from './errors.js';

export class FileReadable implements IReadable {
  /** Start of the last read (the record being parsed when an error comes). */
  lastReadOffset = 0;
  /** The first byte of the last read: the opcode, when a record was read. */
  lastReadOpcode: number | undefined;

  private constructor(
    /** The name errors give the file (its path, unless the caller names it otherwise). */
    readonly path: string,
    private readonly handle: FileHandle,
    readonly byteSize: number,
  ) {}

  static async open(path: string, name = path): Promise<FileReadable> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new BagError(`cannot read ${name}: ${(error as Error).message}`);
    }
    const { size } = await handle.stat();
    return new FileReadable(name, handle, size);
  }

  async size(): Promise<bigint> {
    return BigInt(this.byteSize);
  }

  async read(offset: bigint, size: bigint): Promise<Uint8Array> {
    return this.readAt(Number(offset), Number(size));
  }

  /** `length` bytes from `offset`; fewer only at the end of the file. */
  async readAt(offset: number, length: number): Promise<Uint8Array> {
    this.lastReadOffset = offset;
    const want = Math.max(0, Math.min(length, this.byteSize - offset));
    const buffer = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.handle.read(buffer, got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.lastReadOpcode = buffer[0];
    return got === want ? buffer : buffer.subarray(0, got);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
