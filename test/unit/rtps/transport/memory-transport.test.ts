import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import {
  InvalidAddressError,
  PortInUseError,
  TransportClosedError,
} from '../../../../src/rtps/transport/errors.js';
import { MemoryBus } from '../../../../src/rtps/transport/memory-transport.js';
import type { ReceiveChannel, UdpLocator } from '../../../../src/rtps/transport/transport.js';

interface Received {
  readonly bytes: number[];
  readonly from: UdpLocator;
}

function collect(channel: ReceiveChannel): Received[] {
  const got: Received[] = [];
  channel.onDatagram((data, from) => got.push({ bytes: [...data], from }));
  return got;
}

/** Lets queued microtasks (the bus's deliveries) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MemoryBus unicast', () => {
  it('delivers by address and port, asynchronously, from the sender address and a stable send port', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const b = bus.transport('10.0.0.2');
    const got = collect(await b.openUnicast(7410));
    a.send(Uint8Array.of(1, 2, 3), { address: '10.0.0.2', port: 7410 });
    a.send(Uint8Array.of(4), { address: '10.0.0.2', port: 7410 });
    expect(got).toEqual([]); // never inside send()
    await settle();
    expect(got.map((r) => r.bytes)).toEqual([[1, 2, 3], [4]]);
    expect(got[0]!.from.address).toBe('10.0.0.1');
    expect(got[0]!.from.port).toBe(got[1]!.from.port);
    expect(a.stats).toMatchObject({ sent: 2, sentBytes: 4, sendErrors: 0 });
    expect(b.stats).toMatchObject({ received: 2, receivedBytes: 4 });
  });

  it('reaches only the sender’s own host through 127.x.x.x', async () => {
    const bus = new MemoryBus();
    const a1 = bus.transport('10.0.0.1');
    const a2 = bus.transport('10.0.0.1'); // another process on the same host
    const b = bus.transport('10.0.0.2');
    const onA = collect(await a2.openUnicast(7410));
    const onB = collect(await b.openUnicast(7410));
    a1.send(Uint8Array.of(9), { address: '127.0.0.1', port: 7410 });
    await settle();
    expect(onA.map((r) => r.bytes)).toEqual([[9]]);
    expect(onA[0]!.from.address).toBe('127.0.0.1');
    expect(onB).toEqual([]);
  });

  it('copies on send: the caller may reuse its buffer at once', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const got = collect(await a.openUnicast(7411));
    const buffer = Uint8Array.of(1, 1);
    a.send(buffer, { address: '127.0.0.1', port: 7411 });
    buffer.fill(2);
    a.send(buffer, { address: '127.0.0.1', port: 7411 });
    await settle();
    expect(got.map((r) => r.bytes)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('counts datagrams to a port nobody bound, as UDP silently loses them', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    a.send(Uint8Array.of(1), { address: '10.0.0.9', port: 7410 });
    await settle();
    expect(bus.stats.undeliverable).toBe(1);
    expect(a.stats.sendErrors).toBe(0);
  });

  it('delivers through the clock when given one', () => {
    const clock = new FakeClock();
    const bus = new MemoryBus({ clock, latencyMs: 3 });
    const a = bus.transport('10.0.0.1');
    return a.openUnicast(7410).then((channel) => {
      const got = collect(channel);
      a.send(Uint8Array.of(5), { address: '10.0.0.1', port: 7410 });
      clock.advance(2);
      expect(got).toEqual([]);
      clock.advance(1);
      expect(got.map((r) => r.bytes)).toEqual([[5]]);
    });
  });
});

describe('MemoryBus ports', () => {
  it('binds exclusively per host: a taken port is a PortInUseError, free again after close', async () => {
    const bus = new MemoryBus();
    const a1 = bus.transport('10.0.0.1');
    const a2 = bus.transport('10.0.0.1');
    const b = bus.transport('10.0.0.2');
    const first = await a1.openUnicast(7410);
    const error = await a2.openUnicast(7410).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ port: 7410, address: '10.0.0.1', name: 'PortInUseError' });
    await expect(a1.openUnicast(7410)).rejects.toBeInstanceOf(PortInUseError);
    await expect(b.openUnicast(7410)).resolves.toMatchObject({ port: 7410 });
    await first.close();
    await expect(a2.openUnicast(7410)).resolves.toMatchObject({ port: 7410 });
  });

  it('lets a participant probe for the first free participant id', async () => {
    const bus = new MemoryBus();
    const taken = [];
    for (let i = 0; i < 3; i++) {
      const t = bus.transport('10.0.0.1');
      let id = 0;
      for (; ; id++) {
        try {
          await t.openUnicast(7410 + 2 * id);
          break;
        } catch (e) {
          if (!(e instanceof PortInUseError)) throw e;
        }
      }
      taken.push(id);
    }
    expect(taken).toEqual([0, 1, 2]);
  });

  it("gives distinct ports for 'any'", async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const ports = await Promise.all([1, 2, 3].map(() => a.openUnicast('any')));
    expect(new Set(ports.map((c) => c.port)).size).toBe(3);
    for (const c of ports) expect(c.port).toBeGreaterThanOrEqual(32_768);
  });

  it('rejects bad ports and addresses with typed errors', async () => {
    const bus = new MemoryBus();
    expect(() => bus.transport('239.255.0.1')).toThrow(InvalidAddressError);
    expect(() => bus.transport('localhost')).toThrow(InvalidAddressError);
    const a = bus.transport('10.0.0.1');
    await expect(a.openUnicast(0)).rejects.toBeInstanceOf(InvalidAddressError);
    await expect(a.openUnicast(65_536)).rejects.toBeInstanceOf(InvalidAddressError);
    await expect(a.openMulticast('10.0.0.1', 7400)).rejects.toBeInstanceOf(InvalidAddressError);
  });
});

describe('MemoryBus multicast', () => {
  it('delivers to every member of group and port, the sender’s own included, each its own copy', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const b = bus.transport('10.0.0.2');
    const c = bus.transport('10.0.0.2');
    (await c.openMulticast('239.255.0.1', 7400)).onDatagram((data) => data.fill(0)); // first, and a vandal
    const onA = collect(await a.openMulticast('239.255.0.1', 7400));
    const bChannel = await b.openMulticast('239.255.0.1', 7400);
    const seen: Uint8Array[] = [];
    bChannel.onDatagram((data) => seen.push(data));
    const onC = collect(await c.openMulticast('239.255.0.1', 7400));
    const otherPort = collect(await c.openMulticast('239.255.0.1', 7401));
    const otherGroup = collect(await c.openMulticast('239.255.0.2', 7400));

    a.send(Uint8Array.of(7, 7), { address: '239.255.0.1', port: 7400 });
    await settle();
    expect(onA.map((r) => r.bytes)).toEqual([[7, 7]]);
    expect(seen.map((d) => [...d])).toEqual([[7, 7]]);
    expect(onC.map((r) => r.bytes)).toEqual([[7, 7]]);
    expect(onC[0]!.from.address).toBe('10.0.0.1');
    expect(otherPort).toEqual([]);
    expect(otherGroup).toEqual([]);
  });

  it('stops delivering to a channel once it is closed, in flight included', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const channel = await a.openMulticast('239.255.0.1', 7400);
    const got = collect(channel);
    a.send(Uint8Array.of(1), { address: '239.255.0.1', port: 7400 });
    await channel.close();
    await channel.close(); // idempotent
    await settle();
    a.send(Uint8Array.of(2), { address: '239.255.0.1', port: 7400 });
    await settle();
    expect(got).toEqual([]);
  });
});

describe('MemoryTransport errors and close', () => {
  it('counts send errors instead of throwing', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    expect(() => {
      a.send(Uint8Array.of(1), { address: 'not-an-ip', port: 7410 });
      a.send(Uint8Array.of(1), { address: '10.0.0.2', port: 0 });
      a.send(Uint8Array.of(1), { address: '10.0.0.2', port: 70_000 });
      a.send(new Uint8Array(65_508), { address: '10.0.0.2', port: 7410 });
    }).not.toThrow();
    expect(a.stats.sendErrors).toBe(4);
    expect(a.stats.sent).toBe(0);
  });

  it('counts throwing handlers and unhandled datagrams, and keeps delivering', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const quiet = await a.openUnicast(7412);
    const channel = await a.openUnicast(7410);
    channel.onDatagram(() => {
      throw new Error('handler bug');
    });
    const got = collect(channel);
    a.send(Uint8Array.of(1), { address: '10.0.0.1', port: 7410 });
    a.send(Uint8Array.of(2), { address: '10.0.0.1', port: 7410 });
    a.send(Uint8Array.of(3), { address: '10.0.0.1', port: quiet.port });
    await settle();
    expect(got.map((r) => r.bytes)).toEqual([[1], [2]]);
    expect(a.stats).toMatchObject({ handlerErrors: 2, unhandled: 1, received: 3 });
  });

  it('close releases every port, refuses new channels and counts later sends as errors', async () => {
    const bus = new MemoryBus();
    const a = bus.transport('10.0.0.1');
    const channel = await a.openUnicast(7410);
    const got = collect(channel);
    await a.openMulticast('239.255.0.1', 7400);
    a.send(Uint8Array.of(1), { address: '10.0.0.1', port: 7410 });
    await a.close();
    await a.close();
    await settle();
    expect(got).toEqual([]);
    a.send(Uint8Array.of(1), { address: '10.0.0.1', port: 7410 });
    expect(a.stats.sendErrors).toBe(1);
    await expect(a.openUnicast(7412)).rejects.toBeInstanceOf(TransportClosedError);
    await expect(a.openMulticast('239.255.0.1', 7400)).rejects.toBeInstanceOf(TransportClosedError);
    const b = bus.transport('10.0.0.1');
    await expect(b.openUnicast(7410)).resolves.toMatchObject({ port: 7410 });
  });
});
