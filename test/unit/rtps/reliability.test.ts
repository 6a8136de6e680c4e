/**
 * The writer and reader state machines against each other over a simulated network that
 * loses, duplicates, delays and reorders in both directions (seeded), with simulated time:
 * every sample arrives exactly once and in order, none is counted lost, and the writer ends
 * with everything acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { WriterProxy } from '../../../src/rtps/reader/writer-proxy.js';
import { setMembers } from '../../../src/rtps/wire/number-sets.js';
import { WriterHistory } from '../../../src/rtps/writer/history.js';
import { StatefulWriter, type WriterAction } from '../../../src/rtps/writer/stateful-writer.js';
import { mulberry32 } from '../../support/rtps-mutate.js';

type ToReader =
  | { kind: 'data'; sn: number }
  | { kind: 'gap'; from: number; to: number }
  | { kind: 'hb'; first: number; last: number; count: number; final: boolean };
type ToWriter = { base: number; missing: number[]; count: number };

function simulate(samples: number, loss: number, seed: number, depth: number) {
  const rand = mulberry32(seed);
  const inFlight: { at: number; deliver: () => void }[] = [];
  let now = 0;
  const send = (deliver: () => void) => {
    if (rand() < loss) return;
    const copies = rand() < loss ? 2 : 1; // duplication as often as loss
    for (let c = 0; c < copies; c++) inFlight.push({ at: now + 1 + Math.floor(rand() * 20), deliver }); // 1-20 ms: reorders
  };
  const writer = new StatefulWriter(new WriterHistory({ kind: 'keep-last', depth }), {
    reliable: true,
    transientLocal: false,
    heartbeatPeriodMs: 50,
    nackResponseDelayMs: 2,
  });
  const reader = new WriterProxy({ reliable: true, maxBuffered: 256, heartbeatResponseDelayMs: 3 });
  const delivered: number[] = [];
  const toReader = (m: ToReader) => {
    if (m.kind === 'data') delivered.push(...reader.onData({ sn: m.sn }).map((s) => s.sn));
    else if (m.kind === 'gap')
      delivered.push(...reader.onGap(m.from, { base: m.to + 1, numBits: 0, bitmap: [] }).map((s) => s.sn));
    else delivered.push(...reader.onHeartbeat(m.first, m.last, m.count, m.final, now).map((s) => s.sn));
  };
  const toWriter = (m: ToWriter) => writer.onAckNack('r', m.base, m.missing, m.count, now);
  const perform = (actions: WriterAction[]) => {
    for (const a of actions) {
      const m: ToReader =
        a.kind === 'data'
          ? { kind: 'data', sn: a.change.sn }
          : a.kind === 'gap'
            ? { kind: 'gap', from: a.from, to: a.to }
            : { kind: 'hb', first: a.firstSN, last: a.lastSN, count: a.count, final: a.final };
      send(() => toReader(m));
    }
  };
  perform(writer.addReader('r', { reliable: true, transientLocal: false }, now));
  let written = 0;
  while (now < 10_000_000) {
    if (written < samples) {
      // Flow control from the writer's own knowledge: never more unacknowledged than history holds.
      if (writer.unacknowledgedCount() < depth) {
        perform(writer.write({ payload: new Uint8Array(4), timestampMs: now }, now).actions);
        written++;
      }
    } else if (writer.allAcknowledged() && delivered.length === samples) break;
    now++;
    for (let i = 0; i < inFlight.length; ) {
      if (inFlight[i]!.at <= now) inFlight.splice(i, 1)[0]!.deliver();
      else i++;
    }
    perform(writer.poll(now));
    const ack = reader.poll(now);
    if (ack) {
      const m = { base: ack.readerSNState.base, missing: setMembers(ack.readerSNState), count: ack.count };
      send(() => toWriter(m));
    }
  }
  return { delivered, now, acknowledged: writer.allAcknowledged(), lost: reader.takeLost() };
}

describe('reliability over a lossy, duplicating, reordering network', () => {
  it.each([
    [0.0, 1],
    [0.2, 2],
    [0.2, 3],
    [0.4, 4],
  ])('loss %f (seed %i): 10,000 samples exactly once, in order', (loss, seed) => {
    const { delivered, acknowledged, lost } = simulate(10_000, loss, seed, 64);
    expect(delivered.length).toBe(10_000);
    expect(lost).toBe(0);
    expect(delivered.every((sn, i) => sn === i + 1)).toBe(true);
    expect(acknowledged).toBe(true);
  });
});
