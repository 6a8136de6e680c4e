/**
 * `npm run bench:rtps` (runs inside scripts/netns-run): RTPS performance between two processes
 * on loopback, as in real use, against the floor of any Node.js stack measured in the same run:
 * - round-trip latency of a 64 B sample, ros2ts ping-pong vs raw node:dgram ping-pong
 *   (p50/p90/p99, BENCH_PINGS after the warm service rows' BENCH_WARM_UP: what a process that
 *   starts cold pays is the cold service rows'), and ddsperf (Cyclone DDS) ping-pong when it is
 *   installed;
 * - the round trip of a service call (example_interfaces/srv/AddTwoInts) from a ros2ts client to
 *   a ros2ts server in another process, through the whole node API (encode, request, handler,
 *   reply, decode), against the same raw node:dgram ping-pong;
 * - the round trip of an action goal (example_interfaces/action/Fibonacci, order 10): send_goal
 *   accepted, then get_result answered, ros2ts client and server in two processes;
 * - one-way throughput floors: raw node:dgram datagrams of 64 B, 1 KB and 65,000 B (the largest
 *   ros2ts sends) between two processes, the sender held to a window the receiver's counts open
 *   (a sender that only overruns the receiver measures drops); ddsperf's reliable 64 B throughput;
 * - reliable throughput of 64 B, 1 KB, 64 KB and 1 MB samples, each against its floor (64 B against
 *   ddsperf and against the raw one-datagram-per-sample floor, 64 KB and 1 MB against raw 65,000 B
 *   datagrams in bytes/s);
 * - service calls (std_srvs/srv/Trigger and AddTwoInts) warm (BENCH_WARM_CALLS after
 *   BENCH_WARM_UP, client and server fresh processes) and cold (fresh processes, the first
 *   BENCH_COLD_CALLS after BENCH_COLD_UP), against raw node:dgram ping-pongs run the same way;
 *   and Trigger steady (BENCH_WARM_CALLS after BENCH_STEADY_UP: once V8 has stopped optimizing);
 * - the RSS of an idle node process and of one with 100 endpoints, against a bare Node process;
 * - where a real ROS 2 is built: rclcpp's Trigger client and server (bench/rclcpp-trigger, built
 *   with colcon against it; ROS2_SETUP and RCLCPP_TRIGGER_SETUP name the two setup.bash files)
 *   over rmw_cyclonedds_cpp, warm, cold and steady as above, with ros2ts's Trigger rows' ratio to
 *   it.
 * `--json` prints one object per row: case, metric, value, unit, baseline, baseline_value, ratio.
 * `--only=latency,throughput,services,rss` runs some of the groups, each with its own floors.
 * `--lower-helpers` runs every Node.js process of the run with its helper threads (V8's compiler
 * and GC helpers) at nice 19, as a program that calls lowerBackgroundThreadPriority() does;
 * `--lower-helpers=idle` puts them in SCHED_IDLE too, as lowerBackgroundThreadPriority('idle').
 * `--cpus=A,B` pins the near side of every pair (this process, the service clients, ddsperf's ping
 * and publisher) to CPU A and the far side (pong, sink, server, ddsperf's pong and subscriber) to
 * CPU B, with taskset. Unpinned, the scheduler sometimes runs both ends of a ping-pong on one core
 * and sometimes on two, and in this VM that alone moves a raw node:dgram round trip between
 * ~15 µs (one core: no wake-up of an idle CPU) and ~95 µs (two cores), run to run, so rows are
 * compared like with like only when pinned: `--cpus=0,0` measures the CPU a round trip costs,
 * `--cpus=0,1` adds the cross-core wake-ups two busy processes of a robot pay.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ActionClient, GoalStatus } from '../src/actions/index.js';
import { lowerBackgroundThreadPriority } from '../src/nodes/background-priority.js';
import { Context } from '../src/nodes/context.js';
import { RtpsParticipant } from '../src/rtps/participant/participant.js';
import { BENCH_QOS, DISCOVERY, RoundTrips, SOCKET_BUFFER_BYTES } from './rtps-common.js';
import { exitUnlessSandboxed } from './sandbox.js';

interface Row {
  case: string;
  metric: string;
  value: number;
  unit: string;
  baseline: string;
  baseline_value: number | null;
  ratio: number | null;
}

/** What a sink counted between the first and the last sample it received. */
interface Delivered {
  samples: number;
  bytes: number;
  seconds: number;
}

const PINGS = Number(process.env['BENCH_PINGS'] ?? 10_000);
const BULK_SECONDS = Number(process.env['BENCH_BULK_SECONDS'] ?? 3);
const WARM_UP = Number(process.env['BENCH_WARM_UP'] ?? 5000);
const WARM_CALLS = Number(process.env['BENCH_WARM_CALLS'] ?? 20_000);
const COLD_UP = Number(process.env['BENCH_COLD_UP'] ?? 200);
/**
 * The steady rows' warm-up. After 5,000 calls V8 is still optimizing: a function called once a
 * round trip from the event loop or a promise (not inlined into an optimized caller) reaches
 * TurboFan only after ~5,000-9,000 calls, and the HEARTBEAT path (one write in ~45) later still;
 * `--trace-opt` counted 36 TurboFan jobs in a ros2ts client's 20,000 calls after 5,000, none
 * after 30,000. The first periodic SPDP announcement (3 s) also falls in the 5,000 rows.
 */
const STEADY_UP = Number(process.env['BENCH_STEADY_UP'] ?? 30_000);
const COLD_CALLS = Number(process.env['BENCH_COLD_CALLS'] ?? 2000);
const peerScript = fileURLToPath(new URL('./rtps-peer.js', import.meta.url));
const rssScript = fileURLToPath(new URL('./rtps-rss.js', import.meta.url));

/** The far side's CPU under `--cpus=A,B` (see the top of the file), else undefined. */
let farCpu: string | undefined;

/** `command args`, run on the far side's CPU when the run is pinned. */
function onFarCpu(command: string, args: string[]): [string, string[]] {
  return farCpu === undefined ? [command, args] : ['taskset', ['-c', farCpu, command, ...args]];
}

/** Pins this process (every thread) and so, by inheritance, what it spawns to `cpu`. */
function pinSelf(cpu: string): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpu, String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset could not pin to CPU ${cpu}: ${r.stderr || r.error?.message}`);
}

interface Peer {
  readonly child: ChildProcess;
  readonly lines: string[];
}

async function startPeer(args: string[]): Promise<Peer> {
  // BENCH_PEER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the far side.
  const nodeArgs = (process.env['BENCH_PEER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(...onFarCpu(process.execPath, [...nodeArgs, peerScript, ...args]), {
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

/** A peer that does its job and exits: its last JSON line. */
function runPeer<T>(args: string[], script = peerScript, extraNodeArgs: string[] = []): Promise<T> {
  const nodeArgs = (process.env['BENCH_PEER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...extraNodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      if (code !== 0) reject(new Error(`peer ${args.join(' ')} exited (${code})`));
      else resolve(JSON.parse(lines[lines.length - 1]!) as T);
    });
  });
}

async function stopPeer(p: Peer): Promise<string[]> {
  const done = new Promise<void>((r) => p.child.on('exit', () => r()));
  p.child.kill('SIGTERM');
  await done;
  return p.lines;
}

interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

function percentiles(us: number[]): Percentiles {
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
  const rtts = new RoundTrips(WARM_UP, PINGS);
  let resolvePong: () => void = () => {};
  s.on('message', () => resolvePong());
  for (let i = 0; i < WARM_UP + PINGS; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      resolvePong = r;
      s.send(msg, port, '127.0.0.1');
    });
    rtts.record(i, t0);
  }
  s.close();
  await stopPeer(peer);
  return rtts.timed();
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
  const rtts = new RoundTrips(WARM_UP, PINGS);
  for (let i = 0; i < WARM_UP + PINGS; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      resolvePong = r;
      ping.write(payload);
    });
    rtts.record(i, t0);
  }
  await p.close();
  await stopPeer(peer);
  return rtts.timed();
}

async function serviceCalls(): Promise<number[]> {
  const peer = await startPeer(['ros2ts-add-server']);
  const context = await Context.create({ discovery: DISCOVERY });
  const client = context
    .createNode('bench_client', { logSink: () => {} })
    .createClient('example_interfaces/srv/AddTwoInts', '/bench_add');
  await client.waitForService({ timeout: 10_000 });
  const rtts = new RoundTrips(WARM_UP, PINGS);
  for (let i = 0; i < WARM_UP + PINGS; i++) {
    const t0 = process.hrtime.bigint();
    const { sum } = await client.call({ a: BigInt(i), b: 1n }, { timeout: 5000 });
    if (sum !== BigInt(i) + 1n) throw new Error(`wrong sum ${sum} for call ${i}`);
    rtts.record(i, t0);
  }
  await context.shutdown();
  await stopPeer(peer);
  return rtts.timed();
}

/**
 * What a throughput sender sleeps on once its window is full: the receiver's next report, or a
 * timeout. Not a spin on setImmediate: on two cores a spinning sender takes the receiver's CPU.
 */
class Wakeup {
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly wake = (): void => {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = undefined;
    clearTimeout(this.timer);
    resolve();
  };
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(this.wake, ms);
    });
  }
}

async function ros2tsThroughput(size: number, window: number): Promise<Delivered> {
  const peer = await startPeer(['ros2ts-sink']);
  const p = await RtpsParticipant.create({ discovery: DISCOVERY });
  const w = p.createWriter(
    { topicName: 'rt/bench_bulk', typeName: 'bench::Bulk_', qos: BENCH_QOS },
    { depth: window * 2 },
  );
  while (w.matchedReaders.length === 0) await new Promise((r) => setTimeout(r, 10));
  const payload = new Uint8Array(size);
  payload[1] = 1;
  const acked = new Wakeup();
  w.endpoint.onAckNackReceived = acked.wake;
  const end = performance.now() + BULK_SECONDS * 1000;
  while (performance.now() < end) {
    // Flow control: no more in flight than the window; then sleep until an ACKNACK.
    if (w.endpoint.unacknowledgedCount() < window) w.write(payload);
    else await acked.wait(50);
  }
  await new Promise((r) => setTimeout(r, 200));
  const lines = await stopPeer(peer);
  await p.close();
  return JSON.parse(lines.find((l) => l.includes('"samples"')) ?? '{}') as Delivered;
}

/**
 * Fibonacci goals one after the other: from sendGoal to the result, in µs, and how many results
 * had expired (status UNKNOWN) before get_result reached the server: it keeps them 50 ms, which a
 * client descheduled on a busy machine can miss. Their round trips count all the same.
 */
async function actionGoals(): Promise<{ rtts: number[]; expired: number }> {
  const peer = await startPeer(['ros2ts-fibonacci-server']);
  const context = await Context.create({ discovery: DISCOVERY });
  const client = new ActionClient(
    context.createNode('bench_action_client', { logSink: () => {} }),
    'example_interfaces/action/Fibonacci',
    '/bench_fibonacci',
  );
  await client.waitForServer({ timeout: 10_000 });
  const goals = Math.max(200, Math.floor(PINGS / 5));
  const rtts = new RoundTrips(200, goals);
  let expired = 0;
  for (let i = 0; i < goals + 200; i++) {
    const t0 = process.hrtime.bigint();
    const handle = await client.sendGoal({ order: 10 }, { timeout: 5000 });
    const { status, result } = await handle.result;
    rtts.record(i, t0);
    if (status === GoalStatus.UNKNOWN) expired++;
    else if (status !== GoalStatus.SUCCEEDED || result.sequence[10] !== 55)
      throw new Error(`goal ${i} ended ${status} with ${result.sequence}`);
  }
  await context.shutdown();
  await stopPeer(peer);
  return { rtts: rtts.timed(), expired };
}

/**
 * Raw node:dgram one-way throughput, datagrams of `size` bytes, as the receiver counts them. Each
 * datagram carries its sequence number; the receiver reports the highest it has seen every
 * `ackEvery` datagrams, and the sender keeps at most `window` beyond that, as a reliable writer
 * keeps to what it can resend (a sender that only overruns the receiver measures drops). The window
 * fits the socket buffers many times over; should the reports stop all the same (the tail of a
 * window lost), after 50 ms the sender sends `ackEvery` more to draw a report.
 */
async function udpOneWay(size: number, window: number, ackEvery: number): Promise<Delivered> {
  const port = 18_001;
  const peer = await startPeer(['udp-sink', String(port), String(ackEvery)]);
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.setRecvBufferSize(SOCKET_BUFFER_BYTES);
  s.setSendBufferSize(SOCKET_BUFFER_BYTES);
  await new Promise<void>((r) => s.connect(port, '127.0.0.1', () => r()));
  let reported = -1;
  let lastReport = performance.now();
  let probe = 0;
  const report = new Wakeup();
  s.on('message', (m) => {
    reported = Math.max(reported, m.readDoubleLE(0));
    lastReport = performance.now();
    probe = 0;
    report.wake();
  });
  // A buffer per datagram in flight: a send the kernel cannot take at once is queued by reference.
  const ring = Array.from({ length: window + 2 * ackEvery }, () => Buffer.alloc(size, 7));
  let sent = 0;
  const end = performance.now() + BULK_SECONDS * 1000;
  while (performance.now() < end) {
    if (sent - (reported + 1) < window + probe) {
      const msg = ring[sent % ring.length]!;
      msg.writeDoubleLE(sent, 0);
      s.send(msg);
      sent++;
    } else {
      await report.wait(50);
      if (performance.now() - lastReport > 50) {
        probe = sent - (reported + 1) - window + ackEvery;
        lastReport = performance.now();
      }
    }
  }
  await sleep(200);
  s.close();
  const lines = await stopPeer(peer);
  return JSON.parse(lines.find((l) => l.includes('"samples"')) ?? '{}') as Delivered;
}

const hasDdsperf = (): boolean => spawnSync('sh', ['-c', 'command -v ddsperf']).status === 0;

/**
 * ddsperf (Cyclone DDS) reliable throughput of 64 B samples (topic KS, the size counting its fixed
 * part), publisher and subscriber in two processes, in samples/s as the subscriber counts them, or
 * undefined without ddsperf. The subscriber prints a line per second: "<t> size 64 total N lost L
 * delta D ..."; the first and last seconds are the ramps and are left out.
 */
async function ddsperfThroughput(): Promise<number | undefined> {
  if (!hasDdsperf()) return undefined;
  const seconds = Math.max(3, BULK_SECONDS + 1);
  const sub = spawn(...onFarCpu('ddsperf', ['-D', String(seconds + 5), '-T', 'KS', 'sub']), {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  sub.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const subDone = new Promise<void>((r) => sub.on('exit', () => r()));
  await new Promise<void>((resolve) => {
    // The publisher waits for the subscriber (minmatch, initwait) before it starts its clock.
    const pub = spawn(
      'ddsperf',
      ['-Qminmatch:1', '-Qinitwait:5', '-D', String(seconds), '-T', 'KS', 'pub', 'size', '64'],
      { stdio: 'ignore' },
    );
    pub.on('exit', () => resolve());
  });
  await sleep(1200); // the subscriber's line for the last second
  sub.kill('SIGTERM');
  await subDone;
  const perSecond = [...out.matchAll(/ ([\d.]+)\s+size \d+ total \d+ lost \d+ delta (\d+) /g)].map((m) => ({
    t: Number(m[1]),
    delta: Number(m[2]),
  }));
  const busy = perSecond.filter((r) => r.delta > 0);
  if (busy.length === 0) return undefined;
  // Samples over time between the line before the first kept and the last kept.
  const first = busy.length >= 3 ? 1 : 0;
  const last = busy.length >= 3 ? busy.length - 2 : busy.length - 1;
  const kept = busy.slice(first, last + 1);
  const start = first > 0 ? busy[first - 1]!.t : 0;
  const samples = kept.reduce((n, r) => n + r.delta, 0);
  return samples / (kept[kept.length - 1]!.t - start);
}

/** Raw node:dgram ping-pong, both sides fresh processes: the floor of a service call. */
async function udpPingPongFresh(warmUp: number, n: number): Promise<number[]> {
  const port = 18_003;
  const pong = await startPeer(['udp-pong', String(port)]);
  const { rtts } = await runPeer<{ rtts: number[] }>(['udp-ping', String(port), String(warmUp), String(n)]);
  await stopPeer(pong);
  return rtts;
}

/** Service calls from a fresh client process to a fresh server process. */
async function serviceCallsFresh(
  service: 'Trigger' | 'AddTwoInts',
  warmUp: number,
  n: number,
): Promise<number[]> {
  const server = await startPeer([service === 'Trigger' ? 'ros2ts-trigger-server' : 'ros2ts-add-server']);
  const { rtts } = await runPeer<{ rtts: number[] }>(['ros2ts-client', service, String(warmUp), String(n)]);
  await stopPeer(server);
  return rtts;
}

/** The RSS of a process in MB: a bare Node process, or a node with that many endpoints. */
async function rss(what: 'bare' | number): Promise<number> {
  const { rss } = await runPeer<{ rss: number }>([String(what)], rssScript, ['--expose-gc']);
  return rss / (1024 * 1024);
}

/**
 * ddsperf (Cyclone DDS) back-to-back ping-pong of its 12-byte sample, in µs, or undefined when
 * ddsperf is not installed. It prints a line per second: "... 50% X 90% Y 99% Z ...".
 */
async function ddsperfPingPong(): Promise<{ p50: number; p90: number; p99: number } | undefined> {
  if (!hasDdsperf()) return undefined;
  const pong = spawn(...onFarCpu('ddsperf', ['-D', '8', 'pong']), { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const ping = spawnSync('ddsperf', ['-D', '5', 'ping'], { encoding: 'utf8', timeout: 20_000 });
  pong.kill('SIGTERM');
  const rows = [...`${ping.stdout}${ping.stderr}`.matchAll(/ 50% ([\d.]+)us 90% ([\d.]+)us 99% ([\d.]+)us/g)];
  const last = rows[rows.length - 1];
  if (!last) return undefined;
  return { p50: Number(last[1]), p90: Number(last[2]), p99: Number(last[3]) };
}

/** Cyclone DDS's default Internal/Watermarks/WhcHigh: unacknowledged bytes a writer may hold. */
const CYCLONE_WHC_HIGH = 500_000;

/**
 * rclcpp's Trigger pair (bench/rclcpp-trigger) over Cyclone DDS: fresh server and client
 * processes, `calls` timed after `warmUp`; undefined where no ROS 2 build is named.
 */
function rclcppTrigger(warmUp: number, calls: number): Promise<Percentiles | undefined> {
  const ros = process.env['ROS2_SETUP'];
  const bench = process.env['RCLCPP_TRIGGER_SETUP'];
  if (!ros || !bench) return Promise.resolve(undefined);
  // The server runs on the far CPU like the ros2ts servers; the client inherits this process's CPU.
  const far = farCpu === undefined ? '' : `taskset -c ${farCpu} `;
  const script = [
    'export PATH=/usr/bin:$PATH RMW_IMPLEMENTATION=rmw_cyclonedds_cpp',
    `. "${ros}"`,
    `. "${bench}"`,
    // Not `ros2 run`: its Python parent dies of a SIGTERM without passing it on (ros2run/api/
    // __init__.py, run_executable, handles only KeyboardInterrupt), so `kill` left the warm
    // server answering beside the cold one and alive after the bench.
    'bin="$(ros2 pkg prefix trigger_bench)/lib/trigger_bench" || exit 1',
    `${far}"$bin/trigger_server" >/dev/null 2>&1 & server=$!`,
    `timeout 300 "$bin/trigger_client" ${warmUp} ${calls}`,
    'status=$?; kill $server; wait $server 2>/dev/null; exit $status',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"p50"'));
      if (code !== 0 || !line) reject(new Error(`rclcpp Trigger pair failed (${code}): ${out.trim()}`));
      else resolve(JSON.parse(line) as Percentiles);
    });
  });
}

type Add = (c: string, metric: string, value: number, unit: string, baseline?: string, base?: number) => void;
const QS = ['p50', 'p90', 'p99'] as const;

/** Topic ping-pong, the service call and action goal of the first version, ddsperf's ping-pong. */
async function latencyRows(add: Add): Promise<void> {
  const udp = percentiles(await udpPingPong());
  const ours = percentiles(await ros2tsPingPong());
  const dds = await ddsperfPingPong();
  const calls = percentiles(await serviceCalls());
  const actions = await actionGoals();
  const goals = percentiles(actions.rtts);
  for (const q of QS)
    add(
      'ping-pong 64 B, two processes',
      `round trip ${q}`,
      ours[q],
      'µs',
      'raw node:dgram ping-pong',
      udp[q],
    );
  for (const q of QS)
    add(
      'service call AddTwoInts, two processes',
      `round trip ${q}`,
      calls[q],
      'µs',
      'raw node:dgram ping-pong',
      udp[q],
    );
  for (const q of QS)
    add(
      'action goal Fibonacci (accepted, then result), two processes',
      `round trip ${q}`,
      goals[q],
      'µs',
      'raw node:dgram ping-pong',
      udp[q],
    );
  add(
    'action goal Fibonacci (accepted, then result), two processes',
    'results expired before get_result (kept 50 ms)',
    actions.expired,
    'goals',
  );
  if (dds)
    for (const q of QS)
      add('ddsperf (Cyclone DDS, C) ping-pong 12 B, for reference', `round trip ${q}`, dds[q], 'µs');
}

/** Throughput: the floors first, then ours, in the same minute. */
async function throughputRows(add: Add): Promise<void> {
  const raw64 = await udpOneWay(64, 512, 64);
  const raw1k = await udpOneWay(1024, 256, 32);
  const raw64k = await udpOneWay(65_000, 32, 4);
  const ddsRate = await ddsperfThroughput();
  const rawRate = (d: Delivered) => d.samples / d.seconds;
  const rawMBs = (d: Delivered) => d.bytes / d.seconds / 1e6;
  add(
    'raw node:dgram one-way 64 B datagrams, two processes (floor)',
    'throughput',
    rawRate(raw64),
    'samples/s',
  );
  add(
    'raw node:dgram one-way 1 KB datagrams, two processes (floor)',
    'throughput',
    rawRate(raw1k),
    'samples/s',
  );
  add(
    'raw node:dgram one-way 65,000 B datagrams, two processes (floor)',
    'throughput',
    rawMBs(raw64k),
    'MB/s',
  );
  if (ddsRate !== undefined)
    add('ddsperf (Cyclone DDS, C) reliable 64 B, two processes', 'throughput', ddsRate, 'samples/s');
  // Small samples: as many in flight as Cyclone's writer allows by default (its WhcHigh byte
  // watermark, 500 kB), so the 64 B row and ddsperf's are held to the same window.
  const small = await ros2tsThroughput(64, Math.floor(CYCLONE_WHC_HIGH / 64));
  const kilo = await ros2tsThroughput(1024, Math.floor(CYCLONE_WHC_HIGH / 1024));
  const large = await ros2tsThroughput(64 * 1024, 32);
  const big = await ros2tsThroughput(1024 * 1024, 8);
  const rate = (d: Delivered) => d.samples / d.seconds;
  const mbs = (d: Delivered) => d.bytes / d.seconds / 1e6;
  add(
    'reliable 64 B, two processes',
    'throughput',
    rate(small),
    'samples/s',
    'ddsperf reliable 64 B',
    ddsRate,
  );
  add(
    'reliable 64 B, two processes',
    'throughput vs one datagram per sample',
    rate(small),
    'samples/s',
    'raw node:dgram one-way 64 B',
    rawRate(raw64),
  );
  add(
    'reliable 1 KB, two processes',
    'throughput',
    rate(kilo),
    'samples/s',
    'raw node:dgram one-way 1 KB',
    rawRate(raw1k),
  );
  add(
    'reliable 64 KB, two processes',
    'throughput',
    mbs(large),
    'MB/s',
    'raw node:dgram one-way 65,000 B',
    rawMBs(raw64k),
  );
  add(
    'reliable 1 MB, two processes',
    'throughput',
    mbs(big),
    'MB/s',
    'raw node:dgram one-way 65,000 B',
    rawMBs(raw64k),
  );
}

/** Service calls, warm then cold, each beside raw ping-pongs made the same way. */
async function serviceRows(add: Add): Promise<void> {
  const warm = `${WARM_CALLS} after ${WARM_UP}`;
  const cold = `fresh processes, ${COLD_CALLS} after ${COLD_UP}`;
  const rawWarm = percentiles(await udpPingPongFresh(WARM_UP, WARM_CALLS));
  const triggerWarm = percentiles(await serviceCallsFresh('Trigger', WARM_UP, WARM_CALLS));
  const addWarm = percentiles(await serviceCallsFresh('AddTwoInts', WARM_UP, WARM_CALLS));
  const rawCold = percentiles(await udpPingPongFresh(COLD_UP, COLD_CALLS));
  const triggerCold = percentiles(await serviceCallsFresh('Trigger', COLD_UP, COLD_CALLS));
  const addCold = percentiles(await serviceCallsFresh('AddTwoInts', COLD_UP, COLD_CALLS));
  const steady = `${WARM_CALLS} after ${STEADY_UP}`;
  const rawSteady = percentiles(await udpPingPongFresh(STEADY_UP, WARM_CALLS));
  const triggerSteady = percentiles(await serviceCallsFresh('Trigger', STEADY_UP, WARM_CALLS));
  for (const q of QS)
    add(`raw node:dgram ping-pong 64 B, warm (${warm}) (floor)`, `round trip ${q}`, rawWarm[q], 'µs');
  for (const q of QS)
    add(
      `service call Trigger, warm (${warm})`,
      `round trip ${q}`,
      triggerWarm[q],
      'µs',
      'raw ping-pong, warm',
      rawWarm[q],
    );
  for (const q of QS)
    add(
      `service call AddTwoInts, warm (${warm})`,
      `round trip ${q}`,
      addWarm[q],
      'µs',
      'raw ping-pong, warm',
      rawWarm[q],
    );
  for (const q of QS)
    add(`raw node:dgram ping-pong 64 B, cold (${cold}) (floor)`, `round trip ${q}`, rawCold[q], 'µs');
  for (const q of QS)
    add(
      `service call Trigger, cold (${cold})`,
      `round trip ${q}`,
      triggerCold[q],
      'µs',
      'raw ping-pong, cold',
      rawCold[q],
    );
  for (const q of QS)
    add(
      `service call AddTwoInts, cold (${cold})`,
      `round trip ${q}`,
      addCold[q],
      'µs',
      'raw ping-pong, cold',
      rawCold[q],
    );
  for (const q of QS)
    add(`raw node:dgram ping-pong 64 B, steady (${steady}) (floor)`, `round trip ${q}`, rawSteady[q], 'µs');
  for (const q of QS)
    add(
      `service call Trigger, steady (${steady})`,
      `round trip ${q}`,
      triggerSteady[q],
      'µs',
      'raw ping-pong, steady',
      rawSteady[q],
    );
  const rclcppWarm = await rclcppTrigger(WARM_UP, WARM_CALLS);
  const rclcppCold = await rclcppTrigger(COLD_UP, COLD_CALLS);
  const rclcppSteady = await rclcppTrigger(STEADY_UP, WARM_CALLS);
  for (const [when, ours, theirs, raw] of [
    [`warm (${warm})`, triggerWarm, rclcppWarm, rawWarm],
    [`cold (${cold})`, triggerCold, rclcppCold, rawCold],
    [`steady (${steady})`, triggerSteady, rclcppSteady, rawSteady],
  ] as const) {
    if (!theirs) continue;
    for (const q of QS)
      add(
        `rclcpp Trigger client and server (Cyclone DDS), ${when}`,
        `round trip ${q}`,
        theirs[q],
        'µs',
        `raw ping-pong, ${when.split(' ')[0]}`,
        raw[q],
      );
    for (const q of QS)
      add(
        `service call Trigger, ${when}, beside rclcpp`,
        `round trip ${q}`,
        ours[q],
        'µs',
        'rclcpp Trigger pair, same counts',
        theirs[q],
      );
  }
}

async function rssRows(add: Add): Promise<void> {
  const bare = await rss('bare');
  const idle = await rss(0);
  const endpoints = await rss(100);
  add('RSS of a bare Node.js process, after GC (floor)', 'RSS', bare, 'MB');
  add('RSS of a node process, idle, after GC', 'RSS', idle, 'MB', 'bare Node.js process', bare);
  add(
    'RSS of a node process with 100 endpoints (50 publishers, 50 subscriptions), after GC',
    'RSS',
    endpoints,
    'MB',
    'bare Node.js process',
    bare,
  );
}

const GROUPS = { latency: latencyRows, throughput: throughputRows, services: serviceRows, rss: rssRows };

async function main(): Promise<void> {
  exitUnlessSandboxed('bench:rtps');
  // --only=throughput,services runs some groups (each with its floors), e.g. while working on one.
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = only?.filter((g) => !(g in GROUPS)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown group ${unknown.join(', ')}: the groups are ${Object.keys(GROUPS).join(', ')}`);
  const cpus = process.argv.find((a) => a.startsWith('--cpus='))?.slice('--cpus='.length);
  if (cpus !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(cpus);
    if (!m) throw new Error(`--cpus takes two CPU numbers, near and far: --cpus=0,1 (got ${cpus})`);
    pinSelf(m[1]!);
    farCpu = m[2]!;
  }
  // --lower-helpers[=idle]: every Node process of the run (this one, the peers, the raw floors
  // alike) runs V8's helper threads at nice 19, or SCHED_IDLE (lowerBackgroundThreadPriority).
  const lowerHelpers = process.argv.find((a) => a === '--lower-helpers' || a.startsWith('--lower-helpers='));
  if (lowerHelpers) {
    const idle = lowerHelpers === '--lower-helpers=idle';
    if (!idle && lowerHelpers !== '--lower-helpers')
      throw new Error(`--lower-helpers takes nothing or =idle (got ${lowerHelpers})`);
    process.env['BENCH_LOWER_HELPERS'] = idle ? 'idle' : '1';
    lowerBackgroundThreadPriority(idle ? 'idle' : undefined);
  }
  const rows: Row[] = [];
  /** A row; its ratio is value / baseline, so above 1 is slower for times and faster for rates. */
  const add: Add = (c, metric, value, unit, baseline = '', base) => {
    rows.push({
      case: c,
      metric,
      value,
      unit,
      baseline,
      baseline_value: base ?? null,
      ratio: base === undefined ? null : value / base,
    });
  };
  for (const [name, measure] of Object.entries(GROUPS)) if (!only || only.includes(name)) await measure(add);
  if (process.argv.includes('--json')) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  const placement =
    (cpus === undefined ? 'unpinned' : `near side on CPU ${cpus.split(',')[0]}, far side on CPU ${farCpu}`) +
    (lowerHelpers === undefined
      ? ''
      : `, helper threads at nice 19${lowerHelpers.endsWith('=idle') ? ' and SCHED_IDLE' : ''}`);
  console.log(`ros2ts RTPS benchmark, ${new Date().toISOString()}, Node ${process.version}, ${placement}`);
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
