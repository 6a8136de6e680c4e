import { describe, expect, it } from 'vitest';
import {
  discoveryOptionsFromEnv,
  MAX_STATIC_PEER_LENGTH,
  resolveDiscoveryOptions,
} from '../../../../src/rtps/transport/discovery-options.js';
import { DiscoveryConfigError, DomainIdError } from '../../../../src/rtps/transport/errors.js';

describe('discoveryOptionsFromEnv: defaults', () => {
  it('is domain 0, SUBNET, no static peers, no warnings for an empty environment', () => {
    expect(discoveryOptionsFromEnv({})).toEqual({
      domainId: 0,
      range: 'subnet',
      staticPeers: [],
      warnings: [],
    });
  });

  it('treats empty values as unset, as rcl does', () => {
    expect(
      discoveryOptionsFromEnv({
        ROS_DOMAIN_ID: '',
        ROS_AUTOMATIC_DISCOVERY_RANGE: '',
        ROS_LOCALHOST_ONLY: '',
        ROS_STATIC_PEERS: '',
      }),
    ).toEqual({ domainId: 0, range: 'subnet', staticPeers: [], warnings: [] });
  });

  it('reads process.env when given nothing', () => {
    expect(() => discoveryOptionsFromEnv()).not.toThrow();
  });
});

describe('ROS_AUTOMATIC_DISCOVERY_RANGE', () => {
  it.each([
    ['OFF', 'off'],
    ['LOCALHOST', 'localhost'],
    ['SUBNET', 'subnet'],
    ['SYSTEM_DEFAULT', 'subnet'],
  ] as const)('%s → %s', (value, range) => {
    const options = discoveryOptionsFromEnv({ ROS_AUTOMATIC_DISCOVERY_RANGE: value });
    expect(options.range).toBe(range);
    expect(options.warnings).toEqual([]);
  });

  it('falls back to LOCALHOST with a warning for anything else, as rcl does', () => {
    const typo = discoveryOptionsFromEnv({ ROS_AUTOMATIC_DISCOVERY_RANGE: 'subnet' });
    expect(typo.range).toBe('localhost');
    expect(typo.warnings).toEqual([
      expect.stringMatching(/ROS_AUTOMATIC_DISCOVERY_RANGE="subnet".*upper case/),
    ]);
    const junk = discoveryOptionsFromEnv({ ROS_AUTOMATIC_DISCOVERY_RANGE: 'everywhere' });
    expect(junk.range).toBe('localhost');
    expect(junk.warnings[0]).toMatch(/OFF, LOCALHOST, SUBNET or SYSTEM_DEFAULT; assuming LOCALHOST/);
  });
});

describe('ROS_LOCALHOST_ONLY (deprecated)', () => {
  it('=1 forces LOCALHOST and clears static peers, over the range variable, with warnings', () => {
    const options = discoveryOptionsFromEnv({
      ROS_LOCALHOST_ONLY: '1',
      ROS_AUTOMATIC_DISCOVERY_RANGE: 'SUBNET',
      ROS_STATIC_PEERS: '192.168.0.1',
    });
    expect(options).toMatchObject({ range: 'localhost', staticPeers: [] });
    expect(options.warnings).toEqual([
      expect.stringMatching(/ROS_LOCALHOST_ONLY is deprecated/),
      expect.stringMatching(/range is ignored/),
      expect.stringMatching(/static peers are ignored/),
    ]);
  });

  it('wins over a range and peers given in code too, as in rcl', () => {
    const options = resolveDiscoveryOptions(
      { range: 'subnet', staticPeers: ['10.0.0.1'] },
      { ROS_LOCALHOST_ONLY: '1' },
    );
    expect(options).toMatchObject({ range: 'localhost', staticPeers: [] });
  });

  it('looks only at the first character, like strncmp(value, "1", 1)', () => {
    expect(discoveryOptionsFromEnv({ ROS_LOCALHOST_ONLY: '10' }).range).toBe('localhost');
    const zero = discoveryOptionsFromEnv({ ROS_LOCALHOST_ONLY: '0', ROS_AUTOMATIC_DISCOVERY_RANGE: 'OFF' });
    expect(zero).toMatchObject({ range: 'off', warnings: [] });
    const truthy = discoveryOptionsFromEnv({ ROS_LOCALHOST_ONLY: 'true' });
    expect(truthy.range).toBe('subnet');
    expect(truthy.warnings).toEqual([expect.stringMatching(/"true" does not start with 1/)]);
  });

  it('is not read when code sets localhostOnly', () => {
    expect(resolveDiscoveryOptions({ localhostOnly: false }, { ROS_LOCALHOST_ONLY: '1' })).toMatchObject({
      range: 'subnet',
      warnings: [],
    });
    const forced = resolveDiscoveryOptions(
      { localhostOnly: true },
      { ROS_AUTOMATIC_DISCOVERY_RANGE: 'SUBNET' },
    );
    expect(forced.range).toBe('localhost');
    expect(forced.warnings[0]).toMatch(/deprecated/);
  });
});

describe('ROS_STATIC_PEERS', () => {
  it('splits on ";", dropping empty entries and surrounding spaces', () => {
    expect(
      discoveryOptionsFromEnv({ ROS_STATIC_PEERS: ';192.168.0.1;; example.com ;10.0.0.0/24;' }).staticPeers,
    ).toEqual(['192.168.0.1', 'example.com', '10.0.0.0/24']);
  });

  it('skips entries longer than rmw allows, with a warning', () => {
    const long = 'a'.repeat(MAX_STATIC_PEER_LENGTH + 1);
    const options = discoveryOptionsFromEnv({ ROS_STATIC_PEERS: `${long};10.0.0.1` });
    expect(options.staticPeers).toEqual(['10.0.0.1']);
    expect(options.warnings).toEqual([expect.stringMatching(/longer than 255 characters; skipped/)]);
    expect(
      discoveryOptionsFromEnv({ ROS_STATIC_PEERS: 'a'.repeat(MAX_STATIC_PEER_LENGTH) }).staticPeers,
    ).toHaveLength(1);
  });

  it('works with LOCALHOST (peers beyond this host, by unicast)', () => {
    expect(
      discoveryOptionsFromEnv({ ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST', ROS_STATIC_PEERS: '10.0.0.1' }),
    ).toMatchObject({ range: 'localhost', staticPeers: ['10.0.0.1'] });
  });

  it('is not read when the range is OFF', () => {
    expect(
      discoveryOptionsFromEnv({ ROS_AUTOMATIC_DISCOVERY_RANGE: 'OFF', ROS_STATIC_PEERS: '10.0.0.1' }),
    ).toMatchObject({ range: 'off', staticPeers: [] });
  });

  it('is not read when code gives peers', () => {
    expect(
      resolveDiscoveryOptions({ staticPeers: ['10.0.0.9'] }, { ROS_STATIC_PEERS: '10.0.0.1' }).staticPeers,
    ).toEqual(['10.0.0.9']);
  });

  it('code peers with range OFF are ignored, with a warning', () => {
    const options = resolveDiscoveryOptions({ range: 'off', staticPeers: ['10.0.0.9'] }, {});
    expect(options).toMatchObject({ range: 'off', staticPeers: [] });
    expect(options.warnings).toEqual([expect.stringMatching(/OFF: static peers are ignored/)]);
  });
});

describe('ROS_DOMAIN_ID', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    [' 7 ', 7],
    ['232', 232],
  ])('%j → %d', (value, domainId) => {
    expect(discoveryOptionsFromEnv({ ROS_DOMAIN_ID: value }).domainId).toBe(domainId);
  });

  it.each(['233', '-1', '1.5', 'abc', '5abc', '010', '0x10', '1e2', '99999999999999999999'])(
    '%j is a DiscoveryConfigError naming the variable',
    (value) => {
      let error: unknown;
      try {
        discoveryOptionsFromEnv({ ROS_DOMAIN_ID: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DiscoveryConfigError);
      expect(error).toMatchObject({ name: 'DiscoveryConfigError', variable: 'ROS_DOMAIN_ID', value });
      expect((error as Error).message).toMatch(/^ROS_DOMAIN_ID=.*0 to 232/);
    },
  );
});

describe('options given in code', () => {
  it('win over the environment, and a bad variable they replace is not even read', () => {
    const options = resolveDiscoveryOptions(
      { domainId: 5, range: 'localhost', staticPeers: ['10.1.1.1'] },
      { ROS_DOMAIN_ID: 'garbage', ROS_AUTOMATIC_DISCOVERY_RANGE: 'OFF', ROS_STATIC_PEERS: '10.0.0.1' },
    );
    expect(options).toEqual({ domainId: 5, range: 'localhost', staticPeers: ['10.1.1.1'], warnings: [] });
  });

  it("accept 'system-default' as 'subnet'", () => {
    expect(resolveDiscoveryOptions({ range: 'system-default' }, {}).range).toBe('subnet');
  });

  it('reject a bad domain id with a DomainIdError', () => {
    expect(() => resolveDiscoveryOptions({ domainId: 233 }, {})).toThrow(DomainIdError);
    expect(() => resolveDiscoveryOptions({ domainId: 1.5 }, {})).toThrow(DomainIdError);
  });
});
