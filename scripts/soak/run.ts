/**
 * `runSoak`: starts the attacker as a child process, then runs each scenario in turn against
 * fresh victims in this process while their traffic goes on, and judges each one (scenarios.ts says
 * what is sent; checks.ts what "held" means). Needs real UDP: run it in the loopback-only
 * namespace (scripts/netns-run), as `npm run soak` does.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_DISCOVERY_LIMITS,
  type DiscoveryLimits,
} from '../../src/rtps/participant/discovery-limits.js';
import type { RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { judge, type RowCheck } from './checks.js';
import { udpCounters } from './kernel.js';
import { Probe } from './probe.js';
import type { AttackCommand, AttackerMessage, AttackReport, ScenarioName } from './protocol.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { type TrafficWindow, Victims } from './victims.js';

export interface SoakOptions {
  /** The CI version: a tenth of the counts, shorter leases. */
  readonly short?: boolean;
  readonly domainId?: number;
  /** The compiled attacker (default: attacker.js beside this module, else under dist/). */
  readonly attackerPath?: string;
  /** Run only these scenarios. */
  readonly only?: readonly ScenarioName[];
  /** Progress lines (to stderr in the CLI). */
  readonly log?: (line: string) => void;
  readonly seed?: number;
}

export interface SoakSettings {
  readonly short: boolean;
  readonly domainId: number;
  readonly seed: number;
  /** The discovery limits the victims ran with (the soak's overrides marked in `overrides`). */
  readonly discoveryLimits: DiscoveryLimits;
  readonly overrides: Partial<DiscoveryLimits>;
  readonly fakeLeaseMs: number;
  readonly publishHz: number;
  readonly callGapMs: number;
  readonly stallBoundMs: number;
  /** The name of the endpoints-per-participant limit, when discovery has one. */
  readonly endpointLimit?: string;
}

export interface SoakRow {
  readonly scenario: ScenarioName;
  readonly what: string;
  readonly attack: AttackReport;
  readonly traffic: TrafficWindow;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly rssMB: { readonly before: number; readonly peak: number; readonly after: number };
  readonly heapMB: { readonly before: number; readonly peak: number; readonly after: number };
  readonly fragmentBytesPeak: number;
  /** Bytes still held in reassembly at the end of the row (after the drain). */
  readonly fragmentBytesAfter: number;
  readonly fragmentBudget: number;
  /** Drops counted by the two victims together during the scenario, by reason. */
  readonly drops: Readonly<Record<string, number>>;
  /** The share of those drops charged to the attacker's address. */
  readonly dropsFromAttacker: number;
  /** Datagrams the victims sent to the fakes' (sink) addresses, until the fakes were gone. */
  readonly toFakes: number;
  /** Datagrams the kernel discarded for full receive buffers (the namespace's UDP RcvbufErrors). */
  readonly kernelDrops: number;
  readonly participantsPeak: number;
  readonly participantsAfter: number;
  readonly endpointsPeak: number;
  readonly endpointsAfter: number;
  /** Seconds after the attack ended until every fake was gone (null: not all gone by the deadline). */
  readonly fakesGoneS: number | null | undefined;
  readonly fakesDeadlineS: number | undefined;
  readonly checks: readonly RowCheck[];
  readonly held: boolean;
}

export interface SoakResult {
  readonly settings: SoakSettings;
  readonly rows: readonly SoakRow[];
  /** The scenario that overran its time bound (the soak stopped there), if one did. */
  readonly timedOut?: string;
  readonly held: boolean;
  readonly seconds: number;
}

const MB = 1e6;
/** After an attack, how long reliable delivery may take to repair what was lost. */
const DRAIN_MS = 5_000;
/** Slack past a lease for the expiry to be noticed and the last announcement to arrive. */
const LEASE_SLACK_MS = 2_000;
const PAUSE_MS = 500;
/** Victims' traffic runs this long before an attack starts. */
const WARMUP_MS = 1_000;

function defaultAttackerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'attacker.js');
  if (existsSync(beside)) return beside;
  return join(here, '..', '..', 'dist', 'scripts', 'soak', 'attacker.js');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The soak is bounded in time even when a victim slows to a crawl: a scenario gets this long. */
function scenarioDeadlineMs(s: Scenario, short: boolean): number {
  const sending = ((short ? s.count.short : s.count.full) / s.rate) * 1000;
  const leases = short ? 8_000 : 12_000;
  return 3 * sending + 30_000 + WARMUP_MS + leases + DRAIN_MS;
}

export class SoakTimeoutError extends Error {
  override name = 'SoakTimeoutError';
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SoakTimeoutError(`${what} did not finish within ${(ms / 1000).toFixed(0)} s`)),
      ms,
    );
  });
  p.catch(() => {}); // once late, what the overrun scenario still does is moot
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

class Attacker {
  private readonly waiting: Array<(m: AttackerMessage) => void> = [];
  /** The attacker's sending address, as the victims' drop counters name it. */
  source = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: AttackerMessage) => this.waiting.shift()?.(m));
  }

  static async start(path: string): Promise<Attacker> {
    if (!existsSync(path)) throw new Error(`no compiled attacker at ${path}: run npm run build first`);
    const child = fork(path, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const a = new Attacker(child);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the attacker exited (${code}) before it was ready`))),
    );
    exited.catch(() => {}); // once ready, its exit is stop()'s doing
    const ready = await Promise.race([a.next(), exited]);
    if (ready.type !== 'ready') throw new Error(`the attacker said ${ready.type} before it was ready`);
    a.source = ready.source;
    return a;
  }

  private next(): Promise<AttackerMessage> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async attack(cmd: AttackCommand): Promise<AttackReport> {
    const reply = this.next();
    this.child.send(cmd);
    const m = await reply;
    if (m.type !== 'done') throw new Error(`the attacker answered ${m.type} to an attack`);
    return m;
  }

  async toFakes(): Promise<number> {
    const reply = this.next();
    this.child.send({ type: 'count-sink' });
    const m = await reply;
    return m.type === 'sink' ? m.toFakes : 0;
  }

  stop(): void {
    if (this.child.connected) this.child.send({ type: 'exit' });
    setTimeout(() => this.child.kill('SIGKILL'), 2_000).unref();
  }
}

function dropSnapshot(ps: readonly RtpsParticipant[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of ps) for (const [r, n] of p.drops.counts) m.set(r, (m.get(r) ?? 0) + n);
  return m;
}

function fromSource(ps: readonly RtpsParticipant[], source: string): number {
  let n = 0;
  for (const p of ps)
    for (const reason of p.drops.counts.keys())
      for (const [s, k] of p.drops.sources(reason)) if (s === source) n += k;
  return n;
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const short = options.short ?? false;
  const log = options.log ?? (() => {});
  const endpointLimit = Object.keys(DEFAULT_DISCOVERY_LIMITS).find((k) => /endpoint/i.test(k));
  // Leases are capped shorter than the 300 s default so that the fakes' expiry is seen in the run.
  const overrides: Partial<DiscoveryLimits> = { maxLeaseMs: short ? 6_000 : 10_000 };
  const settings: SoakSettings = {
    short,
    domainId: options.domainId ?? 57,
    seed: options.seed ?? 1,
    discoveryLimits: { ...DEFAULT_DISCOVERY_LIMITS, ...overrides },
    overrides,
    fakeLeaseMs: 3_000,
    publishHz: 1_000,
    callGapMs: 2,
    stallBoundMs: 500,
    ...(endpointLimit ? { endpointLimit } : {}),
  };
  const started = performance.now();
  const attacker = await Attacker.start(options.attackerPath ?? defaultAttackerPath());
  const rows: SoakRow[] = [];
  let timedOut: string | undefined;
  try {
    const scenarios = SCENARIOS.filter((s) => !options.only || options.only.includes(s.name));
    for (const [k, s] of scenarios.entries()) {
      log(`soak: ${s.name} (${k + 1}/${scenarios.length})...`);
      let row: SoakRow;
      try {
        row = await withDeadline(runScenario(s, k), scenarioDeadlineMs(s, short), s.name);
      } catch (error) {
        if (!(error instanceof SoakTimeoutError)) throw error;
        timedOut = error.message;
        log(`soak: ${error.message}; stopping`);
        break;
      }
      rows.push(row);
      const failed = row.checks.filter((c) => !c.ok).map((c) => c.name);
      log(`soak: ${s.name} ${row.held ? 'held' : `FAILED: ${failed.join(', ')}`}`);
      await sleep(PAUSE_MS);
    }
  } finally {
    attacker.stop();
  }

  /**
   * One scenario against fresh victims: what an attack leaves behind (a broken match, fakes still
   * known) is the row's to show, not the next one's to inherit.
   */
  async function runScenario(s: Scenario, k: number): Promise<SoakRow> {
    const victims = await Victims.start({
      domainId: settings.domainId,
      discoveryLimits: overrides,
      publishHz: settings.publishHz,
      callGapMs: settings.callGapMs,
    });
    try {
      return await attackVictims(s, k, victims);
    } finally {
      await victims.shutdown();
    }
  }

  async function attackVictims(s: Scenario, k: number, victims: Victims): Promise<SoakRow> {
    const ps = victims.participants;
    const participants = () => Math.max(...ps.map((p) => p.participants.length));
    const endpoints = () => Math.max(...ps.map((p) => p.remoteWriters.length + p.remoteReaders.length));
    victims.startTraffic();
    await sleep(WARMUP_MS);
    const baseline = { participants: participants(), endpoints: endpoints() };
    const kernel0 = udpCounters();
    const drops0 = dropSnapshot(ps);
    const attributed0 = fromSource(ps, attacker.source);
    const fakes0 = await attacker.toFakes();
    const probe = new Probe({
      participants,
      endpoints,
      fragments: () => Math.max(...ps.map((p) => p.fragmentBudget.used)),
    });
    victims.open();
    const attack = await attacker.attack({
      type: 'attack',
      scenario: s.name,
      map: victims.map(),
      count: short ? s.count.short : s.count.full,
      rate: s.rate,
      seed: settings.seed * 1000 + k,
      fakeLeaseMs: settings.fakeLeaseMs,
    });
    let fakesGoneS: number | null | undefined;
    let fakesDeadlineS: number | undefined;
    if (s.fakes) {
      const leaseMs = s.fakes === 'capped' ? settings.discoveryLimits.maxLeaseMs : settings.fakeLeaseMs;
      const deadline = leaseMs + LEASE_SLACK_MS;
      fakesDeadlineS = deadline / 1000;
      const t0 = performance.now();
      fakesGoneS = null;
      while (performance.now() - t0 < deadline) {
        if (participants() <= baseline.participants && endpoints() <= baseline.endpoints) {
          fakesGoneS = (performance.now() - t0) / 1000;
          break;
        }
        await sleep(50);
      }
    }
    const traffic = await victims.close(DRAIN_MS);
    const participantsAfter = participants();
    const endpointsAfter = endpoints();
    const toFakes = (await attacker.toFakes()) - fakes0;
    const probed = probe.stop();
    const drops1 = dropSnapshot(ps);
    const drops: Record<string, number> = {};
    for (const [r, n] of drops1) if (n - (drops0.get(r) ?? 0) > 0) drops[r] = n - (drops0.get(r) ?? 0);
    const row = {
      scenario: s.name,
      what: s.what,
      attack,
      traffic,
      loopP99Ms: probed.loopP99Ms,
      loopMaxMs: probed.loopMaxMs,
      rssMB: { before: probed.before.rss / MB, peak: probed.peak.rss / MB, after: probed.after.rss / MB },
      heapMB: { before: probed.before.heap / MB, peak: probed.peak.heap / MB, after: probed.after.heap / MB },
      fragmentBytesPeak: probed.gauges['fragments'] ?? 0,
      fragmentBytesAfter: Math.max(...ps.map((p) => p.fragmentBudget.used)),
      fragmentBudget: Math.min(...ps.map((p) => p.fragmentBudget.limit)),
      drops,
      dropsFromAttacker: fromSource(ps, attacker.source) - attributed0,
      toFakes,
      kernelDrops: udpCounters().rcvbufErrors - kernel0.rcvbufErrors,
      participantsPeak: probed.gauges['participants'] ?? 0,
      participantsAfter,
      endpointsPeak: probed.gauges['endpoints'] ?? 0,
      endpointsAfter,
      fakesGoneS,
      fakesDeadlineS,
    };
    const checks = judge(s, row, settings, baseline);
    return { ...row, checks, held: checks.every((c) => c.ok) };
  }

  return {
    settings,
    rows,
    held: !timedOut && rows.every((r) => r.held),
    seconds: (performance.now() - started) / 1000,
    ...(timedOut ? { timedOut } : {}),
  };
}
