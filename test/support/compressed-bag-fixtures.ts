/**
 * Makes test/unit/bag/fixtures/*.mcap: MCAP files compressed by the reference `lz4` and `zstd`
 * command-line tools (LZ4 frames and zstd frames from the C libraries), never by ros2ts, so our
 * reader is checked against an independent encoder; and fixtures/file-mode/, a FILE-mode bag
 * whose file the zstd tool compressed whole. Written with @mcap/core's McapWriter; the
 * poses are CDR bytes laid out by hand. Needs `lz4` and `zstd` on the PATH (Debian's packages):
 *
 *   npx tsc --outDir /tmp/fixtures --module nodenext --target es2022 test/support/compressed-bag-fixtures.ts
 *   node /tmp/fixtures/compressed-bag-fixtures.js test/unit/bag/fixtures
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McapWriter, TempBuffer } from '@mcap/core';

export const FIXTURE_T0 = 1_700_000_000_000_000_000n;
export const FIXTURE_COUNT = 60;

/** turtlesim/msg/Pose number i: CDR little-endian header, then five float32. */
export function fixturePose(i: number): Uint8Array {
  const bytes = new Uint8Array(4 + 5 * 4);
  bytes.set([0, 1, 0, 0]);
  const view = new DataView(bytes.buffer);
  for (const [k, v] of [i, i / 2, 0.1 * i, 2, 1.8].entries()) view.setFloat32(4 + 4 * k, v, true);
  return bytes;
}

const POSE_TEXT =
  'float32 x\nfloat32 y\nfloat32 theta\n\nfloat32 linear_velocity\nfloat32 angular_velocity\n';

/** `tool` over `data` through temporary files (so zstd records the content size). */
function viaTool(
  tool: string,
  args: (input: string, output: string) => string[],
  data: Uint8Array,
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
  try {
    const input = join(dir, 'in');
    const output = join(dir, 'out');
    writeFileSync(input, data);
    execFileSync(tool, args(input, output));
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rosbag2's FILE-mode metadata.yaml for the fixture bag (one file, as Jazzy writes it). */
export function fileModeMetadata(name: string): string {
  const t = FIXTURE_T0.toString();
  const d = (BigInt(FIXTURE_COUNT - 1) * 16_000_000n).toString();
  return `rosbag2_bagfile_information:
  version: 9
  storage_identifier: mcap
  duration:
    nanoseconds: ${d}
  starting_time:
    nanoseconds_since_epoch: ${t}
  message_count: ${FIXTURE_COUNT}
  topics_with_message_count:
    - topic_metadata:
        name: /turtle1/pose
        type: turtlesim/msg/Pose
        serialization_format: cdr
        offered_qos_profiles: []
        type_description_hash: ""
      message_count: ${FIXTURE_COUNT}
  compression_format: zstd
  compression_mode: FILE
  relative_file_paths:
    - ${name}_0.mcap.zstd
  files:
    - path: ${name}_0.mcap
      starting_time:
        nanoseconds_since_epoch: ${t}
      duration:
        nanoseconds: ${d}
      message_count: ${FIXTURE_COUNT}
  custom_data: ~
  ros_distro: jazzy
`;
}

async function writeFixture(
  path: string,
  compressChunk: ((chunk: Uint8Array) => { compression: string; compressedData: Uint8Array }) | undefined,
  message: (data: Uint8Array) => Uint8Array,
  rosbag2Yaml: string | undefined,
): Promise<void> {
  const out = new TempBuffer();
  const writer = new McapWriter({
    writable: out,
    chunkSize: 512,
    ...(compressChunk ? { compressChunk } : {}),
  });
  await writer.start({ profile: 'ros2', library: 'fixture' });
  const schemaId = await writer.registerSchema({
    name: 'turtlesim/msg/Pose',
    encoding: 'ros2msg',
    data: new TextEncoder().encode(POSE_TEXT),
  });
  const channelId = await writer.registerChannel({
    schemaId,
    topic: '/turtle1/pose',
    messageEncoding: 'cdr',
    metadata: new Map(),
  });
  for (let i = 0; i < FIXTURE_COUNT; i++) {
    const t = FIXTURE_T0 + BigInt(i) * 16_000_000n;
    await writer.addMessage({
      channelId,
      sequence: i,
      logTime: t,
      publishTime: t,
      data: message(fixturePose(i)),
    });
  }
  if (rosbag2Yaml)
    await writer.addMetadata({ name: 'rosbag2', metadata: new Map([['serialized_metadata', rosbag2Yaml]]) });
  await writer.end();
  writeFileSync(path, out.get());
}

async function main(dir: string): Promise<void> {
  // Chunks as LZ4 frames (the MCAP spec's `lz4`), as the mcap CLI and Foxglove's tools write them.
  await writeFixture(
    join(dir, 'lz4-chunks.mcap'),
    (chunk) => ({ compression: 'lz4', compressedData: viaTool('lz4', (i, o) => ['-q', '-f', i, o], chunk) }),
    (data) => data,
    undefined,
  );
  // rosbag2_compression's message mode: each message one zstd frame, level 1, and the mode in the
  // file's rosbag2 record (what rosbag2 writes there too).
  await writeFixture(
    join(dir, 'zstd-messages.mcap'),
    undefined,
    (data) => viaTool('zstd', (i, o) => ['-q', '-f', '-1', i, '-o', o], data),
    'version: 9\nstorage_identifier: mcap\ncompression_format: zstd\ncompression_mode: MESSAGE\nros_distro: jazzy\n',
  );
  // rosbag2_compression's FILE mode: the closed MCAP file compressed whole. Piped through the
  // zstd tool's stdin, so it is one streamed frame without content size, as rosbag2's
  // ZSTD_compressStream2 writes a file over 128 KiB; level 3, rosbag2's (zstd's default).
  const bag = join(dir, 'file-mode');
  mkdirSync(bag, { recursive: true });
  const plain = join(bag, 'file-mode_0.mcap');
  await writeFixture(
    plain,
    undefined,
    (data) => data,
    'version: 9\nstorage_identifier: mcap\ncompression_format: zstd\ncompression_mode: FILE\nros_distro: jazzy\n',
  );
  writeFileSync(`${plain}.zstd`, execFileSync('zstd', ['-q', '-3', '-c'], { input: readFileSync(plain) }));
  rmSync(plain);
  writeFileSync(join(bag, 'metadata.yaml'), fileModeMetadata('file-mode'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2] ?? '.');
}
