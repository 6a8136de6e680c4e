/**
 * Compressed bags without sockets: rosbag2_storage_mcap's zstd presets (zstd chunks) and
 * rosbag2_compression's message mode, written by BagWriter and read back by BagReader (whose zstd
 * decoder, fzstd, is another implementation than the writer's), validated by @mcap/core; and
 * files compressed by the reference lz4 and zstd tools (fixtures/, made by
 * test/support/compressed-bag-fixtures.ts) read back.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader, type TypedMcapRecord } from '@mcap/core';
import { decompress } from 'fzstd';
import { afterEach, describe, expect, it } from 'vitest';
import { BagReader, BagWriter, type BagWriterOptions } from '../../../src/bag/index.js';
import { parseMetadata } from '../../../src/bag/metadata.js';
import { encode } from '../../../src/cdr/index.js';
import { collect } from '../../support/collect.js';
import { FIXTURE_COUNT, FIXTURE_T0, fixturePose } from '../../support/compressed-bag-fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bag-zstd-'));
  dirs.push(d);
  return d;
}

const T0 = 1_700_000_000_000_000_000n;
const poses = Array.from({ length: 300 }, (_, i) =>
  encode('turtlesim/msg/Pose', { x: i, y: i / 2, theta: 0.1 * i, linear_velocity: 2, angular_velocity: 1.8 }),
);
const zstdDecode = (data: Uint8Array, size: bigint) => decompress(data, new Uint8Array(Number(size)));

async function writeBag(options: BagWriterOptions): Promise<string> {
  const bag = join(tempDir(), 'z');
  const w = await BagWriter.open(bag, { rosDistro: 'jazzy', ...options });
  w.addTopic({ name: '/turtle1/pose', type: 'turtlesim/msg/Pose' });
  await Promise.all(
    poses.map((p, i) => w.write('/turtle1/pose', p, { logTimeNs: T0 + BigInt(i) * 16_000_000n })),
  );
  await w.close();
  return bag;
}

/** Every record of a file, through @mcap/core's stream reader with CRCs checked. */
function records(file: string): TypedMcapRecord[] {
  const reader = new McapStreamReader({ validateCrcs: true, decompressHandlers: { zstd: zstdDecode } });
  reader.append(readFileSync(file));
  const out: TypedMcapRecord[] = [];
  for (let r = reader.nextRecord(); r; r = reader.nextRecord()) out.push(r);
  expect(reader.done()).toBe(true);
  return out;
}

/** The compression of each Chunk record, walking the file's top-level records. */
function chunkCompressions(file: string): string[] {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let offset = 8; offset < bytes.length - 8; ) {
    const opcode = bytes[offset];
    if (opcode === 2) break;
    if (opcode === 6) {
      const at = offset + 37;
      out.push(bytes.subarray(at + 4, at + 4 + view.getUint32(at, true)).toString());
    }
    offset += 9 + Number(view.getBigUint64(offset + 1, true));
  }
  return out;
}

async function indexedRead(file: string) {
  const bytes = readFileSync(file);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: async () => BigInt(bytes.length),
      read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
    },
    decompressHandlers: { zstd: zstdDecode },
  });
  return { reader, messages: await collect(reader.readMessages({ validateCrcs: true })) };
}

describe('zstd chunks (--storage-preset-profile)', () => {
  it('zstd_fast: zstd chunks that @mcap/core validates and BagReader reads back byte for byte', async () => {
    const bag = await writeBag({ storagePresetProfile: 'zstd_fast', chunkSize: 4096 });
    const file = join(bag, 'z_0.mcap');
    const kinds = chunkCompressions(file);
    expect(kinds.length).toBeGreaterThan(2);
    // The last chunk holds the rest: under 1 KiB mcap C++ would not compress it either.
    expect(new Set(kinds.slice(0, -1))).toEqual(new Set(['zstd']));
    const all = records(file).filter((r) => r.type === 'Message');
    expect(all.map((m) => [...m.data])).toEqual(poses.map((p) => [...p]));
    const { reader, messages } = await indexedRead(file);
    expect(reader.chunkIndexes.map((c) => c.compression)).toEqual(kinds);
    expect(messages).toHaveLength(poses.length);
    const r = await BagReader.open(bag);
    expect((await collect(r.messages())).map((m) => [...m.data])).toEqual(poses.map((p) => [...p]));
    // Chunk compression is the storage's: rosbag2 leaves metadata.yaml's compression fields empty.
    const m = parseMetadata(readFileSync(join(bag, 'metadata.yaml'), 'utf8'));
    expect([m.compressionFormat, m.compressionMode]).toEqual(['', '']);
  });

  it('zstd_small: one 4 MiB chunk by default, smaller than zstd_fast; tiny chunks stay uncompressed', async () => {
    const small = join(await writeBag({ storagePresetProfile: 'zstd_small' }), 'z_0.mcap');
    const fast = join(await writeBag({ storagePresetProfile: 'zstd_fast' }), 'z_0.mcap');
    // 300 poses (about 17 KB of records) fit one zstd_small chunk, and one of the default 768 KiB.
    expect(chunkCompressions(small)).toEqual(['zstd']);
    const chunkSize = (f: string) =>
      records(f)
        .filter((r) => r.type === 'ChunkIndex')
        .map((c) => (c.type === 'ChunkIndex' ? c.compressedSize : 0n));
    expect(chunkSize(small)[0]!).toBeLessThan(chunkSize(fast)[0]!);
    // Under 1 KiB, mcap C++ writes a chunk uncompressed (MIN_COMPRESSION_SIZE).
    const tiny = join(await writeBag({ storagePresetProfile: 'zstd_fast', chunkSize: 200 }), 'z_0.mcap');
    expect(new Set(chunkCompressions(tiny))).toEqual(new Set(['']));
  });

  it('refuses presets rosbag2 does not have, before creating the bag', async () => {
    const dir = tempDir();
    await expect(BagWriter.open(join(dir, 'a'), { storagePresetProfile: 'resilient' })).rejects.toThrow(
      /unknown MCAP storage preset profile/,
    );
    expect(() => BagWriter.create(join(dir, 'c'), { storagePresetProfile: 'bogus' })).toThrow(/preset/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('message compression (--compression-mode message --compression-format zstd)', () => {
  it('stores each message as a zstd frame, says so in metadata.yaml and the file, and reads back', async () => {
    const bag = await writeBag({ compressionMode: 'message', compressionFormat: 'zstd', chunkSize: 4096 });
    const file = join(bag, 'z_0.mcap');
    const yaml = readFileSync(join(bag, 'metadata.yaml'), 'utf8');
    expect(yaml).toContain('\n  compression_format: zstd\n  compression_mode: MESSAGE\n');
    const stored = records(file);
    const messages = stored.filter((r) => r.type === 'Message');
    expect(messages).toHaveLength(poses.length);
    for (const [i, m] of messages.entries()) {
      expect([...m.data.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]); // zstd frame magic
      expect([...decompress(m.data)]).toEqual([...poses[i]!]);
    }
    const record = stored.find((r) => r.type === 'Metadata' && r.name === 'rosbag2');
    const inFile = parseMetadata(
      record?.type === 'Metadata' ? record.metadata.get('serialized_metadata')! : '',
    );
    expect([inFile.compressionFormat, inFile.compressionMode]).toEqual(['zstd', 'MESSAGE']);
    await indexedRead(file);
    for (const path of [bag, file]) {
      // The bag by its metadata.yaml; the file alone by its rosbag2 record.
      const r = await BagReader.open(path);
      expect(r.metadata()).toMatchObject({ compressionFormat: 'zstd', compressionMode: 'MESSAGE' });
      expect((await collect(r.messages())).map((m) => [...m.data])).toEqual(poses.map((p) => [...p]));
    }
  });

  it('refuses a format without a mode and formats rosbag2 has not, as ros2bag does', async () => {
    const dir = tempDir();
    const open = (o: BagWriterOptions) => BagWriter.open(join(dir, 'x'), o);
    await expect(open({ compressionFormat: 'zstd' })).rejects.toThrow(
      'Invalid choice: Cannot specify compression format without a compression mode.',
    );
    await expect(open({ compressionMode: 'message', compressionFormat: 'lz4' })).rejects.toThrow(
      /'lz4' is not supported/,
    );
    await expect(open({ compressionMode: 'message' })).rejects.toThrow(/'' is not supported/);
  });

  it('a message that is not a zstd frame is an error naming the file and topic', async () => {
    const bag = await writeBag({ compressionMode: 'message', compressionFormat: 'zstd' });
    // Uncompressed messages under a metadata.yaml that says MESSAGE: they fail to decompress.
    const plain = await writeBag({});
    writeFileSync(join(plain, 'metadata.yaml'), readFileSync(join(bag, 'metadata.yaml')));
    const r = await BagReader.open(plain);
    await expect(collect(r.messages())).rejects.toThrow(
      /z_0\.mcap: the zstd message on \/turtle1\/pose logged at/,
    );
  });
});

describe('files from independent encoders', () => {
  const fixtures = join(import.meta.dirname, 'fixtures');
  const expected = Array.from({ length: FIXTURE_COUNT }, (_, i) => [...fixturePose(i)]);

  it('lz4 chunks (LZ4 frames from the lz4 tool) are read, with and without the summary', async () => {
    const file = join(fixtures, 'lz4-chunks.mcap');
    expect(new Set(chunkCompressions(file))).toEqual(new Set(['lz4']));
    const r = await BagReader.open(file);
    expect(r.warnings).toEqual([]);
    expect(r.metadata()).toMatchObject({ messageCount: FIXTURE_COUNT, startNs: FIXTURE_T0 });
    expect((await collect(r.messages())).map((m) => [...m.data])).toEqual(expected);
    // Cut inside the last chunks: the forward scan reads the whole lz4 chunks before the cut.
    const bytes = readFileSync(file);
    const cut = join(tempDir(), 'cut.mcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const scanned = await BagReader.open(cut);
    expect(scanned.warnings[0]).toMatch(/without its summary/);
    const got = (await collect(scanned.messages())).map((m) => [...m.data]);
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(expected.slice(0, got.length));
  });

  it('zstd frames from the zstd tool, in message mode (named by the file rosbag2 record), are read', async () => {
    const r = await BagReader.open(join(fixtures, 'zstd-messages.mcap'));
    expect(r.metadata()).toMatchObject({ compressionFormat: 'zstd', compressionMode: 'MESSAGE' });
    expect((await collect(r.messages())).map((m) => [...m.data])).toEqual(expected);
  });
});
