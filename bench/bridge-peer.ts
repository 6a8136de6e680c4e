/**
 * The processes of bench/bridge.bench.ts, one role each (`kind` is `image` or `small`):
 *   bridge-peer publisher <kind>
 *       publishes <kind> on its topic until stdin closes: `image` sensor_msgs/msg/Image 640x480
 *       rgb8 at 30 Hz, `small` std_msgs/msg/String of 64 characters at 1 kHz. Each message carries
 *       its sequence number and its publish time on CLOCK_MONOTONIC (process.hrtime, one clock for
 *       every process of the host): the image in header.frame_id and header.stamp, the string as
 *       "<seq> <ns>" padded with dots. A line "mark" on stdin is answered with {"seq","ns"}: the
 *       next sequence number and the time now.
 *   bridge-peer direct <kind>                 a ros2ts subscriber (the baseline)
 *   bridge-peer rosbridge-json <kind> <url>   roslib 2.x (npm), JSON
 *   bridge-peer rosbridge-cbor <kind> <url>   roslib 2.x, `compression: 'cbor'`
 *   bridge-peer foxglove <kind> <url>         @foxglove/ws-protocol's FoxgloveClient; the CDR it
 *                                             gets decoded with ros2ts's codec
 * A receiver prints {"event":"first"} at its first message; a line "report <a> <b>" on stdin
 * makes it print {"received","p50Us","p99Us","latencies"} over the sequence numbers a..b-1
 * (each counted once; latency: arrival minus publish time, as the client sees the message).
 */
import { createInterface } from 'node:readline';
import wsProtocol from '@foxglove/ws-protocol';
import { WebSocket } from 'ws';
import { decode } from '../src/cdr/index.js';
import { Context } from '../src/nodes/context.js';
import { connectRoslib, Topic } from '../test/support/roslib.js';
import { BRIDGE_BENCH_DISCOVERY, type Kind, TOPICS } from './bridge-common.js';

const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const quiet = { logSink: () => {}, enableRosout: false };
const now = () => process.hrtime.bigint();

const WIDTH = 640;
const HEIGHT = 480;
const SMALL_CHARS = 64;

async function publisher(kind: Kind): Promise<void> {
  const context = await Context.create({ discovery: BRIDGE_BENCH_DISCOVERY });
  const node = context.createNode('bench_bridge_talker', quiet);
  const { topic, hz } = TOPICS[kind];
  let seq = 0;
  let publishOne: () => void;
  if (kind === 'image') {
    const image = node.createPublisher('sensor_msgs/msg/Image', topic);
    const pixels = new Uint8Array(WIDTH * HEIGHT * 3).fill(128);
    publishOne = () => {
      const ns = now();
      const stamp = { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
      image.publish({
        header: { stamp, frame_id: String(seq++) },
        height: HEIGHT,
        width: WIDTH,
        encoding: 'rgb8',
        is_bigendian: 0,
        step: WIDTH * 3,
        data: pixels,
      });
    };
  } else {
    const small = node.createPublisher('std_msgs/msg/String', topic);
    publishOne = () => small.publish({ data: `${seq++} ${now()} `.padEnd(SMALL_CHARS, '.') });
  }
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (l) => {
    if (l.trim() === 'mark') say({ seq, ns: String(now()) });
  });
  let running = true;
  lines.on('close', () => {
    running = false;
  });
  say({ event: 'ready' });
  const periodMs = 1000 / hz;
  const t0 = performance.now();
  while (running) {
    // Catch up with the schedule (timers are coarse at 1 kHz): the rate holds over the run.
    const due = Math.floor((performance.now() - t0) / periodMs) + 1;
    while (seq < due) publishOne();
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + seq * periodMs - performance.now())));
  }
  await context.shutdown();
  process.exit(0);
}

/** Arrivals: sequence number and latency in µs, kept in growing typed arrays (no garbage per message). */
class Arrivals {
  private seqs = new Float64Array(1 << 14);
  private lat = new Float64Array(1 << 14);
  private n = 0;

  add(seq: number, stampNs: bigint): void {
    const latencyUs = Number(now() - stampNs) / 1000;
    if (this.n === 0) say({ event: 'first' });
    if (this.n === this.seqs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.seqs = grow(this.seqs);
      this.lat = grow(this.lat);
    }
    this.seqs[this.n] = seq;
    this.lat[this.n] = latencyUs;
    this.n++;
  }

  report(a: number, b: number) {
    const seen = new Set<number>();
    const lat: number[] = [];
    for (let i = 0; i < this.n; i++) {
      const s = this.seqs[i]!;
      if (s < a || s >= b || seen.has(s)) continue;
      seen.add(s);
      lat.push(this.lat[i]!);
    }
    lat.sort((x, y) => x - y);
    const at = (q: number) =>
      lat.length === 0 ? null : lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
    return { received: seen.size, p50Us: at(0.5), p99Us: at(0.99), latencies: lat.length };
  }
}

const stampOf = (s: { sec: number; nanosec: number }) => BigInt(s.sec) * 1_000_000_000n + BigInt(s.nanosec);

/** The sequence number and stamp of a decoded (or JSON) message of `kind`. */
function identify(kind: Kind, m: unknown): [number, bigint] {
  if (kind === 'image') {
    const h = (m as { header: { stamp: { sec: number; nanosec: number }; frame_id: string } }).header;
    return [Number(h.frame_id), stampOf(h.stamp)];
  }
  const [seq, ns] = (m as { data: string }).data.split(' ');
  return [Number(seq), BigInt(ns!)];
}

async function receiver(role: string, kind: Kind, url: string | undefined): Promise<void> {
  const arrivals = new Arrivals();
  const got = (m: unknown) => {
    const [seq, ns] = identify(kind, m);
    arrivals.add(seq, ns);
  };
  const { topic, type } = TOPICS[kind];
  let stop: () => Promise<void> | void;
  if (role === 'direct') {
    const context = await Context.create({ discovery: BRIDGE_BENCH_DISCOVERY });
    context.createNode('bench_bridge_listener', quiet).createSubscription(type, topic, got);
    stop = () => context.shutdown();
  } else if (role === 'rosbridge-json' || role === 'rosbridge-cbor') {
    const ros = await connectRoslib(url!);
    new Topic<unknown>({
      ros,
      name: topic,
      messageType: type,
      ...(role === 'rosbridge-cbor' ? { compression: 'cbor' as const } : {}),
    }).subscribe(got);
    stop = () => ros.close();
  } else if (role === 'foxglove') {
    const { FoxgloveClient } = wsProtocol;
    const ws = new WebSocket(url!, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    const client = new FoxgloveClient({ ws: ws as never });
    client.on('advertise', (channels) => {
      const c = channels.find((ch) => ch.topic === topic);
      if (c) client.subscribe(c.id);
    });
    client.on('message', ({ data }) => {
      got(decode(type, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    });
    stop = () => client.close();
  } else {
    throw new Error(`unknown role ${role}`);
  }
  const lines = createInterface({ input: process.stdin });
  for await (const l of lines) {
    const [word, a, b] = l.trim().split(' ');
    if (word !== 'report') continue;
    say(arrivals.report(Number(a), Number(b)));
    break;
  }
  await stop();
  process.exit(0);
}

const [role, kind, url] = process.argv.slice(2);
if (kind !== 'image' && kind !== 'small') throw new Error('kind: image or small');
if (role === 'publisher') await publisher(kind);
else await receiver(role ?? '', kind, url);
