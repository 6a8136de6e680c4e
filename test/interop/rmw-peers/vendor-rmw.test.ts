/**
 * The rmw peers themselves (rmw-peers.ts), before ros2ts joins them: for each vendor, its
 * trigger-client gets answers from its trigger-server, its twist-pub reaches its twist-sub, and
 * its graph mode sees its node from a second process; the two vendors' ros_discovery_info agree.
 * Then the traffic of a service call per vendor, captured with tcpdump on the namespace's
 * loopback and parsed with our own RTPS parser, must show what WIRE.md sections 2-5 say the RMWs
 * send: Fast DDS's related sample identity in inline QoS PID 0x800f, Cyclone's 16-byte payload
 * header, the ROS topic and type names, QoS and USER_DATA in discovery.
 *
 *   scripts/netns-run npx vitest run test/interop/rmw-peers
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import {
  findParameter,
  type ParameterList,
  parseParameterList,
} from '../../../src/rtps/wire/parameter-list.js';
import type { DataSubmessage } from '../../../src/rtps/wire/submessage.js';
import { readPcapUdp, type UdpDatagram } from '../../support/pcap.js';
import { assertSandboxed } from '../../support/sandbox.js';
import {
  buildRmwPeer,
  type GraphNode,
  graphNodes,
  hasNode,
  killAllRmwPeers,
  type PeerLine,
  RMW_TYPES,
  type RmwPeer,
  rmwPeerArgs,
  startRmwPeer,
  TRIGGER_MESSAGE,
  VENDORS,
  type Vendor,
} from './rmw-peers.js';

const FILE = 'test/interop/rmw-peers/vendor-rmw.test.ts';
/** Domains of their own, away from the other interop files' (7, 20.., 90). */
const DOMAIN = 71;
const CAPTURE_DOMAIN = 72;
const STEP_MS = 15_000;

beforeAll(async () => {
  assertSandboxed(FILE);
  await Promise.all(VENDORS.map((v) => buildRmwPeer(v)));
});

afterEach(() => killAllRmwPeers());

let counter = 0;
const unique = (what: string) => `${what}_${process.pid}_${++counter}`;
const str = (line: PeerLine, key: string): string => {
  const v = line[key];
  if (typeof v !== 'string') throw new Error(`no string "${key}" in ${JSON.stringify(line)}`);
  return v;
};

async function stop(peer: RmwPeer): Promise<number | null> {
  peer.kill('SIGTERM');
  return (await peer.result()).code;
}

describe.each(VENDORS)('%s rmw peer', (vendor) => {
  it('trigger-client gets 5 answers from trigger-server, and the server sees the client node', async () => {
    const svc = unique('trigger');
    const server = startRmwPeer(
      vendor,
      rmwPeerArgs('trigger-server', `/${svc}`, { domain: DOMAIN, node: `${svc}_server`, timeoutMs: 30_000 }),
    );
    const serverReady = await server.waitFor('ready', STEP_MS);
    const client = startRmwPeer(
      vendor,
      rmwPeerArgs('trigger-client', svc, {
        domain: DOMAIN,
        count: 5,
        node: `${svc}_client`,
        timeoutMs: 20_000,
        lingerMs: 20_000,
      }),
    );
    const clientReady = await client.waitFor('ready', STEP_MS);
    await client.waitFor('done', STEP_MS);
    // A client lists its request writer and reply reader in its node (WIRE.md 4). The server may
    // need a Fast DDS heartbeat period (3 s) to get it: the client lingers until then.
    const graph = await server.waitFor('graph', STEP_MS, hasNode(`${svc}_client`));
    client.kill('SIGTERM');
    const result = await client.result();
    expect(result.code, result.stderr).toBe(0);
    const responses = result.lines.filter((l) => l.event === 'response');
    expect(responses.map((r) => r['seq'])).toEqual([1, 2, 3, 4, 5]);
    for (const r of responses) expect(r).toMatchObject({ success: true, message: TRIGGER_MESSAGE[vendor] });

    await server.waitFor('replied', STEP_MS, (l) => l['seq'] === 5);
    const requests = server.events('request');
    expect(requests.map((r) => r['seq'])).toEqual([1, 2, 3, 4, 5]);
    if (vendor === 'fastdds') {
      // Correlated by the client's reply reader (inline QoS 0x800f), not its request writer.
      for (const r of requests) {
        expect(r).toMatchObject({
          writer: clientReady['request_writer'],
          related: clientReady['reply_reader'],
        });
      }
    } else {
      for (const r of requests) expect(r['guid']).toBe(clientReady['client_guid']);
    }
    // Keyless entity kinds: writers ...03, readers ...04.
    expect(str(serverReady, 'request_reader')).toMatch(/04$/);
    expect(str(serverReady, 'reply_writer')).toMatch(/03$/);
    expect(str(clientReady, 'request_writer')).toMatch(/03$/);
    expect(str(clientReady, 'reply_reader')).toMatch(/04$/);

    expect(graphNodes(graph)).toEqual([
      {
        name: `${svc}_client`,
        namespace: '/',
        gid: str(clientReady, 'participant'),
        readers: 1,
        writers: 1,
        reader_gids: [str(clientReady, 'reply_reader')],
        writer_gids: [str(clientReady, 'request_writer')],
      } satisfies GraphNode,
    ]);
    expect(await stop(server)).toBe(0);
  });

  it('twist-pub → twist-sub delivers 5 Twists in order', async () => {
    const topic = unique('twist');
    const sub = startRmwPeer(
      vendor,
      rmwPeerArgs('twist-sub', topic, { domain: DOMAIN, count: 5, timeoutMs: 20_000 }),
    );
    await sub.waitFor('ready', STEP_MS);
    const pub = startRmwPeer(
      vendor,
      rmwPeerArgs('twist-pub', `/${topic}`, { domain: DOMAIN, count: 5, intervalMs: 50, timeoutMs: 20_000 }),
    );
    const pubReady = await pub.waitFor('ready', STEP_MS);
    const [p, s] = await Promise.all([pub.result(), sub.result()]);
    expect(s.code, s.stderr).toBe(0);
    expect(p.code, p.stderr).toBe(0);
    const twists = s.lines.filter((l) => l.event === 'twist');
    expect(twists).toEqual(
      [1, 2, 3, 4, 5].map((k) => ({
        event: 'twist',
        vendor,
        linear_x: 0.5,
        linear_y: 0,
        linear_z: 0,
        angular_x: 0,
        angular_y: 0,
        angular_z: k,
        writer: pubReady['writer'],
      })),
    );
    expect(p.lines.find((l) => l.event === 'published')).toMatchObject({ count: 5, acked: true });
  });

  it("graph: a second process sees the first one's node, and the first sees the second", async () => {
    const a = unique(`${vendor}_graph_a`);
    const b = unique(`${vendor}_graph_b`);
    const first = startRmwPeer(
      vendor,
      rmwPeerArgs('graph', undefined, {
        domain: DOMAIN,
        node: a,
        namespace: '/rmw_peers',
        topic: unique('graph_twist'),
        timeoutMs: 20_000,
      }),
    );
    const firstReady = await first.waitFor('ready', STEP_MS);
    const second = startRmwPeer(
      vendor,
      rmwPeerArgs('graph', undefined, { domain: DOMAIN, node: b, timeoutMs: 20_000 }),
    );
    const secondReady = await second.waitFor('ready', STEP_MS);
    const seen = await second.waitFor('graph', STEP_MS, hasNode(a));
    expect(seen['gid']).toBe(firstReady['participant']);
    expect(str(seen, 'gid')).toMatch(/000001c1$/);
    expect(graphNodes(seen)).toEqual([
      {
        name: a,
        namespace: '/rmw_peers',
        gid: firstReady['participant'],
        readers: 0,
        writers: 1,
        reader_gids: [],
        writer_gids: firstReady['writer_gids'],
      },
    ]);
    const back = await first.waitFor('graph', STEP_MS, hasNode(b));
    expect(graphNodes(back)).toMatchObject([{ name: b, namespace: '/', gid: secondReady['participant'] }]);
    expect(await Promise.all([stop(first), stop(second)])).toEqual([0, 0]);
  });
});

it('ros_discovery_info across vendors: each sees the other node', async () => {
  const names = { fastdds: unique('fastdds_node'), cyclone: unique('cyclone_node') };
  const peers = VENDORS.map((v) =>
    startRmwPeer(v, rmwPeerArgs('graph', undefined, { domain: DOMAIN, node: names[v], timeoutMs: 20_000 })),
  );
  const ready = await Promise.all(peers.map((p) => p.waitFor('ready', STEP_MS)));
  const [fast, cyclone] = peers as [RmwPeer, RmwPeer];
  const [fastReady, cycloneReady] = ready as [PeerLine, PeerLine];
  const [inFast, inCyclone] = await Promise.all([
    fast.waitFor('graph', STEP_MS, hasNode(names.cyclone)),
    cyclone.waitFor('graph', STEP_MS, hasNode(names.fastdds)),
  ]);
  expect(graphNodes(inFast)).toMatchObject([{ name: names.cyclone, gid: cycloneReady['participant'] }]);
  expect(graphNodes(inCyclone)).toMatchObject([{ name: names.fastdds, gid: fastReady['participant'] }]);
  expect(str(fastReady, 'participant')).toMatch(/^010f/);
  expect(str(cycloneReady, 'participant')).toMatch(/^0110/);
  expect(await Promise.all(peers.map(stop))).toEqual([0, 0]);
});

/** One DATA as sent: the sender's GUID prefix (hex) and the submessage. */
interface SentData {
  readonly prefix: string;
  readonly vendor: string;
  readonly data: DataSubmessage;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const entity = (gid: string) => Number.parseInt(gid.slice(24), 16);

function sentData(datagrams: readonly UdpDatagram[]): SentData[] {
  const out: SentData[] = [];
  const drops = new DropCounter();
  for (const d of datagrams) {
    const m = parseMessage(d.payload, drops);
    if (!m) continue;
    let prefix = hex(m.header.guidPrefix);
    let vendor = hex(Uint8Array.from(m.header.vendorId));
    for (const s of m.submessages) {
      if (s.kind === 'INFO_SRC') {
        prefix = hex(s.guidPrefix);
        vendor = hex(Uint8Array.from(s.vendorId));
      }
      if (s.kind === 'DATA') out.push({ prefix, vendor, data: s });
    }
  }
  return out;
}

/** Distinct DATAs of one writer (its GUID as hex), by writerSN (retransmissions dropped). */
function dataOf(all: readonly SentData[], gid: string): DataSubmessage[] {
  const bySn = new Map<number, DataSubmessage>();
  for (const d of all)
    if (d.prefix === gid.slice(0, 24) && d.data.writerId === entity(gid) && !bySn.has(d.data.writerSN))
      bySn.set(d.data.writerSN, d.data);
  return [...bySn.values()].sort((x, y) => x.writerSN - y.writerSN);
}

const inlineQos = (d: DataSubmessage): ParameterList | undefined =>
  d.inlineQos ? parseParameterList(d.inlineQos, (d.flags & 1) === 1) : undefined;

/** A CDR string parameter value (u32 length with the NUL, bytes) in the list's byte order. */
function cdrString(value: Uint8Array | undefined, le: boolean): string | undefined {
  if (!value) return undefined;
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const n = dv.getUint32(0, le);
  return Buffer.from(value.subarray(4, 4 + n - 1)).toString('latin1');
}

const u32 = (value: Uint8Array | undefined, le: boolean): number | undefined =>
  value ? new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0, le) : undefined;

/** What SEDP said of one endpoint. */
interface Announced {
  readonly prefix: string;
  readonly kind: 'writer' | 'reader';
  readonly topic?: string;
  readonly type?: string;
  /** RTPS kinds: 1 best-effort, 2 reliable; absent when not sent. */
  readonly reliability?: number;
  /** 0 volatile, 1 transient-local; absent when not sent (= volatile). */
  readonly durability?: number;
  readonly history?: readonly [number, number];
  readonly userData?: string;
}

const SEDP_PUBLICATIONS_WRITER = 0x000003c2;
const SEDP_SUBSCRIPTIONS_WRITER = 0x000004c2;
const SPDP_WRITER = 0x000100c2;

function announced(all: readonly SentData[]): Announced[] {
  const out: Announced[] = [];
  for (const { prefix, data } of all) {
    const sedp = data.writerId === SEDP_PUBLICATIONS_WRITER || data.writerId === SEDP_SUBSCRIPTIONS_WRITER;
    if (!sedp || !data.payload || data.payload.length < 4) continue;
    const le = data.payload[1] === 0x03; // PL_CDR_LE
    const pl = parseParameterList(data.payload.subarray(4), le);
    const history = findParameter(pl, 0x0040);
    const userData = findParameter(pl, 0x002c);
    out.push({
      prefix,
      kind: data.writerId === SEDP_PUBLICATIONS_WRITER ? 'writer' : 'reader',
      topic: cdrString(findParameter(pl, 0x0005), le),
      type: cdrString(findParameter(pl, 0x0007), le),
      reliability: u32(findParameter(pl, 0x001a), le),
      durability: u32(findParameter(pl, 0x001d), le),
      history: history ? [u32(history, le)!, u32(history.subarray(4), le)!] : undefined,
      userData: userData ? cdrBytes(userData, le) : undefined,
    });
  }
  return out;
}

/** A sequence<octet> parameter value as latin1 text. */
function cdrBytes(value: Uint8Array, le: boolean): string {
  const n = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0, le);
  return Buffer.from(value.subarray(4, 4 + n)).toString('latin1');
}

function participantUserData(all: readonly SentData[], prefix: string): string | undefined {
  for (const d of all) {
    if (d.prefix !== prefix || d.data.writerId !== SPDP_WRITER || !d.data.payload) continue;
    const le = d.data.payload[1] === 0x03;
    const value = findParameter(parseParameterList(d.data.payload.subarray(4), le), 0x002c);
    if (value) return cdrBytes(value, le);
  }
  return undefined;
}

const HASHES = {
  request: 'typehash=RIHS01_d010825374ce8918e72bfd826c82603e60f45419e932ea976f807b74a863a199;',
  response: 'typehash=RIHS01_2d946c21e2fc3f1e9ca6986a8191d85fcc70097a8bb7771a053564bc47009cdf;',
  graph: 'typehash=RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e;',
};

describe('on the wire: one service call per vendor, captured with tcpdump', () => {
  const svc = unique('wire');
  let dir: string | undefined;
  let all: SentData[] = [];
  const ready: Record<Vendor, { server?: PeerLine; client?: PeerLine }> = { fastdds: {}, cyclone: {} };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ros2ts-rmw-capture-'));
    const file = join(dir, 'rmw-peers.pcap');
    const base = 7400 + 250 * CAPTURE_DOMAIN;
    const tcpdump: ChildProcess = spawn(
      'tcpdump',
      [
        '-i',
        'lo',
        '--immediate-mode',
        '-U',
        '-s',
        '0',
        '-w',
        file,
        'udp',
        'portrange',
        `${base}-${base + 249}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      tcpdump.on('error', (e) =>
        reject(new Error(`tcpdump could not start (install the Debian package tcpdump): ${e.message}`)),
      );
      tcpdump.stderr!.on('data', (b: Buffer) => {
        if (b.toString().includes('listening on')) resolve();
      });
    });
    try {
      for (const vendor of VENDORS) {
        const o = { domain: CAPTURE_DOMAIN, timeoutMs: 20_000 };
        const server = startRmwPeer(
          vendor,
          rmwPeerArgs('trigger-server', svc, { ...o, node: 'wire_server' }),
        );
        ready[vendor].server = await server.waitFor('ready', STEP_MS);
        const client = startRmwPeer(
          vendor,
          rmwPeerArgs('trigger-client', svc, { ...o, count: 2, node: 'wire_client' }),
        );
        ready[vendor].client = await client.waitFor('ready', STEP_MS);
        const result = await client.result();
        expect(result.code, JSON.stringify(result.lines)).toBe(0);
        expect(await stop(server)).toBe(0);
      }
    } finally {
      // Packets still in the kernel's capture buffer are lost at SIGINT: give them a moment.
      await new Promise((r) => setTimeout(r, 300));
      const stopped = new Promise((r) => tcpdump.on('exit', r));
      tcpdump.kill('SIGINT');
      await stopped;
    }
    all = sentData(readPcapUdp(file));
  }, 60_000);

  afterAll(() => {
    killAllRmwPeers();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const gid = (vendor: Vendor, who: 'server' | 'client', key: string) => str(ready[vendor][who]!, key);

  it('Fast DDS: requests carry only PID 0x800f = (client reply reader, SN unknown); replies (reader, request SN)', () => {
    const replyReader = gid('fastdds', 'client', 'reply_reader');
    const requests = dataOf(all, gid('fastdds', 'client', 'request_writer'));
    expect(requests.map((d) => d.writerSN)).toEqual([1, 2]);
    for (const d of requests) {
      const qos = inlineQos(d);
      expect(qos?.parameters.map((p) => p.pid)).toEqual([0x800f]);
      const value = findParameter(qos!, 0x800f)!;
      expect(value.length).toBe(24);
      expect(hex(value)).toBe(`${replyReader}ffffffff00000000`);
      // Plain CDR: encapsulation CDR_LE, then the one uint8 member; no header.
      expect(hex(d.payload!.subarray(0, 5))).toBe('0001000000');
    }
    const replies = dataOf(all, gid('fastdds', 'server', 'reply_writer'));
    expect(replies.map((d) => d.writerSN)).toEqual([1, 2]);
    replies.forEach((d, i) => {
      const qos = inlineQos(d)!;
      expect(qos.parameters.map((p) => p.pid)).toEqual([0x800f]);
      expect(hex(findParameter(qos, 0x800f)!)).toBe(`${replyReader}00000000${`0${i + 1}`}000000`);
      // success, 3 padding bytes, the string "from fastdds" (13 with its NUL).
      const body = Buffer.from(d.payload!.subarray(4));
      expect(body[0]).toBe(1);
      expect(body.readUInt32LE(4)).toBe(13);
      expect(body.subarray(8, 20).toString()).toBe('from fastdds');
    });
  });

  it('Cyclone: every request and reply payload starts with the 16-byte {guid, seq} header', () => {
    const guid = gid('cyclone', 'client', 'client_guid');
    const requests = dataOf(all, gid('cyclone', 'client', 'request_writer'));
    expect(requests.map((d) => d.writerSN)).toEqual([1, 2]);
    requests.forEach((d, i) => {
      // No related sample identity: Cyclone puts none in inline QoS.
      expect(inlineQos(d) && findParameter(inlineQos(d)!, 0x800f)).toBeFalsy();
      const p = d.payload!;
      // CDR_LE; Cyclone 0.10.2's serializer puts the count of padding bytes at the end (3 here) in
      // the options (XTypes 7.6.3.1.2), where rmw_cyclonedds's own serdata leaves 00 00.
      expect(hex(p.subarray(0, 4))).toBe('00010003');
      expect(hex(p.subarray(4, 12))).toBe(guid);
      expect(Buffer.from(p).readBigInt64LE(12)).toBe(BigInt(i + 1));
      // The body (the one uint8) at offset 16 of the CDR stream, padded to 4 with zeros.
      expect(hex(p.subarray(20))).toBe('00000000');
    });
    const replies = dataOf(all, gid('cyclone', 'server', 'reply_writer'));
    expect(replies.map((d) => d.writerSN)).toEqual([1, 2]);
    replies.forEach((d, i) => {
      const p = Buffer.from(d.payload!);
      expect(hex(p.subarray(0, 4))).toBe('00010003'); // 37 bytes + 3 padding
      expect(hex(p.subarray(4, 12))).toBe(guid);
      expect(p.readBigInt64LE(12)).toBe(BigInt(i + 1));
      // success at stream offset 16, the string's length at 20 (aligned as without the header).
      expect(p[20]).toBe(1);
      expect(p.readUInt32LE(24)).toBe(13);
      expect(p.subarray(28, 40).toString()).toBe('from cyclone');
    });
  });

  it.each(VENDORS)('%s: SEDP announces the ROS names, types, QoS and type hashes', (vendor) => {
    const endpoints = announced(all);
    const of = (who: 'server' | 'client') =>
      endpoints.filter((e) => e.prefix === gid(vendor, who, 'participant').slice(0, 24));
    const find = (who: 'server' | 'client', kind: 'writer' | 'reader', topic: string) => {
      const e = of(who).find((x) => x.kind === kind && x.topic === topic);
      if (!e) throw new Error(`${vendor} ${who}: no ${kind} on ${topic} in ${JSON.stringify(of(who))}`);
      return e;
    };
    const volatile = vendor === 'fastdds' ? 0 : undefined; // Cyclone omits default policies
    const service = [
      ['server', 'reader', `rq/${svc}Request`, RMW_TYPES.triggerRequest, HASHES.request],
      ['server', 'writer', `rr/${svc}Reply`, RMW_TYPES.triggerResponse, HASHES.response],
      ['client', 'writer', `rq/${svc}Request`, RMW_TYPES.triggerRequest, HASHES.request],
      ['client', 'reader', `rr/${svc}Reply`, RMW_TYPES.triggerResponse, HASHES.response],
    ] as const;
    for (const [who, kind, topic, type, hash] of service) {
      const e = find(who, kind, topic);
      expect(e).toMatchObject({ type, reliability: 2, durability: volatile, userData: hash });
      // Fast DDS never sends HISTORY; Cyclone sends a depth other than 1.
      expect(e.history).toEqual(vendor === 'fastdds' ? undefined : [0, 10]);
    }
    for (const who of ['server', 'client'] as const) {
      expect(find(who, 'writer', 'ros_discovery_info')).toMatchObject({
        type: RMW_TYPES.graph,
        reliability: 2,
        durability: 1,
        userData: HASHES.graph,
      });
      expect(find(who, 'reader', 'ros_discovery_info')).toMatchObject({
        type: RMW_TYPES.graph,
        durability: 1,
      });
      expect(find(who, 'reader', 'ros_discovery_info').history?.[0]).toBe(
        vendor === 'fastdds' ? undefined : 1,
      );
    }
    // Participant USER_DATA: Fast DDS keeps the C string's NUL, Cyclone does not (WIRE.md 5).
    expect(participantUserData(all, gid(vendor, 'server', 'participant').slice(0, 24))).toBe(
      vendor === 'fastdds' ? 'enclave=/;\0' : 'enclave=/;',
    );
  });
});
