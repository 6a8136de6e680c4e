/**
 * `npm run bench:bag` (runs inside scripts/netns-run): `ros2ts bag record` under load, as the
 * issue asks: a publisher process and a recorder process (bench/bag-peer.ts, the recorder being
 * what `bag record` runs) on loopback, for a fixed time, at
 *   1 MB/s     100 KB messages at 10 Hz
 *   100 MB/s   1 MB messages at 100 Hz
 *   1 kHz      64 B messages at 1000 Hz
 * (reliable; the publisher KEEP_LAST 100, the recorder asking as rosbag2 does). Each row: what
 * the publisher sent (messages, MB/s over its sending time, its CPU) beside what the recorder
 * received and wrote (messages lost), the bag's bytes and disk write rate, the recorder's CPU
 * (process.cpuUsage, as % of one core from ready to closed) and its RSS at start, end and peak.
 * Bags go to a temporary folder, deleted after.
 *   BENCH_BAG_SECONDS   seconds of publishing per case (default 10)
 *   BENCH_BAG_CASES     some cases only, e.g. "1MB/s,1kHz"
 *   BENCH_BAG_DEPTH     the publisher's KEEP_LAST depth (default 100; 0: KEEP_ALL)
 *   --json              one JSON object per case
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { exitUnlessSandboxed } from './sandbox.js';

const SECONDS = Number(process.env['BENCH_BAG_SECONDS'] ?? 10);
const DEPTH = Number(process.env['BENCH_BAG_DEPTH'] ?? 100);
const CASES = [
  { name: '1MB/s', bytes: 100_000, hz: 10 },
  { name: '100MB/s', bytes: 1_000_000, hz: 100 },
  { name: '1kHz', bytes: 64, hz: 1000 },
].filter(
  (c) => !process.env['BENCH_BAG_CASES'] || process.env['BENCH_BAG_CASES'].split(',').includes(c.name),
);
const peerScript = fileURLToPath(new URL('./bag-peer.js', import.meta.url));

interface Published {
  sent: number;
  bytes: number;
  seconds: number;
  cpuMs: number;
  acked: boolean;
}
interface Recorded {
  received: number;
  written: number;
  errors: number;
  fileBytes: number;
  cpuMs: number;
  wallS: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssPeakBytes: number;
  writingS: number;
}

function spawnPeer(args: string[]): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, [peerScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function nextJson<T>(lines: AsyncIterator<string>, what: string): Promise<T> {
  const next = await lines.next();
  if (next.done) throw new Error(`${what} ended without a result`);
  return JSON.parse(next.value) as T;
}

/** Rejects after `ms`: every wait of the benchmark is bounded. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function runCase(c: (typeof CASES)[number], dir: string) {
  const recorder = spawnPeer(['recorder', join(dir, c.name.replace('/', '_'))]);
  const publisher = spawnPeer(['publisher', String(c.bytes), String(c.hz), String(SECONDS), String(DEPTH)]);
  try {
    await within(nextJson(recorder.lines, 'recorder'), 15_000, 'the recorder to start');
    const sent = await within(
      nextJson<Published>(publisher.lines, 'publisher'),
      (SECONDS + 40) * 1000,
      'the publisher',
    );
    await sleep(500); // what is still in flight reaches the recorder
    recorder.child.stdin!.write('stop\n');
    const got = await within(nextJson<Recorded>(recorder.lines, 'recorder'), 30_000, 'the recorder to close');
    return { sent, got };
  } finally {
    for (const p of [recorder, publisher]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  }
}

const mb = (bytes: number) => bytes / 1e6;
const fixed = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  exitUnlessSandboxed('bench:bag');
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'bench-bag-'));
  try {
    if (!json) {
      console.log(
        `bag record under load: ${SECONDS} s of publishing per case, publisher and recorder in two processes\n`,
      );
      console.log(
        'case     | sent msgs  pub MB/s pub CPU | recvd msgs  written  lost | bag MB  disk MB/s | rec CPU | rec RSS start/end/peak MB',
      );
    }
    for (const c of CASES) {
      const { sent, got } = await runCase(c, dir);
      const lost = sent.sent - got.written;
      const row = {
        case: c.name,
        messageBytes: c.bytes,
        hz: c.hz,
        sent: sent.sent,
        publisherMBps: mb(sent.bytes) / sent.seconds,
        publisherCpuPct: sent.cpuMs / 10 / sent.seconds,
        publisherAcked: sent.acked,
        received: got.received,
        written: got.written,
        lost,
        writeErrors: got.errors,
        bagMB: mb(got.fileBytes),
        diskMBps: mb(got.fileBytes) / got.writingS,
        recorderCpuPct: got.cpuMs / 10 / got.wallS,
        recorderRssStartMB: mb(got.rssStartBytes),
        recorderRssEndMB: mb(got.rssEndBytes),
        recorderRssPeakMB: mb(got.rssPeakBytes),
      };
      if (json) console.log(JSON.stringify(row));
      else
        console.log(
          `${c.name.padEnd(8)} | ${String(row.sent).padStart(9)} ${fixed(row.publisherMBps, 2).padStart(9)} ${`${fixed(row.publisherCpuPct, 0)}%`.padStart(7)} | ${String(row.received).padStart(10)} ${String(row.written).padStart(8)} ${String(lost).padStart(5)} | ${fixed(row.bagMB).padStart(6)} ${fixed(row.diskMBps, 2).padStart(10)} | ${`${fixed(row.recorderCpuPct, 0)}%`.padStart(7)} | ${fixed(row.recorderRssStartMB, 0)}/${fixed(row.recorderRssEndMB, 0)}/${fixed(row.recorderRssPeakMB, 0)}`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
