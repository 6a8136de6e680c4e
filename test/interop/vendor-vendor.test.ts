/**
 * The interop peers themselves, vendor to vendor (Fast DDS 2.9.1 ↔ Cyclone DDS 0.10.2), inside
 * the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/interop/vendor-vendor.test.ts
 *
 * If these fail, a failing ros2ts ↔ vendor test says nothing about ros2ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertSandboxed } from '../support/sandbox.js';
import {
  buildPeer,
  killAllPeers,
  PEER_TYPE_NAME,
  type PeerOptions,
  type PeerResult,
  peerArgs,
  pubSummary,
  startPeer,
  subSummary,
  type Vendor,
} from './peers.js';

/** Not 0, so that other test files' participants in the same namespace stay out of the way. */
const DOMAIN = 7;
const STEP_MS = 20_000;

beforeAll(async () => {
  assertSandboxed('test/interop/vendor-vendor.test.ts');
  await Promise.all([buildPeer('fastdds'), buildPeer('cyclone')]);
});

afterEach(() => killAllPeers());

interface Run {
  readonly pub: PeerResult;
  readonly sub: PeerResult;
}

/**
 * The sub creates its reader once it knows the writer, and the pub publishes once both sides
 * report the match: otherwise a volatile Cyclone reader may start after sample 1 (see peers.ts).
 */
async function pubSub(
  pubVendor: Vendor,
  subVendor: Vendor,
  o: PeerOptions,
  sub?: Partial<PeerOptions>,
): Promise<Run> {
  const common = { domain: DOMAIN, timeoutMs: 40_000, ...o };
  const s = startPeer(subVendor, peerArgs('sub', { ...common, awaitWriter: true, ...sub }));
  const p = startPeer(pubVendor, peerArgs('pub', { ...common, awaitGo: true }));
  const ready = await Promise.all([p.waitFor('ready', STEP_MS), s.waitFor('ready', STEP_MS)]);
  expect(ready.map((r) => r['type'])).toEqual([PEER_TYPE_NAME, PEER_TYPE_NAME]);
  await Promise.all([p.waitFor('matched', STEP_MS), s.waitFor('matched', STEP_MS)]);
  p.go();
  const [pub, subResult] = await Promise.all([p.result(), s.result()]);
  return { pub, sub: subResult };
}

let topicCounter = 0;
const topic = (what: string) => `interop_${what}_${process.pid}_${++topicCounter}`;

const DIRECTIONS: readonly (readonly [Vendor, Vendor])[] = [
  ['fastdds', 'cyclone'],
  ['cyclone', 'fastdds'],
];

describe.each(DIRECTIONS)('%s pub → %s sub', (pubVendor, subVendor) => {
  it('reliable: 1000 samples of 64 B, all in order', { timeout: 60_000 }, async () => {
    const { pub, sub } = await pubSub(pubVendor, subVendor, { topic: topic('r64'), count: 1000, size: 64 });
    expect(subSummary(sub)).toMatchObject({ received: 1000, inOrder: true, duplicates: 0, badData: 0 });
    expect(subSummary(sub)).toMatchObject({ firstSeq: 1, lastSeq: 1000 });
    expect(pubSummary(pub)).toMatchObject({ published: 1000, acked: true, matched: true });
    expect([pub.code, sub.code]).toEqual([0, 0]);
  });

  it('reliable: 20 samples of 1 MB (fragmented), all in order', { timeout: 60_000 }, async () => {
    const { pub, sub } = await pubSub(pubVendor, subVendor, {
      topic: topic('r1m'),
      count: 20,
      size: 1 << 20,
    });
    expect(subSummary(sub)).toMatchObject({ received: 20, inOrder: true, duplicates: 0, badData: 0 });
    expect(pubSummary(pub)).toMatchObject({ published: 20, acked: true });
    expect([pub.code, sub.code]).toEqual([0, 0]);
  });

  it('best-effort: 100 samples, loss allowed but some arrive, in order and intact', {
    timeout: 60_000,
  }, async () => {
    const o: PeerOptions = { topic: topic('be'), count: 100, size: 64, reliable: false };
    const { pub, sub } = await pubSub(pubVendor, subVendor, o, { idleMs: 2000 });
    const s = subSummary(sub);
    expect(s.received).toBeGreaterThan(0);
    expect(s).toMatchObject({ inOrder: true, duplicates: 0, badData: 0 });
    expect(sub.code).toBe(s.received === 100 ? 0 : 1);
    expect(pubSummary(pub)).toMatchObject({ published: 100 });
    expect(pub.code).toBe(0);
  });

  it('transient-local: a late-joining reader gets the 10 kept samples', { timeout: 60_000 }, async () => {
    const o: PeerOptions = { topic: topic('tl'), count: 10, size: 64, transientLocal: true, depth: 10 };
    const p = startPeer(
      pubVendor,
      peerArgs('pub', { ...o, domain: DOMAIN, waitForMatchMs: 0, lingerMs: 40_000, timeoutMs: 40_000 }),
    );
    await p.waitFor('acked', STEP_MS);
    const s = startPeer(subVendor, peerArgs('sub', { ...o, domain: DOMAIN, timeoutMs: 20_000 }));
    const sub = await s.result();
    p.kill('SIGTERM');
    const pub = await p.result();
    expect(subSummary(sub)).toMatchObject({
      received: 10,
      inOrder: true,
      duplicates: 0,
      badData: 0,
      firstSeq: 1,
    });
    expect(pubSummary(pub)).toMatchObject({ published: 10, acked: true, matched: false });
    expect([pub.code, sub.code]).toEqual([0, 0]);
  });
});
