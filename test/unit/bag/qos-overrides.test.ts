/**
 * `--qos-profile-overrides-path` files, read as ros2bag reads them (ros2bag/api/__init__.py with
 * rclpy's QoSProfile). The YAML texts have the shapes of rosbag2's README example ("Overriding QoS
 * Profiles") and of ros2bag's test resources (qos_profile.yaml, incomplete_qos_profile.yaml,
 * incomplete_qos_duration.yaml).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQosOverrides, QosOverrideError, readQosOverrides } from '../../../src/bag/index.js';

const INF = Number.POSITIVE_INFINITY;

describe('QoS override files', () => {
  it("rosbag2's README example: the default profile, zero durations read as unspecified", () => {
    const text = [
      '/topic_name:',
      '  history: keep_last',
      '  depth: 10',
      '  reliability: reliable',
      '  durability: volatile',
      '  deadline:',
      '    # unspecified/infinity',
      '    sec: 0',
      '    nsec: 0',
      '  lifespan:',
      '    sec: 0',
      '    nsec: 0',
      '  liveliness: system_default',
      '  liveliness_lease_duration:',
      '    sec: 0',
      '    nsec: 0',
      '  avoid_ros_namespace_conventions: false',
    ].join('\n');
    expect(Object.fromEntries(parseQosOverrides(text))).toEqual({
      '/topic_name': {
        history: 'KEEP_LAST',
        depth: 10,
        reliability: 'RELIABLE',
        durability: 'VOLATILE',
        deadlineMs: INF,
        lifespanMs: INF,
        liveliness: 'SYSTEM_DEFAULT',
        livelinessLeaseMs: INF,
        avoidRosNamespaceConventions: false,
      },
    });
  });

  it('several topics; policies in any case; durations as sec + nsec; what is left out is the default', () => {
    const text = [
      '/test_topic:',
      '  history: keep_all',
      '  depth: 0',
      '  reliability: reliable',
      '  durability: transient_local',
      '/scan:',
      '  depth: 5',
      '  reliability: BEST_EFFORT',
      '  deadline: {sec: 2, nsec: 500000000}',
      '  lifespan: {sec: 0, nsec: 1000000}',
      '  liveliness: manual_by_topic',
      '  liveliness_lease_duration: {sec: 1, nsec: 0}',
    ].join('\n');
    const got = parseQosOverrides(text);
    expect([...got.keys()]).toEqual(['/test_topic', '/scan']);
    expect(got.get('/test_topic')).toMatchObject({
      history: 'KEEP_ALL',
      depth: 0,
      reliability: 'RELIABLE',
      durability: 'TRANSIENT_LOCAL',
      deadlineMs: INF,
      liveliness: 'SYSTEM_DEFAULT',
    });
    // No history but a depth: KEEP_LAST (rclpy).
    expect(got.get('/scan')).toEqual({
      history: 'KEEP_LAST',
      depth: 5,
      reliability: 'BEST_EFFORT',
      durability: 'VOLATILE',
      deadlineMs: 2500,
      lifespanMs: 1,
      liveliness: 'MANUAL_BY_TOPIC',
      livelinessLeaseMs: 1000,
      avoidRosNamespaceConventions: false,
    });
  });

  it('refuses what ros2bag refuses, naming the topic and the reason', () => {
    const bad = (profile: string) => () => parseQosOverrides(`/t:\n${profile}`);
    // incomplete_qos_duration.yaml: a duration without nsec.
    expect(bad('  history: keep_all\n  deadline:\n    sec: 2')).toThrow(
      /^\/t: Time overrides must include both seconds \(sec\) and nanoseconds \(nsec\)\.$/,
    );
    expect(bad('  depth: 1\n  lifespan: {sec: -1, nsec: 0}')).toThrow(/may not be a negative value/);
    expect(bad('  depth: -1')).toThrow(/`depth` may not be a negative value/);
    expect(bad('  depth: 1\n  reliabilty: reliable')).toThrow(/Unexpected key `reliabilty` for QoS profile/);
    expect(bad('  reliability: reliable')).toThrow(/History and\/or depth settings are required/);
    expect(bad('  history: keep_last')).toThrow(/History set to KEEP_LAST without a depth setting/);
    expect(bad('  depth: 1\n  durability: persistent')).toThrow(
      /invalid durability 'persistent': one of volatile, transient_local, system_default/,
    );
    expect(bad('  depth: 1\n  reliability: best_available')).toThrow(/not supported by ros2ts/);
    expect(() => parseQosOverrides('- /t')).toThrow(QosOverrideError);
  });

  it('incomplete_qos_profile.yaml: durations may be left out; an empty file overrides nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qos-overrides-'));
    try {
      const file = join(dir, 'o.yaml');
      writeFileSync(
        file,
        '/test_topic:\n  history: keep_all\n  depth: 0\n  reliability: reliable\n  durability: volatile\n',
      );
      expect(readQosOverrides(file).get('/test_topic')).toMatchObject({
        history: 'KEEP_ALL',
        deadlineMs: INF,
      });
      writeFileSync(file, '');
      expect(readQosOverrides(file).size).toBe(0);
      expect(() => readQosOverrides(join(dir, 'missing.yaml'))).toThrow(/cannot read QoS overrides/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
