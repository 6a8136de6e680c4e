/**
 * `ros2ts bag` as a user runs it (`node dist/src/cli/main.js`, built first: `npm run build`),
 * inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/bag-cli.test.ts
 *
 * A recorder stopped by SIGINT closes its bag; one killed with SIGKILL leaves a file that
 * `bag info` reads up to its last complete chunk, saying so; a corrupt summary makes `bag info`
 * fail naming its offset, a corrupt chunk `bag play`. Compressed recording as rosbag2 does it,
 * FILE mode checked with the reference `zstd` tool (Debian's zstd on the PATH).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapStreamReader } from '@mcap/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BagReader } from '../../src/bag/index.js';
import { parseMetadata } from '../../src/bag/metadata.js';
import { Context } from '../../src/nodes/context.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { collect } from '../support/collect.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

const root = join(import.meta.dirname, '..', '..');
const DOMAIN = 25;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ROS_DOMAIN_ID: String(DOMAIN),
  ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST',
};

interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children: ChildProcess[] = [];
function start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], {
    env: { ...env, ...extraEnv },
    cwd: root,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stderr: () => stderr, done };
}

let context: Context;
let sim: TurtlesimHandle;
let dir: string;

beforeAll(async () => {
  assertSandboxed('test/integration/bag-cli.test.ts');
  if (!existsSync(join(root, 'dist/src/cli/verbs/bag.js'))) throw new Error('run `npm run build` first');
  context = await Context.create({ discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] } });
  sim = startTurtlesim(context, { nodeOptions: { logSink: () => {}, enableRosout: false } });
  dir = mkdtempSync(join(tmpdir(), 'bag-cli-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await sim?.stop();
  await context?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function recordFor(ms: number, name: string, signal: NodeJS.Signals): Promise<Result> {
  const rec = start(['bag', 'record', '/turtle1/pose', '-o', join(dir, name), '--chunk-size', '1024']);
  await until(
    () => rec.stderr().includes("Subscribed to topic '/turtle1/pose'"),
    10_000,
    () => `the recorder: ${rec.stderr()}`,
  );
  await new Promise((r) => setTimeout(r, ms));
  rec.child.kill(signal);
  return rec.done;
}

describe('ros2ts bag', () => {
  it('record stops cleanly on SIGINT and info prints the bag in rosbag2 format', async () => {
    const rec = await recordFor(1500, 'clean', 'SIGINT');
    expect(rec.code).toBe(0);
    expect(existsSync(join(dir, 'clean', 'metadata.yaml'))).toBe(true);
    const info = await start(['bag', 'info', join(dir, 'clean')]).done;
    expect(info.code).toBe(0);
    expect(info.stderr).toBe('');
    expect(info.stdout).toMatch(
      /^\nFiles: {13}clean_0\.mcap\nBag size: {10}[\d.]+ KiB\nStorage id: {8}mcap\nROS Distro: {8}\S+\nDuration: {10}\d+\.\d{9}s\nStart: {13}\w{3} [ \d]\d \d{4} \d\d:\d\d:\d\d\.\d{9} \(\d+\.\d{9}\)\nEnd: {15}.*\nMessages: {10}(\d+)\nTopic information: Topic: \/turtle1\/pose \| Type: turtlesim\/msg\/Pose \| Count: (\d+) \| Serialization Format: cdr\nService: {11}0\nService information: \n$/,
    );
    const count = Number(/Messages: +(\d+)/.exec(info.stdout)![1]);
    expect(count).toBeGreaterThan(40); // turtlesim publishes its pose at ~62 Hz
  }, 30_000);

  it('a recorder killed with SIGKILL leaves a file info reads up to its last complete chunk', async () => {
    const rec = await recordFor(1500, 'killed', 'SIGKILL');
    expect(rec.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, 'killed', 'metadata.yaml'))).toBe(false);
    const info = await start(['bag', 'info', join(dir, 'killed')]).done;
    expect(info.code).toBe(0);
    expect(info.stderr).toMatch(
      /\[WARN\] \[ros2bag\]: .*killed_0\.mcap: the file ends at byte \d+ without its summary \(truncated record at byte offset \d+\); read up to its last complete chunk \(ending at byte \d+\): \d+ messages/,
    );
    const count = Number(/Messages: +(\d+)/.exec(info.stdout)![1]);
    expect(count).toBeGreaterThan(10);
  }, 30_000);

  it('a corrupt summary fails info, a corrupt chunk fails play, each naming the offset, exit 1', async () => {
    const src = join(dir, 'clean', 'clean_0.mcap');
    const walk = (bytes: Uint8Array, opcode: number) => {
      const view = new DataView(bytes.buffer);
      let offset = 8;
      while (bytes[offset] !== opcode) offset += 9 + Number(view.getBigUint64(offset + 1, true));
      return offset;
    };
    // info reads the summary only (as rosbag2 does): a flipped bit there fails its CRC.
    const summaryBad = new Uint8Array(readFileSync(src));
    const dataEnd = walk(summaryBad, 15);
    summaryBad[walk(summaryBad, 8) + 9 + 8]! ^= 0x01;
    const badSummary = join(dir, 'bad-summary.mcap');
    writeFileSync(badSummary, summaryBad);
    const info = await start(['bag', 'info', badSummary]).done;
    expect(info.code).toBe(1);
    expect(info.stdout).toBe('');
    expect(info.stderr.startsWith(`[ERROR] [ros2bag]: ${badSummary}: corrupt summary section: `)).toBe(true);
    expect(info.stderr).toMatch(
      new RegExp(`Incorrect summary CRC \\d+ \\(expected \\d+\\).* at byte offset ${dataEnd}\\n$`),
    );
    // play reads the chunks, each CRC checked: the corrupt one stops it with its offset.
    const chunkBad = new Uint8Array(readFileSync(src));
    const chunk = walk(chunkBad, 6);
    chunkBad[chunk + 9 + 40 + 30]! ^= 0x55;
    const badChunk = join(dir, 'bad-chunk.mcap');
    writeFileSync(badChunk, chunkBad);
    const play = await start(['bag', 'play', badChunk]).done;
    expect(play.code).toBe(1);
    expect(play.stderr).toContain(`${badChunk}: corrupt Chunk record: `);
    expect(play.stderr).toMatch(
      new RegExp(`Incorrect chunk CRC \\d+ \\(expected \\d+\\).* at byte offset ${chunk}\\n$`),
    );
  }, 30_000);

  it('play republishes the recorded bytes in order, remapped, with /clock in bag time', async () => {
    const recorded = await collect((await BagReader.open(join(dir, 'clean'))).messages());
    const listener = context.createNode('bag_listener', { logSink: () => {}, enableRosout: false });
    const got: Uint8Array[] = [];
    const clock: bigint[] = [];
    listener.createSubscription('turtlesim/msg/Pose', '/replayed_pose', (b) => got.push(b), 1000, {
      raw: true,
    });
    listener.createSubscription('rosgraph_msgs/msg/Clock', '/clock', (c) =>
      clock.push(BigInt(c.clock.sec) * 1_000_000_000n + BigInt(c.clock.nanosec)),
    );
    const play = await start([
      'bag',
      'play',
      join(dir, 'clean'),
      '--rate',
      '2',
      '--remap',
      '/turtle1/pose:=/replayed_pose',
      '--clock',
      '--delay',
      '1.5',
    ]).done;
    expect(play.code).toBe(0);
    await until(
      () => got.length === recorded.length,
      5000,
      () => `${recorded.length} poses, got ${got.length}`,
    );
    expect(got).toEqual(recorded.map((m) => m.data));
    expect(clock.length).toBeGreaterThan(3);
    expect(clock[0]! >= recorded[0]!.logTimeNs).toBe(true);
    expect(clock.at(-1)! <= recorded.at(-1)!.logTimeNs + 100_000_000n).toBe(true);
    await listener.destroy();
  }, 30_000);

  it('record -e selects topics by regular expression', async () => {
    const rec = start(['bag', 'record', '-e', 'pose$', '-o', join(dir, 'regex')]);
    await until(
      () => rec.stderr().includes("Subscribed to topic '/turtle1/pose'"),
      10_000,
      () => rec.stderr(),
    );
    await new Promise((r) => setTimeout(r, 500));
    rec.child.kill('SIGINT');
    expect((await rec.done).code).toBe(0);
    const topics = (await BagReader.open(join(dir, 'regex'))).topics().map((t) => t.topic.name);
    expect(topics).toEqual(['/turtle1/pose']);
  }, 30_000);

  it('refuses a QoS override file rosbag2 would refuse, before creating the bag', async () => {
    const overrides = join(dir, 'overrides.yaml');
    writeFileSync(overrides, '/turtle1/pose:\n  depth: 10\n  deadline:\n    sec: 2\n');
    const r = await start([
      'bag',
      'record',
      '-a',
      '--qos-profile-overrides-path',
      overrides,
      '-o',
      join(dir, 'q'),
    ]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `[ERROR] [ros2bag]: ${overrides}: /turtle1/pose: Time overrides must include both seconds (sec) and nanoseconds (nsec).\n`,
    );
    expect(readdirSync(dir)).not.toContain('q');
  });

  it('records compressed as rosbag2 does: zstd chunks (preset) and zstd messages (message mode)', async () => {
    const runs = {
      preset: ['--storage-preset-profile', 'zstd_fast'],
      small: ['--storage-preset-profile', 'zstd_small'],
      fastwrite: ['--storage-preset-profile', 'fastwrite'],
      message: ['--compression-mode', 'message', '--compression-format', 'zstd'],
    };
    const recs = Object.entries(runs).map(([name, args]) => ({
      name,
      rec: start(['bag', 'record', '/turtle1/pose', ...args, '-o', join(dir, name)]),
    }));
    for (const { rec } of recs) {
      await until(
        () => rec.stderr().includes("Subscribed to topic '/turtle1/pose'"),
        10_000,
        () => rec.stderr(),
      );
    }
    // 60 poses a second: over 1 KiB of records, so zstd_fast compresses the chunk.
    await new Promise((r) => setTimeout(r, 1000));
    for (const { rec } of recs) rec.child.kill('SIGINT');
    for (const { rec } of recs) expect((await rec.done).code).toBe(0);
    const mcap = readFileSync(join(dir, 'preset', 'preset_0.mcap'));
    expect(mcap.includes('zstd')).toBe(true);
    const yaml = readFileSync(join(dir, 'message', 'metadata.yaml'), 'utf8');
    expect(yaml).toContain('compression_format: zstd\n  compression_mode: MESSAGE\n');
    for (const { name } of recs) {
      const poses = await collect((await BagReader.open(join(dir, name))).messages());
      expect(poses.length).toBeGreaterThan(20);
      // Each a turtlesim/msg/Pose as sent: CDR header and five float32.
      expect(poses.every((m) => m.data.length === 24 && m.data[1] === 1)).toBe(true);
    }
  }, 30_000);

  it('file mode: each closed file becomes .mcap.zstd (zstd -d gives valid MCAP); info and play read it', async () => {
    const bag = join(dir, 'filemode');
    const rec = start([
      'bag',
      'record',
      '/turtle1/pose',
      '--compression-mode',
      'file',
      '--compression-format',
      'zstd',
      '--chunk-size',
      '1024',
      '-b',
      '3000',
      '-o',
      bag,
    ]);
    await until(
      () => rec.stderr().includes("Subscribed to topic '/turtle1/pose'"),
      10_000,
      () => rec.stderr(),
    );
    await new Promise((r) => setTimeout(r, 1500));
    rec.child.kill('SIGINT');
    expect((await rec.done).code).toBe(0);
    const m = parseMetadata(readFileSync(join(bag, 'metadata.yaml'), 'utf8'));
    expect([m.compressionFormat, m.compressionMode]).toEqual(['zstd', 'FILE']);
    expect(m.relativeFilePaths.length).toBeGreaterThan(1);
    expect(m.relativeFilePaths).toEqual(m.relativeFilePaths.map((_, i) => `filemode_${i}.mcap.zstd`));
    expect(readdirSync(bag).sort()).toEqual([...m.relativeFilePaths, 'metadata.yaml'].sort());
    let poses = 0;
    for (const f of m.relativeFilePaths) {
      const mcap = execFileSync('zstd', ['-d', '-q', '-c', join(bag, f)]);
      const reader = new McapStreamReader({ validateCrcs: true });
      reader.append(mcap);
      for (let r = reader.nextRecord(); r; r = reader.nextRecord()) if (r.type === 'Message') poses++;
      expect(reader.done()).toBe(true);
    }
    expect(poses).toBe(m.messageCount);
    expect(poses).toBeGreaterThan(40);
    // Their own temporary folder, to see that info and play leave nothing in it.
    const tmp = join(dir, 'filemode-tmp');
    mkdirSync(tmp);
    const info = await start(['bag', 'info', bag], { TMPDIR: tmp }).done;
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(
      `Files:             filemode_0.mcap.zstd\n${' '.repeat(19)}filemode_1.mcap.zstd\n`,
    );
    expect(Number(/Messages: +(\d+)/.exec(info.stdout)![1])).toBe(poses);
    const reader = await BagReader.open(bag);
    const recorded = await collect(reader.messages());
    await reader.close();
    const listener = context.createNode('filemode_listener', { logSink: () => {}, enableRosout: false });
    const got: Uint8Array[] = [];
    listener.createSubscription('turtlesim/msg/Pose', '/filemode_pose', (b) => got.push(b), 1000, {
      raw: true,
    });
    const play = await start(
      ['bag', 'play', bag, '--rate', '4', '--remap', '/turtle1/pose:=/filemode_pose', '--delay', '1.5'],
      { TMPDIR: tmp },
    ).done;
    expect(play.code).toBe(0);
    await until(
      () => got.length === recorded.length,
      5000,
      () => `${recorded.length} poses, got ${got.length}`,
    );
    expect(got).toEqual(recorded.map((x) => x.data));
    await listener.destroy();
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);

  it('refuses what rosbag2 refuses or ros2ts does not write, before creating the bag', async () => {
    const cases = [
      [['--compression-format', 'zstd'], /Cannot specify compression format without a compression mode/],
      [['--compression-mode', 'file', '--compression-format', 'lz4'], /'lz4' is not supported/],
      [['--storage-preset-profile', 'resilient'], /unknown MCAP storage preset profile/],
    ] as const;
    for (const [args, error] of cases) {
      const r = await start(['bag', 'record', '-a', ...args, '-o', join(dir, 'z')]).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(error);
      expect(readdirSync(dir)).not.toContain('z');
    }
  });
});
