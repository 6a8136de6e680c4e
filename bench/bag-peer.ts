/**
 * The two processes of bench/bag.bench.ts:
 *   bag-peer publisher <bytes> <hz> <seconds> <depth>
 *       a node publishing std_msgs/msg/UInt8MultiArray messages of <bytes> bytes (serialized) on
 *       /bench_bag at <hz> (reliable, KEEP_LAST <depth>, 0: KEEP_ALL) for <seconds> once the
 *       recorder matched, then
 *       waiting for its acknowledgements; prints {"sent","bytes","seconds","cpuMs","acked"}
 *   bag-peer recorder <dir>
 *       `ros2ts bag record /bench_bag -o <dir>` as a library (Recorder + BagWriter), until a line
 *       "stop" on stdin; prints {"event":"ready"} once subscribed, then {"received","written",
 *       "fileBytes","cpuMs","wallS","rssStartBytes","rssEndBytes","rssPeakBytes","writingS"}
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BagWriter, Recorder } from '../src/bag/index.js';
import { encode } from '../src/cdr/index.js';
import { Context } from '../src/nodes/context.js';
import { QOS_PROFILES } from '../src/rmw/qos-profiles.js';
import { BAG_DISCOVERY, BAG_TOPIC } from './bag-common.js';

const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const quiet = { logSink: () => {}, enableRosout: false };

async function publisher(bytes: number, hz: number, seconds: number, depth: number): Promise<void> {
  const context = await Context.create({ discovery: BAG_DISCOVERY });
  const node = context.createNode('bench_bag_talker', quiet);
  const pub = node.createPublisher(
    'std_msgs/msg/UInt8MultiArray',
    BAG_TOPIC,
    depth > 0 ? { ...QOS_PROFILES.default, depth } : { ...QOS_PROFILES.default, history: 'KEEP_ALL' },
    { raw: true },
  );
  // The serialized size is the payload plus the array's header (layout, length): take it off.
  const header = encode('std_msgs/msg/UInt8MultiArray', {
    layout: { dim: [], data_offset: 0 },
    data: new Uint8Array(0),
  }).length;
  const payload = encode('std_msgs/msg/UInt8MultiArray', {
    layout: { dim: [], data_offset: 0 },
    data: new Uint8Array(Math.max(0, bytes - header)).fill(7),
  });
  const deadline = Date.now() + 15_000;
  while (pub.subscriptionCount === 0) {
    if (Date.now() > deadline) throw new Error('no recorder matched in 15 s');
    await sleep(20);
  }
  await sleep(200); // the match complete on both sides
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const periodMs = 1000 / hz;
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= seconds * 1000) break;
    // Catch up with the schedule (timers are coarse at 1 kHz): the rate holds over the run.
    const due = Math.min(Math.floor(elapsed / periodMs) + 1, Math.round(seconds * hz));
    while (sent < due) {
      pub.publishSerialized(payload);
      sent++;
    }
    await sleep(Math.max(0, t0 + sent * periodMs - performance.now()));
  }
  const sendingS = (performance.now() - t0) / 1000;
  const acked = await pub.waitForAllAcked({ timeout: 10_000 });
  say({
    sent,
    bytes: sent * payload.length,
    seconds: sendingS,
    cpuMs: cpuMs(process.cpuUsage(cpu0)),
    acked,
  });
  await context.shutdown();
}

async function recorder(dir: string): Promise<void> {
  const context = await Context.create({ discovery: BAG_DISCOVERY });
  const node = context.createNode('rosbag2_recorder', quiet);
  const writer = BagWriter.create(dir);
  let firstAt: number | undefined;
  let lastAt = 0;
  let seen = 0;
  let errors = 0;
  const rec = new Recorder(context, node, writer, {
    topics: [BAG_TOPIC],
    onError: () => errors++,
  });
  // When the first and the last message came (to 5 ms): the span the disk rate is taken over.
  const firstSeen = setInterval(() => {
    if (rec.received === seen) return;
    seen = rec.received;
    lastAt = performance.now();
    firstAt ??= lastAt;
  }, 5);
  say({ event: 'ready' });
  const lines = createInterface({ input: process.stdin });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  await new Promise<void>((resolve) => lines.on('line', (l) => l.trim() === 'stop' && resolve()));
  const rssEnd = process.memoryUsage().rss;
  clearInterval(sampler);
  clearInterval(firstSeen);
  const closing = performance.now();
  const m = await rec.stop();
  const closeS = (performance.now() - closing) / 1000;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const wallS = (performance.now() - wall0) / 1000;
  const fileBytes = readdirSync(dir)
    .filter((f) => f.endsWith('.mcap'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  say({
    received: rec.received,
    written: m.messageCount,
    errors,
    fileBytes,
    cpuMs: cpu,
    wallS,
    rssStartBytes: rssStart,
    rssEndBytes: rssEnd,
    rssPeakBytes: rssPeak,
    // Receiving, then closing the file (the last chunk, the summary, fsync).
    writingS: firstAt === undefined ? 0 : (lastAt - firstAt) / 1000 + closeS,
  });
  lines.close();
  await context.shutdown();
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'publisher') {
  const [bytes, hz, seconds, depth] = args.map(Number) as [number, number, number, number];
  await publisher(bytes, hz, seconds, depth);
} else if (mode === 'recorder') {
  await recorder(args[0]!);
} else {
  throw new Error(`bag-peer: unknown mode ${mode}`);
}
process.exit(0);
