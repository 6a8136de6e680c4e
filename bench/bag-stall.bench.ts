/**
 * The recorder's event-loop stall under heavy chunk compression (no sockets): a BagWriter fed a
 * steady stream (default 3 MB/s, 100 KB messages at 30 Hz, noisy but compressible like sensor
 * data) with `--storage-preset-profile zstd_small` (zstd level 19, 4 MiB chunks), for a fixed
 * time, while perf_hooks.monitorEventLoopDelay watches the loop. Two writers, same stream:
 *   worker  ros2ts's McapFileWriter: chunks compressed in the zstd worker (zstd-worker.ts)
 *   sync    @mcap/core's McapWriter compressing each chunk on the loop (ros2ts before the worker)
 * Each row: the stream's rate, the loop's delay (max, p99, mean, in ms), how late the stream's
 * own timer fired at worst, and how long closing took (the last chunks' compression).
 *
 *   node dist/bench/bag-stall.bench.js [--json]
 *   BENCH_STALL_SECONDS (default 10), BENCH_STALL_MBPS (default 3), BENCH_STALL_MODES (worker,sync)
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { McapWriter } from '@mcap/core';
import { BagWriter } from '../src/bag/bag-writer.js';
import { compressZstd, loadZstd } from '../src/bag/compression.js';

const SECONDS = Number(process.env['BENCH_STALL_SECONDS'] ?? 10);
const MBPS = Number(process.env['BENCH_STALL_MBPS'] ?? 3);
const MODES = (process.env['BENCH_STALL_MODES'] ?? 'worker,sync').split(',');
const HZ = 30;
const SIZE = Math.round((MBPS * 1e6) / HZ);
const json = process.argv.includes('--json');

/** A message like a depth image row block: a smooth signal plus a little noise. */
function message(i: number): Uint8Array {
  const b = new Uint8Array(SIZE);
  let seed = (i * 2654435761) >>> 0;
  for (let k = 0; k < b.length; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    b[k] = (128 + 100 * Math.sin((k + i * 97) / 180) + ((seed >>> 28) & 7)) & 0xff;
  }
  return b;
}

interface Sink {
  write(i: number, data: Uint8Array, t: bigint): Promise<void>;
  close(): Promise<void>;
}

async function workerSink(dir: string): Promise<Sink> {
  const w = await BagWriter.open(join(dir, 'worker'), { storagePresetProfile: 'zstd_small' });
  w.addTopic({ name: '/data', type: 'std_msgs/msg/String' });
  return {
    write: (_i, data, t) => w.write('/data', data, { logTimeNs: t }),
    close: async () => {
      await w.close();
    },
  };
}

/** What McapFileWriter did before the worker: @mcap/core's writer, zstd on the caller's thread. */
async function syncSink(dir: string): Promise<Sink> {
  await loadZstd();
  const fd = openSync(join(dir, 'sync.mcap'), 'wx');
  let written = 0n;
  const writer = new McapWriter({
    writable: {
      write: async (buffer) => {
        writeSync(fd, buffer);
        written += BigInt(buffer.byteLength);
      },
      position: () => written,
    },
    chunkSize: 4 * 1024 * 1024,
    compressChunk: (chunk) => ({ compression: 'zstd', compressedData: compressZstd(chunk, 19) }),
  });
  await writer.start({ profile: 'ros2', library: 'bench' });
  const schemaId = await writer.registerSchema({
    name: 'std_msgs/msg/String',
    encoding: 'ros2msg',
    data: new Uint8Array(),
  });
  const channelId = await writer.registerChannel({
    schemaId,
    topic: '/data',
    messageEncoding: 'cdr',
    metadata: new Map(),
  });
  let tail = Promise.resolve();
  return {
    write: (i, data, t) => {
      tail = tail.then(() => writer.addMessage({ channelId, sequence: i, logTime: t, publishTime: t, data }));
      return tail;
    },
    close: async () => {
      await tail;
      await writer.end();
      closeSync(fd);
    },
  };
}

async function run(mode: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bag-stall-'));
  try {
    const sink = mode === 'sync' ? await syncSink(dir) : await workerSink(dir);
    const messages = Array.from({ length: 16 }, (_, i) => message(i));
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t0 = performance.now();
    let sent = 0;
    let worstLateMs = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        // Catch up on the messages due by now: a stalled loop sends them late, in a burst.
        const due = Math.floor(((now - t0) / 1000) * HZ);
        worstLateMs = Math.max(worstLateMs, now - (t0 + (sent * 1000) / HZ));
        while (sent < due && sent < SECONDS * HZ) {
          const t = BigInt(Math.round((performance.timeOrigin + now) * 1e6));
          void sink.write(sent, messages[sent % messages.length]!, t);
          sent++;
        }
        if (sent >= SECONDS * HZ) {
          clearInterval(timer);
          resolve();
        }
      }, 1000 / HZ);
    });
    const streamMs = performance.now() - t0;
    const c0 = performance.now();
    await sink.close();
    const closeMs = performance.now() - c0;
    delay.disable();
    return {
      mode,
      seconds: SECONDS,
      mbPerS: Number(((sent * SIZE) / 1e6 / (streamMs / 1000)).toFixed(2)),
      messages: sent,
      loopDelayMaxMs: Number((delay.max / 1e6).toFixed(1)),
      loopDelayP99Ms: Number((delay.percentile(99) / 1e6).toFixed(1)),
      loopDelayMeanMs: Number((delay.mean / 1e6).toFixed(1)),
      worstTimerLateMs: Number(worstLateMs.toFixed(1)),
      closeMs: Math.round(closeMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const mode of MODES) {
  const row = await run(mode);
  if (json) console.log(JSON.stringify(row));
  else
    console.log(
      `${row.mode.padEnd(7)} ${row.mbPerS} MB/s ${row.messages} msgs  loop delay max ${row.loopDelayMaxMs} ms, p99 ${row.loopDelayP99Ms} ms, mean ${row.loopDelayMeanMs} ms; stream timer late by up to ${row.worstTimerLateMs} ms; close ${row.closeMs} ms`,
    );
}
