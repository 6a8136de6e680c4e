import { describe, expect, it } from 'vitest';
import {
  goalIdFromHex,
  goalIdToHex,
  isZeroGoalId,
  randomGoalId,
  stampFromMs,
  stampFromNs,
  stampToMs,
  stampToNs,
} from '../../../src/actions/goal-id.js';

describe('goal ids', () => {
  it('are random version 4 uuids of 16 bytes', () => {
    const a = randomGoalId();
    const b = randomGoalId();
    expect(a).toHaveLength(16);
    expect(goalIdToHex(a)).not.toBe(goalIdToHex(b));
    expect(a[6]! >> 4).toBe(4); // version
    expect(a[8]! >> 6).toBe(0b10); // RFC 4122 variant
  });

  it('print as 8-4-4-4-12 and parse back', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    const hex = goalIdToHex(id);
    expect(hex).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(goalIdFromHex(hex)).toEqual(id);
    expect(goalIdFromHex(hex.replaceAll('-', '').toUpperCase())).toEqual(id);
  });

  it('refuse what is not 16 bytes', () => {
    expect(() => goalIdToHex(new Uint8Array(15))).toThrow(RangeError);
    expect(() => goalIdFromHex('not-a-uuid')).toThrow(RangeError);
  });

  it('tell the zero id apart', () => {
    expect(isZeroGoalId(new Uint8Array(16))).toBe(true);
    expect(isZeroGoalId(randomGoalId())).toBe(false);
  });
});

describe('stamps', () => {
  it('convert between Time, nanoseconds and milliseconds', () => {
    expect(stampToNs({ sec: 3, nanosec: 5 })).toBe(3_000_000_005n);
    expect(stampFromNs(3_000_000_005n)).toEqual({ sec: 3, nanosec: 5 });
    expect(stampFromMs(1500.25)).toEqual({ sec: 1, nanosec: 500_250_000 });
    expect(stampToMs({ sec: 1, nanosec: 500_250_000 })).toBeCloseTo(1500.25, 9);
  });
});
