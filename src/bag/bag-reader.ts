/**
 * Reads a bag: a directory with `metadata.yaml` and its MCAP files, or one `.mcap` file, with
 * memory bounded whatever the bag's size (mcap-file-source.ts): opening reads each file's summary
 * (or, for a file without one, scans it to its last complete record, with a warning); messages
 * are then read a chunk at a time, every chunk's CRC checked, so a corrupt chunk is a
 * BagFormatError naming its offset when it is reached. The files of a FILE-mode bag
 * (`NAME_0.mcap.zstd`, rosbag2_compression) are first decompressed, a piece at a time, to a
 * temporary folder that `close()` removes (decompressed-files.ts), each to a bounded size
 * (`maxDecompressedBytes`); errors in them name the `.zstd` and the offset in its decompressed
 * bytes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkMessageCompression, decompressMessage } from './compression.js';
import { DecompressedFiles } from './decompressed-files.js';
import { BagError } from './errors.js';
import { type McapFileSource, type McapMessage, openMcapFile } from './mcap-file-source.js';
import { type BagMetadata, type BagTopic, type BagTopicInfo, parseMetadata } from './metadata.js';
import { parseQosProfiles } from './qos-yaml.js';

export interface BagMessage {
  readonly topic: string;
  readonly type: string;
  /** The serialized message, as recorded (decompressed, if the bag compressed each message). */
  readonly data: Uint8Array;
  readonly logTimeNs: bigint;
  readonly publishTimeNs: bigint;
  readonly sequence: number;
}

export interface BagReaderOptions {
  /**
   * The most bytes one `.zstd` file of a FILE-mode bag may decompress to; by default 1000 times
   * its size and at least 16 GiB (zstd-file.ts defaultDecompressedLimit).
   */
  readonly maxDecompressedBytes?: number;
}

export class BagReader {
  private constructor(
    /** What metadata.yaml says, when the bag has one. */
    readonly storedMetadata: BagMetadata | undefined,
    private readonly files: McapFileSource[],
    private readonly decompressed: DecompressedFiles,
    /** Some files were whole-file zstd (FILE mode). */
    private readonly fileCompressed: boolean,
    /** The bag's directory, when it was opened as one. */
    private readonly directory: string | undefined,
  ) {}

  /**
   * Opens a bag directory, an `.mcap` file or an `.mcap.zstd` file; BagFormatError (with the
   * offset) for a bad file. Close it when done if the bag may be FILE-compressed.
   */
  static async open(path: string, options: BagReaderOptions = {}): Promise<BagReader> {
    if (!existsSync(path)) throw new BagError(`no bag at '${path}'`);
    let stored: BagMetadata | undefined;
    let files: string[];
    if (statSync(path).isDirectory()) {
      const yamlPath = join(path, 'metadata.yaml');
      if (existsSync(yamlPath)) stored = parseMetadata(readFileSync(yamlPath, 'utf8'));
      const listed = stored?.relativeFilePaths
        .map((f) => join(path, basename(f)))
        .filter((f) => existsSync(f));
      files =
        listed && listed.length > 0
          ? listed
          : readdirSync(path)
              .filter((f) => f.endsWith('.mcap') || f.endsWith('.mcap.zstd'))
              .sort(byIndex)
              .map((f) => join(path, f));
      if (files.length === 0) throw new BagError(`no .mcap file in '${path}'`);
    } else {
      files = [path];
    }
    const decompressed = new DecompressedFiles(options.maxDecompressedBytes);
    const sources: McapFileSource[] = [];
    try {
      for (const f of files) sources.push(await openFile(f, decompressed));
    } catch (error) {
      await decompressed.remove();
      throw error;
    }
    const reader = new BagReader(
      stored,
      sources,
      decompressed,
      files.some(DecompressedFiles.isCompressed),
      statSync(path).isDirectory() ? path : undefined,
    );
    for (const s of sources) checkMessageCompression(reader.messageCompressionOf(s));
    return reader;
  }

  /** Removes what was decompressed for the reader; it reads no message afterwards. */
  close(): Promise<void> {
    return this.decompressed.remove();
  }

  /**
   * The per-message compression of a file's messages (rosbag2_compression's MESSAGE mode):
   * metadata.yaml's when the bag has one (as rosbag2 reads it), else the file's own record's.
   */
  private messageCompressionOf(f: McapFileSource): string {
    const m = this.storedMetadata;
    if (m && (m.compressionMode !== '' || m.compressionFormat !== '')) {
      return m.compressionMode.toUpperCase() === 'MESSAGE' ? m.compressionFormat : '';
    }
    return f.messageCompression;
  }

  /** What was noticed while reading (a truncated file...), one line each. */
  get warnings(): string[] {
    return this.files.flatMap((f) => (f.warning ? [f.warning] : []));
  }

  get paths(): string[] {
    return this.files.map((f) => f.path);
  }

  /** Topics with their type, QoS and count, from the files themselves. */
  topics(): BagTopicInfo[] {
    const out = new Map<string, { topic: BagTopic; messageCount: number }>();
    for (const f of this.files) {
      // In channel id order (order of first appearance); the summary may list them otherwise.
      for (const c of [...f.channels.values()].sort((a, b) => a.id - b.id)) {
        const prior = out.get(c.topic);
        const n = f.counts.get(c.id) ?? 0;
        if (prior) {
          prior.messageCount += n;
          continue;
        }
        out.set(c.topic, {
          topic: {
            name: c.topic,
            type: f.schemas.get(c.schemaId)?.name ?? '',
            serializationFormat: c.messageEncoding,
            offeredQosProfiles: parseQosProfiles(c.metadata.get('offered_qos_profiles') ?? ''),
            typeDescriptionHash: c.metadata.get('topic_type_hash') ?? '',
          },
          messageCount: n,
        });
      }
    }
    const listed = [...out.values()];
    // In metadata.yaml's order where the bag has one, as Jazzy's `ros2 bag info` prints them
    // (rosbag2_py format_bag_metadata.cpp, 0.26: no sorting; it reads metadata.yaml).
    const order = new Map(this.storedMetadata?.topics.map((t, i) => [t.topic.name, i]));
    if (order.size === 0) return listed;
    const at = (t: BagTopicInfo) => order.get(t.topic.name) ?? Number.POSITIVE_INFINITY;
    return listed.sort((a, b) => at(a) - at(b));
  }

  /**
   * The bag's size as `ros2 bag info` gives it: a directory's files (metadata.yaml too;
   * rosbag2_storage metadata_io.cpp, rcutils_calculate_directory_size), or the one file opened.
   */
  get bagSize(): number {
    if (this.directory === undefined) return this.size;
    let n = 0;
    for (const e of readdirSync(this.directory, { withFileTypes: true }))
      if (e.isFile()) n += statSync(join(this.directory, e.name)).size;
    return n;
  }

  /** The bag's metadata as read from its files (what `bag info` shows). */
  metadata(): BagMetadata {
    let start: bigint | undefined;
    let end = 0n;
    let count = 0;
    const files = this.files.map((f) => {
      if (f.startNs !== undefined && (start === undefined || f.startNs < start)) start = f.startNs;
      if (f.endNs !== undefined && f.endNs > end) end = f.endNs;
      count += f.messageCount;
      return {
        path: basename(f.path),
        startNs: f.startNs ?? 0n,
        durationNs: f.startNs === undefined || f.endNs === undefined ? 0n : f.endNs - f.startNs,
        messageCount: f.messageCount,
      };
    });
    const s: bigint = start ?? 0n;
    const format = this.files.map((f) => f.messageCompression).find((c) => c) ?? '';
    return {
      version: this.storedMetadata?.version ?? 9,
      storageIdentifier: 'mcap',
      startNs: s,
      durationNs: start === undefined ? 0n : end - s,
      messageCount: count,
      topics: this.topics(),
      compressionFormat:
        this.storedMetadata?.compressionFormat ?? (format || (this.fileCompressed ? 'zstd' : '')),
      compressionMode:
        this.storedMetadata?.compressionMode ?? (format ? 'MESSAGE' : this.fileCompressed ? 'FILE' : ''),
      relativeFilePaths: files.map((f) => f.path),
      files,
      customData: {},
      rosDistro: this.storedMetadata?.rosDistro || this.files.find((f) => f.rosDistro)?.rosDistro || '',
    };
  }

  /** A message's serialized bytes, decompressed when the bag compressed each message. */
  private storedData(f: McapFileSource, topic: string, m: McapMessage): Uint8Array {
    const format = this.messageCompressionOf(f);
    try {
      return decompressMessage(format, m.data);
    } catch (error) {
      throw new BagError(
        `${f.path}: the ${format} message on ${topic} logged at ${m.logTime} ns does not decompress: ${(error as Error).message}`,
      );
    }
  }

  /** Total bytes of the files. */
  get size(): number {
    return this.files.reduce((n, f) => n + f.size, 0);
  }

  /**
   * Messages in log-time order (file order within a time), optionally of some topics only. The
   * files are merged by log time, each opened only once the merge reaches its start.
   */
  async *messages(
    options: { topics?: readonly string[]; startNs?: bigint } = {},
  ): AsyncGenerator<BagMessage> {
    const read = {
      ...(options.topics ? { topics: options.topics } : {}),
      ...(options.startNs !== undefined ? { startNs: options.startNs } : {}),
    };
    const pending = this.files
      .filter(
        (f) => f.messageCount > 0 && (options.startNs === undefined || (f.endNs ?? 0n) >= options.startNs),
      )
      .map((f, order) => ({ f, order }))
      .sort((a, b) => cmp(a.f.startNs ?? 0n, b.f.startNs ?? 0n) || a.order - b.order);
    const active: { f: McapFileSource; order: number; it: AsyncGenerator<McapMessage>; head: McapMessage }[] =
      [];
    const activate = async (upTo: bigint | undefined) => {
      while (pending.length > 0 && (upTo === undefined || (pending[0]!.f.startNs ?? 0n) <= upTo)) {
        const { f, order } = pending.shift()!;
        const it = f.messages(read);
        const first = await it.next();
        if (!first.done) active.push({ f, order, it, head: first.value });
      }
    };
    try {
      for (;;) {
        if (active.length === 0) await activate(undefined);
        if (active.length === 0) return;
        let best = active[0]!;
        for (const a of active)
          if (
            cmp(a.head.logTime, best.head.logTime) < 0 ||
            (a.head.logTime === best.head.logTime && a.order < best.order)
          )
            best = a;
        // A file starting before the next message may hold earlier ones: open it first.
        if (pending.length > 0 && (pending[0]!.f.startNs ?? 0n) <= best.head.logTime) {
          await activate(best.head.logTime);
          continue;
        }
        const m = best.head;
        const channel = best.f.channels.get(m.channelId);
        const next = await best.it.next();
        if (next.done) active.splice(active.indexOf(best), 1);
        else best.head = next.value;
        if (!channel) continue;
        yield {
          topic: channel.topic,
          type: best.f.schemas.get(channel.schemaId)?.name ?? '',
          data: this.storedData(best.f, channel.topic, m),
          logTimeNs: m.logTime,
          publishTimeNs: m.publishTime,
          sequence: m.sequence,
        };
      }
    } finally {
      await Promise.all(active.map((a) => a.it.return(undefined)));
    }
  }
}

/**
 * One file of the bag; a `.zstd` is decompressed first, and keeps its own name and size (what
 * rosbag2's info shows) while errors name its decompressed bytes.
 */
async function openFile(path: string, decompressed: DecompressedFiles): Promise<McapFileSource> {
  if (!DecompressedFiles.isCompressed(path)) return openMcapFile(path);
  const plain = await decompressed.decompress(path);
  const source = await openMcapFile(plain, `${path} (decompressed)`);
  return { ...source, path, size: statSync(path).size };
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byIndex(a: string, b: string): number {
  const n = (s: string) => Number(/_(\d+)\.mcap(\.zstd)?$/.exec(s)?.[1] ?? 0);
  return n(a) - n(b) || a.localeCompare(b);
}
