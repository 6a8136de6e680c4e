/**
 * LOCALHOST with static peers, as rmw reads it (rmw_cyclonedds_cpp rmw_node.cpp, rmw_fastrtps_shared_cpp
 * participant.cpp): automatic discovery stays on the host, but the static peers are contacted and
 * what they announce at the address we were given is used; OFF ignores static peers.
 */
import { describe, expect, it } from 'vitest';
import { reachableAddress, reachesOffHost } from '../../../../src/rtps/participant/discovery-limits.js';
import { udpLocators } from '../../../../src/rtps/participant/locators.js';
import { udpv4Locator } from '../../../../src/rtps/wire/types.js';

describe('reachesOffHost', () => {
  it('is true under SUBNET, and under LOCALHOST only with static peers; never under OFF', () => {
    expect(reachesOffHost('subnet', [])).toBe(true);
    expect(reachesOffHost('subnet', ['10.77.0.2'])).toBe(true);
    expect(reachesOffHost('localhost', [])).toBe(false);
    expect(reachesOffHost('localhost', ['10.77.0.2'])).toBe(true);
    expect(reachesOffHost('off', ['10.77.0.2'])).toBe(false);
  });
});

describe('reachableAddress with static peers', () => {
  const own = new Set(['10.77.0.1']);
  const peers = new Set(['10.77.0.2']);

  it('under LOCALHOST accepts a static peer address besides loopback and our own, and nothing else', () => {
    const accept = reachableAddress('localhost', own, peers);
    expect(['10.77.0.2', '127.0.0.1', '10.77.0.1'].map(accept)).toEqual([true, true, true]);
    expect(['10.77.0.3', '192.168.1.2', '239.255.0.1', '0.0.0.0'].map(accept)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('without static peers LOCALHOST keeps to the host, and OFF never takes a peer address', () => {
    expect(reachableAddress('localhost', own)('10.77.0.2')).toBe(false);
    expect(reachableAddress('off', own, peers)('10.77.0.2')).toBe(false);
  });

  it("keeps a static peer's announced locators and refuses the others of the same announcement", () => {
    const refused: string[] = [];
    const policy = {
      accept: reachableAddress('localhost', own, peers),
      max: 8,
      refused: (why: string, n: number) => refused.push(`${why} ${n}`),
    };
    const announced = ['10.77.0.2', '172.17.0.5', '127.0.0.1'].map((a) => udpv4Locator(a, 7411));
    expect(udpLocators(announced, policy)).toEqual([
      { address: '10.77.0.2', port: 7411 },
      { address: '127.0.0.1', port: 7411 },
    ]);
    expect(refused).toEqual(['unreachable-locator 1']);
  });
});
