/**
 * WriterHistory keeps its changes in a ring indexed by sequence number: checked against a plain
 * Map model over random sequences of writes, removals and acknowledgements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryFullError, type HistoryKind, WriterHistory } from '../../../../src/rtps/writer/history.js';

type Op = { kind: 'add' } | { kind: 'remove'; back: number } | { kind: 'removeBelow'; back: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'add' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), back: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeBelow' as const), back: fc.nat(40) }) },
);

const kind: fc.Arbitrary<HistoryKind> = fc.oneof(
  fc.record({ kind: fc.constant('keep-last' as const), depth: fc.integer({ min: 1, max: 40 }) }),
  fc.constant({ kind: 'keep-all' as const }),
);

describe('WriterHistory ring', () => {
  it('holds what a Map of the same operations holds', () => {
    fc.assert(
      fc.property(kind, fc.array(op, { minLength: 20, maxLength: 300, size: 'max' }), (policy, ops) => {
        const h = new WriterHistory(policy, 50);
        const model = new Map<number, number>();
        let next = 1;
        const limit = policy.kind === 'keep-last' ? policy.depth : 50;
        for (const o of ops) {
          if (o.kind === 'add') {
            if (policy.kind === 'keep-all' && model.size >= 50) {
              expect(() => h.add({ timestampMs: next })).toThrow(HistoryFullError);
              continue;
            }
            const evicted: number[] = [];
            const change = h.add({ timestampMs: next }, (sn) => evicted.push(sn));
            expect(change.sn).toBe(next);
            model.set(next, next);
            next++;
            const gone: number[] = [];
            while (model.size > limit) {
              const oldest = Math.min(...model.keys());
              model.delete(oldest);
              gone.push(oldest);
            }
            expect(evicted).toEqual(gone);
          } else if (o.kind === 'remove') {
            const sn = next - 1 - o.back;
            h.remove(sn);
            model.delete(sn);
          } else {
            const sn = next - o.back;
            h.removeBelow(sn);
            for (const k of [...model.keys()]) if (k < sn) model.delete(k);
          }
          expect(h.size).toBe(model.size);
          expect(h.lastSN).toBe(next - 1);
          expect(h.firstSN).toBe(model.size === 0 ? next : Math.min(...model.keys()));
        }
        for (let sn = -2; sn <= next + 2; sn++) expect(h.get(sn)?.timestampMs).toBe(model.get(sn));
        expect([...h.values()].map((c) => c.sn)).toEqual([...model.keys()].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
