/**
 * ros2ts as a Fast DDS Discovery Server client, against the real server of Debian's fastdds-tools
 * 2.9.1 (`fastdds discovery -i 0 -l 127.0.0.1 -p PORT`) and a Fast DDS 2.9.1 rmw peer that is a
 * client too (Fast DDS makes a default participant a client when ROS_DISCOVERY_SERVER is set).
 * Clients send no multicast, so whoever meets here met through the server; the control case
 * (a server address where nothing listens) shows that nothing else carries discovery.
 *
 *   scripts/netns-run npx vitest run test/interop/discovery-server.test.ts
 *
 * Against another server program, e.g. the Fast DDS 2.14.6 of a ROS 2 Jazzy build:
 *   LD_LIBRARY_PATH=<jazzy>/install/lib \
 *   ROS2TS_DISCOVERY_SERVER_COMMAND=<jazzy>/install/bin/fast-discovery-server \
 *   scripts/netns-run npx vitest run test/interop/discovery-server.test.ts
 *
 * Against Fast DDS 3 (Kilted 3.2.x, Lyrical 3.6.x; tools/fds built with -DCOMPILE_TOOLS=ON), whose
 * binary wants the `fastdds discovery` front end's command index first (42 = run a server,
 * tools/fds/CliDiscoveryManager.hpp `ToolCommand::SERVER`):
 *   LD_LIBRARY_PATH=<fastdds3>/lib ROS2TS_DISCOVERY_SERVER_COMMAND="<fastdds3>/bin/fast-discovery-server 42" \
 *   scripts/netns-run npx vitest run test/interop/discovery-server.test.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import {
  type DiscoveryServerOptions,
  parseDiscoveryServers,
  serverGuidPrefix,
} from '../../src/rtps/participant/discovery-server.js';
import { type ParticipantOptions, RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { prefixKey } from '../../src/rtps/wire/types.js';
import { buildDist, cliRunner } from '../support/cli.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';
import { buildRmwPeer, killAllRmwPeers, rmwPeerArgs, startRmwPeer } from './rmw-peers/rmw-peers.js';

const FILE = 'test/interop/discovery-server.test.ts';
const DOMAIN = 41;
const PORT = 11911;
const SERVER = `127.0.0.1:${PORT}`;
const STEP_MS = 10_000;
const quiet = { logSink: () => {} };

// Another server program (e.g. a newer Fast DDS's fast-discovery-server) may be named here.
const SERVER_COMMAND = process.env['ROS2TS_DISCOVERY_SERVER_COMMAND']?.split(' ') ?? ['fastdds', 'discovery'];
const [serverProgram, ...serverArgs] = SERVER_COMMAND as [string, ...string[]];
const hasFastdds = spawnSync(serverProgram, [...serverArgs, '-h'], { stdio: 'ignore' }).status === 0;
// Fast DDS 3.5 made a server treat every CLIENT as a SUPER_CLIENT (versions.md v3.5.0; 3.6.2
// DiscoveryDataBase::create_new_participant_from_change_ gives any local client the virtual
// endpoints that match everything). `-v` names the version from 3.x on; 2.x has none.
const serverVersion = hasFastdds
  ? /Fast DDS version: (\d+)\.(\d+)/.exec(
      spawnSync(serverProgram, [...serverArgs, '-v'], { encoding: 'utf8' }).stdout,
    )
  : null;
const clientsAreSuper =
  serverVersion !== null && Number(serverVersion[1]) * 100 + Number(serverVersion[2]) >= 305;

let server: ChildProcess | undefined;

beforeAll(async () => {
  if (!hasFastdds) return;
  assertSandboxed(FILE);
  const build = Promise.all([buildRmwPeer('fastdds'), buildDist()]);
  server = spawn(serverProgram, [...serverArgs, '-i', '0', '-l', '127.0.0.1', '-p', String(PORT)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  server.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  // Fast DDS 2.x prints "### Server is running ###", 3.x "#### Server started ####"
  // (CliDiscoveryManager.cpp `fastdds_discovery_server`).
  await until(() => /Server is running|Server started/.test(out), 30_000, 'the discovery server to start');
  await build;
}, 240_000);

afterAll(() => {
  server?.kill('SIGINT');
});

const open: Context[] = [];
async function client(ds: DiscoveryServerOptions | false, extra: { superClientByDefault?: boolean } = {}) {
  // range SUBNET: were the server not honoured, multicast discovery would find everyone here.
  const c = await Context.create({
    discovery: { domainId: DOMAIN, range: 'subnet', staticPeers: [] },
    discoveryServer: ds,
    ...extra,
    logSink: () => {},
  });
  open.push(c);
  return c;
}
const participants: RtpsParticipant[] = [];
async function participant(options: Partial<ParticipantOptions>) {
  const p = await RtpsParticipant.create({
    discovery: { domainId: DOMAIN, range: 'subnet', staticPeers: [] },
    discoveryServer: { servers: parseDiscoveryServers(SERVER) },
    ...options,
  });
  participants.push(p);
  // Discovery Server 2.0 relays a participant only to those that share a topic with it.
  p.createWriter({ topicName: 'ds_lease', typeName: 'ds::Lease' });
  p.createReader({ topicName: 'ds_lease', typeName: 'ds::Lease' }, () => {});
  return p;
}
const cli = cliRunner(DOMAIN, { ROS_DISCOVERY_SERVER: SERVER, ROS_AUTOMATIC_DISCOVERY_RANGE: 'SUBNET' });
afterEach(async () => {
  cli.killChildren();
  killAllRmwPeers();
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
  await Promise.all(participants.splice(0).map((p) => p.close()));
});

let counter = 0;
const unique = (what: string) => `${what}_${process.pid}_${++counter}`;
const knows = (a: Context, b: Context) =>
  a.participant.participants.some(
    (p) => prefixKey(p.data.guid.prefix) === prefixKey(b.participant.guidPrefix),
  );

describe.skipIf(!hasFastdds)(
  'Discovery Server (fastdds discovery 2.9.1; skipped: no `fastdds` command, Debian fastdds-tools)',
  () => {
    const viaServer: DiscoveryServerOptions = { servers: parseDiscoveryServers(SERVER) };

    it('two ros2ts clients find each other through the server and exchange data directly', async () => {
      const topic = unique('chatter');
      const a = await client(viaServer);
      const b = await client(viaServer);
      const got: string[] = [];
      const listener = b.createNode('ds_listener', quiet);
      listener.createSubscription('std_msgs/msg/String', topic, (m) => got.push(m.data));
      const pub = a.createNode('ds_talker', quiet).createPublisher('std_msgs/msg/String', topic);
      await until(() => pub.subscriptionCount === 1, STEP_MS, 'the talker to match the listener');
      for (let i = 0; i < 5; i++) pub.publish({ data: `hello ${i}` });
      await until(
        () => got.length === 5,
        STEP_MS,
        () => `5 messages, got ${got.length}`,
      );
      expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `hello ${i}`));
      // Each knows the server as such, and the other as relayed by it.
      const serverKey = prefixKey(serverGuidPrefix(0));
      const other = b.participant.participants.find(
        (p) => prefixKey(p.data.guid.prefix) === prefixKey(a.participant.guidPrefix),
      );
      expect(other?.discoveryServer).toBe('relayed');
      expect(
        b.participant.participants.find((p) => prefixKey(p.data.guid.prefix) === serverKey)?.discoveryServer,
      ).toBe('server');
      await until(
        () => listener.getNodeNames().some((n) => n.name === 'ds_talker'),
        STEP_MS,
        'the listener side to list the talker node',
      );
    });

    it('with no server listening at the address, two clients never meet (no multicast fallback)', async () => {
      const nobody: DiscoveryServerOptions = { servers: parseDiscoveryServers('127.0.0.1:11999') };
      const a = await client(nobody);
      const b = await client(nobody);
      await new Promise((r) => setTimeout(r, 3000));
      expect(knows(a, b) || knows(b, a)).toBe(false);
      // The same two, without a server, do meet by multicast: the namespace does carry it.
      const c = await client(false);
      const d = await client(false);
      await until(() => knows(c, d) && knows(d, c), STEP_MS, 'two plain participants to meet by multicast');
    });

    it('a Fast DDS 2.9.1 client (ROS_DISCOVERY_SERVER) and a ros2ts client exchange Twists through the server', async () => {
      const out = unique('ds_cmd_out');
      const back = unique('ds_cmd_back');
      // This one reads the environment, as a ros2ts node in a shell would.
      const saved = process.env['ROS_DISCOVERY_SERVER'];
      process.env['ROS_DISCOVERY_SERVER'] = SERVER;
      let ctx: Context;
      try {
        ctx = await Context.create({
          discovery: { domainId: DOMAIN, range: 'subnet', staticPeers: [] },
          logSink: () => {},
        });
        open.push(ctx);
      } finally {
        if (saved === undefined) delete process.env['ROS_DISCOVERY_SERVER'];
        else process.env['ROS_DISCOVERY_SERVER'] = saved;
      }
      const env = { ROS_DISCOVERY_SERVER: SERVER };
      const sub = startRmwPeer(
        'fastdds',
        rmwPeerArgs('twist-sub', `/${out}`, { domain: DOMAIN, count: 5, timeoutMs: 30_000 }),
        env,
      );
      const pubPeer = startRmwPeer(
        'fastdds',
        rmwPeerArgs('twist-pub', `/${back}`, { domain: DOMAIN, count: 5, timeoutMs: 30_000 }),
        env,
      );
      const node = ctx.createNode('ds_turtle', quiet);
      const got: number[] = [];
      node.createSubscription('geometry_msgs/msg/Twist', back, (t) => got.push(t.angular.z));
      const pub = node.createPublisher('geometry_msgs/msg/Twist', out);
      await sub.waitFor('matched', STEP_MS);
      await until(() => pub.subscriptionCount === 1, STEP_MS, 'ros2ts to match the Fast DDS subscriber');
      for (let k = 1; k <= 5; k++) pub.publish({ linear: { x: 0.5 }, angular: { z: k } });
      const twists = await sub.waitFor('done', STEP_MS).then(() => sub.events('twist'));
      expect(twists.map((t) => t['angular_z'])).toEqual([1, 2, 3, 4, 5]);
      await until(
        () => got.length === 5,
        STEP_MS,
        () => `5 Twists from Fast DDS, got ${got.length}`,
      );
      expect(got).toEqual([1, 2, 3, 4, 5]);
      await pubPeer.result();
    });

    it('a SUPER_CLIENT learns endpoints on topics it has none of; a plain CLIENT only from a 3.5+ server', async () => {
      const topic = unique('only_there');
      const talker = await client(viaServer);
      talker.createNode('ds_lonely', quiet).createPublisher('std_msgs/msg/String', topic);
      const plain = await client(viaServer);
      const superClient = await client({ servers: viaServer.servers, superClient: true });
      const sees = (c: Context) =>
        c.participant.remoteWriters.some((w) => w.data.topicName === `rt/${topic}`);
      await until(() => sees(superClient), STEP_MS, 'the super client to learn the publisher');
      // Both know the talker's participant (they share ros_discovery_info), only one its publisher.
      await until(() => knows(plain, talker), STEP_MS, 'the plain client to know the talker participant');
      if (clientsAreSuper) {
        await until(() => sees(plain), STEP_MS, 'the 3.5+ server to give the plain client the publisher too');
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
      expect(sees(plain)).toBe(false);
    });

    it('the server keeps a live client past its lease, and relays its end: at once on goodbye, at the lease on a crash', async () => {
      const seen = (a: RtpsParticipant, b: RtpsParticipant) =>
        a.participants.some((p) => prefixKey(p.data.guid.prefix) === prefixKey(b.guidPrefix));
      // A 2 s lease: only our resends every 500 ms keep the server from expiring us.
      const a = await participant({ leaseDurationMs: 2000, announcePeriodMs: 500 });
      const b = await participant({});
      await until(() => seen(a, b) && seen(b, a), STEP_MS, 'the two clients to meet');
      await new Promise((r) => setTimeout(r, 5000));
      expect(seen(b, a)).toBe(true);
      // A crash (no goodbye): the server expires it after its 2 s lease and relays that.
      const crashedAt = Date.now();
      await a.close({ goodbye: false });
      await until(() => !seen(b, a), STEP_MS, 'the crashed client to leave the other view');
      expect(Date.now() - crashedAt).toBeGreaterThan(1500);
      // A goodbye: gone long before the 20 s lease.
      const c = await participant({});
      await until(() => seen(b, c), STEP_MS, 'a third client to meet the second');
      const leftAt = Date.now();
      await c.close();
      await until(() => !seen(b, c), 3000, 'the departed client to leave the other view');
      expect(Date.now() - leftAt).toBeLessThan(3000);
    });

    it('`ros2ts topic list` is a super client: it lists a topic it has no endpoint of', async () => {
      const topic = unique('cli_only');
      const talker = await client(viaServer);
      talker.createNode('ds_cli_talker', quiet).createPublisher('std_msgs/msg/String', topic);
      // An established graph (a publisher made this instant may reach the server after the
      // command's wait, as it would for ros2cli): the server already relays it to a super client.
      const watcher = await client({ servers: viaServer.servers, superClient: true });
      await until(
        () => watcher.participant.remoteWriters.some((w) => w.data.topicName === `rt/${topic}`),
        STEP_MS,
        'the server to relay the publisher',
      );
      const listed = await cli.run('topic', 'list');
      expect(listed.stderr).toBe('');
      expect(listed.stdout.split('\n')).toContain(`/${topic}`);
      // Told not to be one, it is a plain client: the server keeps that topic from it (before 3.5).
      const plain = await cli.start(['topic', 'list'], { ROS_SUPER_CLIENT: 'FALSE' }).done;
      expect(plain.stdout.split('\n').includes(`/${topic}`)).toBe(clientsAreSuper);
    });
  },
);
