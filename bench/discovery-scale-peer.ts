/**
 * One process of `npm run bench:discovery` (bench/discovery-scale.bench.ts starts it):
 *   discovery-scale-peer <domain> <total> <first> <count>
 * hosts `count` participants (one Context each, its own sockets, as a separate process would
 * have), participants first..first+count-1 of `total`. Each is one ROS node `scale_<i>` with a
 * publisher and a subscription on /chatter (std_msgs/msg/String, default QoS).
 *
 * Prints JSON lines: `{"event":"started","id","at"}` once a participant's node and endpoints
 * exist, `{"event":"complete","id","at"}` the first time it sees all `total` nodes in its graph
 * and its publisher and subscription are matched with all `total` (its own included), and on
 * SIGTERM `{"event":"state","id","nodes","subscriptions","publishers"}` for each participant that
 * never got there, then `{"event":"cpu","ms"}`, the CPU time (user + system) this process used.
 * `at` is wall-clock milliseconds (comparable across processes).
 */
import { Context } from '../src/nodes/context.js';
import type { Node } from '../src/nodes/node.js';
import type { Publisher } from '../src/nodes/publisher.js';
import type { Subscription } from '../src/nodes/subscription.js';
import type { TransportStats } from '../src/rtps/transport/transport.js';

const [domain, total, first, count] = process.argv.slice(2).map(Number) as [number, number, number, number];
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const wallClock = () => performance.timeOrigin + performance.now();

interface Member {
  readonly id: number;
  readonly context: Context;
  readonly node: Node;
  readonly pub: Publisher<'std_msgs/msg/String'>;
  readonly sub: Subscription<'std_msgs/msg/String'>;
  complete: boolean;
}

const members: Member[] = [];
const quiet = { logSink: () => {} };

function seesAll(m: Member): boolean {
  return (
    m.pub.subscriptionCount >= total && m.sub.publisherCount >= total && m.node.getNodeNames().length >= total
  );
}

// One check for the whole process every 10 ms: cheap next to discovery, and fine enough for
// times counted in hundreds of milliseconds.
const poll = setInterval(() => {
  for (const m of members) {
    if (m.complete || !seesAll(m)) continue;
    m.complete = true;
    say({ event: 'complete', id: m.id, at: wallClock() });
  }
}, 10);

for (let id = first; id < first + count; id++) {
  const context = await Context.create({
    discovery: { domainId: domain, range: 'localhost', staticPeers: [] },
    logSink: () => {},
  });
  const node = context.createNode(`scale_${id}`, quiet);
  const pub = node.createPublisher('std_msgs/msg/String', '/chatter');
  const sub = node.createSubscription('std_msgs/msg/String', '/chatter', () => {});
  members.push({ id, context, node, pub, sub, complete: false });
  say({ event: 'started', id, at: wallClock() });
}

process.on('SIGTERM', () => {
  clearInterval(poll);
  for (const m of members) {
    if (m.complete) continue;
    say({
      event: 'state',
      id: m.id,
      nodes: m.node.getNodeNames().length,
      subscriptions: m.pub.subscriptionCount,
      publishers: m.sub.publisherCount,
    });
  }
  const cpu = process.cpuUsage();
  // Datagrams of this process's participants (their transports are theirs; read, not touched).
  let sent = 0;
  let received = 0;
  for (const m of members) {
    const t = (m.context.participant as unknown as { transport: { stats: TransportStats } }).transport;
    sent += t.stats.sent;
    received += t.stats.received;
  }
  say({ event: 'cpu', id: first, ms: (cpu.user + cpu.system) / 1000, sent, received });
  // No goodbyes: the run is over, and the next one uses a domain of its own.
  process.exit(0);
});
