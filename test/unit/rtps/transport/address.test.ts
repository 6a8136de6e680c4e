import { describe, expect, it } from 'vitest';
import { isIPv4, isLoopbackIPv4, isMulticastIPv4 } from '../../../../src/rtps/transport/address.js';

describe('IPv4 address checks', () => {
  it('classify dotted quads only, the same on every call (the answers are cached)', () => {
    for (let round = 0; round < 2; round++) {
      expect(['127.0.0.1', '10.1.2.3', '239.255.0.1', '0.0.0.0'].map(isIPv4)).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(['localhost', '300.1.1.1', '1.2.3', '01.2.3.4', ''].map(isIPv4)).toEqual([
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(['224.0.0.1', '239.255.0.1', '240.0.0.1', '223.255.255.255', 'x'].map(isMulticastIPv4)).toEqual([
        true,
        true,
        false,
        false,
        false,
      ]);
      expect(['127.0.0.1', '127.255.1.2', '128.0.0.1', '127.0.0'].map(isLoopbackIPv4)).toEqual([
        true,
        true,
        false,
        false,
      ]);
    }
  });

  it('stays right when more addresses are asked about than it keeps', () => {
    for (let i = 0; i < 3000; i++) expect(isIPv4(`10.${(i >> 8) & 255}.${i & 255}.1`)).toBe(true);
    expect(isLoopbackIPv4('127.0.0.1')).toBe(true);
    expect(isMulticastIPv4('10.0.0.1')).toBe(false);
  });
});
