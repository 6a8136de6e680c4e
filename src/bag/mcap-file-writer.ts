/**
 * One MCAP file with the `ros2` profile, as rosbag2_storage_mcap writes it: a schema per type
 * (`ros2msg`), a channel per topic (`cdr`, metadata `offered_qos_profiles` and `topic_type_hash`),
 * messages with their receive (log) and send (publish) times, chunked and indexed, and at close a
 * `rosbag2` metadata record. Unlike rosbag2 (which turns chunk CRCs off) every chunk carries its
 * CRC, so a reader can tell a corrupt chunk from a good one.
 *
 * Writes are synchronous file writes in call order; calls may be made without awaiting, they are
 * queued (the @mcap/core writer must not be entered twice at once).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { McapWriter } from '@mcap/core';
import { BagError } from './errors.js';

export const MCAP_PROFILE = 'ros2';
/** @mcap/core's default chunk size is 1 MiB; rosbag2's (mcap C++) 768 KiB. */
export const DEFAULT_CHUNK_SIZE = 768 * 1024;

export interface McapFileWriterOptions {
  /** Bytes of messages per chunk before it is written out; default DEFAULT_CHUNK_SIZE. */
  readonly chunkSize?: number;
  /** The Header record's `library`. */
  readonly library: string;
  /** Compresses a chunk's records (compression.ts chunkCompressor); default uncompressed. */
  readonly compressChunk?: (chunk: Uint8Array) => { compression: string; compressedData: Uint8Array };
}

export interface SchemaSpec {
  readonly name: string;
  readonly encoding: string;
  readonly text: string;
}

export interface ChannelSpec {
  readonly topic: string;
  readonly messageEncoding: string;
  readonly metadata: ReadonlyMap<string, string>;
}

export class McapFileWriter {
  private readonly fd: number;
  private written = 0n;
  private readonly writer: McapWriter;
  private tail: Promise<unknown>;
  private failure: unknown;
  private closed = false;

  constructor(
    readonly path: string,
    options: McapFileWriterOptions,
  ) {
    try {
      this.fd = openSync(path, 'wx');
    } catch (error) {
      throw new BagError(`cannot create ${path}: ${(error as Error).message}`);
    }
    this.writer = new McapWriter({
      writable: {
        write: async (buffer) => {
          writeSync(this.fd, buffer);
          this.written += BigInt(buffer.byteLength);
        },
        position: () => this.written,
      },
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      useChunks: true,
      useStatistics: true,
      useSummaryOffsets: true,
      useMessageIndex: true,
      useChunkIndex: true,
      useMetadataIndex: true,
      repeatSchemas: true,
      repeatChannels: true,
      ...(options.compressChunk ? { compressChunk: options.compressChunk } : {}),
    });
    this.tail = this.writer.start({ profile: MCAP_PROFILE, library: options.library });
  }

  /** Bytes written to the file so far (the chunk being filled is not yet among them). */
  get size(): number {
    return Number(this.written);
  }

  registerSchema(schema: SchemaSpec): Promise<number> {
    return this.queued(() =>
      this.writer.registerSchema({
        name: schema.name,
        encoding: schema.encoding,
        data: new TextEncoder().encode(schema.text),
      }),
    );
  }

  registerChannel(schemaId: number, channel: ChannelSpec): Promise<number> {
    return this.queued(() =>
      this.writer.registerChannel({
        schemaId,
        topic: channel.topic,
        messageEncoding: channel.messageEncoding,
        metadata: new Map(channel.metadata),
      }),
    );
  }

  addMessage(
    channelId: number,
    sequence: number,
    logTimeNs: bigint,
    publishTimeNs: bigint,
    data: Uint8Array,
  ) {
    return this.queued(() =>
      this.writer.addMessage({ channelId, sequence, logTime: logTimeNs, publishTime: publishTimeNs, data }),
    );
  }

  addMetadata(name: string, metadata: ReadonlyMap<string, string>): Promise<void> {
    return this.queued(() => this.writer.addMetadata({ name, metadata: new Map(metadata) }));
  }

  /** Writes the last chunk, the summary and the footer, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.queued(() => this.writer.end());
    } finally {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
  }

  private queued<T>(op: () => Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const next = this.tail.then(op);
    this.tail = next.catch((error: unknown) => {
      this.failure ??= error;
    });
    return next;
  }
}
