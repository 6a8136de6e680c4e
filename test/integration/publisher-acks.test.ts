/**
 * Publisher.waitForAllAcked over UDP: true once a reliable subscription in another participant
 * has every message, false at the timeout while a matched one cannot answer.
 *
 *   scripts/netns-run npx vitest run test/integration/publisher-acks.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/publisher-acks.test.ts'));

const { context } = contexts(41);

describe('Publisher.waitForAllAcked', () => {
  it('resolves true once the reliable subscription has every message', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const got: string[] = [];
    b.createNode('listener', quiet).createSubscription('std_msgs/msg/String', 'acked', (m) =>
      got.push(m.data),
    );
    const pub = a.createNode('talker', quiet).createPublisher('std_msgs/msg/String', 'acked');
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    for (let i = 0; i < 20; i++) pub.publish({ data: `m${i}` });
    expect(await pub.waitForAllAcked({ timeout: 5000 })).toBe(true);
    expect(got.length).toBe(20);
  });

  it('resolves false at the timeout while a matched subscription is silent', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    b.createNode('listener', quiet).createSubscription('std_msgs/msg/String', 'silent', () => {});
    const pub = a.createNode('talker', quiet).createPublisher('std_msgs/msg/String', 'silent');
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    // Gone without a goodbye: still matched until its lease ends, never acknowledging.
    await b.participant.close({ goodbye: false });
    pub.publish({ data: 'into the void' });
    const started = Date.now();
    expect(await pub.waitForAllAcked({ timeout: 300 })).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
