/** Duration_t arithmetic and the QoS defaults applied when a policy is not sent. */
import { describe, expect, it } from 'vitest';
import {
  compareDurations,
  DURATION_INFINITE,
  DURATION_ZERO,
  durationFromMillis,
  durationFromNanos,
  durationToMillis,
  durationToNanos,
  isInfinite,
} from '../../../../src/rtps/discovery-data/duration.js';
import {
  DEFAULT_PARTICIPANT_LEASE,
  decodeParticipantData,
  participantLease,
} from '../../../../src/rtps/discovery-data/participant-data.js';
import { PID, VENDOR } from '../../../../src/rtps/discovery-data/pids.js';
import {
  DATA_REPRESENTATION,
  DEFAULT_READER_QOS,
  DEFAULT_WRITER_QOS,
  effectiveQos,
} from '../../../../src/rtps/discovery-data/qos.js';
import { plPayload } from './pl-builder.js';

describe('Duration_t', () => {
  it('makes 100 ms the 0 / 0x1999999a that Fast DDS sends, and reads it back as 100 ms', () => {
    expect(durationFromMillis(100)).toEqual({ seconds: 0, fraction: 0x1999999a });
    expect(durationToNanos({ seconds: 0, fraction: 0x1999999a })).toBe(100_000_000);
    expect(durationFromMillis(10_000)).toEqual({ seconds: 10, fraction: 0 });
    expect(durationFromMillis(1500)).toEqual({ seconds: 1, fraction: 0x80000000 });
    expect(durationFromNanos(999_999_999.9)).toEqual({ seconds: 1, fraction: 0 });
  });

  it('treats 0x7fffffff seconds as infinite, whatever the fraction', () => {
    expect(isInfinite(DURATION_INFINITE)).toBe(true);
    expect(isInfinite({ seconds: 0x7fffffff, fraction: 999_999_999 })).toBe(true);
    expect(durationToMillis(DURATION_INFINITE)).toBe(Number.POSITIVE_INFINITY);
    expect(durationFromMillis(Number.POSITIVE_INFINITY)).toEqual(DURATION_INFINITE);
    expect(durationFromMillis(1e15)).toEqual(DURATION_INFINITE);
  });

  it('orders durations with INFINITE last', () => {
    const sorted = [DURATION_INFINITE, durationFromMillis(1500), DURATION_ZERO, durationFromMillis(100)].sort(
      compareDurations,
    );
    expect(sorted.map(durationToMillis)).toEqual([0, 100, 1500, Number.POSITIVE_INFINITY]);
    expect(compareDurations(DURATION_INFINITE, { seconds: 0x7fffffff, fraction: 0 })).toBe(0);
  });
});

describe('defaults for what is not sent', () => {
  it('a writer is RELIABLE (100 ms), a reader BEST_EFFORT; both VOLATILE, KEEP_LAST 1', () => {
    const w = effectiveQos('writer', {});
    const r = effectiveQos('reader', {});
    expect(w).toEqual(DEFAULT_WRITER_QOS);
    expect(r).toEqual(DEFAULT_READER_QOS);
    expect(w.reliability).toEqual({
      kind: 'RELIABLE',
      maxBlockingTime: { seconds: 0, fraction: 0x1999999a },
    });
    expect(r.reliability.kind).toBe('BEST_EFFORT');
    for (const q of [w, r]) {
      expect(q.durability).toBe('VOLATILE');
      expect(q.history).toEqual({ kind: 'KEEP_LAST', depth: 1 });
      expect(isInfinite(q.deadline)).toBe(true);
      expect(isInfinite(q.lifespan)).toBe(true);
      expect(q.liveliness.kind).toBe('AUTOMATIC');
      expect(isInfinite(q.liveliness.leaseDuration)).toBe(true);
      expect(q.ownership).toBe('SHARED');
      expect(q.destinationOrder).toBe('BY_RECEPTION_TIMESTAMP');
      expect(q.partition).toEqual([]);
      expect(q.dataRepresentation).toEqual([DATA_REPRESENTATION.XCDR]);
      expect(q.resourceLimits).toEqual({ maxSamples: -1, maxInstances: -1, maxSamplesPerInstance: -1 });
      expect(q.typeConsistency).toBeUndefined();
    }
  });

  it('what was sent wins over the default, policy by policy', () => {
    const q = effectiveQos('reader', {
      reliability: { kind: 'RELIABLE', maxBlockingTime: DURATION_INFINITE },
      history: { kind: 'KEEP_LAST', depth: 10 },
    });
    expect(q.reliability.kind).toBe('RELIABLE');
    expect(q.history.depth).toBe(10);
    expect(q.durability).toBe('VOLATILE');
  });

  it('a participant without a lease gets the RTPS default of 100 s', () => {
    const p = decodeParticipantData(
      plPayload([[PID.PARTICIPANT_GUID, (v) => v.hex('01f7aabb1234010203040001000001c1')]], {
        littleEndian: true,
      }),
      VENDOR.ROS2TS,
    );
    expect(p.leaseDuration).toBeUndefined();
    expect(participantLease(p)).toEqual(DEFAULT_PARTICIPANT_LEASE);
    expect(durationToMillis(DEFAULT_PARTICIPANT_LEASE)).toBe(100_000);
  });
});
