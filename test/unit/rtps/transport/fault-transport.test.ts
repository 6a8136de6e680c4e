import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import {
  decideFate,
  type FaultFate,
  FaultTransport,
  type FaultTransportOptions,
} from '../../../../src/rtps/transport/fault-transport.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';
import { mulberry32 } from '../../../../src/rtps/transport/prng.js';

const TO = { address: '10.0.0.2', port: 7410 };
const GROUP = { address: '239.255.0.1', port: 7400 };

/** Sequence number n as 4 bytes, so receivers can tell the order. */
function numbered(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
}

function numberOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
}

/** A sender wrapped in faults and a plain receiver on a deterministic bus; everything on one FakeClock. */
async function rig(options: Omit<FaultTransportOptions, 'clock'>) {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock });
  const fates: FaultFate[] = [];
  const sender = new FaultTransport(bus.transport('10.0.0.1'), {
    ...options,
    clock,
    onFate: (f) => fates.push(f),
  });
  const receiver = bus.transport('10.0.0.2');
  const received: number[] = [];
  (await receiver.openUnicast(TO.port)).onDatagram((data) => received.push(numberOf(data)));
  (await receiver.openMulticast(GROUP.address, GROUP.port)).onDatagram((data) =>
    received.push(numberOf(data)),
  );
  return { clock, bus, sender, receiver, received, fates };
}

describe('mulberry32', () => {
  it('is deterministic per seed and uniform-ish in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

describe('decideFate', () => {
  it('draws the same five numbers per datagram whatever the rates, so fates stay aligned', () => {
    const r1 = mulberry32(5);
    const r2 = mulberry32(5);
    for (let i = 0; i < 100; i++) {
      decideFate(r1, { drop: 1 }, 'send', 'unicast');
      decideFate(r2, {}, 'send', 'unicast');
    }
    expect(r1()).toBe(r2());
  });

  it('never duplicates, delays or reorders a dropped datagram', () => {
    const random = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      const fate = decideFate(random, { drop: 1, duplicate: 1, delay: 1, reorder: 1 }, 'send', 'unicast');
      expect(fate).toMatchObject({ drop: true, duplicate: false, delayMs: 0, reorder: false });
    }
  });
});

describe('FaultTransport', () => {
  const lossy = { drop: 0.1, duplicate: 0.05, delay: 0.2, delayMs: [5, 20] as const, reorder: 0.1 };

  it('is reproducible: the same seed gives the same fates and the same arrival order', async () => {
    const runs = [];
    for (const seed of [1234, 1234, 999]) {
      const { clock, sender, received, fates } = await rig({ seed, send: lossy });
      for (let n = 0; n < 500; n++) {
        sender.send(numbered(n), TO);
        clock.advance(1);
      }
      clock.runAll();
      runs.push({ fates, received });
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]!.fates).not.toEqual(runs[0]!.fates);
  });

  it('drops, duplicates and delays at roughly the configured rates over 10k datagrams', async () => {
    const { clock, sender, received, fates } = await rig({
      seed: 7,
      send: { drop: 0.1, duplicate: 0.05, delay: 0.2, delayMs: [1, 10] },
    });
    const N = 10_000;
    for (let n = 0; n < N; n++) sender.send(numbered(n), TO);
    clock.runAll();
    const { dropped, duplicated, delayed } = sender.stats.faults.send;
    // Within 4 standard deviations of the binomial mean. Duplicating and delaying are decided only
    // for datagrams that were not dropped.
    const near = (count: number, p: number, trials: number) => {
      const sd = Math.sqrt(trials * p * (1 - p));
      expect(Math.abs(count - trials * p)).toBeLessThan(4 * sd);
    };
    const delayedFates = fates.filter((f) => f.delayMs > 0);
    near(dropped, 0.1, N);
    near(duplicated, 0.05, N - dropped);
    near(delayedFates.length, 0.2, N - dropped);
    // A duplicate shares its original's delay, and each copy counts.
    expect(delayed).toBe(delayedFates.length + delayedFates.filter((f) => f.duplicate).length);
    expect(received.length).toBe(N - dropped + duplicated);
    expect(sender.stats.sent).toBe(N - dropped + duplicated);
    expect(new Set(received).size).toBe(N - dropped);
  });

  it('delays through the injected clock, within the configured span', async () => {
    const { clock, sender, received, fates } = await rig({ seed: 3, send: { delay: 1, delayMs: [10, 20] } });
    sender.send(numbered(1), TO);
    clock.advance(9);
    expect(received).toEqual([]);
    expect(fates[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(fates[0]!.delayMs).toBeLessThanOrEqual(20);
    clock.advance(11);
    expect(received).toEqual([1]);
  });

  it('really reorders: a held datagram arrives after its successor, and none is lost', async () => {
    const { clock, sender, received } = await rig({ seed: 11, send: { reorder: 0.3 } });
    const N = 1000;
    for (let n = 0; n < N; n++) sender.send(numbered(n), TO);
    clock.runAll();
    expect([...received].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    const inversions = received.filter((n, i) => i > 0 && n < received[i - 1]!).length;
    const { reordered } = sender.stats.faults.send;
    expect(reordered).toBeGreaterThan(N * 0.15);
    expect(inversions).toBe(reordered);
    // Each reordered datagram swapped places with exactly its successor.
    for (let i = 1; i < N; i++) {
      if (received[i]! < received[i - 1]!) expect(received[i - 1]! - received[i]!).toBe(1);
    }
  });

  it('releases a held datagram after reorderHoldMs when nothing follows it', async () => {
    const { clock, sender, received } = await rig({ seed: 1, send: { reorder: 1 }, reorderHoldMs: 30 });
    sender.send(numbered(1), TO);
    clock.advance(29);
    expect(received).toEqual([]);
    clock.advance(1);
    expect(received).toEqual([1]);
    expect(sender.stats.faults.send.reordered).toBe(0);
  });

  it('takes rates per kind over the direction’s rates', async () => {
    const { clock, sender, received } = await rig({ seed: 2, send: { drop: 0, multicast: { drop: 1 } } });
    for (let n = 0; n < 50; n++) sender.send(numbered(n), n % 2 === 0 ? TO : GROUP);
    clock.runAll();
    expect(received).toEqual(Array.from({ length: 25 }, (_, i) => 2 * i));
    expect(sender.stats.faults.send.dropped).toBe(25);
  });

  it('mistreats received datagrams on its own channels when given receive rates', async () => {
    const clock = new FakeClock();
    const bus = new MemoryBus({ clock });
    const fates: FaultFate[] = [];
    const plain = bus.transport('10.0.0.1');
    const faulty = new FaultTransport(bus.transport('10.0.0.2'), {
      seed: 5,
      clock,
      receive: { unicast: { drop: 0.5 } },
      onFate: (f) => fates.push(f),
    });
    const uni: number[] = [];
    const multi: number[] = [];
    (await faulty.openUnicast(TO.port)).onDatagram((d) => uni.push(numberOf(d)));
    (await faulty.openMulticast(GROUP.address, GROUP.port)).onDatagram((d) => multi.push(numberOf(d)));
    for (let n = 0; n < 1000; n++) {
      plain.send(numbered(n), TO);
      plain.send(numbered(n), GROUP);
    }
    clock.runAll();
    const { dropped } = faulty.stats.faults.receive;
    expect(uni.length).toBe(1000 - dropped);
    expect(dropped).toBeGreaterThan(400);
    expect(dropped).toBeLessThan(600);
    expect(multi.length).toBe(1000);
    expect(fates.every((f) => f.direction === 'receive')).toBe(true);
    expect(faulty.stats.received).toBe(2000); // what arrived from the network, before faults
  });

  it('passes everything through unchanged with no rates', async () => {
    const { clock, sender, received } = await rig({ seed: 9 });
    for (let n = 0; n < 100; n++) sender.send(numbered(n), TO);
    clock.runAll();
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sender.stats.faults.send).toEqual({ dropped: 0, duplicated: 0, delayed: 0, reordered: 0 });
  });

  it('copies delayed datagrams, so the caller may reuse its buffer', async () => {
    const { clock, sender, received } = await rig({ seed: 1, send: { delay: 1, delayMs: 5 } });
    const buffer = numbered(1);
    sender.send(buffer, TO);
    buffer.set(numbered(2));
    clock.runAll();
    expect(received).toEqual([1]);
  });

  it('close drops what is still delayed or held, and counts later sends as errors', async () => {
    const { clock, sender, received } = await rig({ seed: 1, send: { delay: 1, delayMs: 5 } });
    sender.send(numbered(1), TO);
    await sender.close();
    clock.runAll();
    expect(received).toEqual([]);
    expect(clock.pending).toBe(0);
    sender.send(numbered(2), TO);
    expect(sender.stats.sendErrors).toBe(1);
  });
});
