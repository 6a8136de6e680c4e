/**
 * Issue 14: a 16 MB sample must not overrun the reader's socket buffer. The reader's side of the
 * in-memory bus here models one: 4 MB that the reading process drains at 512 KB per ms; what
 * arrives when it is full is lost, as UDP loses it. Sent at once, 12 of the 16 MB would be lost
 * on the first try; paced, the sample arrives whole with little lost on the way.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../../src/rtps/clock.js';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import type { DatagramHandler, ReceiveChannel, Transport } from '../../../../src/rtps/transport/transport.js';
import { simulatedBus } from '../../../support/simulated.js';

const MB = 1024 * 1024;
const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const TOPIC = { topicName: 'rt/cloud', typeName: 'sensor_msgs::msg::dds_::PointCloud2_', qos: RELIABLE };

/** A receiver whose unicast channels share a socket buffer of `capacity` bytes drained at `perMs`. */
function socketBuffer(clock: Clock, capacity: number, perMs: number) {
  const stats = { dropped: 0, droppedBytes: 0 };
  let level = 0;
  let at = clock.now();
  const admit = (bytes: number): boolean => {
    const now = clock.now();
    level = Math.max(0, level - (now - at) * perMs);
    at = now;
    if (level + bytes > capacity) {
      stats.dropped++;
      stats.droppedBytes += bytes;
      return false;
    }
    level += bytes;
    return true;
  };
  const wrap = (t: Transport): Transport => ({
    get stats() {
      return t.stats;
    },
    send: (data, to) => t.send(data, to),
    close: () => t.close(),
    openMulticast: (group, port) => t.openMulticast(group, port),
    async openUnicast(port): Promise<ReceiveChannel> {
      const inner = await t.openUnicast(port);
      return {
        port: inner.port,
        close: () => inner.close(),
        onDatagram(handler: DatagramHandler) {
          inner.onDatagram((data, from) => {
            if (admit(data.length)) handler(data, from);
          });
        },
      };
    },
  });
  return { stats, wrap };
}

describe('a 16 MB sample to a reader with a 4 MB socket buffer', () => {
  it('arrives whole, paced so that most of it is not lost on the way', async () => {
    const { clock, run, participant } = simulatedBus();
    const buffer = socketBuffer(clock, 4 * MB, MB / 2);
    const [a, b] = await Promise.all([participant('10.0.0.1'), participant('10.0.0.2', {}, buffer.wrap)]);
    const got: Uint8Array[] = [];
    b.createReader(TOPIC, (s) => got.push(s.payload!));
    const writer = a.createWriter(TOPIC, { depth: 2 });
    await run(500);
    expect(writer.matchedReaders.length).toBe(1);
    const sample = new Uint8Array(16 * MB);
    sample.set([0, 1, 0, 0]);
    for (let i = 4; i < sample.length; i += 4099) sample[i] = (i >> 12) & 0xff;
    const lostBefore = buffer.stats.droppedBytes;
    writer.write(sample);
    let t = 0;
    while (got.length === 0 && t < 5_000) {
      await run(10);
      t += 10;
    }
    expect(got).toHaveLength(1);
    expect(Buffer.compare(got[0]!, sample)).toBe(0);
    expect(buffer.stats.droppedBytes - lostBefore).toBeLessThan(4 * MB);
    await Promise.all([a.close(), b.close()]);
  });
});
