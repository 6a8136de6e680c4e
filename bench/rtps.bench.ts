/**
 * `npm run bench:rtps` (runs inside scripts/netns-run): RTPS performance between two processes
 * on loopback, as in real use, against the floor of any Node.js stack measured in the same run:
 * - round-trip latency of a 64 B sample, ros2ts ping-pong vs raw node:dgram ping-pong
 *   (p50/p90/p99), and ddsperf (Cyclone DDS) ping-pong when it is installed;
 * - reliable throughput, samples/s for 64 B and MB/s for 1 MB samples;
 * - the round trip of a service call (example_interfaces/srv/AddTwoInts) from a ros2ts client to
 *   a ros2ts server in another process, through the whole node API (encode, request, handler,
 *   reply, decode), against the same raw node:dgram ping-pong;
 * - the round trip of an action goal (example_interfaces/action/Fibonacci, order 10): send_goal
 *   accepted, then get_result answered, ros2ts client and server in two processes.
 * `--json` prints one object per row: case, metric, value, unit, baseline, baseline_value, ratio.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ActionClient, GoalStatus } from '../src/actions/index.js';
import { Context } from '../src/nodes/context.js';
import { RtpsParticipant } from '../src/rtps/participant/participant.js';
import { BENCH_QOS, DISCOVERY } from './rtps-common.js';

interface Row {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string;
  baseline_value: number | null;
  ratio: number | null;
}

const PINGS = Number(process.env['BENCH_PINGS'] ?? 10_000);
const BULK_SECONDS = Number(process.env['BENCH_BULK_SECONDS'] ?? 3);
const peerScript = fileURLToPath(new URL('./rtps-peer.js', import.meta.url));

function assertSandboxed(): void {
  const foreign = Object.values(networkInterfaces()).some((infos) => (infos ?? []).some((i) => !i.internal));
  if (process.env['ROS2TS_NETNS'] !== '1' || foreign) {
    console.error('bench:rtps opens sockets: run it as `npm run bench:rtps` (inside scripts/netns-run)');
    process.exit(2);
  }
}

interface Peer {
  readonly child: ChildProcess;
  readonly lines: string[];
}

async function startPeer(args: string[]): Promise<Peer> {
  // BENCH_PEER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the far side.
  const nodeArgs = (process.env['BENCH_PEER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, peerScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      lines.push(l);
      if (l.includes('"ready"')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`peer ${args[0]} exited (${code}) before it was ready`)));
  });
  return { child, lines };
}

async function stopPeer(p: Peer): Promise<string[]> {
  const done = new Promise<void>((r) => p.child.on('exit', () => r()));
  p.child.kill('SIGTERM');
  await done;
  return p.lines;
}

function percentiles(us: number[]): { p50: number; p90: number; p99: number } {
  const s = [...us].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

async function udpPingPong(): Promise<number[]> {
  const port = 17_999;
  const peer = await startPeer(['udp-pong', String(port)]);
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const msg = Buffer.alloc(64, 7);
  const rtts: number[] = [];
  let resolvePong: () => void = () => {};
  s.on('message', () => resolvePong());
  for (let i = 0; i < PINGS + 1000; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      resolvePong = r;
      s.send(msg, port, '127.0.0.1');
    });
    if (i >= 1000) rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  s.close();
  await stopPeer(peer);
  return rtts;
}

async function ros2tsPingPong(): Promise<number[]> {
  const peer = await startPeer(['ros2ts-pong']);
  const p = await RtpsParticipant.create({ discovery: DISCOVERY });
  let resolvePong: () => void = () => {};
  p.createReader({ topicName: 'rt/bench_pong', typeName: 'bench::Ping_', qos: BENCH_QOS }, () =>
    resolvePong(),
  );
  const ping = p.createWriter(
    { topicName: 'rt/bench_ping', typeName: 'bench::Ping_', qos: BENCH_QOS },
    { depth: 16 },
  );
  while (ping.matchedReaders.length === 0) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300)); // let the pong writer match us too
  const payload = new Uint8Array(64);
  payload[1] = 1;
  const rtts: number[] = [];
  for (let i = 0; i < PINGS + 1000; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      resolvePong = r;
      ping.write(payload);
    });
    if (i >= 1000) rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await p.close();
  await stopPeer(peer);
  return rtts;
}

async function serviceCalls(): Promise<number[]> {
  const peer = await startPeer(['ros2ts-add-server']);
  const context = await Context.create({ discovery: DISCOVERY });
  const client = context
    .createNode('bench_client', { logSink: () => {} })
    .createClient('example_interfaces/srv/AddTwoInts', '/bench_add');
  await client.waitForService({ timeout: 10_000 });
  const rtts: number[] = [];
  for (let i = 0; i < PINGS + 1000; i++) {
    const t0 = process.hrtime.bigint();
    const { sum } = await client.call({ a: BigInt(i), b: 1n }, { timeout: 5000 });
    if (sum !== BigInt(i) + 1n) throw new Error(`wrong sum ${sum} for call ${i}`);
    if (i >= 1000) rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await context.shutdown();
  await stopPeer(peer);
  return rtts;
}

async function ros2tsThroughput(
  size: number,
  window: number,
): Promise<{ samples: number; bytes: number; seconds: number }> {
  const peer = await startPeer(['ros2ts-sink']);
  const p = await RtpsParticipant.create({ discovery: DISCOVERY });
  const w = p.createWriter(
    { topicName: 'rt/bench_bulk', typeName: 'bench::Bulk_', qos: BENCH_QOS },
    { depth: window * 2 },
  );
  while (w.matchedReaders.length === 0) await new Promise((r) => setTimeout(r, 10));
  const payload = new Uint8Array(size);
  payload[1] = 1;
  const end = performance.now() + BULK_SECONDS * 1000;
  while (performance.now() < end) {
    // Flow control: no more in flight than the window; yield to the loop to take ACKNACKs.
    if (w.endpoint.unacknowledgedCount() < window) w.write(payload);
    else await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 200));
  const lines = await stopPeer(peer);
  await p.close();
  const result = JSON.parse(lines.find((l) => l.includes('"samples"')) ?? '{}') as {
    samples: number;
    bytes: number;
    seconds: number;
  };
  return result;
}

/** Fibonacci goals one after the other: from sendGoal to the result, in µs. */
async function actionGoals(): Promise<number[]> {
  const peer = await startPeer(['ros2ts-fibonacci-server']);
  const context = await Context.create({ discovery: DISCOVERY });
  const client = new ActionClient(
    context.createNode('bench_action_client', { logSink: () => {} }),
    'example_interfaces/action/Fibonacci',
    '/bench_fibonacci',
  );
  await client.waitForServer({ timeout: 10_000 });
  const rtts: number[] = [];
  const goals = Math.max(200, Math.floor(PINGS / 5));
  for (let i = 0; i < goals + 200; i++) {
    const t0 = process.hrtime.bigint();
    const handle = await client.sendGoal({ order: 10 }, { timeout: 5000 });
    const { status, result } = await handle.result;
    if (status !== GoalStatus.SUCCEEDED || result.sequence[10] !== 55)
      throw new Error(`goal ${i} ended ${status} with ${result.sequence}`);
    if (i >= 200) rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await context.shutdown();
  await stopPeer(peer);
  return rtts;
}

/**
 * ddsperf (Cyclone DDS) back-to-back ping-pong of its 12-byte sample, in µs, or undefined when
 * ddsperf is not installed. It prints a line per second: "... 50% X 90% Y 99% Z ...".
 */
async function ddsperfPingPong(): Promise<{ p50: number; p90: number; p99: number } | undefined> {
  if (spawnSync('sh', ['-c', 'command -v ddsperf']).status !== 0) return undefined;
  const pong = spawn('ddsperf', ['-D', '8', 'pong'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const ping = spawnSync('ddsperf', ['-D', '5', 'ping'], { encoding: 'utf8', timeout: 20_000 });
  pong.kill('SIGTERM');
  const rows = [...`${ping.stdout}${ping.stderr}`.matchAll(/ 50% ([\d.]+)us 90% ([\d.]+)us 99% ([\d.]+)us/g)];
  const last = rows[rows.length - 1];
  if (!last) return undefined;
  return { p50: Number(last[1]), p90: Number(last[2]), p99: Number(last[3]) };
}

async function main(): Promise<void> {
  assertSandboxed();
  const rows: Row[] = [];
  const udp = percentiles(await udpPingPong());
  const ours = percentiles(await ros2tsPingPong());
  const dds = await ddsperfPingPong();
  const calls = percentiles(await serviceCalls());
  const goals = percentiles(await actionGoals());
  for (const q of ['p50', 'p90', 'p99'] as const) {
    rows.push({
      case: 'ping-pong 64 B, two processes',
      metric: `round trip ${q}`,
      value: ours[q],
      unit: 'µs',
      baseline: 'raw node:dgram ping-pong',
      baseline_value: udp[q],
      ratio: ours[q] / udp[q],
    });
  }
  for (const q of ['p50', 'p90', 'p99'] as const) {
    rows.push({
      case: 'service call AddTwoInts, two processes',
      metric: `round trip ${q}`,
      value: calls[q],
      unit: 'µs',
      baseline: 'raw node:dgram ping-pong',
      baseline_value: udp[q],
      ratio: calls[q] / udp[q],
    });
  }
  for (const q of ['p50', 'p90', 'p99'] as const) {
    rows.push({
      case: 'action goal Fibonacci (accepted, then result), two processes',
      metric: `round trip ${q}`,
      value: goals[q],
      unit: 'µs',
      baseline: 'raw node:dgram ping-pong',
      baseline_value: udp[q],
      ratio: goals[q] / udp[q],
    });
  }
  if (dds) {
    for (const q of ['p50', 'p90', 'p99'] as const) {
      rows.push({
        case: 'ddsperf (Cyclone DDS, C) ping-pong 12 B, for reference',
        metric: `round trip ${q}`,
        value: dds[q],
        unit: 'µs',
        baseline: '',
        baseline_value: null,
        ratio: null,
      });
    }
  }
  const small = await ros2tsThroughput(64, 512);
  rows.push({
    case: 'reliable 64 B, two processes',
    metric: 'throughput',
    value: small.samples / small.seconds,
    unit: 'samples/s',
    baseline: '',
    baseline_value: null,
    ratio: null,
  });
  const big = await ros2tsThroughput(1024 * 1024, 8);
  rows.push({
    case: 'reliable 1 MB, two processes',
    metric: 'throughput',
    value: big.bytes / big.seconds / 1e6,
    unit: 'MB/s',
    baseline: '',
    baseline_value: null,
    ratio: null,
  });
  if (process.argv.includes('--json')) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(`ros2ts RTPS benchmark, ${new Date().toISOString()}, Node ${process.version}`);
  const table = rows.map((r) => [
    r.case,
    r.metric,
    `${r.value.toFixed(1)} ${r.unit}`,
    r.baseline,
    r.baseline_value === null ? '' : `${r.baseline_value.toFixed(1)} ${r.unit}`,
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
  ]);
  const header = ['case', 'metric', 'value', 'baseline', 'baseline value', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const t of table) console.log(line(t));
}

await main();
