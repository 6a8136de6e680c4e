/**
 * A TRANSIENT_LOCAL writer's history goes to late-joining readers that are RELIABLE and
 * TRANSIENT_LOCAL themselves; a VOLATILE or a BEST_EFFORT reader gets only what is written after it
 * matched (Fast DDS StatefulWriter::matched_reader_add, Cyclone writer_add_connection and
 * writer_add_local_connection), whether it is on another participant (its QoS from SEDP) or on
 * the same one.
 */
import { describe, expect, it } from 'vitest';
import { durationFromMillis } from '../../../../src/rtps/discovery-data/duration.js';
import type { RtpsParticipant } from '../../../../src/rtps/participant/participant.js';
import { simulatedBus } from '../../../support/simulated.js';

const RELIABLE = { reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) } };
const DURABLE = { ...RELIABLE, durability: 'TRANSIENT_LOCAL' as const };
const BEST_EFFORT_DURABLE = {
  reliability: { kind: 'BEST_EFFORT' as const, maxBlockingTime: durationFromMillis(100) },
  durability: 'TRANSIENT_LOCAL' as const,
};
const payload = (n: number) => new Uint8Array([0, 1, 0, 0, n, 0, 0, 0]);
const TOPIC = { topicName: 'rt/latched', typeName: 'T' };

function subscribe(
  p: RtpsParticipant,
  qos: typeof RELIABLE | typeof DURABLE | typeof BEST_EFFORT_DURABLE,
): number[] {
  const got: number[] = [];
  p.createReader({ ...TOPIC, qos }, (s) => got.push(s.payload![4]!));
  return got;
}

describe('a TRANSIENT_LOCAL writer and late-joining readers', () => {
  it('gives its history to a TRANSIENT_LOCAL reader only; a VOLATILE one gets what comes after', async () => {
    const sim = simulatedBus();
    const a = await sim.participant('10.0.0.1');
    const b = await sim.participant('10.0.0.2');
    const w = a.createWriter({ ...TOPIC, qos: DURABLE }, { depth: 10 });
    for (let i = 1; i <= 5; i++) w.write(payload(i));
    await sim.run(300);

    const remoteVolatile = subscribe(b, RELIABLE);
    const remoteDurable = subscribe(b, DURABLE);
    const localVolatile = subscribe(a, RELIABLE);
    await sim.run(500);
    expect(w.matchedReaders.length).toBe(3);
    // Nothing older is owed to the VOLATILE ones: the writer does not wait for them.
    expect(w.endpoint.unacknowledgedCount()).toBe(0);

    w.write(payload(6));
    w.write(payload(7));
    await sim.run(500);
    expect(remoteDurable).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(remoteVolatile).toEqual([6, 7]);
    expect(localVolatile).toEqual([6, 7]);
    expect(w.endpoint.allAcknowledged()).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('gives a BEST_EFFORT TRANSIENT_LOCAL reader none of its history (issue 14)', async () => {
    const sim = simulatedBus();
    const a = await sim.participant('10.0.0.1');
    const b = await sim.participant('10.0.0.2');
    const w = a.createWriter({ ...TOPIC, qos: DURABLE }, { depth: 10 });
    for (let i = 1; i <= 3; i++) w.write(payload(i));
    await sim.run(300);

    const remote = subscribe(b, BEST_EFFORT_DURABLE);
    const local = subscribe(a, BEST_EFFORT_DURABLE);
    await sim.run(500);
    expect(w.matchedReaders.length).toBe(2);
    expect(remote).toEqual([]);
    expect(local).toEqual([]);

    w.write(payload(4));
    await sim.run(500);
    expect(remote).toEqual([4]);
    expect(local).toEqual([4]);
    await Promise.all([a.close(), b.close()]);
  });
});
