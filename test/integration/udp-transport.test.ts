/**
 * Real UDP sockets. Runs only inside the private network namespace of scripts/netns-run, where
 * nothing but loopback exists, so no datagram of this test can reach a real network:
 *
 *   scripts/netns-run npx vitest run test/integration/udp-transport.test.ts
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  InvalidAddressError,
  MulticastUnavailableError,
  PortInUseError,
  TransportClosedError,
} from '../../src/rtps/transport/errors.js';
import { rtpsPorts, SPDP_MULTICAST_GROUP } from '../../src/rtps/transport/ports.js';
import type { ReceiveChannel, Transport, UdpLocator } from '../../src/rtps/transport/transport.js';
import {
  ipv4InterfaceAddresses,
  UdpTransport,
  type UdpTransportOptions,
} from '../../src/rtps/transport/udp-transport.js';
import { assertSandboxed } from '../support/sandbox.js';

// Before any socket exists: a failing beforeAll fails the file and runs none of its tests.
beforeAll(() => assertSandboxed('test/integration/udp-transport.test.ts'));

const open: Transport[] = [];

async function transport(
  options: UdpTransportOptions = { discoveryRange: 'localhost' },
): Promise<UdpTransport> {
  const t = await UdpTransport.create(options);
  open.push(t);
  return t;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

interface Received {
  readonly data: Uint8Array;
  readonly from: UdpLocator;
}

function collect(channel: ReceiveChannel): Received[] {
  const got: Received[] = [];
  channel.onDatagram((data, from) => got.push({ data, from }));
  return got;
}

async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 3_000, interval: 5 });
}

describe('UdpTransport in the sandbox', () => {
  it('is in the loopback-only namespace', () => {
    expect(process.env['ROS2TS_NETNS']).toBe('1');
    expect(ipv4InterfaceAddresses()).toEqual(['127.0.0.1']);
  });

  it('sends and receives unicast on 127.0.0.1', async () => {
    const a = await transport();
    const b = await transport();
    const channel = await b.openUnicast('any');
    const got = collect(channel);
    const big = new Uint8Array(60_000).map((_, i) => i & 0xff);
    a.send(Uint8Array.of(1, 2, 3), { address: '127.0.0.1', port: channel.port });
    a.send(big, { address: '127.0.0.1', port: channel.port });
    await until(() => got.length === 2);
    expect([...got[0]!.data]).toEqual([1, 2, 3]);
    expect(Buffer.compare(got[1]!.data, big)).toBe(0); // toEqual on 60k elements takes 0.4 s
    expect(got[0]!.from.address).toBe('127.0.0.1');
    expect(got[0]!.from.port).toBeGreaterThan(0);
    expect(a.stats).toMatchObject({ sent: 2, sentBytes: 60_003, sendErrors: 0 });
    expect(b.stats).toMatchObject({ received: 2, receivedBytes: 60_003 });
  });

  it('moves a destination to a socket connected to it, on loopback, losing and reordering nothing', async () => {
    const a = await transport();
    const b = await transport();
    const channel = await b.openUnicast('any');
    const got = collect(channel);
    const to = { address: '127.0.0.1', port: channel.port };
    for (let i = 0; i < 200; i++) {
      a.send(Uint8Array.of(i), to);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => got.length === 200);
    expect(got.map((g) => g.data[0])).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const sources = new Set(got.map((g) => g.from.port));
    // The first datagrams leave from the shared sender, the rest from the connected socket.
    expect(sources.size).toBe(2);
    expect(got.every((g) => g.from.address === '127.0.0.1')).toBe(true);
    expect(got[got.length - 1]!.from.port).not.toBe(got[0]!.from.port);
    // Only a destination sent to again and again gets a socket: the first 63 share the sender.
    expect(got.slice(0, 63).every((g) => g.from.port === got[0]!.from.port)).toBe(true);
  });

  it('copies on send: the caller may reuse its buffer at once', async () => {
    const a = await transport();
    const channel = await a.openUnicast('any');
    const got = collect(channel);
    const buffer = Uint8Array.of(1, 1);
    a.send(buffer, { address: '127.0.0.1', port: channel.port });
    buffer.fill(2);
    a.send(buffer, { address: '127.0.0.1', port: channel.port });
    await until(() => got.length === 2);
    expect(got.map((r) => [...r.data])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('sends large datagrams from pooled buffers, given back once sent, on the shared and the connected sender', async () => {
    const a = await transport();
    const b = await transport();
    const channel = await b.openUnicast('any');
    const got = collect(channel);
    const to = { address: '127.0.0.1', port: channel.port };
    const buffer = new Uint8Array(20_000);
    // 80 datagrams: past the 64th the destination has a connected socket. Batches of 8 (160 KB)
    // stay under a default receive buffer.
    for (let batch = 0; batch < 10; batch++) {
      for (let k = 0; k < 8; k++) {
        buffer.fill(batch * 8 + k); // the caller reuses its buffer at once
        a.send(buffer, to);
      }
      // dgram gives a buffer back on its send callback, a tick later at the earliest.
      expect(a.sendBuffersInUse).toBe(8);
      await until(() => got.length === (batch + 1) * 8);
    }
    await until(() => a.sendBuffersInUse === 0);
    expect(got.map((g) => g.data.length)).toEqual(Array(80).fill(20_000));
    expect(got.every((g, i) => g.data.every((x) => x === i))).toBe(true);
    expect(new Set(got.map((g) => g.from.port)).size).toBe(2);
    expect(a.stats).toMatchObject({ sent: 80, sentBytes: 1_600_000, sendErrors: 0 });
  });

  it('rejects a taken port with PortInUseError, in the same transport or another, and frees it on close', async () => {
    const a = await transport();
    const b = await transport({ discoveryRange: 'subnet' }); // 0.0.0.0 conflicts with 127.0.0.1 too
    const { metatrafficUnicast: port } = rtpsPorts(0, 0);
    const first = await a.openUnicast(port);
    expect(first.port).toBe(port);
    const error = await a.openUnicast(port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ name: 'PortInUseError', port });
    await expect(b.openUnicast(port)).rejects.toBeInstanceOf(PortInUseError);
    await first.close();
    await expect(b.openUnicast(port)).resolves.toMatchObject({ port });
  });

  it('lets a participant probe 7410+2i for the first free id', async () => {
    const ids: number[] = [];
    for (let p = 0; p < 3; p++) {
      const t = await transport();
      for (let id = 0; ; id++) {
        try {
          await t.openUnicast(rtpsPorts(0, id).metatrafficUnicast);
          ids.push(id);
          break;
        } catch (e) {
          if (!(e instanceof PortInUseError)) throw e;
        }
      }
    }
    expect(ids).toEqual([0, 1, 2]);
  });

  for (const discoveryRange of ['localhost', 'subnet'] as const) {
    it(`delivers ${SPDP_MULTICAST_GROUP} to every channel on the port (range ${discoveryRange})`, async () => {
      const a = await transport({ discoveryRange });
      const b = await transport({ discoveryRange });
      const sender = await transport({ discoveryRange });
      const { metatrafficMulticast: port } = rtpsPorts(0, 0);
      const onA = collect(await a.openMulticast(SPDP_MULTICAST_GROUP, port));
      const onB = collect(await b.openMulticast(SPDP_MULTICAST_GROUP, port));
      const onB2 = collect(await b.openMulticast(SPDP_MULTICAST_GROUP, port));
      const otherGroup = collect(await b.openMulticast('239.255.0.2', port));
      const unicastToo = await a.openUnicast('any');
      const strayUnicast = collect(unicastToo);

      sender.send(Uint8Array.of(0x52, 0x54, 0x50, 0x53), { address: SPDP_MULTICAST_GROUP, port });
      await until(() => onA.length === 1 && onB.length === 1 && onB2.length === 1);
      expect([...onA[0]!.data]).toEqual([0x52, 0x54, 0x50, 0x53]);
      expect(onB[0]!.from.address).toBe('127.0.0.1');
      expect(sender.stats.sent).toBe(1); // one interface in the sandbox
      // A unicast datagram to a port does not reach multicast channels bound to the group.
      sender.send(Uint8Array.of(9), { address: '127.0.0.1', port: unicastToo.port });
      await until(() => strayUnicast.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(otherGroup).toEqual([]);
      expect(onA.length + onB.length + onB2.length).toBe(3);
    });
  }

  it('has no multicast in range off', async () => {
    const t = await transport({ discoveryRange: 'off' });
    expect(t.interfaces).toEqual([]);
    await expect(t.openMulticast(SPDP_MULTICAST_GROUP, 7400)).rejects.toBeInstanceOf(
      MulticastUnavailableError,
    );
    t.send(Uint8Array.of(1), { address: SPDP_MULTICAST_GROUP, port: 7400 });
    expect(t.stats.sendErrors).toBe(1);
  });

  it('counts send errors instead of throwing', async () => {
    const a = await transport();
    const channel = await a.openUnicast('any');
    expect(() => {
      a.send(Uint8Array.of(1), { address: 'localhost', port: channel.port }); // names are never resolved
      a.send(Uint8Array.of(1), { address: '127.0.0.256', port: channel.port });
      a.send(Uint8Array.of(1), { address: '127.0.0.1', port: 0 });
      a.send(new Uint8Array(65_508), { address: '127.0.0.1', port: channel.port });
    }).not.toThrow();
    expect(a.stats.sendErrors).toBe(4);
    // 65 507 bytes is the IPv4 maximum and fits through lo.
    a.send(new Uint8Array(65_507), { address: '127.0.0.1', port: channel.port });
    await until(() => a.stats.sent === 1);
    await a.close();
    expect(() => a.send(Uint8Array.of(1), { address: '127.0.0.1', port: channel.port })).not.toThrow();
    expect(a.stats.sendErrors).toBe(5);
    await expect(a.openUnicast('any')).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('survives a throwing handler and counts it', async () => {
    const a = await transport();
    const channel = await a.openUnicast('any');
    channel.onDatagram(() => {
      throw new Error('handler bug');
    });
    const got = collect(channel);
    for (const n of [1, 2]) a.send(Uint8Array.of(n), { address: '127.0.0.1', port: channel.port });
    await until(() => got.length === 2);
    expect(a.stats.handlerErrors).toBe(2);
    expect(a.stats.socketErrors).toBe(0);
  });

  it('rejects bad arguments with typed errors', async () => {
    await expect(UdpTransport.create({ interfaces: ['eth0'] })).rejects.toBeInstanceOf(InvalidAddressError);
    const a = await transport();
    await expect(a.openUnicast(70_000)).rejects.toBeInstanceOf(InvalidAddressError);
    await expect(a.openMulticast('127.0.0.1', 7400)).rejects.toBeInstanceOf(InvalidAddressError);
  });

  it('closes channels idempotently and frees their ports', async () => {
    const a = await transport();
    const channel = await a.openUnicast('any');
    const port = channel.port;
    await Promise.all([channel.close(), channel.close()]);
    await expect(a.openUnicast(port)).resolves.toMatchObject({ port });
  });
});
