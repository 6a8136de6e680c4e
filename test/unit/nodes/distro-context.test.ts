/**
 * A humble-mode and a jazzy-mode context on the in-memory bus (no sockets, simulated time): what
 * each announces (endpoint USER_DATA, the ros_discovery_info bytes) and that each lists the
 * other's nodes with their endpoints. The ros_discovery_info bytes are held to @foxglove's encoder
 * fed rmw_dds_common's humble-branch definitions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Context } from '../../../src/nodes/context.js';
import type { LogRecord } from '../../../src/nodes/logger.js';
import { decodeParticipantEntities } from '../../../src/rmw/graph/participant-entities.js';
import { QOS_PROFILES, toRtpsQos } from '../../../src/rmw/qos-profiles.js';
import { FakeClock } from '../../../src/rtps/clock.js';
import { MemoryBus } from '../../../src/rtps/transport/memory-transport.js';
import { type GuidPrefix, prefixKey } from '../../../src/rtps/wire/types.js';
import { foxgloveParticipantEntities } from '../../support/foxglove-entities.js';

const quiet = { logSink: () => {} };
const open: Context[] = [];
const savedDistro = process.env['ROS_DISTRO'];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
  if (savedDistro === undefined) delete process.env['ROS_DISTRO'];
  else process.env['ROS_DISTRO'] = savedDistro;
});

function simulated() {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  const context = async (options: { distro?: string; logSink?: (r: LogRecord) => void } = {}) => {
    const c = await Context.create({
      transport: bus.transport('10.1.0.1'),
      clock,
      discovery: { domainId: 0, range: 'localhost', staticPeers: [] },
      logSink: () => {},
      useGlobalArguments: false,
      ...options,
    });
    open.push(c);
    return c;
  };
  const runUntil = async (done: () => boolean, limitMs: number) => {
    for (let t = 0; t < limitMs; t++) {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      if (done()) return;
      clock.advance(1);
    }
    throw new Error(`not done after ${limitMs} simulated ms`);
  };
  return { context, runUntil };
}

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/** USER_DATA of the endpoints `observer` discovered from the participant `of`, by kind and DDS topic. */
function announcedUserData(observer: Context, of: GuidPrefix): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const { remoteWriters, remoteReaders } = observer.participant;
  for (const [kind, list] of [
    ['writer', remoteWriters],
    ['reader', remoteReaders],
  ] as const) {
    for (const e of list) {
      if (prefixKey(e.data.guid.prefix) === prefixKey(of))
        out.set(`${kind} ${e.data.topicName}`, text(e.data.userData));
    }
  }
  return out;
}

describe('the distro setting of a context', () => {
  it('defaults to ROS_DISTRO, else jazzy; an explicit one wins; an unknown one warns once', async () => {
    const sim = simulated();
    delete process.env['ROS_DISTRO'];
    expect((await sim.context()).distro).toBe('jazzy');
    process.env['ROS_DISTRO'] = 'humble';
    expect((await sim.context()).distro).toBe('humble');
    expect((await sim.context({ distro: 'iron' })).distro).toBe('iron');
    const records: LogRecord[] = [];
    process.env['ROS_DISTRO'] = 'ardent-context-test';
    expect((await sim.context({ logSink: (r) => records.push(r) })).distro).toBe('jazzy');
    expect((await sim.context({ logSink: (r) => records.push(r) })).distro).toBe('jazzy');
    expect(records.map((r) => `${r.name}: ${r.message}`)).toEqual([
      expect.stringMatching(/^ros2ts: ROS_DISTRO "ardent-context-test" is not a ROS 2 distribution/),
    ]);
  });

  it('humble writes 24-byte gids and no type hash; jazzy 16 and the hash; each lists the other', async () => {
    const sim = simulated();
    const humble = await sim.context({ distro: 'humble' });
    const jazzy = await sim.context({ distro: 'jazzy' });
    const samples = new Map<string, Uint8Array>();
    const { qos } = toRtpsQos(QOS_PROFILES.rosDiscoveryInfoReader);
    jazzy.participant.createReader(
      {
        topicName: 'ros_discovery_info',
        typeName: 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_',
        qos,
      },
      (s) => s.payload && samples.set(prefixKey(s.writer.prefix), s.payload),
    );

    const h = humble.createNode('humble_talker', quiet);
    h.createPublisher('std_msgs/msg/String', 'chatter', 10);
    h.createService('std_srvs/srv/Trigger', 'poke', () => ({ success: true, message: '' }));
    h.createClient('std_srvs/srv/Trigger', 'prod');
    const j = jazzy.createNode('jazzy_listener', quiet);
    j.createSubscription('std_msgs/msg/String', 'chatter', () => {});

    const seen = (c: Context, name: string) => c.graph.nodeInfo('/', name)?.publishers.length;
    await sim.runUntil(
      () =>
        seen(jazzy, 'humble_talker') !== undefined &&
        (jazzy.graph.nodeInfo('/', 'humble_talker')?.serviceClients.length ?? 0) > 0 &&
        humble.graph.nodeInfo('/', 'jazzy_listener')?.subscribers.length === 1,
      5000,
    );

    // The Humble peer's snapshot: 24-byte gids, byte for byte what the independent encoder makes.
    const payload = samples.get(prefixKey(humble.participant.guidPrefix))!;
    const decoded = decodeParticipantEntities(payload);
    expect(decoded.gidSize).toBe(24);
    const golden = foxgloveParticipantEntities(decoded, 24);
    expect(Buffer.from(payload).toString('hex')).toBe(
      Buffer.from(golden.subarray(0, payload.length)).toString('hex'),
    );
    expect(decoded.nodes.map((n) => n.name)).toContain('humble_talker');

    // Its endpoints, tied to its node through those gids (publisher, server and client).
    const info = jazzy.graph.nodeInfo('/', 'humble_talker')!;
    expect(info.publishers.map((p) => p.name)).toContain('/chatter');
    expect(info.serviceServers.map((p) => p.name)).toContain('/poke');
    expect(info.serviceClients.map((p) => p.name)).toContain('/prod');

    // USER_DATA as Humble's rmws send it: none on topics, Cyclone's ids alone on services.
    const humbleUserData = announcedUserData(jazzy, humble.participant.guidPrefix);
    expect(humbleUserData.has('writer rt/chatter')).toBe(true);
    expect(humbleUserData.get('writer rt/chatter')).toBeUndefined();
    const serviceUserData = [...humbleUserData].filter(([topic]) => / r[qr]\/(poke|prod)/.test(topic));
    expect(serviceUserData).toHaveLength(4);
    for (const [topic, ud] of serviceUserData) {
      expect(ud, topic).toMatch(/^(serviceid|clientid)=[ 0-9a-f.]+;$/);
    }
    expect(jazzy.graph.endpointsOn('rt/chatter', 'writer').map((e) => e.typeHash)).toEqual([undefined]);

    // The Jazzy peer, as before: 16-byte gids and the type hash.
    expect(decodeParticipantEntities(samples.get(prefixKey(jazzy.participant.guidPrefix))!).gidSize).toBe(16);
    const jazzyReader = humble.participant.remoteReaders.find((e) => e.data.topicName === 'rt/chatter')!;
    expect(text(jazzyReader.data.userData)).toMatch(/^typehash=RIHS01_[0-9a-f]{64};$/);
  });
});
