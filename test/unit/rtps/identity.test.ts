import { describe, expect, it } from 'vitest';
import { isRos2tsPrefix, newGuidPrefix, ROS2TS_VENDOR_ID } from '../../../src/rtps/identity.js';

describe('identity', () => {
  it('uses a vendor id no registered vendor has, and not the ones WIRE.md rules out', () => {
    const v = (ROS2TS_VENDOR_ID[0] << 8) | ROS2TS_VENDOR_ID[1];
    expect([0x0000, 0x010f, 0x0110]).not.toContain(v);
    // OMG assigns 01.01 upwards in order; 01.12 was RustDDS in 2020: stay well above.
    expect(v).toBeGreaterThan(0x0140);
  });

  it('makes distinct prefixes that never start like a Fast DDS or Cyclone one', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const p = newGuidPrefix();
      expect(p.length).toBe(12);
      expect(isRos2tsPrefix(p)).toBe(true);
      expect([p[0], p[1]]).not.toEqual([0x01, 0x0f]);
      expect([p[0], p[1]]).not.toEqual([0x01, 0x10]);
      seen.add(Buffer.from(p).toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });

  it('puts the process id in bytes 4-5, as a hint for humans reading captures', () => {
    const p = newGuidPrefix(() => new Uint8Array(4));
    expect(p[4]! | (p[5]! << 8)).toBe(process.pid & 0xffff);
  });
});
