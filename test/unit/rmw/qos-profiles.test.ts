import { describe, expect, it } from 'vitest';
import { InvalidQosError } from '../../../src/rmw/errors.js';
import {
  describeQos,
  type MixedOfferPolicy,
  offerOfEndpoint,
  QOS_PROFILES,
  type QosOffer,
  type QosProfileName,
  qosProfile,
  type RosQos,
  requestMatchingOffers,
  toRtpsQos,
} from '../../../src/rmw/qos-profiles.js';
import { DURATION_INFINITE, durationFromMillis } from '../../../src/rtps/discovery-data/duration.js';
import { effectiveQos } from '../../../src/rtps/discovery-data/qos.js';
import type { EndpointOptions } from '../../../src/rtps/participant/participant.js';
import { checkCompatibility } from '../../../src/rtps/qos-compatibility.js';

const INF = Number.POSITIVE_INFINITY;

describe('named profiles (WIRE.md 3; rmw qos_profiles.h, rcl, rcl_action)', () => {
  // [history, depth, reliability, durability, lifespanMs, avoidRosNamespaceConventions]
  const table: Record<QosProfileName, readonly [string, number, string, string, number, boolean]> = {
    default: ['KEEP_LAST', 10, 'RELIABLE', 'VOLATILE', INF, false],
    servicesDefault: ['KEEP_LAST', 10, 'RELIABLE', 'VOLATILE', INF, false],
    parameterEvents: ['KEEP_LAST', 1000, 'RELIABLE', 'VOLATILE', INF, false],
    parameters: ['KEEP_LAST', 1000, 'RELIABLE', 'VOLATILE', INF, false],
    sensorData: ['KEEP_LAST', 5, 'BEST_EFFORT', 'VOLATILE', INF, false],
    systemDefault: ['SYSTEM_DEFAULT', 0, 'SYSTEM_DEFAULT', 'SYSTEM_DEFAULT', INF, false],
    rosout: ['KEEP_LAST', 1000, 'RELIABLE', 'TRANSIENT_LOCAL', 10_000, false],
    rosDiscoveryInfoWriter: ['KEEP_LAST', 1, 'RELIABLE', 'TRANSIENT_LOCAL', INF, true],
    rosDiscoveryInfoReader: ['KEEP_ALL', 1, 'RELIABLE', 'TRANSIENT_LOCAL', INF, true],
    actionStatus: ['KEEP_LAST', 1, 'RELIABLE', 'TRANSIENT_LOCAL', INF, false],
  };

  it('has exactly the profiles of the table', () => {
    expect(Object.keys(QOS_PROFILES).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))(
    '%s',
    (name, [history, depth, reliability, durability, lifespanMs, avoid]) => {
      expect(QOS_PROFILES[name as QosProfileName]).toEqual({
        history,
        depth,
        reliability,
        durability,
        deadlineMs: INF,
        lifespanMs,
        liveliness: 'SYSTEM_DEFAULT',
        livelinessLeaseMs: INF,
        avoidRosNamespaceConventions: avoid,
      });
    },
  );

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(QOS_PROFILES)).toBe(true);
    expect(Object.isFrozen(QOS_PROFILES.default)).toBe(true);
  });
});

describe('qosProfile', () => {
  it('fills what is not given from the default profile', () => {
    expect(qosProfile({ depth: 5 })).toEqual({ ...QOS_PROFILES.default, depth: 5 });
    expect(qosProfile()).toEqual(QOS_PROFILES.default);
    expect(qosProfile({ depth: undefined, durability: 'TRANSIENT_LOCAL' })).toEqual({
      ...QOS_PROFILES.default,
      durability: 'TRANSIENT_LOCAL',
    });
  });

  it('fills from another profile when given one', () => {
    expect(qosProfile({ depth: 1 }, QOS_PROFILES.sensorData)).toEqual({
      ...QOS_PROFILES.sensorData,
      depth: 1,
    });
  });

  it.each<[Partial<RosQos>, string]>([
    [{ depth: -1 }, 'invalid QoS depth: -1 is not an integer from 0 to 2147483647'],
    [{ depth: 1.5 }, 'invalid QoS depth: 1.5 is not an integer from 0 to 2147483647'],
    [{ depth: 2 ** 31 }, 'invalid QoS depth: 2147483648 is not an integer'],
    [{ deadlineMs: -1 }, 'invalid QoS deadline: -1 is not a duration'],
    [{ lifespanMs: Number.NaN }, 'invalid QoS lifespan: NaN is not a duration'],
    [{ livelinessLeaseMs: -0.5 }, 'invalid QoS liveliness lease duration: -0.5'],
  ])('refuses %j', (changes, message) => {
    expect(() => qosProfile(changes)).toThrow(InvalidQosError);
    expect(() => qosProfile(changes)).toThrow(message);
  });
});

describe('toRtpsQos', () => {
  const HUNDRED_MS = { seconds: 0, fraction: 0x1999999a };

  it('announces reliability and durability explicitly, with the history', () => {
    expect(toRtpsQos(QOS_PROFILES.default)).toEqual({
      qos: {
        reliability: { kind: 'RELIABLE', maxBlockingTime: HUNDRED_MS },
        durability: 'VOLATILE',
        history: { kind: 'KEEP_LAST', depth: 10 },
      },
      history: { depth: 10, keepAll: false },
    });
  });

  it('maps sensor data to BEST_EFFORT', () => {
    const { qos } = toRtpsQos(QOS_PROFILES.sensorData);
    expect(qos.reliability).toEqual({ kind: 'BEST_EFFORT', maxBlockingTime: HUNDRED_MS });
    expect(qos.history).toEqual({ kind: 'KEEP_LAST', depth: 5 });
  });

  it('maps rosout: TRANSIENT_LOCAL, depth 1000, lifespan 10 s', () => {
    const { qos } = toRtpsQos(QOS_PROFILES.rosout);
    expect(qos.durability).toBe('TRANSIENT_LOCAL');
    expect(qos.history).toEqual({ kind: 'KEEP_LAST', depth: 1000 });
    expect(qos.lifespan).toEqual({ seconds: 10, fraction: 0 });
  });

  it('maps the ros_discovery_info reader to KEEP_ALL (LENGTH_UNLIMITED on the wire)', () => {
    expect(toRtpsQos(QOS_PROFILES.rosDiscoveryInfoReader)).toMatchObject({
      qos: { history: { kind: 'KEEP_ALL', depth: -1 }, durability: 'TRANSIENT_LOCAL' },
      history: { keepAll: true },
    });
    expect(toRtpsQos(QOS_PROFILES.rosDiscoveryInfoWriter).history).toEqual({ depth: 1, keepAll: false });
  });

  it('resolves SYSTEM_DEFAULT as rmw_cyclonedds: RELIABLE, VOLATILE, KEEP_LAST 1', () => {
    expect(toRtpsQos(QOS_PROFILES.systemDefault)).toEqual({
      qos: {
        reliability: { kind: 'RELIABLE', maxBlockingTime: HUNDRED_MS },
        durability: 'VOLATILE',
        history: { kind: 'KEEP_LAST', depth: 1 },
      },
      history: { depth: 1, keepAll: false },
    });
    expect(toRtpsQos(qosProfile({ history: 'SYSTEM_DEFAULT', depth: 7 })).history.depth).toBe(7);
    expect(toRtpsQos(qosProfile({ depth: 0 })).qos.history).toEqual({ kind: 'KEEP_LAST', depth: 1 });
  });

  it('sends deadline, lifespan and liveliness only when they are not the defaults', () => {
    const { qos } = toRtpsQos(
      qosProfile({
        deadlineMs: 250,
        lifespanMs: 1500,
        liveliness: 'MANUAL_BY_TOPIC',
        livelinessLeaseMs: 2000,
      }),
    );
    expect(qos.deadline).toEqual(durationFromMillis(250));
    expect(qos.lifespan).toEqual({ seconds: 1, fraction: 0x80000000 });
    expect(qos.liveliness).toEqual({ kind: 'MANUAL_BY_TOPIC', leaseDuration: { seconds: 2, fraction: 0 } });
    expect(toRtpsQos(qosProfile({ liveliness: 'MANUAL_BY_TOPIC' })).qos.liveliness).toEqual({
      kind: 'MANUAL_BY_TOPIC',
      leaseDuration: DURATION_INFINITE,
    });
    expect(toRtpsQos(qosProfile({ liveliness: 'AUTOMATIC' })).qos.liveliness).toBeUndefined();
    expect(toRtpsQos(qosProfile({ livelinessLeaseMs: 1000 })).qos.liveliness).toEqual({
      kind: 'AUTOMATIC',
      leaseDuration: { seconds: 1, fraction: 0 },
    });
  });

  it('refuses an invalid profile', () => {
    expect(() => toRtpsQos({ ...QOS_PROFILES.default, depth: -3 })).toThrow(InvalidQosError);
  });

  it('produces what the RTPS layer takes, and matches as ROS peers do', () => {
    const endpoint = (q: RosQos): EndpointOptions => ({
      topicName: 'rt/x',
      typeName: 'T',
      qos: toRtpsQos(q).qos,
    });
    const offered = (q: RosQos) => effectiveQos('writer', endpoint(q).qos ?? {});
    const requested = (q: RosQos) => effectiveQos('reader', endpoint(q).qos ?? {});
    const { default: dflt, sensorData, rosout, actionStatus, systemDefault } = QOS_PROFILES;
    expect(checkCompatibility(offered(rosout), requested(rosout))).toEqual({ compatible: true });
    expect(checkCompatibility(offered(dflt), requested(sensorData))).toEqual({ compatible: true });
    expect(checkCompatibility(offered(sensorData), requested(dflt))).toMatchObject({ policy: 'RELIABILITY' });
    expect(checkCompatibility(offered(dflt), requested(actionStatus))).toMatchObject({
      policy: 'DURABILITY',
    });
    // A SYSTEM_DEFAULT reader is RELIABLE here, not the DDS reader default BEST_EFFORT.
    expect(checkCompatibility(offered(sensorData), requested(systemDefault))).toMatchObject({
      policy: 'RELIABILITY',
    });
  });
});

describe('describeQos', () => {
  it.each<[RosQos, string]>([
    [QOS_PROFILES.default, 'RELIABLE, VOLATILE, KEEP_LAST(10)'],
    [QOS_PROFILES.sensorData, 'BEST_EFFORT, VOLATILE, KEEP_LAST(5)'],
    [QOS_PROFILES.rosout, 'RELIABLE, TRANSIENT_LOCAL, KEEP_LAST(1000), lifespan 10 s'],
    [QOS_PROFILES.rosDiscoveryInfoReader, 'RELIABLE, TRANSIENT_LOCAL, KEEP_ALL, no ROS prefix'],
    [
      QOS_PROFILES.systemDefault,
      'SYSTEM_DEFAULT reliability, SYSTEM_DEFAULT durability, SYSTEM_DEFAULT history',
    ],
    [qosProfile({ deadlineMs: 250 }), 'RELIABLE, VOLATILE, KEEP_LAST(10), deadline 250 ms'],
    [
      qosProfile({ liveliness: 'MANUAL_BY_TOPIC', livelinessLeaseMs: 2000 }),
      'RELIABLE, VOLATILE, KEEP_LAST(10), liveliness MANUAL_BY_TOPIC lease 2 s',
    ],
    [qosProfile({ liveliness: 'AUTOMATIC' }), 'RELIABLE, VOLATILE, KEEP_LAST(10), liveliness AUTOMATIC'],
  ])('%#: %s', (q, text) => {
    expect(describeQos(q)).toBe(text);
  });
});

describe('requestMatchingOffers (rosbag2_transport qos.cpp adapt_request_to_offers, ros2cli qos.py choose_qos)', () => {
  const R_V: QosOffer = { reliability: 'RELIABLE', durability: 'VOLATILE' };
  const R_TL: QosOffer = { reliability: 'RELIABLE', durability: 'TRANSIENT_LOCAL' };
  const BE_V: QosOffer = { reliability: 'BEST_EFFORT', durability: 'VOLATILE' };
  const BE_TL: QosOffer = { reliability: 'BEST_EFFORT', durability: 'TRANSIENT_LOCAL' };

  const choose = (offers: QosOffer[], base?: RosQos) => {
    const mixed: MixedOfferPolicy[] = [];
    const qos = requestMatchingOffers(offers, base, (p) => mixed.push(p));
    return { reliability: qos.reliability, durability: qos.durability, mixed };
  };

  it.each<[string, QosOffer[], string, string, MixedOfferPolicy[]]>([
    ['all reliable, volatile', [R_V, R_V], 'RELIABLE', 'VOLATILE', []],
    ['all transient-local', [R_TL, R_TL], 'RELIABLE', 'TRANSIENT_LOCAL', []],
    ['all best-effort: no warning', [BE_V, BE_V], 'BEST_EFFORT', 'VOLATILE', []],
    ['some reliable', [R_V, BE_V], 'BEST_EFFORT', 'VOLATILE', ['reliability']],
    ['some transient-local', [R_TL, R_V], 'RELIABLE', 'VOLATILE', ['durability']],
    ['both mixed, reliability first', [R_TL, BE_V], 'BEST_EFFORT', 'VOLATILE', ['reliability', 'durability']],
    ['one best-effort transient-local', [BE_TL], 'BEST_EFFORT', 'TRANSIENT_LOCAL', []],
    [
      'SYSTEM_DEFAULT counts as RELIABLE',
      [{ reliability: 'SYSTEM_DEFAULT', durability: 'VOLATILE' }, R_V],
      'RELIABLE',
      'VOLATILE',
      [],
    ],
  ])('%s', (_, offers, reliability, durability, mixed) => {
    expect(choose(offers)).toEqual({ reliability, durability, mixed });
  });

  it('leaves the base as it is when nothing is offered', () => {
    const base = qosProfile({ depth: 3, reliability: 'BEST_EFFORT', durability: 'TRANSIENT_LOCAL' });
    const mixed: MixedOfferPolicy[] = [];
    expect(requestMatchingOffers([], base, (p) => mixed.push(p))).toBe(base);
    expect(requestMatchingOffers([])).toEqual(QOS_PROFILES.default);
    expect(mixed).toEqual([]);
  });

  it('takes every other policy from the base', () => {
    const base = qosProfile(
      { history: 'KEEP_ALL', depth: 7, lifespanMs: 500, deadlineMs: 250 },
      QOS_PROFILES.sensorData,
    );
    expect(requestMatchingOffers([R_TL], base)).toEqual({
      ...base,
      reliability: 'RELIABLE',
      durability: 'TRANSIENT_LOCAL',
    });
  });

  it('asks for what every offer can give (RTPS matching)', () => {
    const offers = [R_V, R_TL, BE_V, BE_TL];
    const offered = (o: QosOffer) => effectiveQos('writer', toRtpsQos({ ...QOS_PROFILES.default, ...o }).qos);
    const requested = (q: RosQos) => effectiveQos('reader', toRtpsQos(q).qos);
    for (let mask = 1; mask < 1 << offers.length; mask++) {
      const subset = offers.filter((_, i) => mask & (1 << i));
      const request = requestMatchingOffers(subset);
      for (const o of subset)
        expect(checkCompatibility(offered(o), requested(request))).toEqual({ compatible: true });
      // Nothing stronger would do: upgrading a policy the request weakened loses some offer.
      if (request.reliability === 'BEST_EFFORT') {
        const stronger = requested({ ...request, reliability: 'RELIABLE' });
        expect(subset.some((o) => checkCompatibility(offered(o), stronger).compatible === false)).toBe(true);
      }
      if (request.durability === 'VOLATILE') {
        const stronger = requested({ ...request, durability: 'TRANSIENT_LOCAL' });
        expect(subset.some((o) => checkCompatibility(offered(o), stronger).compatible === false)).toBe(true);
      }
    }
  });
});

describe('offerOfEndpoint', () => {
  it.each<[{ reliable?: boolean; durability?: 'VOLATILE' | 'TRANSIENT_LOCAL' | 'TRANSIENT' }, QosOffer]>([
    [{}, { reliability: 'RELIABLE', durability: 'VOLATILE' }],
    [
      { reliable: true, durability: 'TRANSIENT_LOCAL' },
      { reliability: 'RELIABLE', durability: 'TRANSIENT_LOCAL' },
    ],
    [
      { reliable: false, durability: 'VOLATILE' },
      { reliability: 'BEST_EFFORT', durability: 'VOLATILE' },
    ],
    // Only TRANSIENT_LOCAL is a ROS 2 durability above VOLATILE; rosbag2 and ros2cli count only it.
    [
      { reliable: false, durability: 'TRANSIENT' },
      { reliability: 'BEST_EFFORT', durability: 'VOLATILE' },
    ],
  ])('%o', (endpoint, offer) => {
    expect(offerOfEndpoint(endpoint)).toEqual(offer);
  });
});
