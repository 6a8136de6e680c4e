/**
 * A humble-mode and a jazzy-mode ros2ts context over real UDP (two participants, as two processes
 * on one host) see each other's nodes, and the humble one announces what Humble's rmws announce:
 * 24-byte gids in ros_discovery_info and no type hash in SEDP USER_DATA (src/rmw/distro.ts).
 *
 *   scripts/netns-run npx vitest run test/integration/distro.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import { decodeParticipantEntities } from '../../src/rmw/graph/participant-entities.js';
import { QOS_PROFILES, toRtpsQos } from '../../src/rmw/qos-profiles.js';
import { prefixKey } from '../../src/rtps/wire/types.js';
import { quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/distro.test.ts'));

const DOMAIN_ID = 29;
const open: Context[] = [];
const savedDistro = process.env['ROS_DISTRO'];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
  if (savedDistro === undefined) delete process.env['ROS_DISTRO'];
  else process.env['ROS_DISTRO'] = savedDistro;
});

async function context(distro?: string): Promise<Context> {
  const c = await Context.create({
    discovery: { domainId: DOMAIN_ID, range: 'localhost', staticPeers: [] },
    useGlobalArguments: false,
    logSink: () => {},
    ...(distro !== undefined ? { distro } : {}),
  });
  open.push(c);
  return c;
}

describe('a humble-mode node and a jazzy-mode node over UDP', () => {
  it('list each other, and the humble one sends 24-byte gids and no type hash', async () => {
    process.env['ROS_DISTRO'] = 'humble'; // the humble one takes it from the environment, as the CLI does
    const humble = await context();
    const jazzy = await context('jazzy');
    expect([humble.distro, jazzy.distro]).toEqual(['humble', 'jazzy']);

    const gidSizes = new Map<string, number>();
    const { qos } = toRtpsQos(QOS_PROFILES.rosDiscoveryInfoReader);
    jazzy.participant.createReader(
      {
        topicName: 'ros_discovery_info',
        typeName: 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_',
        qos,
      },
      (s) =>
        s.payload && gidSizes.set(prefixKey(s.writer.prefix), decodeParticipantEntities(s.payload).gidSize),
    );

    const talker = humble.createNode('humble_talker', quiet);
    const pub = talker.createPublisher('std_msgs/msg/String', 'chatter', 10);
    talker.createService('std_srvs/srv/Trigger', 'poke', () => ({ success: true, message: 'poked' }));
    const listener = jazzy.createNode('jazzy_listener', quiet);
    const heard: string[] = [];
    listener.createSubscription('std_msgs/msg/String', 'chatter', (m) => heard.push(m.data));
    const client = listener.createClient('std_srvs/srv/Trigger', 'poke');

    const names = (c: Context) => c.graph.nodeNames().map((n) => n.name);
    await until(
      () =>
        names(jazzy).includes('humble_talker') &&
        names(humble).includes('jazzy_listener') &&
        (jazzy.graph.nodeInfo('/', 'humble_talker')?.serviceServers.length ?? 0) > 0 &&
        gidSizes.has(prefixKey(humble.participant.guidPrefix)),
      5000,
      'each to list the other',
    );
    expect(gidSizes.get(prefixKey(humble.participant.guidPrefix))).toBe(24);
    expect(gidSizes.get(prefixKey(jazzy.participant.guidPrefix))).toBe(16);
    expect(jazzy.graph.nodeInfo('/', 'humble_talker')!.publishers.map((p) => p.name)).toContain('/chatter');

    const chatter = jazzy.participant.remoteWriters.find(
      (e) =>
        e.data.topicName === 'rt/chatter' &&
        prefixKey(e.data.guid.prefix) === prefixKey(humble.participant.guidPrefix),
    );
    expect(chatter?.data.userData).toBeUndefined();
    const jazzyReader = humble.participant.remoteReaders.find((e) => e.data.topicName === 'rt/chatter');
    expect(new TextDecoder().decode(jazzyReader?.data.userData)).toMatch(/^typehash=RIHS01_[0-9a-f]{64};$/);

    // And they talk: a message one way, a service call the other.
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    pub.publish({ data: 'hello humble' });
    await until(() => heard.length === 1, 5000, 'the message');
    expect(heard).toEqual(['hello humble']);
    await client.waitForService({ timeout: 5000 });
    expect(await client.call({}, { timeout: 5000 })).toEqual({ success: true, message: 'poked' });
  });
});
