/**
 * A MANUAL_BY_TOPIC writer's liveliness as a reader with a liveliness listener sees it, on the
 * in-memory bus: a HEARTBEAT with the LIVELINESS flag (what Fast DDS sends for assert_liveliness,
 * RTPS 2.5 8.3.7.5) keeps it alive without data; one without the flag does not; silence past the
 * writer's lease turns it not alive.
 */
import { describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import type { QosPolicies } from '../../../../src/rtps/discovery-data/qos.js';
import type { LivelinessChangedStatus } from '../../../../src/rtps/participant/endpoint-status.js';
import { rtpsPorts } from '../../../../src/rtps/transport/ports.js';
import { encodeMessage } from '../../../../src/rtps/wire/message.js';
import { HeartbeatFlags } from '../../../../src/rtps/wire/submessage.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) };
const MANUAL: QosPolicies = {
  reliability: RELIABLE,
  liveliness: { kind: 'MANUAL_BY_TOPIC', leaseDuration: durationFromMillis(200) },
};
const TOPIC = { topicName: 'rt/pulse', typeName: 'std_msgs::msg::dds_::String_' };

describe('the liveliness of a matched MANUAL_BY_TOPIC writer', () => {
  it('is asserted by HEARTBEATs with the LIVELINESS flag and lost past the lease without them', async () => {
    const { bus, run, participant } = simulatedBus();
    const [a, b] = await Promise.all([participant('10.0.0.1'), participant('10.0.0.2')]);
    const changes: LivelinessChangedStatus[] = [];
    const reader = b.createReader({ ...TOPIC, qos: { reliability: RELIABLE } }, () => {}, {
      livelinessChanged: (s) => changes.push(s),
    });
    const writer = a.createWriter({ ...TOPIC, qos: MANUAL }, { depth: 10 });
    await run(100);
    expect(reader.matchedWriters).toHaveLength(1);
    expect(changes.map((s) => s.aliveCount)).toEqual([1]);
    writer.write(new Uint8Array([0, 1, 0, 0, 1, 0, 0, 0]));
    // HEARTBEATs in the writer's name, as its participant would send them.
    const sender = bus.transport('10.0.0.1');
    const heartbeat = (flags: number, count: number) =>
      sender.send(
        encodeMessage({
          header: { version: [2, 3], vendorId: [1, 15], guidPrefix: a.guidPrefix },
          submessages: [
            {
              kind: 'HEARTBEAT',
              flags,
              readerId: reader.guid.entityId,
              writerId: writer.guid.entityId,
              firstSN: 1,
              lastSN: 1,
              count,
            },
          ],
        }),
        { address: '10.0.0.2', port: rtpsPorts(0, 0).userUnicast },
      );
    let count = 1000;
    for (let i = 0; i < 10; i++) {
      heartbeat(1 | HeartbeatFlags.FINAL | HeartbeatFlags.LIVELINESS, count++);
      await run(150);
    }
    expect(changes).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      heartbeat(1 | HeartbeatFlags.FINAL, count++);
      await run(100);
    }
    expect(changes.at(-1)).toEqual({
      aliveCount: 0,
      notAliveCount: 1,
      aliveCountChange: -1,
      notAliveCountChange: 1,
    });
    heartbeat(1 | HeartbeatFlags.LIVELINESS, count++);
    await run(10);
    expect(changes.at(-1)).toEqual({
      aliveCount: 1,
      notAliveCount: 0,
      aliveCountChange: 1,
      notAliveCountChange: -1,
    });
    await Promise.all([a.close(), b.close(), sender.close()]);
  });
});
