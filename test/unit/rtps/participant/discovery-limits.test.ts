import { describe, expect, it } from 'vitest';
import { RateLimit, reachableAddress } from '../../../../src/rtps/participant/discovery-limits.js';
import { udpLocators } from '../../../../src/rtps/participant/locators.js';
import { udpv4Locator } from '../../../../src/rtps/wire/types.js';

describe('reachableAddress', () => {
  it('under LOCALHOST, only loopback and our own addresses; never multicast or unspecified', () => {
    const local = reachableAddress('localhost', new Set(['192.168.1.5']));
    expect(['127.0.0.1', '127.1.2.3', '192.168.1.5'].map(local)).toEqual([true, true, true]);
    expect(['192.168.1.6', '8.8.8.8', '239.255.0.1', '0.0.0.0'].map(local)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const subnet = reachableAddress('subnet', new Set());
    expect(['192.168.1.6', '10.0.0.1', '239.255.0.1', '255.255.255.255'].map(subnet)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('udpLocators keeps the reachable ones up to the cap and tells how many it refused, and why', () => {
    const refused: string[] = [];
    const policy = {
      accept: reachableAddress('localhost', new Set<string>()),
      max: 2,
      refused: (why: string, n: number) => refused.push(`${why} ${n}`),
    };
    const list = ['127.0.0.1', '10.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.1'].map((a) =>
      udpv4Locator(a, 7410),
    );
    expect(udpLocators(list, policy)).toEqual([
      { address: '127.0.0.1', port: 7410 },
      { address: '127.0.0.2', port: 7410 },
    ]);
    expect(refused).toEqual(['unreachable-locator 1', 'locator-limit 1']);
  });
});

describe('RateLimit', () => {
  it('gives a burst of `rate`, then `rate` a second', () => {
    const r = new RateLimit(10, 0);
    expect(Array.from({ length: 12 }, () => r.take(0)).filter(Boolean).length).toBe(10);
    expect(r.take(50)).toBe(false);
    expect(r.take(100)).toBe(true);
    expect(Array.from({ length: 20 }, () => r.take(1100)).filter(Boolean).length).toBe(10);
  });
});
