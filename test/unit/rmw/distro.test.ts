/**
 * The distro setting (src/rmw/distro.ts): how it is chosen, what each distribution writes, and
 * ros_discovery_info in Humble's layout held to an independent encoder (@foxglove's, fed
 * rmw_dds_common's humble-branch definitions).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRO, distroWire, KNOWN_DISTROS, resolveDistro } from '../../../src/rmw/distro.js';
import {
  decodeParticipantEntities,
  encodeParticipantEntities,
  type ParticipantEntities,
} from '../../../src/rmw/graph/participant-entities.js';
import type { Guid } from '../../../src/rtps/wire/types.js';
import { foxgloveParticipantEntities } from '../../support/foxglove-entities.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('resolveDistro', () => {
  it('takes ROS_DISTRO from the environment, and jazzy when it is unset or empty', () => {
    expect(resolveDistro(undefined, { ROS_DISTRO: 'humble' })).toEqual({ distro: 'humble' });
    expect(resolveDistro(undefined, { ROS_DISTRO: ' Kilted\n' })).toEqual({ distro: 'kilted' });
    expect(resolveDistro(undefined, {})).toEqual({ distro: 'jazzy' });
    expect(resolveDistro(undefined, { ROS_DISTRO: '' })).toEqual({ distro: 'jazzy' });
    expect(DEFAULT_DISTRO).toBe('jazzy');
  });

  it('prefers the explicit setting to the environment', () => {
    expect(resolveDistro('humble', { ROS_DISTRO: 'jazzy' })).toEqual({ distro: 'humble' });
    expect(resolveDistro('rolling', { ROS_DISTRO: 'humble' })).toEqual({ distro: 'rolling' });
    expect(resolveDistro('', { ROS_DISTRO: 'humble' })).toEqual({ distro: 'humble' });
  });

  it('knows every distribution from Humble to Lyrical, and Rolling', () => {
    for (const d of ['humble', 'iron', 'jazzy', 'kilted', 'lyrical', 'rolling']) {
      expect(resolveDistro(d, {})).toEqual({ distro: d });
    }
    expect([...KNOWN_DISTROS].sort()).toEqual(['humble', 'iron', 'jazzy', 'kilted', 'lyrical', 'rolling']);
  });

  it('warns once about an unknown value and falls back to jazzy', () => {
    const first = resolveDistro(undefined, { ROS_DISTRO: 'foxy' });
    expect(first.distro).toBe('jazzy');
    expect(first.warning).toMatch(
      /^ROS_DISTRO "foxy" is not a ROS 2 distribution ros2ts knows \(humble, .*\): writing what jazzy writes$/,
    );
    expect(resolveDistro(undefined, { ROS_DISTRO: 'foxy' })).toEqual({ distro: 'jazzy' });
    const option = resolveDistro('galactic', { ROS_DISTRO: 'humble' });
    expect(option.distro).toBe('jazzy');
    expect(option.warning).toMatch(/^distro option "galactic" is not/);
    expect(resolveDistro('galactic', {}).warning).toBeUndefined();
  });
});

describe('distroWire', () => {
  it('Humble: 24-byte gids, no type hash in USER_DATA; Iron and later: 16 bytes and the hash', () => {
    expect(distroWire('humble')).toEqual({ gidSize: 24, typeHashInUserData: false });
    for (const d of KNOWN_DISTROS.filter((x) => x !== 'humble')) {
      expect(distroWire(d), d).toEqual({ gidSize: 16, typeHashInUserData: true });
    }
  });
});

const guid = (seed: number, entityId: number): Guid => ({
  prefix: Uint8Array.from({ length: 12 }, (_, i) => (seed * 17 + i * 29) & 0xff),
  entityId,
});

const CASES: Record<string, ParticipantEntities> = {
  'no nodes (a leaving participant)': { gid: guid(1, 0x1c1), nodes: [] },
  'two nodes, odd-length names, a service and a client': {
    gid: guid(2, 0x1c1),
    nodes: [
      {
        namespace: '/',
        name: 'turtlesim',
        readers: [guid(2, 0x104), guid(2, 0x204), guid(2, 0x304)],
        writers: [guid(2, 0x403), guid(2, 0x503)],
      },
      {
        namespace: '/a/much/longer/namespace',
        // ASCII: this @foxglove writer sizes strings by UTF-16 units, not UTF-8 bytes.
        name: 'odd_name',
        readers: [],
        writers: [guid(2, 0x603)],
      },
      { namespace: '/ns', name: 'xy', readers: [guid(2, 0x704)], writers: [] },
    ],
  },
};

describe.each(Object.entries(CASES))(
  'golden ParticipantEntitiesInfo against @foxglove: %s',
  (_name, info) => {
    it.each([16, 24] as const)('%i-byte gids: our bytes are the independent encoder’s', (gidSize) => {
      const ours = encodeParticipantEntities(info, gidSize);
      const theirs = foxgloveParticipantEntities(info, gidSize);
      // Trailing alignment is not part of the message: compare up to the message's end.
      expect(hex(ours)).toBe(hex(theirs.subarray(0, ours.length)));
      expect(theirs.subarray(ours.length).every((b) => b === 0)).toBe(true);
      expect(decodeParticipantEntities(theirs).gidSize).toBe(gidSize);
    });
  },
);
