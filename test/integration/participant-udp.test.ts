/**
 * ros2ts participants over real UDP and multicast, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/integration/participant-udp.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../src/rtps/discovery-data/duration.js';
import { RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/participant-udp.test.ts'));

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };

describe('participants over UDP', () => {
  it('probe distinct participant ids, discover each other, and carry 10,000 samples, a 4 MB one and a 16 MB one in order', async () => {
    const discovery = { domainId: 0, range: 'localhost' as const, staticPeers: [] };
    const a = await RtpsParticipant.create({ discovery });
    const b = await RtpsParticipant.create({ discovery });
    try {
      expect([a.participantId, b.participantId]).toEqual([0, 1]);
      await until(() => a.participants.length === 1 && b.participants.length === 1, 5000, 'discovery');
      const got: Uint8Array[] = [];
      b.createReader({ topicName: 'rt/bulk', typeName: 'T', qos: RELIABLE }, (s) => got.push(s.payload!));
      const w = a.createWriter({ topicName: 'rt/bulk', typeName: 'T', qos: RELIABLE }, { depth: 256 });
      await until(() => w.matchedReaders.length === 1, 5000, 'matching');
      const n = 10_000;
      for (let i = 1; i <= n; i++) {
        while (w.endpoint.unacknowledgedCount() >= 200) await new Promise((r) => setTimeout(r, 1));
        w.write(new Uint8Array([0, 1, 0, 0, i & 0xff, (i >> 8) & 0xff]));
      }
      await until(() => got.length === n, 20_000, `${n} samples (got ${got.length})`);
      expect(got.every((p, i) => p[4] === ((i + 1) & 0xff) && p[5] === (((i + 1) >> 8) & 0xff))).toBe(true);
      const big = new Uint8Array(4 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 1021) big[i] = i & 0xff;
      w.write(big);
      await until(() => got.length === n + 1, 20_000, 'the 4 MB sample');
      expect(Buffer.compare(Buffer.from(got[n]!), Buffer.from(big))).toBe(0);
      const huge = new Uint8Array(16 * 1024 * 1024);
      for (let i = 0; i < huge.length; i += 4093) huge[i] = (i >> 12) & 0xff;
      w.write(huge);
      await until(() => got.length === n + 2, 30_000, 'the 16 MB sample');
      expect(Buffer.compare(Buffer.from(got[n + 1]!), Buffer.from(huge))).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});
