/**
 * `npm run bench:bridge` (runs inside scripts/netns-run): `ros2ts bridge` under load (issue 15),
 * every party a process of its own on loopback (bench/bridge-peer.ts):
 *   topics   image: sensor_msgs/msg/Image 640x480 rgb8 (921,600 bytes of data) at 30 Hz;
 *            small: std_msgs/msg/String of 64 characters at 1 kHz
 *            (one publisher process per topic, reliable, default QoS)
 *   cases    direct: a ros2ts subscriber process (the baseline, same run, same publisher);
 *            rosbridge-json: `ros2ts bridge` (the CLI, a fresh process per case) and a roslib 2.x
 *            client in Node; rosbridge-cbor: the same with `compression: 'cbor'`;
 *            foxglove: the bridge and @foxglove/ws-protocol's FoxgloveClient (CDR passed
 *            through; the client decodes it with ros2ts's codec). Clients subscribe with their
 *            library's defaults (roslib: queue_length 0, so the bridge keeps the newest frame of
 *            the topic while a client is behind, and drops older ones)
 * Each case waits for the client's first message, 1 s more, then measures BENCH_BRIDGE_SECONDS
 * (default 4): the publisher's sequence numbers at the start and the end of the window ("sent"),
 * how many of those the client got within 1 s after it (each once), and their end-to-end latency:
 * arrival at the client (after its decode: JSON parse, CBOR or CDR) minus the publish time
 * stamped into the message, both on CLOCK_MONOTONIC of this one host (process.hrtime), p50/p99.
 * CPU: utime+stime of the receiving process (the bridge; for the direct case the subscriber) from
 * /proc/<pid>/stat over the window, as % of one core; RSS: the peak of /proc/<pid>/status VmRSS
 * sampled every 100 ms over the window. The bridge rows stand beside the direct subscriber's of
 * the same topic; the client's own CPU is given without a baseline.
 *   BENCH_BRIDGE_SECONDS   seconds measured per case (default 4)
 *   BENCH_BRIDGE_CASES     some cases only, e.g. "image/direct,image/foxglove"
 *   --json                 one object per row: case, metric, value, unit, baseline, baseline_value, ratio
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BRIDGE_BENCH_DISCOVERY, type Kind, TOPICS } from './bridge-common.js';
import { exitUnlessSandboxed } from './sandbox.js';

const SECONDS = Number(process.env['BENCH_BRIDGE_SECONDS'] ?? 4);
const WARM_UP_MS = 1000;
const GRACE_MS = 1000;
const KINDS: Kind[] = ['image', 'small'];
const MODES = ['direct', 'rosbridge-json', 'rosbridge-cbor', 'foxglove'] as const;
type Mode = (typeof MODES)[number];
const wanted = (kind: Kind, mode: Mode) =>
  !process.env['BENCH_BRIDGE_CASES'] ||
  process.env['BENCH_BRIDGE_CASES'].split(',').includes(`${kind}/${mode}`);

const peerScript = fileURLToPath(new URL('./bridge-peer.js', import.meta.url));
const cliScript = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** /proc/<pid>/stat counts CPU time in clock ticks: 100 per second on Linux (USER_HZ). */
const TICKS_PER_S = 100;

interface Row {
  case: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline: string;
  baseline_value: number | null;
  ratio: number | null;
}

interface Report {
  received: number;
  p50Us: number | null;
  p99Us: number | null;
}

interface Measured {
  sent: number;
  seconds: number;
  report: Report;
  cpuPct: number;
  rssPeakMB: number;
  clientCpuPct: number;
}

interface Proc {
  readonly child: ChildProcess;
  readonly lines: AsyncIterator<string>;
}

function spawnProc(args: string[], env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

/** Rejects after `ms`: every wait of the benchmark is bounded. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function nextLine(p: Proc, what: string, ms = 20_000): Promise<string> {
  const next = await within(p.lines.next(), ms, what);
  if (next.done) throw new Error(`${what}: the process ended`);
  return next.value;
}

async function nextJson<T>(p: Proc, what: string, ms?: number): Promise<T> {
  return JSON.parse(await nextLine(p, what, ms)) as T;
}

async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.stdin?.end();
  p.child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/** User plus system CPU time of a process so far, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function startBridge(): Promise<{ proc: Proc; url: string }> {
  const env = {
    ...process.env,
    ROS_DOMAIN_ID: String(BRIDGE_BENCH_DISCOVERY.domainId),
    ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST',
  };
  const proc = spawnProc([cliScript, 'bridge', '--port', '0', '--protocol', 'both'], env);
  const line = await nextLine(proc, 'the bridge to listen');
  const url = /ws:\/\/\S+/.exec(line)?.[0];
  if (!url) throw new Error(`the bridge said: ${line}`);
  return { proc, url };
}

async function mark(publisher: Proc): Promise<{ seq: number; ns: bigint }> {
  publisher.child.stdin!.write('mark\n');
  const m = await nextJson<{ seq: number; ns: string }>(publisher, 'the publisher');
  return { seq: m.seq, ns: BigInt(m.ns) };
}

async function runCase(kind: Kind, mode: Mode, publisher: Proc): Promise<Measured> {
  let bridge: { proc: Proc; url: string } | undefined;
  let client: Proc | undefined;
  try {
    if (mode !== 'direct') bridge = await startBridge();
    client = spawnProc([peerScript, mode, kind, ...(bridge ? [bridge.url] : [])]);
    await nextJson(client, `${kind}/${mode}: the first message`, 30_000);
    await sleep(WARM_UP_MS);
    const measured = (bridge?.proc ?? client).child.pid!;
    const clientPid = client.child.pid!;
    const a = await mark(publisher);
    const cpu0 = cpuSeconds(measured);
    const clientCpu0 = cpuSeconds(clientPid);
    let rssPeak = rssMB(measured);
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssMB(measured));
    }, 100);
    await sleep(SECONDS * 1000);
    clearInterval(sampler);
    const b = await mark(publisher);
    const cpu = cpuSeconds(measured) - cpu0;
    const clientCpu = cpuSeconds(clientPid) - clientCpu0;
    await sleep(GRACE_MS);
    client.child.stdin!.write(`report ${a.seq} ${b.seq}\n`);
    const report = await nextJson<Report>(client, `${kind}/${mode}: the report`);
    const seconds = Number(b.ns - a.ns) / 1e9;
    return {
      sent: b.seq - a.seq,
      seconds,
      report,
      cpuPct: (cpu / seconds) * 100,
      rssPeakMB: rssPeak,
      clientCpuPct: (clientCpu / seconds) * 100,
    };
  } finally {
    await stop(client);
    await stop(bridge?.proc);
  }
}

function rowsOf(kind: Kind, mode: Mode, m: Measured, direct: Measured | undefined): Row[] {
  const name = `${kind} ${TOPICS[kind].hz} Hz ${mode}`;
  const ratio = (v: number | null, b: number | null) => (v === null || b === null || b === 0 ? null : v / b);
  const vsDirect = (metric: string, unit: string, v: number | null, b: number | null | undefined): Row => {
    const bv = mode === 'direct' ? null : (b ?? null);
    return {
      case: name,
      metric,
      value: v,
      unit,
      baseline: mode === 'direct' ? '-' : 'direct ros2ts subscriber',
      baseline_value: bv,
      ratio: ratio(v, bv),
    };
  };
  const ms = (us: number | null) => (us === null ? null : us / 1000);
  const recvFps = m.report.received / m.seconds;
  const sentFps = m.sent / m.seconds;
  return [
    {
      case: name,
      metric: 'received',
      value: recvFps,
      unit: 'msg/s',
      baseline: 'sent by the publisher',
      baseline_value: sentFps,
      ratio: ratio(recvFps, sentFps),
    },
    vsDirect('latency p50', 'ms', ms(m.report.p50Us), ms(direct?.report.p50Us ?? null)),
    vsDirect('latency p99', 'ms', ms(m.report.p99Us), ms(direct?.report.p99Us ?? null)),
    vsDirect(mode === 'direct' ? 'subscriber CPU' : 'bridge CPU', '%', m.cpuPct, direct?.cpuPct),
    vsDirect(
      mode === 'direct' ? 'subscriber RSS peak' : 'bridge RSS peak',
      'MB',
      m.rssPeakMB,
      direct?.rssPeakMB,
    ),
    ...(mode === 'direct'
      ? []
      : [
          {
            case: name,
            metric: 'client CPU',
            value: m.clientCpuPct,
            unit: '%',
            baseline: '-',
            baseline_value: null,
            ratio: null,
          },
        ]),
  ];
}

const num = (v: number | null, d = 2) => (v === null ? '-' : v.toFixed(d));

function printRow(r: Row): void {
  console.log(
    `${r.case.padEnd(30)} | ${r.metric.padEnd(19)} | ${`${num(r.value)} ${r.unit}`.padStart(14)} | ${r.baseline.padEnd(24)} | ${num(r.baseline_value).padStart(10)} | ${num(r.ratio).padStart(6)}`,
  );
}

async function main(): Promise<void> {
  exitUnlessSandboxed('bench:bridge');
  const json = process.argv.includes('--json');
  if (!json) {
    console.log(
      `ros2ts bridge under load: ${SECONDS} s measured per case; publisher, bridge and client processes\n`,
    );
    console.log(
      `${'case'.padEnd(30)} | ${'metric'.padEnd(19)} | ${'value'.padStart(14)} | ${'baseline'.padEnd(24)} | ${'baseline v'.padStart(10)} | ${'ratio'.padStart(6)}`,
    );
  }
  for (const kind of KINDS) {
    const modes = MODES.filter((m) => wanted(kind, m));
    if (modes.length === 0) continue;
    const publisher = spawnProc([peerScript, 'publisher', kind]);
    try {
      await nextJson(publisher, 'the publisher to start');
      let direct: Measured | undefined;
      for (const mode of modes) {
        const m = await runCase(kind, mode, publisher);
        if (mode === 'direct') direct = m;
        for (const r of rowsOf(kind, mode, m, direct)) {
          if (json) console.log(JSON.stringify(r));
          else printRow(r);
        }
      }
    } finally {
      await stop(publisher);
    }
  }
}

await main();
process.exit(0);
