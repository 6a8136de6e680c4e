/**
 * ros2ts nodes on several hosts (issue 13, "Several hosts"): four network namespaces, each with
 * its own address on one bridged /24 (test/support/topology.ts), built inside the loopback-only
 * namespace of scripts/netns-run. Every node is a process of its own on its host, configured by
 * the ROS environment variables as a user would (fixtures/agent.mjs on the compiled library).
 *
 * Leases: a ros2ts participant announces a 20 s lease every 3 s; the agents here cap the leases
 * they honour (Context's discoveryLimits.maxLeaseMs), so that a silent peer leaves in seconds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/cli.js';
import { assertSandboxed } from '../support/sandbox.js';
import { Topology, TopologyUnavailableError } from '../support/topology.js';
import { until } from '../support/until.js';
import { Agent, buildLib, CLI, type GraphView, type RosEnv, range, rosEnv } from './hosts.js';

const FILE = 'test/multihost/multihost.test.ts';
let topology: Topology | undefined;
let unavailable = '';

beforeAll(async () => {
  assertSandboxed(FILE);
  try {
    topology = await Topology.create({ hosts: 4 });
  } catch (error) {
    if (!(error instanceof TopologyUnavailableError)) throw error;
    unavailable = error.message;
    return;
  }
  await buildLib();
}, 300_000);

afterAll(async () => {
  await topology?.teardown();
});

const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill()));
});

/** The topology, or the test is skipped saying why there is none. */
function net(ctx: { skip: (note?: string) => never }): Topology {
  if (topology === undefined) ctx.skip(`network namespaces unavailable here: ${unavailable}`);
  return topology!;
}

async function start(t: Topology, host: number, name: string, ros: RosEnv): Promise<Agent> {
  const a = await Agent.start(t, host, name, ros);
  agents.push(a);
  return a;
}

const sees =
  (names: readonly string[], topic?: { publishers: number; subscribers: number }) =>
  (g: GraphView): boolean =>
    names.every((n) => g.nodes.includes(n)) &&
    (topic === undefined ||
      (g.publishers['/chatter'] === topic.publishers && g.subscribers['/chatter'] === topic.subscribers));

const RELIABLE_ALL = { reliability: 'RELIABLE', history: 'KEEP_ALL' } as const;

describe('ros2ts across hosts', () => {
  it('SUBNET (the default): a talker, a listener and a third node on three hosts find each other by multicast, and data flows', async (ctx) => {
    const t = net(ctx);
    const ros: RosEnv = { domainId: 31 };
    const [talker, listener, third] = await Promise.all([
      start(t, 1, 'talker', ros),
      start(t, 2, 'listener', ros),
      start(t, 3, 'third', ros),
    ]);
    talker.publisher('p', 'chatter', RELIABLE_ALL);
    listener.subscription('s', 'chatter', RELIABLE_ALL);
    const all = sees(['/talker', '/listener', '/third'], { publishers: 1, subscribers: 1 });
    await Promise.all(
      [talker, listener, third].map((a) =>
        a.waitForGraph(all, 15_000, 'to see all three nodes', ['/chatter']),
      ),
    );
    talker.publish('p', 1, 20);
    await until(
      () => listener.messages('s').length >= 20,
      10_000,
      () => `20 samples, got ${listener.messages('s')}`,
    );
    expect(listener.messages('s')).toEqual(range(1, 20));

    // As a user on host 3 would look: `ros2ts node list` there lists the nodes of hosts 1 and 2.
    const out = await t.exec(3, process.execPath, [CLI, 'node', 'list'], {
      env: rosEnv(ros),
      cwd: root,
      timeout: 20_000,
    });
    expect(out.trim().split('\n').sort()).toEqual(['/listener', '/talker', '/third']);
  }, 60_000);

  it('ROS_STATIC_PEERS on a network that drops multicast: discovery by unicast to the peers only', async (ctx) => {
    const t = net(ctx);
    await t.setMulticastForwarding(false);
    try {
      const peersOf = (self: number) => [1, 2, 3].filter((i) => i !== self).map((i) => t.host(i).address);
      const ros = (self: number): RosEnv => ({ domainId: 32, range: 'SUBNET', staticPeers: peersOf(self) });
      const [talker, listener, third, loner] = await Promise.all([
        start(t, 1, 'talker', ros(1)),
        start(t, 2, 'listener', ros(2)),
        start(t, 3, 'third', ros(3)),
        // The control: same domain and range, no static peers, nobody lists its host. Were
        // multicast getting through, it would find the others as fast as they find each other.
        start(t, 4, 'loner', { domainId: 32, range: 'SUBNET' }),
      ]);
      talker.publisher('p', 'chatter', RELIABLE_ALL);
      listener.subscription('s', 'chatter', RELIABLE_ALL);
      const all = sees(['/talker', '/listener', '/third'], { publishers: 1, subscribers: 1 });
      await Promise.all(
        [talker, listener, third].map((a) =>
          a.waitForGraph(all, 15_000, 'to see all three nodes', ['/chatter']),
        ),
      );
      talker.publish('p', 1, 10);
      await until(() => listener.messages('s').length >= 10, 10_000, '10 samples over unicast');
      expect(listener.messages('s')).toEqual(range(1, 10));

      expect((await loner.graph()).nodes).toEqual(['/loner']);
      for (const a of [talker, listener, third]) expect((await a.graph()).nodes).not.toContain('/loner');
    } finally {
      await t.setMulticastForwarding(true);
    }
  }, 60_000);

  it('LOCALHOST with ROS_STATIC_PEERS: the static peer on another host is reached (rmw adds static peers under LOCALHOST), the rest stays on the host', async (ctx) => {
    const t = net(ctx);
    const local = (peers: readonly string[]): RosEnv => ({
      domainId: 33,
      range: 'LOCALHOST',
      staticPeers: peers,
    });
    const [talker, listener, neighbour, stranger] = await Promise.all([
      start(t, 1, 'talker', local([t.host(2).address])),
      start(t, 2, 'listener', local([t.host(1).address])),
      // On the talker's host, LOCALHOST without peers: it finds the talker over lo.
      start(t, 1, 'neighbour', local([])),
      // On a third host, LOCALHOST without peers: multicast works on this link, yet LOCALHOST
      // must keep it out of the others' graph.
      start(t, 3, 'stranger', local([])),
    ]);
    talker.publisher('p', 'chatter', RELIABLE_ALL);
    listener.subscription('s', 'chatter', RELIABLE_ALL);
    await Promise.all([
      talker.waitForGraph(
        sees(['/listener', '/neighbour'], { publishers: 1, subscribers: 1 }),
        15_000,
        'to see its static peer and its neighbour',
        ['/chatter'],
      ),
      listener.waitForGraph(
        sees(['/talker'], { publishers: 1, subscribers: 1 }),
        15_000,
        'to see its static peer',
        ['/chatter'],
      ),
      neighbour.waitForGraph(sees(['/talker']), 15_000, 'to see the node on its own host'),
    ]);
    talker.publish('p', 1, 10);
    await until(() => listener.messages('s').length >= 10, 10_000, '10 samples to the static peer');
    expect(listener.messages('s')).toEqual(range(1, 10));

    expect((await stranger.graph()).nodes).toEqual(['/stranger']);
    for (const a of [talker, listener, neighbour]) expect((await a.graph()).nodes).not.toContain('/stranger');
  }, 60_000);

  it('a partition shorter than the lease heals with nothing lost; a longer one removes the far side, which returns when healed', async (ctx) => {
    const t = net(ctx);
    // Leases honoured: 8 s. Announcements come every 3 s, so a 3 s cut loses at most one of them.
    const ros: RosEnv = { domainId: 34, maxLeaseMs: 8_000 };
    const [talker, listener] = await Promise.all([start(t, 1, 'talker', ros), start(t, 2, 'listener', ros)]);
    talker.publisher('p', 'chatter', RELIABLE_ALL);
    listener.subscription('s', 'chatter', RELIABLE_ALL);
    const both = sees(['/talker', '/listener'], { publishers: 1, subscribers: 1 });
    await Promise.all(
      [talker, listener].map((a) => a.waitForGraph(both, 15_000, 'to see both nodes', ['/chatter'])),
    );

    talker.stream('p', 1, 20);
    await until(() => listener.messages('s').length >= 10, 10_000, 'the stream to begin');
    await t.partition(2);
    const cutAt = listener.messages('s').length;
    await new Promise((r) => setTimeout(r, 3_000));
    // Cut off for real: nothing came through while the link was down.
    expect(listener.messages('s').length - cutAt).toBeLessThanOrEqual(2);
    await t.heal(2);
    await new Promise((r) => setTimeout(r, 500));
    const last = await talker.halt('p');
    await until(
      () => listener.messages('s').length >= last,
      10_000,
      () => `all ${last} samples after the heal, got ${listener.messages('s').length}`,
    );
    expect(listener.messages('s')).toEqual(range(1, last));
    // Never left: the lease outlasted the cut.
    expect((await talker.graph()).nodes).toContain('/listener');
    expect([...talker.departures, ...listener.departures]).toEqual([]);

    // Longer than the lease: each side drops the other, then finds it again once healed.
    const departures = talker.departures.length;
    await t.partition(2);
    await Promise.all([
      talker.waitForGraph((g) => !g.nodes.includes('/listener'), 15_000, 'to drop the listener'),
      listener.waitForGraph((g) => !g.nodes.includes('/talker'), 15_000, 'to drop the talker'),
    ]);
    // Removed because the lease ran out (no goodbye can cross a cut link).
    expect(talker.departures.slice(departures)).toEqual(['lease expired']);
    expect(listener.departures).toEqual(['lease expired']);
    await t.heal(2);
    await Promise.all(
      [talker, listener].map((a) => a.waitForGraph(both, 15_000, 'to see both again', ['/chatter'])),
    );
    const before = listener.messages('s').length;
    talker.publish('p', 1001, 5);
    await until(() => listener.messages('s').length >= before + 5, 10_000, 'samples after the second heal');
    expect(listener.messages('s').slice(before)).toEqual(range(1001, 1005));
  }, 90_000);

  it('kill -9 of a node and its restart under the same name: one node in the graph, and transient-local data rematches', async (ctx) => {
    const t = net(ctx);
    const ros: RosEnv = { domainId: 35, maxLeaseMs: 4_000 };
    const latched = {
      reliability: 'RELIABLE',
      durability: 'TRANSIENT_LOCAL',
      history: 'KEEP_LAST',
      depth: 10,
    } as const;
    const [talker, observer] = await Promise.all([start(t, 1, 'talker', ros), start(t, 3, 'observer', ros)]);
    talker.publisher('p', 'chatter', latched);
    talker.publish('p', 1, 5);
    const first = await start(t, 2, 'listener', ros);
    first.subscription('s', 'chatter', latched);
    await until(() => first.messages('s').length >= 5, 15_000, 'the latched samples');
    expect(first.messages('s')).toEqual(range(1, 5));
    const one = sees(['/talker', '/listener'], { publishers: 1, subscribers: 1 });
    await observer.waitForGraph(one, 10_000, 'to see the first listener', ['/chatter']);

    await first.kill();
    const second = await start(t, 2, 'listener', ros);
    second.subscription('s', 'chatter', latched);
    await until(() => second.messages('s').length >= 5, 15_000, 'the latched samples again');
    expect(second.messages('s')).toEqual(range(1, 5));

    // The dead participant leaves when its (capped) lease runs out: then one /listener, one subscriber.
    const single = (g: GraphView) =>
      g.nodes.filter((n) => n === '/listener').length === 1 && g.subscribers['/chatter'] === 1;
    for (const a of [observer, talker])
      await a.waitForGraph(single, 10_000, 'to see exactly one listener', ['/chatter']);
    expect(observer.departures).toEqual(['lease expired']);
    expect((await observer.graph(['/chatter'])).publishers['/chatter']).toBe(1);
  }, 60_000);
});
