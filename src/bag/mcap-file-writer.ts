/**
 * One MCAP file with the `ros2` profile, as rosbag2_storage_mcap writes it: a schema per type
 * (`ros2msg`), a channel per topic (`cdr`, metadata `offered_qos_profiles` and `topic_type_hash`),
 * messages with their receive (log) and send (publish) times, chunked and indexed, and at close a
 * `rosbag2` metadata record. Unlike rosbag2 (which turns chunk CRCs off) every chunk carries its
 * CRC, so a reader can tell a corrupt chunk from a good one.
 *
 * Records are serialized by @mcap/core's record and chunk builders; the file's layout (which
 * records, in which order, the summary) is this module's, because @mcap/core's McapWriter
 * compresses chunks synchronously on the caller's thread (seconds per 4 MiB chunk at zstd_small's
 * level) and buffers an unchunked file whole until it ends. Here a full chunk is handed to the
 * zstd worker (zstd-worker.ts) and the file goes on: chunks and the records after them are
 * written in the order they were made, each once its compression is done, so the bytes are those
 * a synchronous writer would write. Writes are synchronous file writes in that order.
 *
 * Unchunked (`useChunks: false`, rosbag2's `fastwrite` preset: mcap C++ `noChunking` and
 * `noSummaryCRC`): messages go straight to the data section, in 64 KiB writes; the summary has
 * schemas, channels, statistics and the metadata index, and no CRC.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import {
  type Channel,
  type ChunkIndex,
  McapChunkBuilder,
  McapRecordBuilder,
  type MetadataIndex,
  Opcode,
  type Schema,
  type Statistics,
  type SummaryOffset,
} from '@mcap/core';
import type { ChunkCompression } from './compression.js';
import { BagError } from './errors.js';
import { sharedZstdWorker } from './zstd-worker.js';

export const MCAP_PROFILE = 'ros2';
/** @mcap/core's default chunk size is 1 MiB; rosbag2's (mcap C++) 768 KiB. */
export const DEFAULT_CHUNK_SIZE = 768 * 1024;
/** Unchunked messages are written when this many bytes are waiting. */
const UNCHUNKED_FLUSH = 64 * 1024;
/** mcap C++ `writer.inl`: a chunk under 1 KiB, or one compression shrinks by under 2 %, stays raw. */
const MIN_COMPRESSION_SIZE = 1024;
const MIN_COMPRESSION_RATIO = 1.02;

export interface McapFileWriterOptions {
  /** Bytes of messages per chunk before it is written out; default DEFAULT_CHUNK_SIZE. */
  readonly chunkSize?: number;
  /** The Header record's `library`. */
  readonly library: string;
  /** How chunks are compressed (in the zstd worker); default uncompressed. */
  readonly compression?: ChunkCompression;
  /** false: no chunks, no message or chunk index, no summary CRC (rosbag2's `fastwrite`). */
  readonly useChunks?: boolean;
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

interface CompressedChunk {
  readonly compression: string;
  readonly records: Uint8Array;
}

export class McapFileWriter {
  private readonly fd: number;
  /** Bytes written to the file. */
  private written = 0n;
  /** CRC of the data section so far (everything written before DataEnd). */
  private dataCrc = 0;
  private readonly records = new McapRecordBuilder();
  private readonly chunk: McapChunkBuilder | undefined;
  private readonly chunkSize: number;
  private readonly schemas = new Map<number, Schema>();
  private readonly channels = new Map<number, Channel>();
  private readonly writtenSchemas = new Set<number>();
  private readonly writtenChannels = new Set<number>();
  private readonly chunkIndexes: ChunkIndex[] = [];
  private readonly metadataIndexes: MetadataIndex[] = [];
  private readonly statistics: Statistics = {
    messageCount: 0n,
    schemaCount: 0,
    channelCount: 0,
    attachmentCount: 0,
    metadataCount: 0,
    chunkCount: 0,
    messageStartTime: 0n,
    messageEndTime: 0n,
    channelMessageCounts: new Map(),
  };
  private nextSchemaId = 1;
  private nextChannelId = 0;
  /** Bytes of chunks cut and not yet written (waiting for their compression). */
  private waiting = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: McapFileWriterOptions,
  ) {
    try {
      this.fd = openSync(path, 'wx');
    } catch (error) {
      throw new BagError(`cannot create ${path}: ${(error as Error).message}`);
    }
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.chunk = options.useChunks === false ? undefined : new McapChunkBuilder({ useMessageIndex: true });
    this.records.writeMagic();
    this.records.writeHeader({ profile: MCAP_PROFILE, library: options.library });
    this.flush();
  }

  /** Bytes written to the file so far (chunks still being filled or compressed are not yet). */
  get size(): number {
    return Number(this.written);
  }

  /** Bytes of full chunks waiting for their compression before they are written. */
  get pendingBytes(): number {
    return this.waiting;
  }

  registerSchema(schema: SchemaSpec): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextSchemaId++;
    this.schemas.set(id, {
      id,
      name: schema.name,
      encoding: schema.encoding,
      data: new TextEncoder().encode(schema.text),
    });
    this.statistics.schemaCount++;
    return Promise.resolve(id);
  }

  registerChannel(schemaId: number, channel: ChannelSpec): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextChannelId++;
    this.channels.set(id, {
      id,
      schemaId,
      topic: channel.topic,
      messageEncoding: channel.messageEncoding,
      metadata: new Map(channel.metadata),
    });
    this.statistics.channelCount++;
    return Promise.resolve(id);
  }

  /** Adds a message; resolves once it is in the file's current chunk (or, unchunked, queued). */
  addMessage(
    channelId: number,
    sequence: number,
    logTimeNs: bigint,
    publishTimeNs: bigint,
    data: Uint8Array,
  ): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new BagError(`${this.path} is closed`));
    const channel = this.channels.get(channelId);
    if (!channel) return Promise.reject(new BagError(`${this.path}: no channel ${channelId}`));
    this.count(channelId, logTimeNs);
    const message = { channelId, sequence, logTime: logTimeNs, publishTime: publishTimeNs, data };
    const chunk = this.chunk;
    if (!chunk) {
      return this.queued(() => {
        this.writeChannelOnce(channel, this.records);
        this.records.writeMessage(message);
        if (this.records.length >= UNCHUNKED_FLUSH) this.flush();
      });
    }
    this.writeChannelOnce(channel, chunk);
    chunk.addMessage(message);
    // As McapWriter: a chunk is cut once it holds more than the chunk size.
    return chunk.byteLength > this.chunkSize ? this.cutChunk() : Promise.resolve();
  }

  addMetadata(name: string, metadata: ReadonlyMap<string, string>): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.statistics.metadataCount++;
    return this.queued(() => {
      const offset = this.position();
      const length = this.records.writeMetadata({ name, metadata: new Map(metadata) });
      this.metadataIndexes.push({ offset, length, name });
      this.flush();
    });
  }

  /** Writes the last chunk, the summary and the footer, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.cutChunk();
      await this.queued(() => this.writeEnd());
    } finally {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
  }

  private count(channelId: number, logTime: bigint): void {
    const s = this.statistics;
    if (s.messageCount === 0n || logTime < s.messageStartTime) s.messageStartTime = logTime;
    if (s.messageCount === 0n || logTime > s.messageEndTime) s.messageEndTime = logTime;
    s.messageCount++;
    s.channelMessageCounts.set(channelId, (s.channelMessageCounts.get(channelId) ?? 0n) + 1n);
  }

  /** A channel's schema and channel records go before its first message, once per file. */
  private writeChannelOnce(channel: Channel, into: McapChunkBuilder | McapRecordBuilder): void {
    if (this.writtenChannels.has(channel.id)) return;
    const schema = this.schemas.get(channel.schemaId);
    if (schema && !this.writtenSchemas.has(schema.id)) {
      if (into instanceof McapChunkBuilder) into.addSchema(schema);
      else into.writeSchema(schema);
      this.writtenSchemas.add(schema.id);
    }
    if (into instanceof McapChunkBuilder) into.addChannel(channel);
    else into.writeChannel(channel);
    this.writtenChannels.add(channel.id);
  }

  /** Closes the chunk being filled: compression starts now, the write waits its turn. */
  private cutChunk(): Promise<void> {
    const builder = this.chunk;
    if (!builder || builder.numMessages === 0) return this.queued(() => undefined);
    // The builder reuses its buffer: the chunk leaves with a copy.
    const records = builder.buffer.slice();
    const indexes = [...builder.indices].map((i) => ({ channelId: i.channelId, records: [...i.records] }));
    const startTime = builder.messageStartTime;
    const endTime = builder.messageEndTime;
    builder.reset();
    this.statistics.chunkCount++;
    this.waiting += records.length;
    const compressed = this.compress(records);
    // A failed compression surfaces when the chunk's turn comes; not as an unhandled rejection.
    compressed.catch(() => undefined);
    return this.queued(async () => {
      const c = await compressed;
      this.waiting -= records.length;
      const chunkStartOffset = this.position();
      const chunkLength = this.records.writeChunk({
        messageStartTime: startTime,
        messageEndTime: endTime,
        uncompressedSize: BigInt(records.length),
        uncompressedCrc: crc32(records),
        compression: c.compression,
        records: c.records,
      });
      const messageIndexOffsets = new Map<number, bigint>();
      let messageIndexLength = 0n;
      for (const index of indexes) {
        messageIndexOffsets.set(index.channelId, this.position());
        messageIndexLength += this.records.writeMessageIndex(index);
      }
      this.chunkIndexes.push({
        messageStartTime: startTime,
        messageEndTime: endTime,
        chunkStartOffset,
        chunkLength,
        messageIndexOffsets,
        messageIndexLength,
        compression: c.compression,
        compressedSize: BigInt(c.records.length),
        uncompressedSize: BigInt(records.length),
      });
      this.flush();
    });
  }

  /** A chunk's records as they are stored: compressed as mcap C++ would, or not. */
  private async compress(records: Uint8Array): Promise<CompressedChunk> {
    const c = this.options.compression;
    if (!c || records.length < MIN_COMPRESSION_SIZE) return { compression: '', records };
    const frame = await sharedZstdWorker().compress(records, c.level);
    if (records.length / frame.length < MIN_COMPRESSION_RATIO) return { compression: '', records };
    return { compression: c.format, records: frame };
  }

  /** DataEnd, the summary (schemas, channels, statistics, indexes), summary offsets, footer. */
  private writeEnd(): void {
    this.flush();
    this.records.writeDataEnd({ dataSectionCrc: this.dataCrc });
    this.flush(false);
    const summaryStart = this.written;
    const offsets: SummaryOffset[] = [];
    const group = (groupOpcode: number, write: () => bigint) => {
      const groupStart = this.position();
      const groupLength = write();
      if (groupLength > 0n) offsets.push({ groupOpcode, groupStart, groupLength });
    };
    const each =
      <T>(items: Iterable<T>, write: (item: T) => bigint) =>
      () => {
        let n = 0n;
        for (const item of items) n += write(item);
        return n;
      };
    group(
      Opcode.SCHEMA,
      each(this.schemas.values(), (s) => this.records.writeSchema(s)),
    );
    group(
      Opcode.CHANNEL,
      each(this.channels.values(), (c) => this.records.writeChannel(c)),
    );
    group(Opcode.STATISTICS, () => this.records.writeStatistics(this.statistics));
    group(
      Opcode.METADATA_INDEX,
      each(this.metadataIndexes, (m) => this.records.writeMetadataIndex(m)),
    );
    group(
      Opcode.CHUNK_INDEX,
      each(this.chunkIndexes, (c) => this.records.writeChunkIndex(c)),
    );
    const summaryOffsetStart = this.position();
    for (const o of offsets) this.records.writeSummaryOffset(o);
    // The CRC covers the summary and the footer up to its own CRC field (MCAP spec, Footer);
    // fastwrite leaves it 0, "not available" (mcap C++ noSummaryCRC).
    let summaryCrc = 0;
    if (this.chunk) {
      const footerHead = new DataView(new ArrayBuffer(1 + 8 + 8 + 8));
      footerHead.setUint8(0, Opcode.FOOTER);
      footerHead.setBigUint64(1, 8n + 8n + 4n, true);
      footerHead.setBigUint64(9, summaryStart, true);
      footerHead.setBigUint64(17, summaryOffsetStart, true);
      summaryCrc = crc32(footerHead, crc32(this.records.buffer));
    }
    this.records.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc });
    this.records.writeMagic();
    this.flush(false);
  }

  /** Where the next record in the record builder lands in the file. */
  private position(): bigint {
    return this.written + BigInt(this.records.length);
  }

  /** Writes what the record builder holds (counting it in the data CRC unless told not to). */
  private flush(data = true): void {
    const buffer = this.records.buffer;
    if (buffer.length === 0) return;
    if (data) this.dataCrc = crc32(buffer, this.dataCrc);
    let at = 0;
    while (at < buffer.length) at += writeSync(this.fd, buffer, at, buffer.length - at);
    this.written += BigInt(buffer.length);
    this.records.reset();
  }

  private queued(op: () => void | Promise<void>): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const next = this.tail.then(op);
    this.tail = next.catch((error: unknown) => {
      this.failure ??= error;
    });
    return next;
  }
}
