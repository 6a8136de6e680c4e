/**
 * Golden datagrams from the Debian peers themselves: a short exchange between Fast DDS 2.9.1
 * and Cyclone DDS 0.10.2 (and ros2ts) is captured with tcpdump on the namespace's loopback, and
 * every datagram must parse, every submessage re-encode to the bytes the peer sent, with what
 * WIRE.md section 9 says they send (protocol versions, Fast DDS's 0x80 statistics submessage
 * ending every datagram, Cyclone's DATA_FRAGs).
 *
 *   scripts/netns-run npx vitest run test/interop/debian-captures.test.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpsParticipant } from '../../src/rtps/participant/participant.js';
import { ByteWriter } from '../../src/rtps/wire/byte-writer.js';
import { DropCounter } from '../../src/rtps/wire/errors.js';
import { parseMessage, writeSubmessage } from '../../src/rtps/wire/message.js';
import { readPcapUdp, type UdpDatagram } from '../support/pcap.js';
import { assertSandboxed } from '../support/sandbox.js';
import { buildPeer, killAllPeers, peerArgs, startPeer, subSummary, type Vendor } from './peers.js';

/** A domain of its own, so the capture filter sees only this exchange. */
const DOMAIN = 90;
const PORTS = `${7400 + 250 * DOMAIN}-${7400 + 250 * DOMAIN + 249}`;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let dir: string;
let datagrams: UdpDatagram[] = [];

async function exchange(pub: Vendor, sub: Vendor, count: number, size: number, topic: string): Promise<void> {
  const common = { domain: DOMAIN, timeoutMs: 30_000, topic, count, size };
  const s = startPeer(sub, peerArgs('sub', { ...common, awaitWriter: true }));
  const p = startPeer(pub, peerArgs('pub', { ...common, awaitGo: true }));
  await Promise.all([p.waitFor('matched', 20_000), s.waitFor('matched', 20_000)]);
  p.go();
  const [, result] = await Promise.all([p.result(), s.result()]);
  expect(subSummary(result)).toMatchObject({ received: count, inOrder: true });
}

beforeAll(async () => {
  assertSandboxed('test/interop/debian-captures.test.ts');
  await Promise.all([buildPeer('fastdds'), buildPeer('cyclone')]);
  dir = mkdtempSync(join(tmpdir(), 'ros2ts-capture-'));
  const file = join(dir, 'debian-peers.pcap');
  const tcpdump: ChildProcess = spawn(
    'tcpdump',
    ['-i', 'lo', '-U', '-s', '0', '-w', file, 'udp', 'portrange', PORTS],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const started = new Promise<void>((resolve, reject) => {
    tcpdump.on('error', (e) =>
      reject(new Error(`tcpdump could not start (install the Debian package tcpdump): ${e.message}`)),
    );
    tcpdump.stderr!.on('data', (b: Buffer) => {
      if (b.toString().includes('listening on')) resolve();
    });
  });
  await started;
  const p = await RtpsParticipant.create({
    discovery: { domainId: DOMAIN, range: 'localhost', staticPeers: [] },
  });
  try {
    await exchange('fastdds', 'cyclone', 50, 64, 'small');
    await exchange('cyclone', 'fastdds', 2, 100_000, 'large');
  } finally {
    await p.close();
    const stopped = new Promise((r) => tcpdump.on('exit', r));
    tcpdump.kill('SIGINT');
    await stopped;
  }
  datagrams = readPcapUdp(file);
}, 120_000);

afterAll(() => {
  killAllPeers();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const vendorOf = (d: UdpDatagram) => hex(d.payload.subarray(6, 8));

describe('captured traffic of the Debian peers (and ros2ts)', () => {
  it('has all three talking', () => {
    const vendors = new Set(datagrams.filter((d) => d.payload.length >= 20).map(vendorOf));
    expect([...vendors].sort()).toEqual(['010f', '0110', '01f7']);
  });

  it('parses every RTPS datagram and re-encodes every submessage to the bytes sent', () => {
    const drops = new DropCounter();
    const kinds = new Map<string, number>();
    let parsed = 0;
    for (const d of datagrams) {
      const m = parseMessage(d.payload, drops);
      if (!m) continue;
      parsed++;
      let at = 20;
      for (const s of m.submessages) {
        const le = (d.payload[at + 1]! & 1) === 1;
        const len = le
          ? d.payload[at + 2]! | (d.payload[at + 3]! << 8)
          : (d.payload[at + 2]! << 8) | d.payload[at + 3]!;
        const raw = d.payload.subarray(at, at + 4 + len);
        at += 4 + len;
        const w = new ByteWriter();
        writeSubmessage(w, s);
        const label = `${vendorOf(d)} ${s.kind === 'UNKNOWN' ? `0x${s.id.toString(16)}` : s.kind}`;
        kinds.set(label, (kinds.get(label) ?? 0) + 1);
        if (hex(w.result()) !== hex(raw)) expect.fail(`frame ${d.frame} ${label} re-encodes differently`);
      }
    }
    expect(parsed).toBeGreaterThan(20); // discovery and data of three participants; the exact count varies
    // Only Cyclone's 1-byte goodbye pings are not RTPS.
    expect([...drops.counts.keys()].filter((k) => k !== 'not-rtps')).toEqual([]);
    expect(kinds.get('0110 DATA_FRAG')).toBeGreaterThan(0); // Cyclone fragments 100 kB samples
    expect(kinds.get('010f DATA')).toBeGreaterThan(0);
    expect(kinds.get('01f7 DATA')).toBeGreaterThan(0);
  });

  it('shows what WIRE.md section 9 says of each vendor', () => {
    const fast = datagrams.filter((d) => d.payload.length >= 20 && vendorOf(d) === '010f');
    const cyclone = datagrams.filter((d) => d.payload.length >= 20 && vendorOf(d) === '0110');
    // Protocol versions: Fast DDS 2.9.1 built with security says 2.3, Cyclone 0.10 says 2.1.
    expect(new Set(fast.map((d) => `${d.payload[4]}.${d.payload[5]}`))).toEqual(new Set(['2.3']));
    expect(new Set(cyclone.map((d) => `${d.payload[4]}.${d.payload[5]}`))).toEqual(new Set(['2.1']));
    // Every Fast DDS datagram ends with its statistics submessage 0x80.
    for (const d of fast) {
      const m = parseMessage(d.payload, new DropCounter())!;
      const last = m.submessages[m.submessages.length - 1]!;
      expect(last.kind === 'UNKNOWN' && last.id).toBe(0x80);
    }
  });
});
