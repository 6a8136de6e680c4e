/**
 * The far side of the RTPS benchmarks, run as its own process by bench/rtps.bench.ts:
 *   udp-pong <port>          echo every datagram back (raw node:dgram, the floor)
 *   udp-ping <port> <warm-up> <n>  ping a udp-pong, print {"rtts"} of the n after the warm-up (µs)
 *   udp-sink <port> <ack-every>    count the datagrams that arrive, tell the sender the highest
 *                            sequence number seen (a float64 at the start of each datagram) every
 *                            <ack-every> of them (its flow control), print {"samples","bytes","seconds"}
 *   ros2ts-pong              echo every sample of rt/bench_ping on rt/bench_pong
 *   ros2ts-sink <seconds>    count what arrives on rt/bench_bulk, print {"samples","bytes"}
 *   ros2ts-add-server        a node serving example_interfaces/srv/AddTwoInts on /bench_add
 *   ros2ts-trigger-server    a node serving std_srvs/srv/Trigger on /bench_trigger
 *   ros2ts-client <AddTwoInts|Trigger> <warm-up> <n>
 *                            a node calling one of those two back to back, print {"rtts"} (µs)
 *   ros2ts-fibonacci-server  a node serving example_interfaces/action/Fibonacci on /bench_fibonacci
 *                            (the goal's sequence at once, no feedback: the round trip is the action's own;
 *                            results kept 50 ms: with rcl_action's 10 s, goals sent back to back put
 *                            every goal of the last 10 s in each status message, as rclcpp's would)
 * Prints {"event":"ready"} once it is listening.
 */
import { createSocket } from 'node:dgram';
import { ActionServer } from '../src/actions/index.js';
import { lowerBackgroundThreadPriority } from '../src/nodes/background-priority.js';
import { Context } from '../src/nodes/context.js';
import { RtpsParticipant } from '../src/rtps/participant/participant.js';
import { BENCH_QOS, DISCOVERY, RoundTrips, SOCKET_BUFFER_BYTES } from './rtps-common.js';

// bench:rtps --lower-helpers[=idle]: the same for every process of the run, floors included.
const lowerHelpers = process.env['BENCH_LOWER_HELPERS'];
if (lowerHelpers) lowerBackgroundThreadPriority(lowerHelpers === 'idle' ? 'idle' : undefined);

const [mode, arg] = process.argv.slice(2);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === 'udp-pong') {
  const s = createSocket('udp4');
  s.on('message', (msg, from) => s.send(msg, from.port, from.address));
  s.bind(Number(arg), '127.0.0.1', () => say({ event: 'ready' }));
  process.on('SIGTERM', () => s.close());
} else if (mode === 'udp-ping') {
  const [, , warmUp, n] = process.argv.slice(2).map(Number) as [number, number, number, number];
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const msg = Buffer.alloc(64, 7);
  const rtts = new RoundTrips(warmUp, n);
  let resolvePong: () => void = () => {};
  s.on('message', () => resolvePong());
  for (let i = 0; i < warmUp + n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      resolvePong = r;
      s.send(msg, Number(arg), '127.0.0.1');
    });
    rtts.record(i, t0);
  }
  s.close();
  say({ rtts: rtts.timed() });
} else if (mode === 'udp-sink') {
  const ackEvery = Number(process.argv[4]);
  const s = createSocket('udp4');
  let samples = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  let highest = -1;
  const ack = Buffer.alloc(8);
  s.on('message', (msg, from) => {
    const now = performance.now();
    if (samples === 0) first = now;
    last = now;
    samples++;
    bytes += msg.length;
    highest = Math.max(highest, msg.readDoubleLE(0));
    if (samples % ackEvery === 0) {
      ack.writeDoubleLE(highest, 0);
      s.send(ack, from.port, from.address);
    }
  });
  s.bind(Number(arg), '127.0.0.1', () => {
    s.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    s.setSendBufferSize(SOCKET_BUFFER_BYTES);
    say({ event: 'ready' });
  });
  process.on('SIGTERM', () => {
    say({ samples, bytes, seconds: (last - first) / 1000 });
    s.close();
  });
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
} else if (mode === 'ros2ts-trigger-server') {
  const context = await Context.create({ discovery: DISCOVERY });
  const node = context.createNode('bench_trigger_server', { logSink: () => {} });
  node.createService('std_srvs/srv/Trigger', '/bench_trigger', () => ({
    success: true,
    message: 'triggered',
  }));
  say({ event: 'ready' });
  process.on('SIGTERM', () => void context.shutdown().then(() => process.exit(0)));
} else if (mode === 'ros2ts-client') {
  const [warmUp, n] = process.argv.slice(4).map(Number) as [number, number];
  const context = await Context.create({ discovery: DISCOVERY });
  const node = context.createNode('bench_client', { logSink: () => {} });
  const rtts = new RoundTrips(warmUp, n);
  if (arg === 'AddTwoInts') {
    const client = node.createClient('example_interfaces/srv/AddTwoInts', '/bench_add');
    await client.waitForService({ timeout: 10_000 });
    for (let i = 0; i < warmUp + n; i++) {
      const t0 = process.hrtime.bigint();
      const { sum } = await client.call({ a: BigInt(i), b: 1n }, { timeout: 5000 });
      rtts.record(i, t0);
      if (sum !== BigInt(i) + 1n) throw new Error(`wrong sum ${sum} for call ${i}`);
    }
  } else if (arg === 'Trigger') {
    const client = node.createClient('std_srvs/srv/Trigger', '/bench_trigger');
    await client.waitForService({ timeout: 10_000 });
    for (let i = 0; i < warmUp + n; i++) {
      const t0 = process.hrtime.bigint();
      const { success } = await client.call({}, { timeout: 5000 });
      rtts.record(i, t0);
      if (!success) throw new Error(`call ${i} did not succeed`);
    }
  } else throw new Error(`unknown service ${arg}`);
  await context.shutdown();
  say({ rtts: rtts.timed() });
  process.exit(0);
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
