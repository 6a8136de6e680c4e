/**
 * Raw bytes in the node API (what the bag recorder and player stand on): subscriptions that hand
 * over the serialized CDR, publishers that send it, and types known only by a name at run time.
 *
 *   scripts/netns-run npx vitest run test/integration/bag-raw-bytes.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encode, typeHashOf } from '../../src/cdr/index.js';
import type { MessageInfo } from '../../src/nodes/subscription.js';
import { guidKey } from '../../src/rtps/wire/types.js';
import { contexts, quiet } from '../support/contexts.js';
import { assertSandboxed } from '../support/sandbox.js';
import { until } from '../support/until.js';

beforeAll(() => assertSandboxed('test/integration/bag-raw-bytes.test.ts'));

const { context } = contexts(23);

const POSES = Array.from({ length: 20 }, (_, i) => ({
  x: 5.5 + i / 7,
  y: -1.25 * i,
  theta: i / 3,
  linear_velocity: 2,
  angular_velocity: i % 2 === 0 ? 1.8 : -0.25,
}));

describe('raw bytes', () => {
  it('a raw subscription gets, in order, exactly the bytes the decoded path encodes', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const pub = a.createNode('talker', quiet).createPublisher('turtlesim/msg/Pose', '/turtle1/pose');
    const got: Uint8Array[] = [];
    const infos: MessageInfo[] = [];
    const sub = b.createNode('recorder', quiet).createSubscription(
      'turtlesim/msg/Pose',
      '/turtle1/pose',
      (bytes, info) => {
        got.push(bytes);
        infos.push(info);
      },
      10,
      { raw: true },
    );
    await until(() => pub.subscriptionCount === 1 && sub.publisherCount === 1, 5000, 'matching');
    for (const p of POSES) pub.publish(p);
    await until(() => got.length === POSES.length, 5000, 'messages');
    // Kept past their callbacks: the views stay valid.
    expect(got.map((g) => [...g])).toEqual(POSES.map((p) => [...encode('turtlesim/msg/Pose', p)]));
    expect(infos.map((i) => i.sequenceNumber)).toEqual(POSES.map((_, i) => i + 1));
    expect(infos.every((i) => i.sourceTimestampMs !== undefined)).toBe(true);
    // A type the registry knows: the raw endpoint announces the registry's hash.
    const mine = b.graph
      .endpointsOn('rt/turtle1/pose', 'reader')
      .find((e) => guidKey(e.guid) === guidKey(sub.gid));
    expect(mine?.typeHash).toBe(typeHashOf('turtlesim/msg/Pose'));
  });

  it("a raw publisher's bytes reach a decoding subscription as the message", async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const pub = a.createNode('relay', quiet).createPublisher('turtlesim/msg/Pose', 'pose');
    const got: number[] = [];
    b.createNode('listener', quiet).createSubscription('turtlesim/msg/Pose', 'pose', (m) => got.push(m.y));
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    for (const p of POSES) pub.publishSerialized(encode('turtlesim/msg/Pose', p));
    await until(() => got.length === POSES.length, 5000, 'messages');
    expect(got).toEqual(POSES.map((p) => p.y));
  });

  it('raw for-await, with the type name a string from the graph', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const pub = a.createNode('talker', quiet).createPublisher('std_msgs/msg/String', 'chatter');
    const node = b.createNode('bridge', quiet);
    await until(() => node.getTopicNamesAndTypes().some((t) => t.name === '/chatter'), 5000, 'the topic');
    const type: string = node.getTopicNamesAndTypes().find((t) => t.name === '/chatter')!.types[0]!;
    const sub = node.subscribe(type, '/chatter', 10, { raw: true });
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    pub.publish({ data: 'hello' });
    for await (const bytes of sub) {
      // 14 bytes encoded; the DATA submessage pads its payload to a multiple of 4 with zeros.
      expect([...bytes]).toEqual([...encode('std_msgs/msg/String', { data: 'hello' }), 0, 0]);
      break;
    }
  });

  it('a type the registry does not know: raw endpoints match and carry the bytes, the hash taken from the graph', async () => {
    const [a, b] = await Promise.all([context(), context()]);
    const type = 'nowhere_msgs/msg/Blob';
    const hash = `RIHS01_${'ab'.repeat(32)}`;
    const pub = a
      .createNode('talker', quiet)
      .createPublisher(type, 'blob', 10, { raw: true, typeHash: hash });
    expect(() => pub.publish({})).toThrow(/nowhere_msgs/);
    const node = b.createNode('listener', quiet);
    await until(() => node.countPublishers('/blob') === 1, 5000, 'the publisher in the graph');
    const got: Uint8Array[] = [];
    const sub = node.createSubscription(type, 'blob', (m) => got.push(m), 10, { raw: true });
    await until(() => pub.subscriptionCount === 1, 5000, 'matching');
    const payload = new Uint8Array([0, 1, 0, 0, 3, 0, 0, 0, 9, 8, 7, 0]);
    pub.publishSerialized(payload);
    await until(() => got.length === 1, 5000, 'the message');
    expect([...got[0]!]).toEqual([...payload]);
    const mine = b.graph.endpointsOn('rt/blob', 'reader').find((e) => guidKey(e.guid) === guidKey(sub.gid));
    expect(mine?.typeHash).toBe(hash);
    // Without a raw option an unknown type is refused at once, naming it.
    expect(() => node.createSubscription(type, 'blob', () => {})).toThrow(/nowhere_msgs/);
    expect(() => node.createPublisher(type, 'blob')).toThrow(/nowhere_msgs/);
  });
});
