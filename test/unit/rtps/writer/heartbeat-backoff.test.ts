/**
 * A reader that never answers gets periodic HEARTBEATs less and less often (issue 13: a flood of
 * made-up ROS participants drew about a million HEARTBEATs in 25 s); one that answers stays at the
 * full rate, and an ACKNACK brings a slowed one back to it.
 */
import { describe, expect, it } from 'vitest';
import { WriterHistory } from '../../../../src/rtps/writer/history.js';
import { SILENT_BEATS_AT_FULL_RATE, StatefulWriter } from '../../../../src/rtps/writer/stateful-writer.js';

const PERIOD = 100;
/** Owed the history, so each is unacknowledged from the start. */
const READER = { reliable: true, transientLocal: true };

function writer() {
  const w = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth: 1 }), {
    reliable: true,
    transientLocal: true,
    heartbeatPeriodMs: PERIOD,
    nackResponseDelayMs: 5,
  });
  w.write({ payload: new Uint8Array([0, 1, 0, 0]), timestampMs: 0 }, 0);
  return w;
}

/** The periodic HEARTBEATs each reader got while polling until `until`, at every deadline. */
function beats(w: StatefulWriter, from: number, until: number, each?: (now: number) => void) {
  const got = new Map<string, number>();
  for (let now = from; now <= until; now++) {
    each?.(now);
    const d = w.nextDeadline();
    if (d === undefined || d > now) continue;
    for (const a of w.poll(now))
      if (a.kind === 'heartbeat' && !a.final) for (const r of a.readers) got.set(r, (got.get(r) ?? 0) + 1);
  }
  return got;
}

describe('HEARTBEATs to a reader that never answers', () => {
  it('slow down after the first ones, down to one every 1.6 s, while a live reader keeps the full rate', () => {
    const w = writer();
    w.addReader('silent', READER, 0);
    w.addReader('live', READER, 0);
    let count = 0;
    // The live reader acknowledges everything but keeps the writer owing it (never heard a final one):
    // each ACKNACK is answered; we make it owed again by writing each period.
    const got = beats(w, 1, 10_000, (now) => {
      if (now % PERIOD === 50) {
        w.write({ payload: new Uint8Array([0, 1, 0, 0]), timestampMs: now }, now);
        w.onAckNack('live', 1, [], ++count, now);
      }
    });
    // 10 s at 100 ms would be 100 for each. The silent one: 3 at the full rate, then 0.2, 0.4,
    // 0.8 s apart, then every 1.6 s.
    expect(got.get('silent')).toBeGreaterThanOrEqual(SILENT_BEATS_AT_FULL_RATE);
    expect(got.get('silent')).toBeLessThanOrEqual(SILENT_BEATS_AT_FULL_RATE + 10);
    expect(got.get('live')).toBeGreaterThanOrEqual(90);
  });

  it('go back to the full rate after an ACKNACK', () => {
    const w = writer();
    w.addReader('slow', READER, 0);
    const before = beats(w, 1, 10_000).get('slow')!;
    expect(before).toBeLessThan(30);
    // It answers at last (and still misses something): HEARTBEATs every period again.
    w.write({ payload: new Uint8Array([0, 1, 0, 0]), timestampMs: 10_001 }, 10_001);
    w.onAckNack('slow', 1, [1], 1, 10_001);
    // In the next 400 ms: the full rate's beats (a period apart), where it got one in 1.6 s before.
    const after = beats(w, 10_002, 10_400).get('slow') ?? 0;
    expect(after).toBeGreaterThanOrEqual(SILENT_BEATS_AT_FULL_RATE);
  });
});
