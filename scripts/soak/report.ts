/** The soak's result as a markdown table (for docs/RELIABILITY.md and the terminal) or JSON. */
import { HEAP_LEAK_BOUND_MB } from './checks.js';
import type { SoakResult, SoakRow } from './run.js';

const n = (x: number) => x.toLocaleString('en-US');
const f0 = (x: number) => x.toFixed(0);

function drops(row: SoakRow): string {
  const entries = Object.entries(row.drops).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '(none)';
  return entries.map(([r, k]) => `${r} ${n(k)}`).join(', ');
}

function fakes(row: SoakRow): string {
  if (row.fakesGoneS === undefined) return '—';
  if (row.fakesGoneS === null) return `**not gone** after ${row.fakesDeadlineS} s`;
  return `${row.fakesGoneS.toFixed(1)} s (≤ ${row.fakesDeadlineS} s)`;
}

export function markdownTable(result: SoakResult): string {
  const head = [
    'scenario',
    'sent',
    'reliable topic: delivered / published',
    'service calls (failed, max latency)',
    'event loop p99 / max',
    'RSS MB before / peak / after',
    'heap MB before / peak / after',
    'drops counted (both victims)',
    'participants known peak / after',
    'endpoints known peak / after',
    'fakes gone after',
    'datagrams to fakes',
    'kernel drops (rcvbuf full)',
    'held',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of result.rows) {
    const t = r.traffic;
    const failed = r.checks.filter((c) => !c.ok);
    lines.push(
      `| ${[
        r.scenario,
        `${n(r.attack.sent)} in ${r.attack.seconds.toFixed(1)} s`,
        `${n(t.delivered)} / ${n(t.published)}${t.misordered ? `, ${t.misordered} out of sequence` : ''}`,
        `${n(t.callsCompleted)} (${t.callsFailed}, ${f0(t.callMaxMs)} ms)`,
        `${r.loopP99Ms.toFixed(1)} / ${f0(r.loopMaxMs)} ms`,
        `${f0(r.rssMB.before)} / ${f0(r.rssMB.peak)} / ${f0(r.rssMB.after)}${r.fragmentBytesPeak > 0 ? ` (fragments in reassembly: ${f0(r.fragmentBytesPeak / 1e6)} MB at most, ${f0(r.fragmentBytesAfter / 1e6)} MB after, budget ${f0(r.fragmentBudget / 1e6)} MB)` : ''}`,
        `${f0(r.heapMB.before)} / ${f0(r.heapMB.peak)} / ${f0(r.heapMB.after)}`,
        `${drops(r)}${r.dropsFromAttacker ? ` (${n(r.dropsFromAttacker)} charged to the attacker's address)` : ''}`,
        `${r.participantsPeak} / ${r.participantsAfter}`,
        `${n(r.endpointsPeak)} / ${n(r.endpointsAfter)}`,
        fakes(r),
        n(r.toFakes),
        n(r.kernelDrops),
        r.held ? 'yes' : `**no**: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function criteria(result: SoakResult): string {
  const s = result.settings;
  return [
    `"held" = every one of: nothing lost or out of sequence on the reliable topic (delivered = published, after up to 5 s of repair); `,
    `every service call answered (5 s timeout) and at least one made; event-loop delay never over ${s.stallBoundMs} ms; `,
    `peak RSS over the scenario's start under its bound (128 MB; 256 MiB fragment budget + 128 MB for fragment-bomb) and fragment bytes in reassembly under the participant's budget; `,
    `heap after a full GC within ${HEAP_LEAK_BOUND_MB} MB of before; the drop reasons the attack should cause counted; `,
    `participants known ≤ maxParticipants + the real ones; fake participants all gone within their lease (or the lease cap for infinite ones) + 2 s.`,
  ].join('');
}

export function markdownReport(result: SoakResult): string {
  const s = result.settings;
  const limits = Object.entries(s.discoveryLimits)
    .map(([k, v]) => `${k} ${n(v as number)}${k in s.overrides ? ' (soak override)' : ''}`)
    .join(', ');
  return [
    `Soak ${s.short ? '(--short)' : '(full)'}: domain ${s.domainId}, seed ${s.seed}, ${result.seconds.toFixed(0)} s; victims' traffic ${s.publishHz} msg/s reliable + AddTwoInts calls back to back (${s.callGapMs} ms apart); discovery limits: ${limits}; fakes' finite lease ${s.fakeLeaseMs} ms${s.endpointLimit ? `; endpoint bound: ${s.endpointLimit}` : '; no endpoints-per-participant bound in discovery-limits.ts at this run'}.`,
    '',
    markdownTable(result),
    '',
    criteria(result),
    '',
    ...(result.timedOut ? [`**Stopped**: ${result.timedOut}.`, ''] : []),
    `Overall: ${result.held ? 'every scenario held' : `${result.rows.filter((r) => !r.held).length} scenario(s) did not hold`}.`,
  ].join('\n');
}
