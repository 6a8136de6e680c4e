/**
 * The far side of the RTPS benchmarks, run as its own process by bench/rtps.bench.ts:
 *   udp-pong <port>          echo every datagram back (raw node:dgram, the floor)
 *   ros2ts-pong              echo every sample of rt/bench_ping on rt/bench_pong
 *   ros2ts-sink <seconds>    count what arrives on rt/bench_bulk, print {"samples","bytes"}
 *   ros2ts-add-server        a node serving example_interfaces/srv/AddTwoInts on /bench_add
 *   ros2ts-fibonacci-server  a node serving example_interfaces/action/Fibonacci on /bench_fibonacci
 *                            (the goal's sequence at once, no feedback: the round trip is the action's own;
 *                            results kept 50 ms: with rcl_action's 10 s, goals sent back to back put
 *                            every goal of the last 10 s in each status message, as rclcpp's would)
 * Prints {"event":"ready"} once it is listening.
 */
import { createSocket } from 'node:dgram';
import { ActionServer } from '../src/actions/index.js';
import { Context } from '../src/nodes/context.js';
import { RtpsParticipant } from '../src/rtps/participant/participant.js';
import { BENCH_QOS, DISCOVERY } from './rtps-common.js';

const [mode, arg] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === 'udp-pong') {
  const s = createSocket('udp4');
  s.on('message', (msg, from) => s.send(msg, from.port, from.address));
  s.bind(Number(arg), '127.0.0.1', () => say({ event: 'ready' }));
  process.on('SIGTERM', () => s.close());
} else if (mode === 'ros2ts-pong') {
  const p = await RtpsParticipant.create({ discovery: DISCOVERY, keepAlive: true });
  const pong = p.createWriter(
    { topicName: 'rt/bench_pong', typeName: 'bench::Ping_', qos: BENCH_QOS },
    { depth: 16 },
  );
  p.createReader({ topicName: 'rt/bench_ping', typeName: 'bench::Ping_', qos: BENCH_QOS }, (s) => {
    if (s.payload) pong.write(s.payload);
  });
  say({ event: 'ready' });
  process.on('SIGTERM', () => void p.close().then(() => process.exit(0)));
} else if (mode === 'ros2ts-sink') {
  const p = await RtpsParticipant.create({ discovery: DISCOVERY, keepAlive: true });
  let samples = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  p.createReader({ topicName: 'rt/bench_bulk', typeName: 'bench::Bulk_', qos: BENCH_QOS }, (s) => {
    const now = performance.now();
    if (samples === 0) first = now;
    last = now;
    samples++;
    bytes += s.payload?.length ?? 0;
  });
  say({ event: 'ready' });
  process.on('SIGTERM', () => {
    say({ samples, bytes, seconds: (last - first) / 1000 });
    void p.close().then(() => process.exit(0));
  });
} else if (mode === 'ros2ts-add-server') {
  const context = await Context.create({ discovery: DISCOVERY });
  const node = context.createNode('bench_add_server', { logSink: () => {} });
  node.createService('example_interfaces/srv/AddTwoInts', '/bench_add', (req) => ({ sum: req.a + req.b }));
  say({ event: 'ready' });
  process.on('SIGTERM', () => void context.shutdown().then(() => process.exit(0)));
} else if (mode === 'ros2ts-fibonacci-server') {
  const context = await Context.create({ discovery: DISCOVERY });
  const node = context.createNode('bench_fibonacci_server', { logSink: () => {} });
  new ActionServer(node, 'example_interfaces/action/Fibonacci', '/bench_fibonacci', {
    execute: (goal) => {
      const sequence = [0, 1];
      for (let i = 1; i < goal.goal.order; i++) sequence.push(sequence[i]! + sequence[i - 1]!);
      return { sequence };
    },
    resultTimeoutMs: 50,
  });
  say({ event: 'ready' });
  process.on('SIGTERM', () => void context.shutdown().then(() => process.exit(0)));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
