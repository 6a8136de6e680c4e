/**
 * QoS event callbacks of publishers and subscriptions (rclcpp's event_callbacks), between two
 * contexts on the in-memory bus with a FakeClock: matches, incompatible QoS and types, missed deadlines,
 * the liveliness of matched publishers when their participant leaves or stops answering, a
 * MANUAL_BY_TOPIC publisher's lost liveliness, and lost messages. Times are the context clock's,
 * not real ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LifecycleNode } from '../../../src/lifecycle/lifecycle-node.js';
import type { Context } from '../../../src/nodes/context.js';
import { LogLevel, type LogRecord } from '../../../src/nodes/logger.js';
import type { Publisher } from '../../../src/nodes/publisher.js';
import type { QosInput } from '../../../src/nodes/qos.js';
import {
  type IncompatibleTypeStatus,
  type LivelinessChangedStatus,
  type MatchedStatus,
  type MessageLostStatus,
  type QosIncompatibleStatus,
  rmwPolicyKind,
} from '../../../src/nodes/qos-events.js';
import type { Subscription } from '../../../src/nodes/subscription.js';
import type { Transport } from '../../../src/rtps/transport/transport.js';
import { simulatedContexts } from '../../support/simulated-contexts.js';

const quiet = { logSink: () => {} };
const open: Context[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

const simulated = () => simulatedContexts(open);

/** A transport that loses every datagram it is asked to send while `losing` is set. */
function lossy(inner: Transport): Transport & { losing: boolean } {
  return {
    losing: false,
    get stats() {
      return inner.stats;
    },
    openUnicast: (port) => inner.openUnicast(port),
    openMulticast: (group, port) => inner.openMulticast(group, port),
    send(data, to) {
      if (!this.losing) inner.send(data, to);
    },
    close: () => inner.close(),
  };
}

const STRING = 'std_msgs/msg/String';
const INT32 = 'std_msgs/msg/Int32';

describe('QoS event callbacks', () => {
  it('report matches on both sides, counted as rmw_matched_status_t', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const pubMatched: MatchedStatus[] = [];
    const subMatched: MatchedStatus[] = [];
    const pub = a
      .createNode('talker', quiet)
      .createPublisher(STRING, 'chatter', 10, { events: { matched: (s) => pubMatched.push(s) } });
    const listener = b.createNode('listener', quiet);
    const sub = listener.createSubscription(STRING, 'chatter', () => {}, 10, {
      events: { matched: (s) => subMatched.push(s) },
    });
    await sim.run(500);
    expect(pubMatched).toEqual([
      { totalCount: 1, totalCountChange: 1, currentCount: 1, currentCountChange: 1 },
    ]);
    expect(subMatched).toEqual([
      { totalCount: 1, totalCountChange: 1, currentCount: 1, currentCountChange: 1 },
    ]);
    expect(pub.subscriptionCount).toBe(1);

    sub.destroy();
    await sim.run(500);
    expect(pubMatched.at(-1)).toEqual({
      totalCount: 1,
      totalCountChange: 0,
      currentCount: 0,
      currentCountChange: -1,
    });
    const again = listener.createSubscription(STRING, 'chatter', () => {});
    await sim.run(500);
    expect(again.publisherCount).toBe(1);
    expect(pubMatched.at(-1)).toEqual({
      totalCount: 2,
      totalCountChange: 1,
      currentCount: 1,
      currentCountChange: 1,
    });
    expect(pubMatched).toHaveLength(3);
  });

  it('report an incompatible peer once to each side, with rmw policy kind, instead of the warning', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const logs: LogRecord[] = [];
    const offered: QosIncompatibleStatus[] = [];
    const requested: QosIncompatibleStatus[] = [];
    a.createNode('sloppy', { logSink: (r) => logs.push(r) }).createPublisher(
      STRING,
      'chatter',
      'sensorData',
      {
        events: { incompatibleQos: (s) => offered.push(s) },
      },
    );
    const strict = b.createNode('strict', { logSink: (r) => logs.push(r) });
    strict.createSubscription(
      STRING,
      'chatter',
      () => {},
      { reliability: 'RELIABLE' },
      {
        events: { incompatibleQos: (s) => requested.push(s) },
      },
    );
    await sim.run(3500, 5); // past an SPDP announcement: nothing is counted twice
    expect(offered).toEqual([{ totalCount: 1, totalCountChange: 1, lastPolicyKind: 'RELIABILITY' }]);
    expect(requested).toEqual([{ totalCount: 1, totalCountChange: 1, lastPolicyKind: 'RELIABILITY' }]);
    expect(logs.filter((r) => r.message.includes('incompatible QoS'))).toEqual([]);

    // A subscription given no callback gets rclcpp's default: the warning.
    strict.createSubscription(STRING, 'chatter', () => {}, { durability: 'TRANSIENT_LOCAL' });
    await sim.run(200);
    const warnings = logs.filter((r) => r.message.includes('incompatible QoS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(
      "New publisher discovered on topic '/chatter', offering incompatible QoS",
    );
    expect(offered.at(-1)).toEqual({ totalCount: 2, totalCountChange: 1, lastPolicyKind: 'RELIABILITY' });
  });

  it('tell both endpoints of one process of their incompatibility, and name DDS-only policies INVALID', async () => {
    const sim = simulated();
    const node = (await sim.context()).createNode('both', quiet);
    const seen: string[] = [];
    node.createPublisher(
      STRING,
      'slow',
      { deadlineMs: 500 },
      {
        events: { incompatibleQos: (s) => seen.push(`publisher ${s.lastPolicyKind}`) },
      },
    );
    node.createSubscription(
      STRING,
      'slow',
      () => {},
      { deadlineMs: 100 },
      {
        events: { incompatibleQos: (s) => seen.push(`subscription ${s.lastPolicyKind}`) },
      },
    );
    expect(seen.sort()).toEqual(['publisher DEADLINE', 'subscription DEADLINE']);
    expect(rmwPolicyKind('PARTITION')).toBe('INVALID');
    expect(rmwPolicyKind('LIVELINESS')).toBe('LIVELINESS');
  });

  it('report an endpoint of another type on the topic to each side once, not the warning', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const logs: LogRecord[] = [];
    const seen: string[] = [];
    const heard = (who: string) => ({
      events: {
        incompatibleType: (s: IncompatibleTypeStatus) =>
          seen.push(`${who} ${s.totalCount}/${s.totalCountChange}`),
      },
    });
    const talker = a.createNode('talker', { logSink: (r) => logs.push(r) });
    const listener = b.createNode('listener', { logSink: (r) => logs.push(r) });
    let received = 0;
    listener.createSubscription(STRING, 'chatter', () => received++, 10, heard('subscription'));
    const ints = talker.createPublisher(INT32, 'chatter', 10, heard('int publisher'));
    talker.createPublisher(STRING, 'chatter', 10, heard('string publisher'));
    await sim.run(3500, 5); // past an SPDP announcement: nothing is counted twice
    // DDS INCONSISTENT_TOPIC is about the topic: any endpoint of another type counts, a publisher
    // too; one of the same type does not.
    expect(seen.sort()).toEqual([
      'int publisher 1/1', // the subscription
      'int publisher 2/1', // the string publisher, in its own process
      'string publisher 1/1',
      'subscription 1/1',
    ]);
    ints.publish({ data: 7 });
    await sim.run(50);
    expect(received).toBe(0);
    expect(logs.filter((r) => r.message.includes('Incompatible type'))).toEqual([]);

    // Gone, the total stays; another one is counted anew.
    seen.length = 0;
    ints.destroy();
    await sim.run(200);
    expect(seen).toEqual([]);
    talker.createPublisher(INT32, 'chatter', 10, heard('second int publisher'));
    await sim.run(200);
    expect(seen.sort()).toEqual([
      'second int publisher 1/1',
      'second int publisher 2/1',
      'string publisher 2/1',
      'subscription 2/1',
    ]);

    // A subscription given no callback gets rclcpp's default: the warning, once per endpoint found.
    listener.createSubscription(STRING, 'chatter', () => {});
    await sim.run(200);
    const warnings = logs.filter((r) => r.message.includes('Incompatible type'));
    expect(warnings.map((r) => r.message)).toEqual([
      "Incompatible type on topic '/chatter', no messages will be sent to it. " +
        '(found std_msgs/msg/Int32; this subscription: std_msgs/msg/String)',
    ]);
    expect(warnings[0]!.level).toBe(LogLevel.WARN);
  });

  it('count missed deadlines from the first message on, each period while none comes', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const offered: number[] = [];
    const requested: number[] = [];
    const received: string[] = [];
    const pub = a.createNode('talker', quiet).createPublisher(
      STRING,
      'beat',
      { deadlineMs: 100 },
      {
        events: { deadline: (s) => offered.push(s.totalCount) },
      },
    );
    b.createNode('listener', quiet).createSubscription(
      STRING,
      'beat',
      (m) => received.push(m.data),
      {
        deadlineMs: 100,
      },
      { events: { deadline: (s) => requested.push(s.totalCount) } },
    );
    await sim.run(1000, 5);
    // Nothing was ever published: no instance, no deadline yet (Fast DDS and Cyclone alike).
    expect(offered).toEqual([]);
    expect(requested).toEqual([]);
    for (let i = 0; i < 20; i++) {
      pub.publish({ data: `beat ${i}` });
      await sim.run(50);
    }
    expect(received).toHaveLength(20);
    expect(offered).toEqual([]);
    expect(requested).toEqual([]);
    // Silence: the publisher misses at 100 ms after its last write, then every 100 ms.
    await sim.run(349);
    expect(offered).toEqual([1, 2, 3]);
    expect(requested).toEqual([1, 2, 3]);
    pub.publish({ data: 'back' });
    await sim.run(90);
    expect(offered).toEqual([1, 2, 3]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('drop alive_count when a publisher leaves, and count a lost participant as not alive first', async () => {
    const sim = simulated();
    const [a, b, c] = [await sim.context(), await sim.context(), await sim.context()];
    const changes: LivelinessChangedStatus[] = [];
    b.createNode('listener', quiet).createSubscription(STRING, 'chatter', () => {}, 10, {
      events: { liveliness: (s) => changes.push(s) },
    });
    const leaving = a.createNode('polite', quiet).createPublisher(STRING, 'chatter');
    c.createNode('crashing', quiet).createPublisher(STRING, 'chatter');
    await sim.run(500);
    expect(changes.at(-1)).toMatchObject({ aliveCount: 2, notAliveCount: 0 });
    expect(changes.map((s) => s.aliveCountChange)).toEqual([1, 1]);

    // Deleted normally: alive_count drops, not_alive_count stays (DDS 2.2.4.1).
    leaving.destroy();
    await sim.run(200);
    expect(changes.at(-1)).toEqual({
      aliveCount: 1,
      notAliveCount: 0,
      aliveCountChange: -1,
      notAliveCountChange: 0,
    });

    // A crash: no goodbye. The lease (20 s) runs out 17 to 20 s later (SPDP every 3 s).
    const before = changes.length;
    await c.participant.close({ goodbye: false });
    await sim.run(16_900, 100);
    expect(changes).toHaveLength(before);
    await sim.run(3_200, 100);
    expect(changes.slice(before)).toEqual([
      { aliveCount: 0, notAliveCount: 1, aliveCountChange: -1, notAliveCountChange: 1 },
      { aliveCount: 0, notAliveCount: 0, aliveCountChange: 0, notAliveCountChange: -1 },
    ]);
  });

  it('report a MANUAL_BY_TOPIC publisher that does not publish within its lease, once', async () => {
    const sim = simulated();
    const node = (await sim.context()).createNode('manual', quiet);
    const lost: number[] = [];
    const pub = node.createPublisher(
      STRING,
      'manual',
      { liveliness: 'MANUAL_BY_TOPIC', livelinessLeaseMs: 200 },
      {
        events: { liveliness: (s) => lost.push(s.totalCount) },
      },
    );
    pub.publish({ data: 'alive' });
    await sim.run(150, 10);
    pub.publish({ data: 'still alive' });
    await sim.run(1000, 10);
    expect(lost).toEqual([1]);
    pub.publish({ data: 'back' });
    await sim.run(300, 10);
    expect(lost).toEqual([1, 2]);
  });

  it('see a MANUAL_BY_TOPIC publisher turn not alive when it stops within its lease, and alive again', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const changes: [number, number, number, number][] = [];
    const pub = a.createNode('manual', quiet).createPublisher(STRING, 'pulse', {
      liveliness: 'MANUAL_BY_TOPIC',
      livelinessLeaseMs: 200,
    });
    b.createNode('watcher', quiet).createSubscription(STRING, 'pulse', () => {}, 10, {
      events: {
        liveliness: (s) =>
          changes.push([s.aliveCount, s.notAliveCount, s.aliveCountChange, s.notAliveCountChange]),
      },
    });
    await sim.run(150);
    expect(changes).toEqual([[1, 0, 1, 0]]);
    for (let i = 0; i < 10; i++) {
      pub.publish({ data: 'beat' });
      await sim.run(150);
    }
    expect(changes).toHaveLength(1);
    await sim.run(100); // 250 ms since the last write, lease 200 ms
    expect(changes.at(-1)).toEqual([0, 1, -1, 1]);
    pub.publish({ data: 'back' });
    await sim.run(10);
    expect(changes.at(-1)).toEqual([1, 0, 1, -1]);
    pub.destroy();
    await sim.run(100);
    expect(changes.at(-1)).toEqual([0, 0, -1, 0]);
    expect(changes).toHaveLength(4);
  });

  it('keep a MANUAL_BY_TOPIC publisher alive with assertLiveliness alone, on both sides', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const lost: number[] = [];
    const seen: [number, number][] = [];
    const pub = a
      .createNode('manual', quiet)
      .createPublisher(
        STRING,
        'asserted',
        { liveliness: 'MANUAL_BY_TOPIC', livelinessLeaseMs: 200 },
        { events: { liveliness: (s) => lost.push(s.totalCount) } },
      );
    b.createNode('watcher', quiet).createSubscription(STRING, 'asserted', () => {}, 10, {
      events: { liveliness: (s) => seen.push([s.aliveCount, s.notAliveCount]) },
    });
    pub.publish({ data: 'once' });
    for (let i = 0; i < 20; i++) {
      await sim.run(150);
      pub.assertLiveliness();
    }
    expect(lost).toEqual([]);
    expect(seen).toEqual([[1, 0]]);
    await sim.run(300);
    expect(lost).toEqual([1]);
    expect(seen).toEqual([
      [1, 0],
      [0, 1],
    ]);
    pub.assertLiveliness();
    await sim.run(10);
    expect(seen.at(-1)).toEqual([1, 0]);
  });

  it('let a callback publish or destroy its own endpoint', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const received: string[] = [];
    const pub: Publisher<typeof STRING> = a
      .createNode('greeter', quiet)
      .createPublisher(STRING, 'hello', 10, {
        events: {
          matched: (s) => {
            if (s.currentCountChange > 0) pub.publish({ data: 'welcome' });
          },
        },
      });
    const listener = b.createNode('listener', quiet);
    const once: Subscription<typeof STRING> = listener.createSubscription(
      STRING,
      'hello',
      (m) => received.push(m.data),
      10,
      {
        events: { matched: () => once.destroy() },
      },
    );
    const stays = listener.createSubscription(STRING, 'hello', (m) => received.push(`stays: ${m.data}`));
    await sim.run(500);
    expect(pub.subscriptionCount).toBe(1);
    expect(stays.publisherCount).toBe(1);
    expect(received).toEqual(['stays: welcome']);
  });

  it("reach a lifecycle node's publisher too", async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const matched: number[] = [];
    new LifecycleNode(a, 'managed', quiet).createPublisher(STRING, 'managed_topic', 10, {
      events: { matched: (s) => matched.push(s.currentCount) },
    });
    b.createNode('listener', quiet).createSubscription(STRING, 'managed_topic', () => {});
    await sim.run(300);
    expect(matched).toEqual([1]);
  });

  it.each<[string, QosInput]>([
    ['best-effort', 'sensorData'],
    ['reliable KEEP_LAST(1)', { reliability: 'RELIABLE', depth: 1 }],
  ])('report messages a %s publisher sent that never came to messageLost', async (_, qos) => {
    const sim = simulated();
    let talkerTransport: ReturnType<typeof lossy> | undefined;
    const a = await sim.context((onBus) => {
      talkerTransport = lossy(onBus);
      return talkerTransport;
    });
    const b = await sim.context();
    const run = (ms: number) => sim.run(ms);
    const pub = a.createNode('talker', quiet).createPublisher(STRING, 'chatter', qos);
    const received: string[] = [];
    const lost: MessageLostStatus[] = [];
    const sub = b
      .createNode('listener', quiet)
      .createSubscription(STRING, 'chatter', (m) => received.push(m.data), qos, {
        events: { messageLost: (s) => lost.push(s) },
      });
    await run(500);
    expect(sub.publisherCount).toBe(1);
    const publish = async (data: string) => {
      pub.publish({ data });
      await run(20);
    };
    await publish('1');
    talkerTransport!.losing = true;
    await publish('2');
    await publish('3');
    talkerTransport!.losing = false;
    await publish('4');
    await publish('5');
    expect(received).toEqual(['1', '4', '5']);
    expect(lost).toEqual([{ totalCount: 2, totalCountChange: 2 }]);
    talkerTransport!.losing = true;
    await publish('6');
    talkerTransport!.losing = false;
    await publish('7');
    expect(received).toEqual(['1', '4', '5', '7']);
    expect(lost).toEqual([
      { totalCount: 2, totalCountChange: 2 },
      { totalCount: 3, totalCountChange: 1 },
    ]);
    await run(1000);
    expect(lost).toHaveLength(2);
  });

  it('log a callback that throws and go on', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    const logs: LogRecord[] = [];
    const received: string[] = [];
    a.createNode('talker', quiet).createPublisher(STRING, 'chatter', 10, {
      events: {
        matched: () => {
          throw new Error('user bug');
        },
      },
    });
    const pub2 = a
      .createNode('talker2', { logSink: (r) => logs.push(r) })
      .createPublisher(STRING, 'chatter', 10, {
        events: { matched: () => Promise.reject(new Error('async user bug')) },
      });
    b.createNode('listener', quiet).createSubscription(STRING, 'chatter', (m) => received.push(m.data));
    await sim.run(500);
    pub2.publish({ data: 'hello' });
    await sim.run(50);
    expect(received).toEqual(['hello']);
    expect(logs.some((r) => r.message.includes('matched callback of the publisher of /chatter threw'))).toBe(
      true,
    );
  });
});
