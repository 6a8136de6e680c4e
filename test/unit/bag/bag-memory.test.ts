/**
 * BagReader's memory does not grow with the bag: a ~200 MB bag is written to a temporary folder,
 * then opened (`bag info`'s read: the summary) and read message by message (`bag play`'s read),
 * and the growth of the process's memory while reading stays far below the file's size; the same
 * for the file cut short (a killed recorder: no summary, read forwards). The old whole-file reader
 * grew by at least the file size here.
 */
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BagReader, BagWriter } from '../../../src/bag/index.js';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 3200; // 200 MiB of payload
const BOUND = 64 * 1024 * 1024; // a third of the file

const dir = mkdtempSync(join(tmpdir(), 'bag-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Sample = { rss: number; arrayBuffers: number };
function sample(): Sample {
  const m = process.memoryUsage();
  return { rss: m.rss, arrayBuffers: m.arrayBuffers };
}

function report(what: string, size: number, grew: Sample): void {
  console.log(
    `${what}: bag ${(size / 2 ** 20).toFixed(0)} MiB read; memory grew by rss ${(grew.rss / 2 ** 20).toFixed(1)} MiB, arrayBuffers ${(grew.arrayBuffers / 2 ** 20).toFixed(1)} MiB`,
  );
  expect(grew.arrayBuffers).toBeLessThan(BOUND);
  expect(grew.rss).toBeLessThan(BOUND);
}

/** Opens the bag and reads every message, checking each is the one written; the peak growth. */
async function readAll(bag: string) {
  (globalThis as { gc?: () => void }).gc?.();
  const base = sample();
  let peak = base;
  const note = () => {
    const s = sample();
    peak = { rss: Math.max(peak.rss, s.rss), arrayBuffers: Math.max(peak.arrayBuffers, s.arrayBuffers) };
  };
  const reader = await BagReader.open(bag);
  note();
  const count = reader.metadata().messageCount;
  let n = 0;
  for await (const m of reader.messages()) {
    if (m.data[0] !== (n & 0xff) || m.data[MESSAGE_BYTES - 1] !== n >> 8) throw new Error(`message ${n}`);
    n++;
    if (n % 50 === 0) note();
  }
  note();
  expect(n).toBe(count);
  const grew = { rss: peak.rss - base.rss, arrayBuffers: peak.arrayBuffers - base.arrayBuffers };
  return { count, warnings: reader.warnings, grew };
}

describe('BagReader memory', () => {
  it('stays bounded reading a 200 MB bag: summary, then every message', async () => {
    const bag = join(dir, 'big');
    const w = BagWriter.create(bag, { rosDistro: 'jazzy' });
    w.addTopic({ name: '/blob', type: 'std_msgs/msg/UInt8MultiArray' });
    const payload = new Uint8Array(MESSAGE_BYTES);
    for (let i = 0; i < MESSAGES; i++) {
      payload[0] = i & 0xff;
      payload[MESSAGE_BYTES - 1] = i >> 8;
      await w.write('/blob', payload, { logTimeNs: 1_000_000_000n + BigInt(i) * 1_000_000n });
    }
    await w.close();
    const fileSize = statSync(join(bag, 'big_0.mcap')).size;
    expect(fileSize).toBeGreaterThan(MESSAGES * MESSAGE_BYTES);

    const whole = await readAll(bag);
    expect(whole.warnings).toEqual([]);
    expect(whole.count).toBe(MESSAGES);
    report('whole', fileSize, whole.grew);

    // Cut at three quarters: no summary, so the forward scan (twice: open, then the messages).
    truncateSync(join(bag, 'big_0.mcap'), Math.floor(fileSize * 0.75));
    const cut = await readAll(bag);
    expect(cut.warnings[0]).toMatch(/without its summary/);
    expect(cut.count).toBeGreaterThan(MESSAGES * 0.7);
    expect(cut.count).toBeLessThanOrEqual(MESSAGES * 0.75);
    report('cut', fileSize * 0.75, cut.grew);
  }, 60_000);
});
