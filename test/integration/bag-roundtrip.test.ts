/**
 * `bag record` and `bag play` through the API, over UDP: record our turtlesim's pose while a
 * driver turns it in a circle, play the bag into a graph without turtlesim, and get the same
 * bytes in the same order; the file passes @mcap/core's indexed reader with CRCs checked.
 *
 *   scripts/netns-run npx vitest run test/integration/bag-roundtrip.test.ts
 */
import { mkdtemp, open as openFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BagReader, BagWriter, Player, Recorder, readQosOverrides } from '../../src/bag/index.js';
import { decode, encode } from '../../src/cdr/index.js';
import { QOS_PROFILES } from '../../src/rmw/qos-profiles.js';
import { startTurtlesim, type TurtlesimHandle } from '../../src/turtlesim/turtlesim-node.js';
import { collect } from '../support/collect.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bag-roundtrip.test.ts'));

const { context } = contexts(24);
const dirs: string[] = [];
const sims: TurtlesimHandle[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function indexedMessages(path: string): Promise<Uint8Array[]> {
  const handle = await openFile(path, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt((await handle.stat()).size),
        read: async (offset, size) => {
          const buffer = new Uint8Array(Number(size));
          await handle.read(buffer, 0, Number(size), Number(offset));
          return buffer;
        },
      },
    });
    expect(reader.header.profile).toBe('ros2');
    expect(reader.chunkIndexes.length).toBeGreaterThan(0);
    const schema = [...reader.schemasById.values()][0]!;
    expect(schema.name).toBe('turtlesim/msg/Pose');
    expect(schema.encoding).toBe('ros2msg');
    expect(new TextDecoder().decode(schema.data)).toContain('float32 angular_velocity');
    const channel = [...reader.channelsById.values()][0]!;
    expect(channel.messageEncoding).toBe('cdr');
    expect(channel.metadata.get('offered_qos_profiles')).toMatch(/reliability: reliable/);
    expect(channel.metadata.get('topic_type_hash')).toMatch(/^RIHS01_/);
    const out: Uint8Array[] = [];
    for await (const m of reader.readMessages({ validateCrcs: true })) out.push(m.data);
    expect(out.length).toBe(Number(reader.statistics?.messageCount));
    return out;
  } finally {
    await handle.close();
  }
}

describe('bag record and play', () => {
  it('records turtlesim driving in a circle and plays the same pose bytes, in order, into an empty graph', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bag-'));
    dirs.push(dir);
    const [simContext, driverContext, recorderContext] = await Promise.all([context(), context(), context()]);
    const sim = startTurtlesim(simContext, { nodeOptions: { ...quiet, enableRosout: false } });
    sims.push(sim);
    const driver = driverContext.createNode('driver', quiet);
    const cmd = driver.createPublisher('geometry_msgs/msg/Twist', '/turtle1/cmd_vel');

    const bagDir = join(dir, 'circle');
    const writer = BagWriter.create(bagDir, { chunkSize: 2048 });
    const recorderNode = recorderContext.createNode('rosbag2_recorder', { ...quiet, enableRosout: false });
    const recorder = new Recorder(recorderContext, recorderNode, writer, { topics: ['/turtle1/pose'] });
    await until(() => recorder.topics.includes('/turtle1/pose'), 5000, 'the recorder to subscribe');
    await until(() => recorder.received > 0, 5000, 'the first pose');
    await until(() => cmd.subscriptionCount === 1, 5000, 'the driver to match');
    const drive = driver.createTimer(50, () => cmd.publish({ linear: { x: 2 }, angular: { z: 1.8 } }));
    await new Promise((r) => setTimeout(r, 2000));
    drive.cancel();
    const metadata = await recorder.stop();
    expect(metadata.messageCount).toBeGreaterThan(30);
    expect(metadata.topics.map((t) => [t.topic.name, t.topic.type])).toEqual([
      ['/turtle1/pose', 'turtlesim/msg/Pose'],
    ]);

    const reader = await BagReader.open(bagDir);
    expect(reader.warnings).toEqual([]);
    expect(reader.storedMetadata?.messageCount).toBe(metadata.messageCount);
    const recorded = (await collect(reader.messages())).map((m) => m.data);
    expect(recorded.length).toBe(metadata.messageCount);
    // The turtle moved: the poses are not all alike.
    expect(new Set(recorded.map((b) => [...b].join(','))).size).toBeGreaterThan(10);
    expect(await indexedMessages(join(bagDir, 'circle_0.mcap'))).toEqual(recorded);

    // An empty graph: turtlesim and the recorder gone.
    await sim.stop();
    sims.length = 0;
    await recorderNode.destroy();
    const [listenerContext, playerContext] = await Promise.all([context(), context()]);
    const got: Uint8Array[] = [];
    listenerContext
      .createNode('listener', quiet)
      .createSubscription('turtlesim/msg/Pose', '/turtle1/pose', (b) => got.push(b), 1000, { raw: true });
    const player = new Player(playerContext.createNode('rosbag2_player', quiet), reader, { rate: 4 });
    const pub = player.topicPublishers.get('/turtle1/pose')!;
    await until(() => pub.subscriptionCount === 1, 5000, 'the player to match the listener');
    await player.play();
    await until(
      () => got.length === recorded.length,
      5000,
      () => `${recorded.length} poses, got ${got.length}`,
    );
    expect(got).toEqual(recorded);
  }, 30_000);

  it('with all topics: keeps discovering, adapts to best-effort and transient-local publishers, skips hidden ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bag-'));
    dirs.push(dir);
    const [pubContext, recContext] = await Promise.all([context(), context()]);
    const talker = pubContext.createNode('talker', { ...quiet, enableRosout: false });
    const latched = talker.createPublisher('std_msgs/msg/String', '/map_name', {
      ...QOS_PROFILES.default,
      durability: 'TRANSIENT_LOCAL',
      depth: 1,
    });
    latched.publish({ data: 'before the recorder' });
    talker.createPublisher('std_msgs/msg/String', '/_hidden').publish({ data: 'x' });
    talker.createPublisher('std_msgs/msg/String', '/excluded_topic').publish({ data: 'x' });
    const recNode = recContext.createNode('rosbag2_recorder', { ...quiet, enableRosout: false });
    const recorder = new Recorder(recContext, recNode, BagWriter.create(join(dir, 'all')), {
      all: true,
      exclude: /^\/excluded/,
    });
    await until(() => recorder.topics.includes('/map_name'), 5000, 'the latched topic');
    // A topic that appears after the recorder started, best effort.
    const sensor = talker.createPublisher('std_msgs/msg/String', '/scan_like', QOS_PROFILES.sensorData);
    await until(() => recorder.topics.includes('/scan_like'), 5000, 'the later topic');
    await until(() => sensor.subscriptionCount === 1, 5000, 'the recorder to match');
    for (let i = 0; i < 5; i++) sensor.publish({ data: `scan ${i}` });
    await until(
      () => recorder.received >= 6,
      5000,
      () => `6 messages, got ${recorder.received}`,
    );
    const m = await recorder.stop();
    expect(recorder.topics).not.toContain('/_hidden');
    expect(recorder.topics).not.toContain('/excluded_topic');
    const byName = Object.fromEntries(m.topics.map((t) => [t.topic.name, t]));
    expect(byName['/map_name']?.messageCount).toBe(1);
    expect(byName['/map_name']?.topic.offeredQosProfiles[0]?.durability).toBe('TRANSIENT_LOCAL');
    expect(byName['/scan_like']?.messageCount).toBe(5);
    expect(byName['/scan_like']?.topic.offeredQosProfiles[0]?.reliability).toBe('BEST_EFFORT');
    const reader = await BagReader.open(join(dir, 'all'));
    expect(
      (await collect(reader.messages({ topics: ['/map_name'] }))).map(
        (x) => decode('std_msgs/msg/String', x.data).data,
      ),
    ).toEqual(['before the recorder']);
  }, 30_000);

  it('a QoS override file makes the player offer transient-local: a late subscriber gets the last message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bag-'));
    dirs.push(dir);
    // Recorded from a volatile publisher: without the override the player offers volatile, which a
    // transient-local subscription does not even match.
    const writer = BagWriter.create(join(dir, 'volatile'));
    writer.addTopic({
      name: '/map_name',
      type: 'std_msgs/msg/String',
      offeredQosProfiles: [QOS_PROFILES.default],
    });
    const t0 = 1_700_000_000_000_000_000n;
    for (const [i, data] of ['first', 'last'].entries()) {
      await writer.write('/map_name', encode('std_msgs/msg/String', { data }), {
        logTimeNs: t0 + BigInt(i) * 1000n,
      });
    }
    await writer.close();
    // rosbag2's override file shape.
    const overridesFile = join(dir, 'overrides.yaml');
    await writeFile(
      overridesFile,
      '/map_name:\n  history: keep_last\n  depth: 1\n  durability: transient_local\n',
    );
    const [playerContext, listenerContext] = await Promise.all([context(), context()]);
    const player = new Player(
      playerContext.createNode('rosbag2_player', quiet),
      await BagReader.open(join(dir, 'volatile')),
      { qosOverrides: readQosOverrides(overridesFile) },
    );
    await player.play();
    expect(player.published).toBe(2);
    const got: string[] = [];
    listenerContext
      .createNode('late_listener', quiet)
      .createSubscription('std_msgs/msg/String', '/map_name', (m) => got.push(m.data), {
        ...QOS_PROFILES.default,
        durability: 'TRANSIENT_LOCAL',
        depth: 1,
      });
    await until(() => got.length === 1, 5000, 'the last message, kept for late joiners');
    expect(got).toEqual(['last']);
  }, 30_000);
});
