import { describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../../src/rtps/discovery-data/duration.js';
import {
  DEFAULT_READER_QOS,
  DEFAULT_WRITER_QOS,
  type EffectiveQos,
} from '../../../src/rtps/discovery-data/qos.js';
import { checkCompatibility } from '../../../src/rtps/qos-compatibility.js';

const writer = (q: Partial<EffectiveQos>): EffectiveQos => ({ ...DEFAULT_WRITER_QOS, ...q });
const reader = (q: Partial<EffectiveQos>): EffectiveQos => ({ ...DEFAULT_READER_QOS, ...q });
const RELIABLE = { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) };
const BEST_EFFORT = { kind: 'BEST_EFFORT' as const, maxBlockingTime: durationFromMillis(100) };

describe('QoS compatibility (RxO)', () => {
  it('matches the defaults, and a reliable writer with a best-effort reader', () => {
    expect(checkCompatibility(DEFAULT_WRITER_QOS, DEFAULT_READER_QOS)).toEqual({ compatible: true });
  });

  it.each([
    [
      'RELIABILITY',
      writer({ reliability: BEST_EFFORT }),
      reader({ reliability: RELIABLE }),
      'BEST_EFFORT',
      'RELIABLE',
    ],
    ['DURABILITY', writer({}), reader({ durability: 'TRANSIENT_LOCAL' }), 'VOLATILE', 'TRANSIENT_LOCAL'],
    [
      'DEADLINE',
      writer({ deadline: durationFromMillis(200) }),
      reader({ deadline: durationFromMillis(100) }),
      '200 ms',
      '100 ms',
    ],
    ['OWNERSHIP', writer({ ownership: 'EXCLUSIVE' }), reader({}), 'EXCLUSIVE', 'SHARED'],
    ['PARTITION', writer({ partition: ['a'] }), reader({ partition: ['b'] }), '["a"]', '["b"]'],
    ['DATA_REPRESENTATION', writer({ dataRepresentation: [2] }), reader({}), '2', '[0]'],
  ])('names %s when it is at fault', (policy, w, r, offered, requested) => {
    expect(checkCompatibility(w, r)).toEqual({ compatible: false, policy, offered, requested });
  });

  it('names LIVELINESS for a weaker kind or a longer lease', () => {
    const r = reader({ liveliness: { kind: 'AUTOMATIC', leaseDuration: durationFromMillis(1000) } });
    expect(checkCompatibility(writer({}), r)).toMatchObject({ compatible: false, policy: 'LIVELINESS' });
    expect(
      checkCompatibility(
        writer({ liveliness: { kind: 'AUTOMATIC', leaseDuration: durationFromMillis(500) } }),
        r,
      ),
    ).toEqual({
      compatible: true,
    });
  });
});
