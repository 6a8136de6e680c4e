/**
 * What "held" means for one scenario, each criterion named with what was measured against its
 * bound: nothing lost or misordered on the reliable topic and no failed service call, no event-
 * loop stall over the bound, resident memory under the scenario's bound and fragment memory under
 * the participant's budget, heap back near where it was (when a full GC can be forced), the drop
 * counters naming the reason, the table of participants bounded, and the fakes gone in time.
 */

import type { SoakRow, SoakSettings } from './run.js';
import type { Scenario } from './scenarios.js';

export interface RowCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Heap growth that survives a full GC and counts as a leak. */
export const HEAP_LEAK_BOUND_MB = 24;

const mb = (n: number) => `${n.toFixed(0)} MB`;

export function judge(
  s: Scenario,
  row: Omit<SoakRow, 'checks' | 'held'>,
  settings: SoakSettings,
  baseline: { readonly participants: number; readonly endpoints: number },
): RowCheck[] {
  const t = row.traffic;
  const checks: RowCheck[] = [
    {
      name: 'no loss',
      ok: t.published > 0 && t.delivered === t.published && t.misordered === 0,
      detail: `${t.delivered}/${t.published} delivered, ${t.misordered} out of sequence`,
    },
    {
      name: 'service',
      ok: t.callsCompleted > 0 && t.callsFailed === 0,
      detail: `${t.callsCompleted} calls, ${t.callsFailed} failed`,
    },
    {
      name: 'no stall',
      ok: row.loopMaxMs <= settings.stallBoundMs,
      detail: `max ${row.loopMaxMs.toFixed(0)} ms ≤ ${settings.stallBoundMs} ms`,
    },
    {
      name: 'memory',
      ok:
        (row.rssMB.peak - row.rssMB.before) * 1e6 <= s.rssBound &&
        row.fragmentBytesPeak <= row.fragmentBudget,
      detail: `RSS +${mb(row.rssMB.peak - row.rssMB.before)} ≤ ${mb(s.rssBound / 1e6)}, fragments ${mb(row.fragmentBytesPeak / 1e6)} ≤ ${mb(row.fragmentBudget / 1e6)}`,
    },
  ];
  if (typeof globalThis.gc === 'function')
    checks.push({
      name: 'no leak',
      ok: row.heapMB.after - row.heapMB.before <= HEAP_LEAK_BOUND_MB,
      detail: `heap after GC ${mb(row.heapMB.after)} vs ${mb(row.heapMB.before)} before (≤ +${HEAP_LEAK_BOUND_MB} MB)`,
    });
  const counted = (r: string) => (row.drops[r] ?? 0) > 0;
  const must = [...s.mustCount];
  // The endpoint bound (when discovery has one) must refuse what the fake announces past it.
  const endpointMax = settings.endpointLimit
    ? (settings.discoveryLimits as unknown as Record<string, number>)[settings.endpointLimit]
    : undefined;
  if (s.name === 'sedp-flood' && endpointMax !== undefined) {
    if (row.attack.sent / 2 > endpointMax) must.push('endpoint-limit');
    checks.push({
      name: 'endpoints bounded',
      ok: row.endpointsPeak - baseline.endpoints <= endpointMax,
      detail: `${row.endpointsPeak - baseline.endpoints} endpoints of the fake kept at most ≤ ${endpointMax}`,
    });
  }
  const missing = must.filter((r) => !counted(r));
  const oneOf = s.mustCountOneOf.length === 0 || s.mustCountOneOf.some(counted);
  if (must.length > 0 || s.mustCountOneOf.length > 0)
    checks.push({
      name: 'counted',
      ok: missing.length === 0 && oneOf,
      detail:
        missing.length === 0 && oneOf
          ? `${[...must, ...s.mustCountOneOf.filter(counted)].join(', ')} counted`
          : `not counted: ${[...missing, ...(oneOf ? [] : [`one of ${s.mustCountOneOf.join('/')}`])].join(', ')}`,
    });
  const maxKnown = settings.discoveryLimits.maxParticipants + baseline.participants;
  checks.push({
    name: 'bounded',
    ok: row.participantsPeak <= maxKnown,
    detail: `${row.participantsPeak} participants known at most ≤ ${maxKnown}`,
  });
  if (s.fakes)
    checks.push({
      name: 'fakes expired',
      ok: row.fakesGoneS !== null && row.fakesGoneS !== undefined,
      detail:
        row.fakesGoneS === null || row.fakesGoneS === undefined
          ? `${row.participantsAfter - baseline.participants} fakes (${row.endpointsAfter - baseline.endpoints} endpoints) left after ${row.fakesDeadlineS} s`
          : `gone ${row.fakesGoneS.toFixed(1)} s after the attack (≤ ${row.fakesDeadlineS} s)`,
    });
  return checks;
}
