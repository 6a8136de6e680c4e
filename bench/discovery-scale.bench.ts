/**
 * `npm run bench:discovery` (runs inside scripts/netns-run): how long N participants on one host
 * take to discover each other, ros2ts against Cyclone DDS (C) in the same run (issue 13).
 *
 * Topology, for each N: N participants, each one ROS node with a publisher and a subscription on
 * /chatter (std_msgs/msg/String), all started at once. ros2ts participants are Contexts (each its
 * own participant and sockets) spread over K Node.js processes (default: at least 2, about 10
 * participants each; `--processes K`, e.g. `--processes N` for one process each); every ros2ts node
 * also has its usual endpoints (rosout, parameter services and events, ros_discovery_info: ~19 in
 * all). The Cyclone participants are one C process each (bench/discovery-scale-cyclone.c, built
 * with the Debian cyclonedds-dev and idlc) with just the writer and reader.
 *
 * Measured: from the moment the last participant of a run exists until every participant sees all
 * N nodes in its graph (Cyclone: N-1 remote participants) and has its writer and reader matched
 * with all N ("all discovered"); and the median over participants of the same from each one's own
 * start; the CPU time all the run's processes used, from their start until stopped (soon after
 * the last one is complete), which the machine's other load does not inflate as it does the times;
 * and (ros2ts) the datagrams each participant sent and received in that time.
 * Each N and stack is bounded by `--timeout` seconds (default 60); participants that did not get
 * there are counted (complete k/N) and their last counts printed to stderr.
 *
 *   npm run bench:discovery -- [--n 10,25,50,100] [--processes K] [--timeout 60] [--no-cyclone]
 *                              [--cpu-prof-dir DIR] [--json]
 * `--cpu-prof-dir` profiles the first ros2ts process of each run (node --cpu-prof).
 * `--json` prints one object per row: case, metric, value, unit, baseline, baseline_value, ratio,
 * with participants, processes, complete and baseline_complete.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runBuildStep } from '../test/interop/peer-process.js';
import { buildCached } from '../test/support/native-build.js';
import { exitUnlessSandboxed } from './sandbox.js';

const peerScript = fileURLToPath(new URL('./discovery-scale-peer.js', import.meta.url));
/** The C and IDL sources stay in bench/ (the build output has only JavaScript). */
const SOURCE_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
const CYCLONE_FILES = ['discovery-scale-string.idl', 'discovery-scale-cyclone.c'];

interface Options {
  readonly sizes: number[];
  readonly processes: number | undefined;
  readonly timeoutMs: number;
  readonly cyclone: boolean;
  readonly cpuProfDir: string | undefined;
  readonly json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (value('--n') ?? '10,25,50,100').split(',').map(Number);
  const processes = value('--processes');
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--n takes positive integers: 10,25');
  return {
    sizes,
    processes: processes === undefined ? undefined : Number(processes),
    timeoutMs: Number(value('--timeout') ?? 60) * 1000,
    cyclone: !argv.includes('--no-cyclone'),
    cpuProfDir: value('--cpu-prof-dir'),
    json: argv.includes('--json'),
  };
}

/** What one run of N participants showed. */
interface RunResult {
  readonly participants: number;
  readonly processes: number;
  /** From the first process spawned to the last participant started, ms. */
  readonly startupMs: number;
  /** From the last start to the last participant complete, ms; undefined unless all completed. */
  readonly allMs: number | undefined;
  /** Median over participants of complete − own start, ms; undefined unless most completed. */
  readonly medianMs: number | undefined;
  readonly complete: number;
  /** CPU time (user + system) of all the run's processes, from their start until stopped, ms. */
  readonly cpuMs: number;
  /** Datagrams sent and received per participant (ros2ts only: its processes report them). */
  readonly datagrams?: { readonly sent: number; readonly received: number };
}

interface Event {
  readonly event: string;
  readonly id: number;
  readonly at?: number;
  readonly [k: string]: unknown;
}

/**
 * Starts the processes, collects their lines, and stops them all when every participant is
 * complete or at the deadline.
 */
async function runTopology(
  n: number,
  commands: readonly { cmd: string; args: string[] }[],
  timeoutMs: number,
  label: string,
): Promise<RunResult> {
  const started = new Map<number, number>();
  const complete = new Map<number, number>();
  const states: Event[] = [];
  let cpuMs = 0;
  let sent = 0;
  let received = 0;
  const t0 = performance.timeOrigin + performance.now();
  let finish: () => void = () => {};
  const allDone = new Promise<void>((r) => {
    finish = r;
  });
  const children: ChildProcess[] = commands.map(({ cmd, args }) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: Event;
      try {
        e = JSON.parse(line) as Event;
      } catch {
        return;
      }
      if (e.event === 'started' && e.at !== undefined) started.set(e.id, e.at);
      else if (e.event === 'complete' && e.at !== undefined) complete.set(e.id, e.at);
      else if (e.event === 'state') states.push(e);
      else if (e.event === 'cpu' && typeof e['ms'] === 'number') {
        cpuMs += e['ms'];
        if (typeof e['sent'] === 'number') sent += e['sent'];
        if (typeof e['received'] === 'number') received += e['received'];
      }
      if (complete.size === n) finish();
    });
    return child;
  });
  // 'close': the process ended and its output was all read (its last line is its CPU time).
  const exited = children.map((c) => new Promise<void>((r) => c.on('close', () => r())));
  const timer = setTimeout(finish, timeoutMs);
  await allDone;
  clearTimeout(timer);
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(exited);
  for (const s of states) console.error(`${label}: participant ${s.id} incomplete: ${JSON.stringify(s)}`);

  const lastStart = Math.max(...started.values());
  const own = [...complete].map(([id, at]) => at - (started.get(id) ?? at)).sort((a, b) => a - b);
  return {
    participants: n,
    processes: commands.length,
    startupMs: lastStart - t0,
    allMs: complete.size === n ? Math.max(...complete.values()) - lastStart : undefined,
    medianMs: complete.size * 2 > n ? own[Math.floor(n / 2)] : undefined,
    complete: complete.size,
    cpuMs,
    ...(sent > 0 ? { datagrams: { sent: Math.round(sent / n), received: Math.round(received / n) } } : {}),
  };
}

/** K processes hosting the N contexts as evenly as they go. */
function ros2tsCommands(domain: number, n: number, k: number, cpuProfDir: string | undefined) {
  const out: { cmd: string; args: string[] }[] = [];
  let first = 0;
  for (let i = 0; i < k; i++) {
    const count = Math.floor(n / k) + (i < n % k ? 1 : 0);
    const prof = i === 0 && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    out.push({
      cmd: process.execPath,
      args: [...prof, peerScript, String(domain), String(n), String(first), String(count)],
    });
    first += count;
  }
  return out;
}

async function buildCyclone(): Promise<string> {
  const texts = await Promise.all(CYCLONE_FILES.map((f) => readFile(join(SOURCE_DIR, f), 'utf8')));
  const hash = createHash('sha256');
  for (const t of texts) hash.update(`\0${t}`);
  return buildCached({
    cacheRoot: join(tmpdir(), 'ros2ts-bench'),
    key: `discovery-scale-cyclone-${hash.digest('hex').slice(0, 20)}`,
    label: 'discovery-scale-cyclone',
    files: Object.fromEntries(CYCLONE_FILES.map((f, i) => [f, texts[i]!])),
    exeName: 'discovery-scale-cyclone',
    async compile(dir) {
      await runBuildStep('idlc', ['-x', 'final', 'discovery-scale-string.idl'], dir);
      await runBuildStep(
        'gcc',
        [
          ...['-std=gnu11', '-O2', '-Wall', '-o', 'discovery-scale-cyclone'],
          ...['discovery-scale-cyclone.c', 'discovery-scale-string.c', '-lddsc'],
        ],
        dir,
      );
    },
  });
}

interface Row {
  case: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline: string;
  baseline_value: number | null;
  ratio: number | null;
  participants: number;
  processes: number;
  complete: string;
  baseline_complete: string | null;
}

const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);

async function main(): Promise<void> {
  exitUnlessSandboxed('bench:discovery');
  const o = parseOptions(process.argv.slice(2));
  const cyclone = o.cyclone ? await buildCyclone() : undefined;
  const rows: Row[] = [];
  let domain = 60;
  for (const n of o.sizes) {
    const k = Math.min(n, o.processes ?? Math.max(2, Math.ceil(n / 10)));
    const ours = await runTopology(
      n,
      ros2tsCommands(domain++, n, k, o.cpuProfDir),
      o.timeoutMs,
      `ros2ts N=${n}`,
    );
    const theirs = cyclone
      ? await runTopology(
          n,
          Array.from({ length: n }, (_, id) => ({
            cmd: cyclone,
            args: [String(domain), String(n), String(id), String(o.timeoutMs)],
          })),
          o.timeoutMs,
          `cyclone N=${n}`,
        )
      : undefined;
    domain++;
    const perProcess = `${Math.ceil(n / k) === Math.floor(n / k) ? n / k : `${Math.floor(n / k)}-${Math.ceil(n / k)}`}`;
    const name = `N=${n}: ros2ts, ${k} processes x ${perProcess} contexts`;
    const baseline = theirs ? `Cyclone DDS C, ${theirs.processes} processes` : '';
    const metrics: [string, keyof RunResult][] = [
      ['all discovered, from the last start', 'allMs'],
      ['median from own start', 'medianMs'],
      ['startup (first spawn to last start)', 'startupMs'],
      ['CPU time, all processes, until stopped', 'cpuMs'],
    ];
    for (const [metric, key] of metrics) {
      const value = seconds(ours[key] as number | undefined);
      const base = theirs ? seconds(theirs[key] as number | undefined) : null;
      rows.push({
        case: name,
        metric,
        value,
        unit: 's',
        baseline,
        baseline_value: base,
        ratio: value !== null && base !== null && base > 0 ? value / base : null,
        participants: n,
        processes: k,
        complete: `${ours.complete}/${n}`,
        baseline_complete: theirs ? `${theirs.complete}/${n}` : null,
      });
    }
    for (const direction of ['sent', 'received'] as const) {
      const count = ours.datagrams?.[direction];
      if (count === undefined) continue;
      rows.push({
        case: name,
        metric: `datagrams ${direction} per participant, until stopped`,
        value: count,
        unit: 'datagrams',
        baseline: '',
        baseline_value: null,
        ratio: null,
        participants: n,
        processes: k,
        complete: `${ours.complete}/${n}`,
        baseline_complete: null,
      });
    }
  }
  if (o.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    `ros2ts discovery scale benchmark, ${new Date().toISOString()}, Node ${process.version}, ` +
      `timeout ${o.timeoutMs / 1000} s per run`,
  );
  const fmt = (v: number | null, unit: string, complete: string | null) =>
    v === null ? `- (${complete ?? ''} complete)` : unit === 's' ? `${v.toFixed(2)} s` : `${v} ${unit}`;
  const table = rows.map((r) => [
    r.case,
    r.metric,
    fmt(r.value, r.unit, r.complete),
    r.baseline,
    r.baseline ? fmt(r.baseline_value, r.unit, r.baseline_complete) : '',
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
