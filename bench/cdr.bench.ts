/**
 * `npm run bench:cdr`: encode and decode throughput of ros2ts's generated serializers against
 * @foxglove/rosmsg2-serialization on the same values, in the same run, and against a memcpy of
 * the same number of bytes for the large messages. `--json` prints one JSON object per row.
 *
 * Method: every timed call runs a batch of operations (1,000 for small messages) so the harness's
 * own cost per call does not cap the figure; values cycle through a set of distinct messages and
 * results are kept in a ring so the JIT cannot fold the work away. "encode" returns a fresh buffer
 * per message on both sides; "encodeInto" fills one reused buffer. Every figure is the median of
 * ROUNDS rounds that run all tasks of a case in turn.
 */
import os from 'node:os';
import { Bench } from 'tinybench';
import { CodecCache } from '../src/cdr/codec.js';
import { InterfaceRegistry } from '../src/cdr/registry.js';
import { foxgloveCodec } from './foxglove-baseline.js';

interface Case {
  readonly name: string;
  readonly type: string;
  readonly values: readonly object[];
  /** Operations per timed call. */
  readonly batch: number;
  /** Also compare encoding with copying the same number of bytes into a fresh buffer. */
  readonly memcpy?: boolean;
}

interface Row {
  case: string;
  operation: string;
  ops_per_s: number;
  baseline: string;
  baseline_ops_per_s: number;
  ratio: number;
}

const registry = new InterfaceRegistry({ amentPrefixPath: false });
const codecs = new CodecCache(registry);

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

const stamp = () => ({ sec: Math.floor(random() * 1e9), nanosec: Math.floor(random() * 1e9) });
const vector = () => ({ x: random(), y: random(), z: random() });

function image(width: number, height: number, i: number) {
  const data = new Uint8Array(width * height * 3).fill(i & 0xff);
  return {
    header: { stamp: stamp(), frame_id: 'camera_optical_frame' },
    height,
    width,
    encoding: 'rgb8',
    is_bigendian: 0,
    step: width * 3,
    data,
  };
}

function pointCloud(i: number) {
  const points = 65536; // 16 bytes a point: about 1 MB
  const field = (name: string, offset: number) => ({ name, offset, datatype: 7, count: 1 });
  return {
    header: { stamp: stamp(), frame_id: 'lidar' },
    height: 1,
    width: points,
    fields: [field('x', 0), field('y', 4), field('z', 8), field('intensity', 12)],
    is_bigendian: false,
    point_step: 16,
    row_step: points * 16,
    data: new Uint8Array(points * 16).fill(i & 0xff),
    is_dense: true,
  };
}

const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

const CASES: Case[] = [
  {
    name: 'geometry_msgs/Twist',
    type: 'geometry_msgs/msg/Twist',
    values: many(64, () => ({ linear: vector(), angular: vector() })),
    batch: 1000,
  },
  {
    name: 'rcl_interfaces/Log',
    type: 'rcl_interfaces/msg/Log',
    values: many(64, (i) => ({
      stamp: stamp(),
      level: 20,
      name: 'draw_circle_server',
      msg: `Publishing: linear.x 0.5, angular.z 0.5 (#${i})`,
      file: '/ws/src/my_service/my_service_server.cpp',
      function: 'timer_callback',
      line: 40 + i,
    })),
    batch: 1000,
  },
  {
    name: 'tf2_msgs/TFMessage x10',
    type: 'tf2_msgs/msg/TFMessage',
    values: many(16, () => ({
      transforms: many(10, (k) => ({
        header: { stamp: stamp(), frame_id: 'odom' },
        child_frame_id: `link_${k}`,
        transform: { translation: vector(), rotation: { x: 0, y: 0, z: random(), w: 1 } },
      })),
    })),
    batch: 200,
  },
  {
    name: 'sensor_msgs/Image 640x480 rgb8',
    type: 'sensor_msgs/msg/Image',
    values: many(4, (i) => image(640, 480, i)),
    batch: 4,
    memcpy: true,
  },
  {
    name: 'sensor_msgs/PointCloud2 1MB',
    type: 'sensor_msgs/msg/PointCloud2',
    values: many(4, pointCloud),
    batch: 4,
    memcpy: true,
  },
];

/** Keeps results reachable so no work is dead code. */
const ring: unknown[] = new Array(64);
let ringAt = 0;
const keep = (v: unknown) => {
  ring[ringAt++ & 63] = v;
};

type Op = () => void;

/**
 * A timed function running `batch` operations over the values in turn. Each one is compiled
 * separately: closures of one function literal share their type feedback in V8, which would
 * make the `op` call site megamorphic across tasks and tax the fastest operations most.
 */
function batched<T>(values: readonly T[], batch: number, op: (v: T) => unknown): Op {
  const make = new Function(
    'values',
    'batch',
    'op',
    'keep',
    'let i = 0; return () => { for (let k = 0; k < batch; k++) { keep(op(values[i])); i = (i + 1) % values.length; } };',
  ) as (values: readonly T[], batch: number, op: (v: T) => unknown, keep: (v: unknown) => void) => Op;
  return make(values, batch, op, keep);
}

/** Rounds of every task in turn; the median round is reported, so a burst of load on this
 * shared machine moves one round, not the ratio. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

async function measure(pairs: { name: string; fn: Op; batch: number }[]): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(pairs.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: Number(process.env['BENCH_TIME_MS'] ?? 200), warmupTime: 100 });
    for (const p of pairs) bench.add(p.name, p.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result as { period?: number; state?: string };
      const pair = pairs.find((p) => p.name === task.name)!;
      if (result.period === undefined)
        throw new Error(`benchmark ${task.name} did not complete (${result.state})`);
      samples.get(task.name)!.push((pair.batch * 1000) / result.period);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of CASES) {
    const ours = codecs.get(c.type);
    const theirs = foxgloveCodec(registry, c.type);
    const encoded = c.values.map((v) => ours.encode(v));
    for (const [k, v] of c.values.entries()) {
      // Same values, same bytes: otherwise the comparison would not be like for like.
      if (Buffer.compare(Buffer.from(theirs.encode(v)), Buffer.from(encoded[k]!)) !== 0) {
        throw new Error(`${c.name}: the baseline encodes different bytes`);
      }
    }
    const size = Math.max(...encoded.map((e) => e.length));
    const reused = new Uint8Array(size);
    const payloads = c.values.map((v) => (v as { data?: Uint8Array }).data ?? new Uint8Array(0));
    const t = await measure([
      { name: 'encode ours', fn: batched(c.values, c.batch, (v) => ours.encode(v)), batch: c.batch },
      { name: 'encode foxglove', fn: batched(c.values, c.batch, (v) => theirs.encode(v)), batch: c.batch },
      {
        name: 'encodeInto ours',
        fn: batched(c.values, c.batch, (v) => ours.encodeInto(v, reused)),
        batch: c.batch,
      },
      { name: 'decode ours', fn: batched(encoded, c.batch, (b) => ours.decode(b)), batch: c.batch },
      { name: 'decode foxglove', fn: batched(encoded, c.batch, (b) => theirs.decode(b)), batch: c.batch },
      ...(c.memcpy
        ? [
            {
              name: 'memcpy',
              fn: batched(payloads, c.batch, (p) => {
                const out = Buffer.allocUnsafe(size);
                out.set(p);
                return out;
              }),
              batch: c.batch,
            },
          ]
        : []),
    ]);
    const row = (operation: string, mine: string, baseline: string, base: string) => {
      const a = t.get(mine)!;
      const b = t.get(base)!;
      rows.push({ case: c.name, operation, ops_per_s: a, baseline, baseline_ops_per_s: b, ratio: a / b });
    };
    row('encode (fresh buffer)', 'encode ours', 'foxglove encode (fresh buffer)', 'encode foxglove');
    row('encodeInto (reused buffer)', 'encodeInto ours', 'foxglove encode (fresh buffer)', 'encode foxglove');
    row('decode', 'decode ours', 'foxglove decode', 'decode foxglove');
    if (c.memcpy)
      row('encode (fresh buffer)', 'encode ours', 'memcpy of the payload into a fresh buffer', 'memcpy');
  }
  // Decoding an image must not copy its pixels: a 640x480 image decodes as fast as a 64x48 one.
  const img = codecs.get('sensor_msgs/msg/Image');
  const big = many(4, (i) => img.encode(image(640, 480, i)));
  const small = many(4, (i) => img.encode(image(64, 48, i)));
  const t = await measure([
    { name: 'big', fn: batched(big, 1000, (b) => img.decode(b)), batch: 1000 },
    { name: 'small', fn: batched(small, 1000, (b) => img.decode(b)), batch: 1000 },
  ]);
  rows.push({
    case: 'sensor_msgs/Image 640x480 rgb8',
    operation: 'decode',
    ops_per_s: t.get('big')!,
    baseline: 'ros2ts decode of a 64x48 image (100x fewer pixels)',
    baseline_ops_per_s: t.get('small')!,
    ratio: t.get('big')! / t.get('small')!,
  });
  return rows;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1);
}

const rows = await run();
if (process.argv.includes('--json')) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `ros2ts CDR benchmark, ${new Date().toISOString()}, Node ${process.version}, ${cpu} x${os.cpus().length}`,
  );
  const header = ['case', 'operation', 'ros2ts ops/s', 'baseline', 'baseline ops/s', 'ratio'];
  const table = rows.map((r) => [
    r.case,
    r.operation,
    fmt(r.ops_per_s),
    r.baseline,
    fmt(r.baseline_ops_per_s),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of table) console.log(line(r));
}
