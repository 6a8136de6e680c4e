/**
 * One MCAP file of a bag, read with bounded memory. A complete file (footer and summary) is read
 * through @mcap/core's McapIndexedReader: opening reads only its summary (schemas, channels,
 * statistics, chunk indexes), messages are then read a chunk at a time. A file without summary (a
 * recorder killed before closing it) is scanned forwards (mcap-scan.ts) to its last complete
 * record, once to learn what it holds and again for its messages; so are the messages of a
 * complete file that keeps them outside chunks (rosbag2's `fastwrite`), which no chunk index
 * lists. A file handle is open only while a file is being read, so a reader needs no closing.
 */
import { McapIndexedReader, type TypedMcapRecords } from '@mcap/core';
import { decompress } from 'fzstd';
import { decompressLz4, loadLz4 } from './compression.js';
import { BagFormatError } from './errors.js';
import { FileReadable } from './file-readable.js';
import { checkMagic, MAGIC, opcodeName, problemOf, type ScanResult, scanMcap } from './mcap-scan.js';
import { parseMetadata } from './metadata.js';

type Schema = TypedMcapRecords['Schema'];
type Channel = TypedMcapRecords['Channel'];
export type McapMessage = TypedMcapRecords['Message'];

/** Footer record (opcode, length, summary start, summary offset start, CRC) and closing magic. */
const FOOTER_AND_MAGIC = 1 + 8 + 8 + 8 + 4 + MAGIC.length;

// zstd: rosbag2's presets; lz4: other MCAP writers' (the mcap CLI's), loaded when a file has some.
const decompressHandlers = {
  zstd: (data: Uint8Array, size: bigint) => decompress(data, new Uint8Array(Number(size))),
  lz4: decompressLz4,
};

export interface ReadOptions {
  readonly topics?: readonly string[];
  readonly startNs?: bigint;
}

/** What a file holds, known once it is opened. */
export interface McapFileSummary {
  readonly path: string;
  readonly size: number;
  readonly schemas: ReadonlyMap<number, Schema>;
  readonly channels: ReadonlyMap<number, Channel>;
  /** Messages per channel id. */
  readonly counts: ReadonlyMap<number, number>;
  readonly messageCount: number;
  /** Log times of the first and last message (undefined when there is none). */
  readonly startNs: bigint | undefined;
  readonly endNs: bigint | undefined;
  readonly rosDistro: string;
  /**
   * rosbag2_compression's per-message format its `rosbag2` metadata record names (`zstd` when
   * the mode is MESSAGE), '' when messages are stored as they are.
   */
  readonly messageCompression: string;
  /** Set when the file was read without its summary: how far it was read. */
  readonly warning: string | undefined;
}

export interface McapFileSource extends McapFileSummary {
  /** Messages in log-time order (file order for a file without summary or without chunks). */
  messages(options?: ReadOptions): AsyncGenerator<McapMessage>;
}

/**
 * Opens a file: its summary if it has one, else a forward scan. BagFormatError with the offset,
 * naming the file `name` (default its path).
 */
export async function openMcapFile(path: string, name = path): Promise<McapFileSource> {
  const file = await FileReadable.open(path, name);
  try {
    checkMagic(await file.readAt(0, MAGIC.length), name);
    return (await hasSummary(file)) ? await openIndexed(file, path) : await openScanned(file, path);
  } finally {
    await file.close();
  }
}

/** A footer with a summary start, followed by the closing magic, ends the file. */
async function hasSummary(file: FileReadable): Promise<boolean> {
  if (file.byteSize < MAGIC.length + FOOTER_AND_MAGIC) return false;
  const tail = await file.readAt(file.byteSize - FOOTER_AND_MAGIC, FOOTER_AND_MAGIC);
  const magicAt = FOOTER_AND_MAGIC - MAGIC.length;
  if (tail[0] !== 2 || MAGIC.some((b, i) => tail[magicAt + i] !== b)) return false;
  return new DataView(tail.buffer, tail.byteOffset).getBigUint64(9, true) !== 0n;
}

interface Rosbag2Record {
  readonly rosDistro: string;
  readonly messageCompression: string;
}

function rosbag2RecordOf(record: TypedMcapRecords['Metadata']): Rosbag2Record {
  const text = record.metadata.get('serialized_metadata');
  const m = text ? parseMetadata(text) : undefined;
  return {
    rosDistro: record.metadata.get('ROS_DISTRO') ?? m?.rosDistro ?? '',
    messageCompression: m?.compressionMode.toUpperCase() === 'MESSAGE' ? m.compressionFormat : '',
  };
}

/** An error from @mcap/core while reading `file`, at the record it last read. */
function formatError(file: FileReadable, error: unknown, what?: string): BagFormatError {
  if (error instanceof BagFormatError) return error;
  return new BagFormatError(
    file.path,
    file.lastReadOffset,
    `${problemOf(error)} ${what ?? opcodeName(file.lastReadOpcode)}: ${(error as Error).message}`,
  );
}

function channelIds(channels: ReadonlyMap<number, Channel>, topics: readonly string[] | undefined) {
  if (!topics) return undefined;
  const wanted = new Set(topics);
  return new Set([...channels.values()].filter((c) => wanted.has(c.topic)).map((c) => c.id));
}

async function openIndexed(file: FileReadable, location: string): Promise<McapFileSource> {
  const reader = await indexedReader(file);
  let rosDistro = '';
  let messageCompression = '';
  const counts = new Map<number, number>();
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  try {
    for await (const m of reader.readMetadata({ name: 'rosbag2' })) {
      const r = rosbag2RecordOf(m);
      rosDistro = r.rosDistro || rosDistro;
      messageCompression = r.messageCompression || messageCompression;
    }
    const stats = reader.statistics;
    if (stats) {
      for (const [id, n] of stats.channelMessageCounts) counts.set(id, Number(n));
      if (stats.messageCount > 0n) [startNs, endNs] = [stats.messageStartTime, stats.messageEndTime];
    } else {
      // No statistics record (it is optional): count by reading the messages, a chunk at a time.
      for await (const m of reader.readMessages()) {
        counts.set(m.channelId, (counts.get(m.channelId) ?? 0) + 1);
        if (startNs === undefined || m.logTime < startNs) startNs = m.logTime;
        if (endNs === undefined || m.logTime > endNs) endNs = m.logTime;
      }
    }
  } catch (error) {
    throw formatError(file, error);
  }
  const name = file.path;
  const messageCount = [...counts.values()].reduce((a, b) => a + b, 0);
  // Messages outside chunks (rosbag2's fastwrite preset) are in no chunk index: read forwards.
  const unchunked = messageCount > 0 && reader.chunkIndexes.length === 0;
  const dataEnd = Number(reader.dataEndOffset);
  return {
    path: name,
    size: file.byteSize,
    schemas: reader.schemasById,
    channels: reader.channelsById,
    counts,
    messageCount,
    startNs,
    endNs,
    rosDistro,
    messageCompression,
    warning: undefined,
    messages: (options = {}) =>
      unchunked
        ? scannedMessages(location, name, dataEnd, reader.channelsById, options)
        : indexedMessages(location, name, options),
  };
}

async function indexedReader(file: FileReadable): Promise<McapIndexedReader> {
  let reader: McapIndexedReader;
  try {
    reader = await McapIndexedReader.Initialize({ readable: file, decompressHandlers });
  } catch (error) {
    throw formatError(file, error, 'summary section');
  }
  if (reader.chunkIndexes.some((c) => c.compression === 'lz4')) await loadLz4();
  return reader;
}

async function* indexedMessages(
  path: string,
  name: string,
  options: ReadOptions,
): AsyncGenerator<McapMessage> {
  const file = await FileReadable.open(path, name);
  try {
    const reader = await indexedReader(file);
    const it = reader.readMessages({
      ...(options.topics ? { topics: options.topics } : {}),
      ...(options.startNs !== undefined ? { startTime: options.startNs } : {}),
      validateCrcs: true,
    });
    for (;;) {
      let next: IteratorResult<McapMessage>;
      try {
        next = await it.next();
      } catch (error) {
        throw formatError(file, error);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await file.close();
  }
}

async function openScanned(file: FileReadable, location: string): Promise<McapFileSource> {
  const schemas = new Map<number, Schema>();
  const channels = new Map<number, Channel>();
  const counts = new Map<number, number>();
  let messageCount = 0;
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  let rosDistro = '';
  let messageCompression = '';
  let result: ScanResult | undefined;
  for await (const step of scanMcap(file)) {
    if (step.done) {
      result = step.result;
      break;
    }
    for (const record of step.records) {
      switch (record.type) {
        case 'Schema':
          schemas.set(record.id, record);
          break;
        case 'Channel':
          channels.set(record.id, record);
          break;
        case 'Message':
          messageCount++;
          counts.set(record.channelId, (counts.get(record.channelId) ?? 0) + 1);
          if (startNs === undefined || record.logTime < startNs) startNs = record.logTime;
          if (endNs === undefined || record.logTime > endNs) endNs = record.logTime;
          break;
        case 'Metadata':
          if (record.name === 'rosbag2') {
            const r = rosbag2RecordOf(record);
            rosDistro = r.rosDistro || rosDistro;
            messageCompression = r.messageCompression || messageCompression;
          }
          break;
        default:
          break;
      }
    }
  }
  const scan = result!;
  if (!scan.complete && scan.end <= MAGIC.length) {
    throw new BagFormatError(file.path, MAGIC.length, 'no complete record');
  }
  const warning = scan.complete
    ? undefined
    : `${file.path}: the file ends at byte ${file.byteSize} without its summary (truncated record at byte offset ${scan.truncatedAt}); read up to its last complete chunk (ending at byte ${scan.lastChunkEnd}): ${messageCount} messages`;
  const name = file.path;
  return {
    path: name,
    size: file.byteSize,
    schemas,
    channels,
    counts,
    messageCount,
    startNs,
    endNs,
    rosDistro,
    messageCompression,
    warning,
    messages: (options = {}) => scannedMessages(location, name, scan.end, channels, options),
  };
}

/** The messages of a file without summary, read again forwards up to `end`, a record at a time. */
async function* scannedMessages(
  path: string,
  name: string,
  end: number,
  channels: ReadonlyMap<number, Channel>,
  options: ReadOptions,
): AsyncGenerator<McapMessage> {
  const wanted = channelIds(channels, options.topics);
  const file = await FileReadable.open(path, name);
  try {
    for await (const step of scanMcap(file, end)) {
      if (step.done) return;
      for (const r of step.records) {
        if (r.type !== 'Message') continue;
        if (wanted && !wanted.has(r.channelId)) continue;
        if (options.startNs !== undefined && r.logTime < options.startNs) continue;
        yield r;
      }
    }
  } finally {
    await file.close();
  }
}
