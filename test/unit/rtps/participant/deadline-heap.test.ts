import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from '../../../../src/rtps/participant/deadline-heap.js';

describe('DeadlineHeap', () => {
  it('pops keys in deadline order, only those due, with moved and deleted keys honoured', () => {
    const h = new DeadlineHeap();
    h.set('a', 30);
    h.set('b', 10);
    h.set('c', 20);
    h.set('b', 40); // moved later
    h.delete('c');
    h.set('d', Number.POSITIVE_INFINITY);
    expect(h.peek()).toBe(30);
    expect(h.popDue(35)).toEqual(['a']);
    expect(h.popDue(39)).toEqual([]);
    expect(h.popDue(1e9)).toEqual(['b']);
    expect(h.peek()).toBeUndefined();
    expect(h.size).toBe(1); // d: never due
  });

  it('agrees with a plain map for any sequence of sets, deletes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('set' as const),
              key: fc.integer({ min: 0, max: 20 }),
              at: fc.integer({ min: 0, max: 1000 }),
            }),
            fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 20 }) }),
            fc.record({ op: fc.constant('pop' as const), now: fc.integer({ min: 0, max: 1000 }) }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const h = new DeadlineHeap();
          const model = new Map<string, number>();
          for (const o of ops) {
            if (o.op === 'set') {
              h.set(String(o.key), o.at);
              model.set(String(o.key), o.at);
            } else if (o.op === 'delete') {
              h.delete(String(o.key));
              model.delete(String(o.key));
            } else {
              const due = [...model].filter(([, at]) => at <= o.now).map(([k]) => k);
              for (const k of due) model.delete(k);
              expect(h.popDue(o.now).sort()).toEqual(due.sort());
            }
            const min = Math.min(...model.values());
            expect(h.peek()).toBe(model.size === 0 ? undefined : min);
          }
        },
      ),
    );
  });
});
