/**
 * Bad input against a running bridge (both protocols), seeded: rosbridge ops with wrong field
 * types, mangled JSON, CBOR and non-CBOR binary frames; Foxglove ops with wrong types, bogus
 * binary opcodes, channel, service and call ids (test/support/bridge-fuzz-input.ts); frames over
 * the size limit. Meanwhile a well-behaved roslib client keeps receiving a topic published in
 * another context. Asserted: no uncaught exception or unhandled rejection in this process (the
 * bridge's), the fuzzing connections stay open and get error statuses, the oversized ones are
 * closed with 1009, the roslib client's messages never stop, a topic the fuzz subscribed with bad
 * types can still be subscribed properly after, and the heap after a GC stays within a bound.
 *
 *   scripts/netns-run npx vitest run test/integration/bridge-fuzz.test.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type BridgeHandle, startBridge } from '../../src/bridge/index.js';
import { type Frame, foxgloveFrames, rosbridgeFrames } from '../support/bridge-fuzz-input.js';
import { contexts, quiet } from '../support/contexts.js';
import { connectRoslib, type RosInstance, Topic } from '../support/roslib.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bridge-fuzz.test.ts'));

const SEED = 15_2026;
const ROSBRIDGE_FRAMES = 1500;
const FOXGLOVE_FRAMES = 1000;
const MAX_PAYLOAD = 256 * 1024;
const WATCHED = '/fuzz/chatter';
/** Published too, but subscribed properly only after the fuzz (which subscribes it with bad types). */
const LATE = '/fuzz/late';

const { context } = contexts(58);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What escapes the bridge's handlers in this process, and timers a client made overflow. */
function escapes(): unknown[] {
  const seen: unknown[] = [];
  const record = (e: unknown) => seen.push(e);
  const warning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') seen.push(w);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  process.on('warning', warning);
  cleanups.push(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
    process.off('warning', warning);
  });
  return seen;
}

/** A GC this test can call (vitest does not start Node with --expose-gc). */
function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function talker() {
  const c = await context();
  const node = c.createNode('fuzz_talker', { ...quiet, enableRosout: false, startParameterServices: false });
  const pubs = [WATCHED, LATE].map((t) => node.createPublisher('std_msgs/msg/String', t));
  let n = 0;
  const timer = setInterval(() => {
    for (const p of pubs) p.publish({ data: `hello ${n}` });
    n++;
  }, 20);
  cleanups.push(() => clearInterval(timer));
}

async function roslib(url: string): Promise<RosInstance> {
  const ros = await connectRoslib(url);
  cleanups.push(() => ros.close());
  return ros;
}

/** A raw client: every frame it gets (text parsed), and how it was closed. */
async function rawClient(url: string, protocols: string[] = []) {
  const ws = new WebSocket(url, protocols);
  const texts: Record<string, unknown>[] = [];
  let binaries = 0;
  let closed: number | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) binaries++;
    else texts.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  ws.on('close', (code) => {
    closed = code;
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  return {
    ws,
    texts,
    get binaries() {
      return binaries;
    },
    get closed() {
      return closed;
    },
  };
}

/** Sends frames in small batches, yielding between them, so the bridge serves others meanwhile. */
async function sendAll(ws: WebSocket, frames: Frame[]): Promise<void> {
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if ('text' in f) ws.send(f.text);
    else ws.send(f.binary, { binary: true });
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 5));
  }
  // Everything handed to the socket, and a ping answered after it: the bridge has read it all.
  await new Promise<void>((resolve) => ws.ping(undefined, undefined, () => resolve()));
  await new Promise<void>((resolve) => ws.once('pong', () => resolve()));
}

const statuses = (texts: Record<string, unknown>[], level: unknown) =>
  texts.filter((t) => t['op'] === 'status' && t['level'] === level).length;

describe('the bridge under bad input', () => {
  it('survives a seeded fuzz of both protocols while a roslib client keeps receiving', async () => {
    const errors = escapes();
    const collect = gc();
    await talker();
    const bridge: BridgeHandle = await startBridge(await context(), {
      port: 0,
      protocol: 'both',
      maxPayloadBytes: MAX_PAYLOAD,
      defaultCallTimeoutS: 1,
    });
    cleanups.push(() => bridge.close());
    const url = `ws://127.0.0.1:${bridge.port}`;
    await until(
      () => bridge.node.countPublishers(WATCHED) === 1 && bridge.node.countPublishers(LATE) === 1,
      10_000,
      'the talker in the graph',
    );

    // The well-behaved client: arrival times of each message.
    const arrivals: number[] = [];
    const good = await roslib(url);
    new Topic<{ data: string }>({ ros: good, name: WATCHED, messageType: 'std_msgs/msg/String' }).subscribe(
      (m) => {
        if (m.data.startsWith('hello ')) arrivals.push(Date.now());
      },
    );
    await until(() => arrivals.length > 5, 10_000, 'the roslib client to receive');

    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const fuzzStart = Date.now();
    const topics = [WATCHED, LATE];
    const rb = await rawClient(url);
    const fox = await rawClient(url, ['foxglove.websocket.v1']);
    // Frames that found bugs, always sent: a type name the node refuses once left a tap behind
    // that held the topic to that type for every later client; a throttle_rate past setTimeout's
    // limit made its timer fire at once (no throttling), with a warning for each message.
    const regressions: Frame[] = [
      { op: 'subscribe', topic: LATE, type: 'Nope/msg/Upper' },
      { op: 'subscribe', topic: WATCHED, throttle_rate: 1e300 },
    ].map((m) => ({ text: JSON.stringify(m) }));
    await Promise.all([
      sendAll(rb.ws, [
        ...regressions,
        ...fc.sample(rosbridgeFrames(topics), { seed: SEED, numRuns: ROSBRIDGE_FRAMES }),
      ]),
      sendAll(fox.ws, fc.sample(foxgloveFrames(topics), { seed: SEED + 1, numRuns: FOXGLOVE_FRAMES })),
    ]);

    // Frames over the limit close their connection with 1009 (Message Too Big), on both sides.
    const bigText = await rawClient(url);
    bigText.ws.send(
      JSON.stringify({ op: 'publish', topic: WATCHED, msg: { data: 'x'.repeat(MAX_PAYLOAD) } }),
    );
    const bigBinary = await rawClient(url, ['foxglove.websocket.v1']);
    const huge = new Uint8Array(MAX_PAYLOAD + 5);
    huge[0] = 0x01;
    bigBinary.ws.send(huge);
    await until(
      () => bigText.closed !== undefined && bigBinary.closed !== undefined,
      5000,
      'oversized closes',
    );
    expect([bigText.closed, bigBinary.closed]).toEqual([1009, 1009]);

    // Calls the fuzz left waiting (1 s timeout) end; then the roslib client still receives.
    await new Promise((r) => setTimeout(r, 1500));
    const fuzzEnd = Date.now();
    const countAtEnd = arrivals.length;
    await until(() => arrivals.length > countAtEnd + 5, 5000, 'roslib messages after the fuzz');

    expect(errors).toEqual([]);
    // Both fuzzing connections are still up, and were told what was wrong.
    expect([rb.closed, fox.closed]).toEqual([undefined, undefined]);
    expect(statuses(rb.texts, 'error')).toBeGreaterThan(ROSBRIDGE_FRAMES / 4);
    expect(statuses(fox.texts, 2)).toBeGreaterThan(FOXGLOVE_FRAMES / 4);
    // The roslib client never waited long: no gap between messages (sent every 20 ms) over 1 s.
    const during = arrivals.filter((t) => t >= fuzzStart && t <= fuzzEnd);
    expect(during.length).toBeGreaterThan(((fuzzEnd - fuzzStart) / 20) * 0.5);
    const gaps = during.slice(1).map((t, i) => t - during[i]!);
    expect(Math.max(0, ...gaps)).toBeLessThan(1000);

    // The fuzzing clients gone: the topics they held are free, and the memory they used too.
    rb.ws.terminate();
    fox.ws.terminate();
    await until(() => bridge.clients === 1, 5000, 'the fuzzing clients to be gone');
    // A topic the fuzz subscribed with types the node refuses serves a proper subscriber after
    // (the fuzzing client gone: while it stays, its own subscription holds the topic to its type).
    const late: string[] = [];
    const second = await roslib(url);
    new Topic<{ data: string }>({ ros: second, name: LATE, messageType: 'std_msgs/msg/String' }).subscribe(
      (m) => late.push(m.data),
    );
    await until(() => late.length > 0, 5000, `${LATE} after the fuzz`);

    collect();
    const grownMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(grownMB).toBeLessThan(20);
  });
});
