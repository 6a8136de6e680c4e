/**
 * A bag as rosbag2 lays it out: a directory `NAME` holding `NAME_0.mcap`, `NAME_1.mcap`... (a new
 * file when the current one passes the size or duration limit) and `metadata.yaml`, written at
 * close. Messages are written as given (serialized bytes, never decoded). In rosbag2_compression's
 * FILE mode each file, once closed (split or end), is compressed to `NAME_0.mcap.zstd` while
 * recording goes on, and `relative_file_paths` names the `.zstd`; `files[].path` keeps the
 * `.mcap` name, as Jazzy leaves it (sequential_compression_writer.cpp compress_file renames only
 * the relative_file_paths entry).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defaultCodecs } from '../cdr/index.js';
import type { InterfaceRegistry } from '../cdr/registry.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import {
  type BagCompression,
  bagCompression,
  compressZstd,
  isZstdLoaded,
  loadZstd,
  MESSAGE_ZSTD_LEVEL,
  type StoragePreset,
  storagePreset,
} from './compression.js';
import { BagError } from './errors.js';
import { McapFileWriter } from './mcap-file-writer.js';
import { messageDefinitionText, SCHEMA_ENCODING } from './message-definition.js';
import {
  type BagFileInfo,
  type BagMetadata,
  type BagTopic,
  METADATA_VERSION,
  serializeMetadataBody,
  serializeMetadataFile,
} from './metadata.js';
import { serializeQosProfiles } from './qos-yaml.js';
import { compressFileZstd } from './zstd-file.js';

export const LIBRARY = 'ros2ts';

export interface BagWriterOptions {
  /** Start a new file once the current one is this many bytes (0: no limit). */
  readonly maxBagSizeBytes?: number;
  /** Start a new file once the current one spans this many seconds (0: no limit). */
  readonly maxBagDurationS?: number;
  /** MCAP chunk size in bytes (see McapFileWriter). */
  readonly chunkSize?: number;
  /** Written as `ros_distro`; default `ROS_DISTRO` from the environment, else `jazzy`. */
  readonly rosDistro?: string;
  /** Where schema text is found; default the default registry (AMENT_PREFIX_PATH, bundled). */
  readonly registry?: InterfaceRegistry;
  /**
   * rosbag2_storage_mcap's preset: `none` (default), `fastwrite` (no chunks), `zstd_fast` or
   * `zstd_small` (zstd chunks; see compression.ts). An explicit `chunkSize` wins over the preset's.
   */
  readonly storagePresetProfile?: string;
  /**
   * rosbag2_compression's mode: `none` (default), `message` (each message a zstd frame) or
   * `file` (each closed file compressed to `.zstd`).
   */
  readonly compressionMode?: string;
  /** With a compression mode: `zstd`. */
  readonly compressionFormat?: string;
  /**
   * Bytes of full chunks that may wait for the zstd worker (default DEFAULT_MAX_BACKLOG_BYTES).
   * Above it, new messages are dropped and counted in `lostMessages` until the worker catches up:
   * a stream faster than the compression level allows (zstd_small does ~1-2 MB/s on one core)
   * would otherwise grow memory without end, as rosbag2 drops what no longer fits its cache.
   */
  readonly maxBacklogBytes?: number;
}

export const DEFAULT_MAX_BACKLOG_BYTES = 256 * 1024 * 1024;

interface Compression {
  readonly preset: StoragePreset;
  readonly bag: BagCompression | undefined;
}

/** The compression options ask for; BagError for what rosbag2 refuses or ros2ts does not write. */
function compressionOf(options: BagWriterOptions): Compression {
  return {
    preset: storagePreset(options.storagePresetProfile ?? ''),
    bag: bagCompression(options.compressionMode, options.compressionFormat),
  };
}

export interface TopicSpec {
  readonly name: string;
  readonly type: string;
  readonly offeredQosProfiles?: readonly RosQos[];
  readonly typeDescriptionHash?: string;
  /** Default `cdr`. */
  readonly serializationFormat?: string;
}

export interface WriteTimes {
  /** When it was received (MCAP log time), ns since the epoch. */
  readonly logTimeNs: bigint;
  /** When it was sent (MCAP publish time); default the log time. */
  readonly publishTimeNs?: bigint;
  readonly sequence?: number;
}

interface OpenFile {
  readonly writer: McapFileWriter;
  readonly channels: Map<string, Promise<number>>;
  startNs: bigint | undefined;
  endNs: bigint;
  count: number;
}

export class BagWriter {
  readonly name: string;
  private readonly topics = new Map<string, { spec: BagTopic; count: number }>();
  private readonly files: BagFileInfo[] = [];
  /** metadata.yaml's relative_file_paths: a file's `.zstd` name once FILE mode compressed it. */
  private readonly relativePaths: string[] = [];
  private current: OpenFile;
  private readonly registry: InterfaceRegistry;
  private readonly schemaTexts = new Map<string, string>();
  private startNs: bigint | undefined;
  private endNs = 0n;
  private count = 0;
  private lost = 0;
  private closing: Promise<BagMetadata> | undefined;
  /** Files closed by a split, still being finished. */
  private readonly closingFiles: Promise<void>[] = [];

  private constructor(
    readonly directory: string,
    private readonly options: BagWriterOptions,
    private readonly compression: Compression,
  ) {
    this.name = basename(directory);
    this.registry = options.registry ?? defaultCodecs().registry;
    this.current = this.openFile();
  }

  /**
   * Creates the bag directory (it must not exist, as rosbag2 requires) and its first file. Message
   * compression needs the zstd codec loaded first (it loads asynchronously): use `open`.
   */
  static create(directory: string, options: BagWriterOptions = {}): BagWriter {
    const compression = compressionOf(options);
    if (compression.bag?.mode === 'MESSAGE' && !isZstdLoaded()) {
      throw new BagError('a compressed bag needs the zstd codec loaded: use BagWriter.open');
    }
    if (existsSync(directory)) throw new BagError(`output folder '${directory}' already exists`);
    mkdirSync(directory, { recursive: true });
    return new BagWriter(directory, options, compression);
  }

  /** As `create`, loading the zstd codec first when the options compress messages. */
  static async open(directory: string, options: BagWriterOptions = {}): Promise<BagWriter> {
    const compression = compressionOf(options);
    if (compression.bag?.mode === 'MESSAGE') await loadZstd();
    return BagWriter.create(directory, options);
  }

  get messageCount(): number {
    return this.count;
  }

  /** The path of the file being written. */
  get currentFile(): string {
    return this.current.writer.path;
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  /** Adds a topic (its schema and channel go into each file before its first message). */
  addTopic(spec: TopicSpec): void {
    if (this.topics.has(spec.name)) return;
    this.topics.set(spec.name, {
      spec: {
        name: spec.name,
        type: spec.type,
        serializationFormat: spec.serializationFormat ?? 'cdr',
        offeredQosProfiles: spec.offeredQosProfiles ?? [],
        typeDescriptionHash: spec.typeDescriptionHash ?? '',
      },
      count: 0,
    });
  }

  /** Queues one message of a topic added before; resolves once it is in the file's chunk. */
  write(topic: string, data: Uint8Array, times: WriteTimes): Promise<void> {
    const t = this.topics.get(topic);
    if (!t) throw new BagError(`topic ${topic} was not added to the bag`);
    if (this.closing) throw new BagError('the bag is closed');
    this.maybeSplit(times.logTimeNs);
    const f = this.current;
    if (f.writer.pendingBytes > (this.options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES)) {
      this.lost++;
      return Promise.resolve();
    }
    const channel = this.channelIn(f, t.spec);
    t.count++;
    this.count++;
    f.count++;
    f.startNs = f.startNs === undefined || times.logTimeNs < f.startNs ? times.logTimeNs : f.startNs;
    if (times.logTimeNs > f.endNs) f.endNs = times.logTimeNs;
    this.startNs =
      this.startNs === undefined || times.logTimeNs < this.startNs ? times.logTimeNs : this.startNs;
    if (times.logTimeNs > this.endNs) this.endNs = times.logTimeNs;
    // rosbag2_compression's message mode: the serialized bytes as one zstd frame.
    const stored = this.compression.bag?.mode === 'MESSAGE' ? compressZstd(data, MESSAGE_ZSTD_LEVEL) : data;
    return channel.then((id) =>
      f.writer.addMessage(
        id,
        times.sequence ?? 0,
        times.logTimeNs,
        times.publishTimeNs ?? times.logTimeNs,
        stored,
      ),
    );
  }

  /** Messages dropped because compression fell behind (see `maxBacklogBytes`). */
  get lostMessages(): number {
    return this.lost;
  }

  /** Closes the current file and writes metadata.yaml; the metadata written. */
  close(): Promise<BagMetadata> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<BagMetadata> {
    await Promise.all(this.closingFiles);
    await this.closeFile(this.current);
    const metadata = this.metadata();
    writeFileSync(join(this.directory, 'metadata.yaml'), serializeMetadataFile(metadata));
    return metadata;
  }

  private metadata(): BagMetadata {
    const start = this.startNs ?? 0n;
    return {
      version: METADATA_VERSION,
      storageIdentifier: 'mcap',
      startNs: start,
      durationNs: this.endNs > start ? this.endNs - start : 0n,
      messageCount: this.count,
      topics: [...this.topics.values()].map((t) => ({ topic: t.spec, messageCount: t.count })),
      compressionFormat: this.compression.bag?.format ?? '',
      compressionMode: this.compression.bag?.mode ?? '',
      relativeFilePaths: [...this.relativePaths],
      files: [...this.files],
      customData: {},
      rosDistro: this.options.rosDistro ?? process.env['ROS_DISTRO'] ?? 'jazzy',
    };
  }

  private openFile(): OpenFile {
    const path = join(this.directory, `${this.name}_${this.files.length}.mcap`);
    const preset = this.compression.preset;
    const chunkSize = this.options.chunkSize || preset.chunkSize;
    const writer = new McapFileWriter(path, {
      library: LIBRARY,
      useChunks: preset.useChunks,
      ...(chunkSize ? { chunkSize } : {}),
      ...(preset.compression ? { compression: preset.compression } : {}),
    });
    return { writer, channels: new Map(), startNs: undefined, endNs: 0n, count: 0 };
  }

  private async closeFile(f: OpenFile): Promise<void> {
    const start = f.startNs ?? 0n;
    const name = basename(f.writer.path);
    this.files.push({
      path: name,
      startNs: start,
      durationNs: f.endNs > start ? f.endNs - start : 0n,
      messageCount: f.count,
    });
    const index = this.relativePaths.push(name) - 1;
    // rosbag2 writes the bag's metadata so far into each file (update_metadata at close).
    await f.writer.addMetadata(
      'rosbag2',
      new Map([['serialized_metadata', serializeMetadataBody(this.metadata())]]),
    );
    await f.writer.close();
    if (this.compression.bag?.mode === 'FILE') {
      this.relativePaths[index] = basename(await compressFileZstd(f.writer.path));
    }
  }

  private maybeSplit(nowNs: bigint): void {
    const f = this.current;
    if (f.count === 0) return;
    const size = this.options.maxBagSizeBytes ?? 0;
    const duration = this.options.maxBagDurationS ?? 0;
    const tooBig = size > 0 && f.writer.size >= size;
    const tooLong =
      duration > 0 && f.startNs !== undefined && nowNs - f.startNs >= BigInt(Math.round(duration * 1e9));
    if (!tooBig && !tooLong) return;
    this.closingFiles.push(this.closeFile(f));
    this.current = this.openFile();
  }

  private channelIn(f: OpenFile, topic: BagTopic): Promise<number> {
    let channel = f.channels.get(topic.name);
    if (!channel) {
      channel = f.writer
        .registerSchema({ name: topic.type, encoding: SCHEMA_ENCODING, text: this.schemaText(topic.type) })
        .then((schemaId) =>
          f.writer.registerChannel(schemaId, {
            topic: topic.name,
            messageEncoding: topic.serializationFormat,
            metadata: new Map([
              ['offered_qos_profiles', serializeQosProfiles(topic.offeredQosProfiles)],
              ['topic_type_hash', topic.typeDescriptionHash],
            ]),
          }),
        );
      f.channels.set(topic.name, channel);
    }
    return channel;
  }

  private schemaText(type: string): string {
    let text = this.schemaTexts.get(type);
    if (text === undefined) {
      text = messageDefinitionText(this.registry, type) ?? '';
      this.schemaTexts.set(type, text);
    }
    return text;
  }
}
