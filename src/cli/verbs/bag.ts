/**
 * `ros2ts bag record | info | play`: rosbag2's verbs over MCAP bags (src/bag). `info` prints
 * rosbag2's format and exits 1 with the byte offset for a corrupt file; a file whose recorder was
 * killed is read up to its last complete chunk, with a warning on stderr.
 *
 * `record` compresses as rosbag2 does with its MCAP storage (src/bag/compression.ts):
 * `--storage-preset-profile zstd_fast|zstd_small` zstd chunks (`fastwrite`: no chunks),
 * `--compression-mode message --compression-format zstd` each message, `--compression-mode file`
 * each closed file to `.mcap.zstd`; `info` and `play` read all of them.
 */
import type { Command } from 'commander';
import {
  BagError,
  BagReader,
  BagWriter,
  formatBagInfo,
  Player,
  Recorder,
  readQosOverrides,
} from '../../bag/index.js';
import type { RosQos } from '../../rmw/qos-profiles.js';
import { CliError, printError } from '../errors.js';
import { interrupted, Session } from '../session.js';

interface RecordOptions {
  all?: boolean;
  allTopics?: boolean;
  topics?: string[];
  output?: string;
  regex?: string;
  excludeRegex?: string;
  excludeTopics?: string[];
  nodeName?: string;
  maxBagSize?: string;
  maxBagDuration?: string;
  chunkSize?: string;
  includeHiddenTopics?: boolean;
  compressionFormat?: string;
  compressionMode?: string;
  storage?: string;
  storagePresetProfile?: string;
  qosProfileOverridesPath?: string;
}

interface PlayOptions {
  rate?: string;
  loop?: boolean;
  topics?: string[];
  startOffset?: string;
  remap?: string[];
  clock?: string | boolean;
  delay?: string;
  qosProfileOverridesPath?: string;
}

function defaultBagName(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `rosbag2_${d.getFullYear()}_${two(d.getMonth() + 1)}_${two(d.getDate())}-${two(d.getHours())}_${two(d.getMinutes())}_${two(d.getSeconds())}`;
}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`invalid ${name}: ${value}`);
  return n;
}

function regexOption(value: string, name: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new CliError(`invalid ${name} '${value}': ${(error as Error).message}`);
  }
}

function asCliError(error: unknown): never {
  if (error instanceof BagError) throw new CliError(`[ERROR] [ros2bag]: ${error.message}`);
  throw error;
}

/** `--qos-profile-overrides-path`: the overrides by topic (none without the option). */
function qosOverridesOption(path: string | undefined): Map<string, RosQos> {
  if (path === undefined) return new Map();
  try {
    return readQosOverrides(path);
  } catch (error) {
    asCliError(error);
  }
}

async function record(topics: string[], o: RecordOptions): Promise<void> {
  if (o.storage && o.storage !== 'mcap')
    throw new CliError(`storage '${o.storage}' is not supported: only mcap`);
  const all = o.all === true || o.allTopics === true;
  const named = [...topics, ...(o.topics ?? [])];
  if (!all && named.length === 0 && !o.regex) {
    throw new CliError('Need to specify one of --all, --all-topics, --topics or --regex');
  }
  const regex = o.regex ? regexOption(o.regex, '--regex') : undefined;
  const exclude = o.excludeRegex ? regexOption(o.excludeRegex, '--exclude-regex') : undefined;
  const qosOverrides = qosOverridesOption(o.qosProfileOverridesPath);
  let writer: BagWriter;
  try {
    writer = await BagWriter.open(o.output ?? defaultBagName(), {
      maxBagSizeBytes: numberOption(o.maxBagSize, '--max-bag-size', 0),
      maxBagDurationS: numberOption(o.maxBagDuration, '--max-bag-duration', 0),
      ...(o.chunkSize ? { chunkSize: numberOption(o.chunkSize, '--chunk-size', 0) } : {}),
      ...(o.storagePresetProfile ? { storagePresetProfile: o.storagePresetProfile } : {}),
      ...(o.compressionMode ? { compressionMode: o.compressionMode } : {}),
      ...(o.compressionFormat ? { compressionFormat: o.compressionFormat } : {}),
    });
  } catch (error) {
    asCliError(error);
  }
  const session = await Session.open(o.nodeName ?? 'rosbag2_recorder');
  const stop = interrupted();
  try {
    const recorder = new Recorder(session.context, session.node, writer, {
      all,
      topics: named.map((t) => session.node.resolveName(t)),
      ...(regex ? { regex } : {}),
      ...(exclude ? { exclude } : {}),
      excludeTopics: (o.excludeTopics ?? []).map((t) => session.node.resolveName(t)),
      includeHidden: o.includeHiddenTopics === true,
      qosOverrides,
      onTopic: (name) => {
        if (qosOverrides.has(name))
          printError(`[INFO] [rosbag2_recorder]: Overriding subscription profile for ${name}`);
        printError(`[INFO] [rosbag2_recorder]: Subscribed to topic '${name}'`);
      },
      onError: (e) => printError(`[ERROR] [rosbag2_recorder]: ${(e as Error).message}`),
    });
    printError('[INFO] [rosbag2_recorder]: Recording...');
    await stop.promise;
    const m = await recorder.stop();
    printError(
      `[INFO] [rosbag2_recorder]: Recording stopped: ${m.messageCount} messages in ${writer.directory}`,
    );
    if (writer.lostMessages > 0)
      printError(
        `[WARN] [rosbag2_recorder]: ${writer.lostMessages} messages lost: chunk compression fell ` +
          'behind the incoming stream (try zstd_fast or no compression)',
      );
  } finally {
    stop.dispose();
    await session.close();
  }
}

/**
 * ROS2TS_BAG_MAX_DECOMPRESSED_BYTES: how many bytes one `.zstd` file of a FILE-mode bag may
 * decompress to (BagReader's maxDecompressedBytes); ros2 bag has no option for it, so it is not
 * a flag. Unset or empty: BagReader's default.
 */
export function maxDecompressedBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['ROS2TS_BAG_MAX_DECOMPRESSED_BYTES']?.trim();
  if (!raw) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CliError(
      `[ERROR] [ros2bag]: ROS2TS_BAG_MAX_DECOMPRESSED_BYTES must be a positive number of bytes, not '${raw}'`,
    );
  }
  return n;
}

/** The bag at `path`, its warnings printed as ros2bag does; a bad bag is the command's error. */
async function openBag(path: string): Promise<BagReader> {
  let reader: BagReader;
  const maxDecompressedBytes = maxDecompressedBytesFromEnv();
  try {
    reader = await BagReader.open(path, { maxDecompressedBytes });
  } catch (error) {
    asCliError(error);
  }
  for (const w of reader.warnings) printError(`[WARN] [ros2bag]: ${w}`);
  return reader;
}

async function info(path: string): Promise<void> {
  const reader = await openBag(path);
  try {
    process.stdout.write(formatBagInfo(reader.metadata(), reader.bagSize));
  } finally {
    await reader.close();
  }
}

async function play(path: string, o: PlayOptions): Promise<void> {
  const reader = await openBag(path);
  const qosOverrides = qosOverridesOption(o.qosProfileOverridesPath);
  const remap = new Map<string, string>();
  for (const r of o.remap ?? []) {
    const [from, to] = r.split(':=');
    if (!from || !to) throw new CliError(`invalid remap '${r}': expected old:=new`);
    remap.set(from, to);
  }
  const clockHz = o.clock === undefined || o.clock === false ? 0 : o.clock === true ? 40 : Number(o.clock);
  const session = await Session.open('rosbag2_player');
  const stop = interrupted();
  try {
    const player = new Player(session.node, reader, {
      rate: numberOption(o.rate, '--rate', 1),
      loop: o.loop === true,
      ...(o.topics ? { topics: o.topics } : {}),
      startOffsetS: numberOption(o.startOffset, '--start-offset', 0),
      remap,
      clockHz,
      qosOverrides,
    });
    for (const topic of player.topicPublishers.keys()) {
      if (qosOverrides.has(topic))
        printError(`[INFO] [rosbag2_player]: Overriding QoS profile for topic ${topic}`);
    }
    const delay = numberOption(o.delay, '--delay', 0);
    if (delay > 0) await Promise.race([new Promise((r) => setTimeout(r, delay * 1000)), stop.promise]);
    void stop.promise.then(() => player.stop());
    await player.play();
    for (const p of player.topicPublishers.values()) await p.waitForAllAcked({ timeout: 2000 });
  } finally {
    stop.dispose();
    await session.close();
    await reader.close();
  }
}

export function registerBag(program: Command): void {
  const bag = program.command('bag').description('Various rosbag related sub-commands');
  bag
    .command('record')
    .description('Record ROS data to a bag')
    .argument('[topics...]', 'List of topics to record.')
    .option('--topics <topics...>', 'Space-delimited list of topics to record.')
    .option('-a, --all', 'Record all topics (hidden ones excluded; services are not recorded by ros2ts).')
    .option('--all-topics', 'Record all topics (Exclude hidden topic).')
    .option('-e, --regex <regex>', 'Record only topics containing provided regular expression.')
    .option('-x, --exclude-regex <regex>', 'Exclude topics containing provided regular expression.')
    .option('--exclude-topics <topics...>', 'Space-delimited list of topics not being recorded.')
    .option('--node-name <name>', 'Specify the recorder node name. Default is rosbag2_recorder.')
    .option(
      '-o, --output <uri>',
      'Destination of the bagfile to create, defaults to a timestamped folder in the current directory.',
    )
    .option('--include-hidden-topics', 'Record hidden topics too.')
    .option(
      '-b, --max-bag-size <bytes>',
      'Maximum size in bytes before the bagfile will be split (0: no split).',
    )
    .option(
      '-d, --max-bag-duration <seconds>',
      'Maximum duration in seconds before the bagfile will be split (0: no split).',
    )
    .option('--chunk-size <bytes>', 'ros2ts: MCAP chunk size in bytes (default 786432, as rosbag2).')
    .option('-s, --storage <id>', 'Storage identifier (only mcap).')
    .option(
      '--storage-preset-profile <profile>',
      'MCAP writer preset: none, fastwrite (no chunks, no summary CRC), zstd_fast (zstd chunks, fastest level) or zstd_small (zstd chunks, slowest level, 4 MiB).',
    )
    .option(
      '--compression-mode <mode>',
      'Choose mode of compression for the storage: none, message (each message) or file (each closed bag file to .zstd).',
    )
    .option(
      '--compression-format <format>',
      'Choose the compression format/algorithm (zstd), with --compression-mode.',
    )
    .option(
      '--qos-profile-overrides-path <path>',
      'Path to a yaml file defining overrides of the QoS profile for specific topics.',
    )
    .action(record);
  bag
    .command('info')
    .description('Print information about a bag to the screen')
    .argument('<bag_path>', 'Bag to open')
    .action(info);
  bag
    .command('play')
    .description('Play back ROS data from a bag')
    .argument('<bag_path>', 'Bag to open')
    .option('-r, --rate <factor>', 'rate at which to play back messages.')
    .option('-l, --loop', 'enables loop playback when playing a bagfile.')
    .option('--topics <topics...>', 'topics to replay.')
    .option('--start-offset <seconds>', 'Start the playback player this many seconds into the bag file.')
    .option('-m, --remap <old:=new...>', 'list of topics to be remapped.')
    .option('--clock [hz]', 'Publish to /clock at a specific frequency in Hz (default 40).')
    .option('-d, --delay <seconds>', 'Sleep duration before play (each loop), in seconds.')
    .option(
      '--qos-profile-overrides-path <path>',
      'Path to a yaml file defining overrides of the QoS profile for specific topics.',
    )
    .action(play);
}
