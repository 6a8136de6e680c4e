/**
 * Reads a bag: a directory with `metadata.yaml` and its MCAP files, or one `.mcap` file. Each file
 * is read whole and record by record (mcap-scan.ts), every chunk's CRC checked, so a corrupt
 * chunk is an error naming its offset and a file without its end (a recorder that was killed) is
 * read up to its last complete chunk, with a warning. Files are held in memory: fine for the bags
 * of tests and tools, not for bags of many gigabytes (an indexed, streaming read is not done).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TypedMcapRecords } from '@mcap/core';
import { BagError, BagFormatError } from './errors.js';
import { type ScannedRecord, scanMcap } from './mcap-scan.js';
import { type BagMetadata, type BagTopic, type BagTopicInfo, parseMetadata } from './metadata.js';
import { parseQosProfiles } from './qos-yaml.js';

export interface BagMessage {
  readonly topic: string;
  readonly type: string;
  /** The serialized message, as recorded. */
  readonly data: Uint8Array;
  readonly logTimeNs: bigint;
  readonly publishTimeNs: bigint;
  readonly sequence: number;
}

type Schema = TypedMcapRecords['Schema'];
type Channel = TypedMcapRecords['Channel'];
type Message = TypedMcapRecords['Message'];

/** One MCAP file's content, read whole (summary-less files) or from its summary. */
interface FileContent {
  readonly path: string;
  readonly size: number;
  readonly schemas: Map<number, Schema>;
  readonly channels: Map<number, Channel>;
  readonly messages: Message[];
  readonly rosDistro: string;
  readonly warning: string | undefined;
}

export class BagReader {
  private constructor(
    /** What metadata.yaml says, when the bag has one. */
    readonly storedMetadata: BagMetadata | undefined,
    private readonly files: FileContent[],
  ) {}

  /** Opens a bag directory or an `.mcap` file; BagFormatError (with the offset) for a bad file. */
  static open(path: string): BagReader {
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
              .filter((f) => f.endsWith('.mcap'))
              .sort(byIndex)
              .map((f) => join(path, f));
      if (files.length === 0) throw new BagError(`no .mcap file in '${path}'`);
    } else {
      files = [path];
    }
    return new BagReader(stored, files.map(readFile));
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
      const counts = new Map<number, number>();
      for (const m of f.messages) counts.set(m.channelId, (counts.get(m.channelId) ?? 0) + 1);
      for (const c of f.channels.values()) {
        const prior = out.get(c.topic);
        const n = counts.get(c.id) ?? 0;
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
    return [...out.values()];
  }

  /** The bag's metadata as read from its files (what `bag info` shows). */
  metadata(): BagMetadata {
    let start: bigint | undefined;
    let end = 0n;
    let count = 0;
    const files = this.files.map((f) => {
      let fs: bigint | undefined;
      let fe = 0n;
      for (const m of f.messages) {
        if (fs === undefined || m.logTime < fs) fs = m.logTime;
        if (m.logTime > fe) fe = m.logTime;
      }
      if (fs !== undefined && (start === undefined || fs < start)) start = fs;
      if (fe > end) end = fe;
      count += f.messages.length;
      return {
        path: basename(f.path),
        startNs: fs ?? 0n,
        durationNs: fs === undefined ? 0n : fe - fs,
        messageCount: f.messages.length,
      };
    });
    const s: bigint = start ?? 0n;
    return {
      version: this.storedMetadata?.version ?? 9,
      storageIdentifier: 'mcap',
      startNs: s,
      durationNs: start === undefined ? 0n : end - s,
      messageCount: count,
      topics: this.topics(),
      compressionFormat: '',
      compressionMode: '',
      relativeFilePaths: files.map((f) => f.path),
      files,
      customData: {},
      rosDistro: this.storedMetadata?.rosDistro || this.files.find((f) => f.rosDistro)?.rosDistro || '',
    };
  }

  /** Total bytes of the files. */
  get size(): number {
    return this.files.reduce((n, f) => n + f.size, 0);
  }

  /** Messages in log-time order (file order within a time), optionally of some topics only. */
  *messages(options: { topics?: readonly string[]; startNs?: bigint } = {}): Generator<BagMessage> {
    const wanted = options.topics ? new Set(options.topics) : undefined;
    const all: { m: Message; f: FileContent; i: number }[] = [];
    for (const f of this.files) {
      f.messages.forEach((m, i) => {
        all.push({ m, f, i });
      });
    }
    all.sort((a, b) => (a.m.logTime < b.m.logTime ? -1 : a.m.logTime > b.m.logTime ? 1 : 0));
    for (const { m, f } of all) {
      const channel = f.channels.get(m.channelId);
      if (!channel) continue;
      if (wanted && !wanted.has(channel.topic)) continue;
      if (options.startNs !== undefined && m.logTime < options.startNs) continue;
      yield {
        topic: channel.topic,
        type: f.schemas.get(channel.schemaId)?.name ?? '',
        data: m.data,
        logTimeNs: m.logTime,
        publishTimeNs: m.publishTime,
        sequence: m.sequence,
      };
    }
  }
}

function byIndex(a: string, b: string): number {
  const n = (s: string) => Number(/_(\d+)\.mcap$/.exec(s)?.[1] ?? 0);
  return n(a) - n(b) || a.localeCompare(b);
}

/**
 * Reads a whole file, checking every record (and each chunk's CRC) on the way: a corrupt record
 * is a BagFormatError naming its offset; a missing end is a warning.
 */
function readFile(path: string): FileContent {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new BagError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const scan = scanMcap(bytes, path);
  const schemas = new Map<number, Schema>();
  const channels = new Map<number, Channel>();
  const messages: Message[] = [];
  let rosDistro = '';
  const take = ({ record }: ScannedRecord) => {
    switch (record.type) {
      case 'Schema':
        schemas.set(record.id, record);
        break;
      case 'Channel':
        channels.set(record.id, record);
        break;
      case 'Message':
        messages.push(record);
        break;
      case 'Metadata':
        if (record.name === 'rosbag2') {
          const text = record.metadata.get('serialized_metadata');
          if (text) rosDistro = parseMetadata(text).rosDistro;
          rosDistro = record.metadata.get('ROS_DISTRO') ?? rosDistro;
        }
        break;
      default:
        break;
    }
  };
  for (const r of scan.records) take(r);
  if (!scan.complete && scan.records.length === 0) throw new BagFormatError(path, 8, 'no complete record');
  const warning = scan.complete
    ? undefined
    : `${path}: the file ends at byte ${bytes.length} without its summary (truncated record at byte offset ${scan.truncatedAt}); read up to its last complete chunk (ending at byte ${scan.lastChunkEnd}): ${messages.length} messages`;
  return { path, size: bytes.length, schemas, channels, messages, rosDistro, warning };
}
