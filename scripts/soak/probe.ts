/**
 * What the victims' process goes through during a scenario: event-loop delay (perf_hooks'
 * histogram: how late a timer fired, i.e. how long the loop was stalled), resident and heap memory
 * (before and after with a full GC when `--expose-gc` allows it, peak sampled meanwhile), and the
 * largest value of any other gauge asked for (fragment bytes in reassembly...).
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface Memory {
  readonly rss: number;
  readonly heap: number;
}

export interface ProbeResult {
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly before: Memory;
  readonly peak: Memory;
  readonly after: Memory;
  /** The largest value each gauge took. */
  readonly gauges: Readonly<Record<string, number>>;
}

const SAMPLE_MS = 50;

export function memoryNow(collect: boolean): Memory {
  if (collect) globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

export class Probe {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly before: Memory;
  private peak: { rss: number; heap: number };
  private readonly gaugeMax: Record<string, number> = {};
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly gauges: Readonly<Record<string, () => number>> = {}) {
    this.before = memoryNow(true);
    this.peak = { ...this.before };
    this.sample();
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.peak.rss = Math.max(this.peak.rss, m.rss);
    this.peak.heap = Math.max(this.peak.heap, m.heapUsed);
    for (const [name, read] of Object.entries(this.gauges))
      this.gaugeMax[name] = Math.max(this.gaugeMax[name] ?? 0, read());
  }

  stop(): ProbeResult {
    this.sample();
    clearInterval(this.timer);
    this.histogram.disable();
    const ms = (ns: number) => ns / 1e6;
    return {
      loopP99Ms: ms(this.histogram.percentile(99)),
      loopMaxMs: ms(this.histogram.max),
      before: this.before,
      peak: this.peak,
      after: memoryNow(true),
      gauges: { ...this.gaugeMax },
    };
  }
}
