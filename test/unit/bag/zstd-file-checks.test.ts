/**
 * Without sockets: a FILE-mode `.zstd` has each frame's Content_Checksum checked (RFC 8878
 * section 3.1.1), as `zstd -d` checks it, and decompresses to a bounded size, refused when a
 * frame claims more or produces more. Frames come from the reference `zstd` tool (Debian's zstd
 * on the PATH, which writes checksums unless told --no-check), a few are crafted by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BagReader } from '../../../src/bag/index.js';
import { decompressFileZstd, defaultDecompressedLimit } from '../../../src/bag/zstd-file.js';
import { maxDecompressedBytesFromEnv } from '../../../src/cli/verbs/bag.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'zstd-checks-'));
  dirs.push(d);
  return d;
}

/** The zstd tool's compression of `input` (a stream: no content size in the header). */
function zstdOf(input: Uint8Array, ...args: string[]): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input });
}

/** The zstd tool's compression of `mib` MiB of zeros: KBs claiming nothing, producing much. */
function zeros(mib: number, ...args: string[]): Buffer {
  return execFileSync('sh', ['-c', `head -c ${mib}M /dev/zero | zstd -q -c ${args.join(' ')}`]);
}

/** Whether the zstd tool accepts the file. */
function zstdAccepts(file: string): boolean {
  try {
    execFileSync('zstd', ['-t', '-q', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Our decompression of `bytes` written to a file; the output, or the error's message. */
async function ours(
  bytes: Uint8Array,
  maxBytes?: number,
): Promise<{ file: string; out?: Buffer; error?: string }> {
  const dir = tempDir();
  const file = join(dir, 'x_0.mcap.zstd');
  writeFileSync(file, bytes);
  const target = join(dir, 'out');
  try {
    await decompressFileZstd(file, target, { maxBytes });
    return { file, out: readFileSync(target) };
  } catch (error) {
    expect((error as Error).name).toBe('BagError');
    // Nothing is left of a refused file.
    expect(existsSync(target)).toBe(false);
    return { file, error: (error as Error).message };
  }
}

function random(length: number): Uint8Array {
  const b = new Uint8Array(length);
  let s = 12345;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

describe('content checksum', () => {
  // Incompressible: the zstd tool stores it in raw blocks, so a flipped byte of content decodes
  // without complaint and only the checksum tells.
  const content = random(300_000);
  const good = zstdOf(content, '--check');
  const text = new TextEncoder().encode('frame_id: base_link\n'.repeat(20_000));

  it('passes what the zstd tool wrote, raw and compressed blocks, one frame or several', async () => {
    expect(good[4]! & 0x04).toBe(0x04);
    expect((await ours(good)).out?.equals(content)).toBe(true);
    const two = Buffer.concat([zstdOf(text), good]);
    expect((await ours(two)).out?.equals(Buffer.concat([text, content]))).toBe(true);
  });

  it('refuses a flipped byte of content, naming the file and the frame, as zstd -d does', async () => {
    const first = zstdOf(text);
    const damaged = Buffer.concat([first, good]);
    damaged[first.length + 150_000]! ^= 0x01;
    const { file, error } = await ours(damaged);
    expect(error).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}: zstd frame at byte offset ${first.length}: content checksum mismatch: stored 0x[0-9a-f]{8}, the decompressed data's 0x[0-9a-f]{8}$`,
      ),
    );
    expect(zstdAccepts(file)).toBe(false);
  });

  it('refuses a flipped byte of the checksum itself', async () => {
    const damaged = Buffer.from(good);
    damaged[damaged.length - 2]! ^= 0x80;
    const { file, error } = await ours(damaged);
    expect(error).toMatch(/zstd frame at byte offset 0: content checksum mismatch/);
    expect(zstdAccepts(file)).toBe(false);
  });

  it('a frame without a checksum (--no-check, as rosbag2 and BagWriter write) is read', async () => {
    const plain = zstdOf(content, '--no-check');
    expect(plain[4]! & 0x04).toBe(0);
    expect((await ours(plain)).out?.equals(content)).toBe(true);
  });
});

describe('decompressed size limit', () => {
  it('refuses a file producing more than the limit (zstd of 300 MiB of zeros, ~10 KB)', async () => {
    const bomb = zeros(300);
    expect(bomb.length).toBeLessThan(20_000);
    const { file, error } = await ours(bomb, 64 * 2 ** 20);
    expect(error).toBe(
      `${file}: zstd frame at byte offset 0: the file decompresses to more than 67108864 bytes, its limit; ` +
        'raise it with BagReader.open(path, { maxDecompressedBytes }) or, for the ros2ts CLI, ' +
        'ROS2TS_BAG_MAX_DECOMPRESSED_BYTES=BYTES',
    );
  });

  it('lets through a file of exactly the limit, not one byte more', async () => {
    const bytes = zeros(8);
    expect((await ours(bytes, 8 * 2 ** 20)).out?.length).toBe(8 * 2 ** 20);
    expect((await ours(bytes, 8 * 2 ** 20 - 1)).error).toMatch(/more than 8388607 bytes, its limit/);
  });

  it('counts every frame of the file: refused at the frame that goes past it', async () => {
    const frame = zeros(6);
    const { error } = await ours(Buffer.concat([frame, frame]), 10 * 2 ** 20);
    expect(error).toMatch(
      new RegExp(`zstd frame at byte offset ${frame.length}: the file decompresses to more`),
    );
  });

  it('refuses a frame whose header claims more, before decoding it', async () => {
    // Frame header: FCS 8 bytes, a 2 MiB window, content size 2^40; then one last RLE block of
    // 16 zeros. Decoded, it would be "16 bytes decompressed, its header says ..."; the claim is
    // refused first.
    const crafted = new Uint8Array([
      0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x58, 0, 0, 0, 0, 0, 1, 0, 0, 0x83, 0x00, 0x00, 0x00,
    ]);
    expect((await ours(crafted, 2 ** 30)).error).toMatch(
      /zstd frame at byte offset 0: the file decompresses to more than 1073741824 bytes/,
    );
    // The zstd tool's own claim (--stream-size writes the content size): refused as well.
    const claimed = zeros(20, '--stream-size=20M');
    expect(claimed[4]! & 0xc0).not.toBe(0);
    expect((await ours(claimed, 2 ** 20)).error).toMatch(/byte offset 0: the file decompresses to more/);
  });

  it('BagReader.open takes the limit, and a refused bag leaves no temporary folder', async () => {
    const ourDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('ros2ts-bag-'));
    const before = ourDirs();
    const file = join(tempDir(), 'bomb_0.mcap.zstd');
    writeFileSync(file, zeros(40));
    await expect(BagReader.open(file, { maxDecompressedBytes: 2 ** 20 })).rejects.toThrow(
      `${file}: zstd frame at byte offset 0: the file decompresses to more than 1048576 bytes`,
    );
    expect(ourDirs()).toEqual(before);
  });

  it('defaults to 1000 times the compressed size, at least 16 GiB', () => {
    expect(defaultDecompressedLimit(10_000)).toBe(16 * 2 ** 30);
    expect(defaultDecompressedLimit(100 * 2 ** 20)).toBe(100_000 * 2 ** 20);
  });

  it('the CLI takes it from ROS2TS_BAG_MAX_DECOMPRESSED_BYTES', () => {
    expect(maxDecompressedBytesFromEnv({})).toBeUndefined();
    expect(maxDecompressedBytesFromEnv({ ROS2TS_BAG_MAX_DECOMPRESSED_BYTES: '' })).toBeUndefined();
    expect(maxDecompressedBytesFromEnv({ ROS2TS_BAG_MAX_DECOMPRESSED_BYTES: '68719476736' })).toBe(2 ** 36);
    for (const bad of ['0', '-5', '16G', '1e9', '99999999999999999999']) {
      expect(() => maxDecompressedBytesFromEnv({ ROS2TS_BAG_MAX_DECOMPRESSED_BYTES: bad })).toThrow(
        /must be a positive number of bytes/,
      );
    }
  });
});
