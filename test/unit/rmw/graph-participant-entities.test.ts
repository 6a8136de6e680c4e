/**
 * ParticipantEntitiesInfo against every ros_discovery_info sample of both Jazzy captures, the bundled
 * codec (Jazzy layout), and Humble's 24-byte gids.
 */
import { describe, expect, it } from 'vitest';
import { getCodec } from '../../../src/cdr/index.js';
import {
  decodeParticipantEntities,
  encodeParticipantEntities,
  GID_SIZE_HUMBLE,
  type ParticipantEntities,
  ParticipantEntitiesError,
} from '../../../src/rmw/graph/participant-entities.js';
import { decodeEndpointSample, sampleFromData } from '../../../src/rtps/discovery-data/index.js';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import { type Guid, guidKey, prefixKey } from '../../../src/rtps/wire/types.js';
import { sharedFile } from '../../shared.js';
import { readPcapUdp } from '../../support/pcap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replaceAll(' ', ''), 'hex'));

interface DiscoverySample {
  readonly frame: number;
  readonly writer: Guid;
  readonly payload: Uint8Array;
}

/** Every DATA of a writer SEDP announced on `ros_discovery_info`, in capture order. */
function discoveryInfoSamples(file: string): DiscoverySample[] {
  const writers = new Set<string>();
  const out: DiscoverySample[] = [];
  for (const d of readPcapUdp(sharedFile(file))) {
    const m = parseMessage(d.payload, new DropCounter());
    if (!m) continue;
    const vendor = (m.header.vendorId[0] << 8) | m.header.vendorId[1];
    for (const s of m.submessages) {
      if (s.kind !== 'DATA' || !s.payload) continue;
      const writer = { prefix: m.header.guidPrefix, entityId: s.writerId };
      if (s.writerId === 0x3c2) {
        const change = decodeEndpointSample('writer', sampleFromData(s), vendor);
        if (change.kind === 'alive' && change.data.topicName === 'ros_discovery_info') {
          writers.add(guidKey(change.data.guid));
        }
      } else if (writers.has(guidKey(writer))) out.push({ frame: d.frame, writer, payload: s.payload });
    }
  }
  return out;
}

const CAPTURES = {
  cyclone: {
    samples: discoveryInfoSamples('captures/jazzy-cyclonedds-tutorial.pcap'),
    firstTurtlesim: 35,
    writerEntity: 0x00000403,
    zeroPadding: true,
  },
  fastdds: {
    samples: discoveryInfoSamples('captures/jazzy-fastrtps-tutorial.pcap'),
    firstTurtlesim: 128,
    writerEntity: 0x00000103,
    // Fast CDR leaves the alignment bytes after a string uninitialised (frame 135: `65 71`).
    zeroPadding: false,
  },
};

/** The payload with the alignment bytes after each string zeroed (Jazzy layout). */
function withZeroPadding(payload: Uint8Array, info: ParticipantEntities): Uint8Array {
  const out = payload.slice();
  let at = 4 + 16 + 4;
  const string = (s: string) => {
    const end = at + 4 + new TextEncoder().encode(s).length + 1;
    at = 4 + ((end - 4 + 3) & ~3);
    out.fill(0, end, at);
  };
  for (const n of info.nodes) {
    string(n.namespace);
    string(n.name);
    at += 4 + 16 * n.readers.length + 4 + 16 * n.writers.length;
  }
  return out;
}

const TUTORIAL_NODES = [
  '_ros2cli_6551|_ros2cli_6959', // ros2 service list (pid differs per run)
  'turtlesim',
  '_ros2cli_requester_turtlesim_Spawn',
  'draw_circle',
  '_ros2cli_requester_std_srvs_Trigger',
  'big_pub',
];

describe.each(Object.entries(CAPTURES))('golden: ros_discovery_info of the %s capture', (_name, capture) => {
  it('every sample decodes as Jazzy, with gid = the sender participant GUID (prefix + 000001c1)', () => {
    expect(capture.samples.length).toBeGreaterThan(100);
    for (const s of capture.samples) {
      const info = decodeParticipantEntities(s.payload);
      expect(info.gidSize, `frame ${s.frame}`).toBe(16);
      expect(guidKey(info.gid)).toBe(guidKey({ prefix: s.writer.prefix, entityId: 0x000001c1 }));
      expect(s.writer.entityId).toBe(capture.writerEntity);
    }
  });

  it('every sample re-encodes to the bytes the peer sent (but padding), and the bundled codec agrees', () => {
    const codec = getCodec('rmw_dds_common/msg/ParticipantEntitiesInfo');
    let dirtyPadding = false;
    for (const s of capture.samples) {
      const info = decodeParticipantEntities(s.payload);
      const ours = encodeParticipantEntities(info);
      expect(hex(ours), `frame ${s.frame}`).toBe(hex(withZeroPadding(s.payload, info)));
      if (capture.zeroPadding) expect(hex(ours), `frame ${s.frame}`).toBe(hex(s.payload));
      else dirtyPadding ||= hex(ours) !== hex(s.payload);
      const viaCodec = codec.decode(s.payload);
      expect(viaCodec.node_entities_info_seq.map((n) => n.node_name)).toEqual(info.nodes.map((n) => n.name));
      expect(hex(viaCodec.gid.data)).toBe(hex(Uint8Array.from([...info.gid.prefix, 0, 0, 0x01, 0xc1])));
    }
    expect(dirtyPadding).toBe(!capture.zeroPadding);
  });

  it("names the tutorial's nodes, all in namespace /", () => {
    const names = new Set(
      capture.samples.flatMap((s) => decodeParticipantEntities(s.payload).nodes.map((n) => n.name)),
    );
    for (const expected of TUTORIAL_NODES) {
      expect(
        [...names].some((n) => expected.split('|').includes(n)),
        expected,
      ).toBe(true);
    }
    const namespaces = capture.samples.flatMap((s) =>
      decodeParticipantEntities(s.payload).nodes.map((n) => n.namespace),
    );
    expect(new Set(namespaces)).toEqual(new Set(['/']));
  });

  it("turtlesim's first snapshot: 744 bytes, node /turtlesim with 20 reader and 23 writer gids of its own", () => {
    const s = capture.samples.find((x) => x.frame === capture.firstTurtlesim)!;
    expect(s.payload.length).toBe(744);
    const info = decodeParticipantEntities(s.payload);
    expect(info.nodes).toHaveLength(1);
    const node = info.nodes[0]!;
    expect([node.namespace, node.name, node.readers.length, node.writers.length]).toEqual([
      '/',
      'turtlesim',
      20,
      23,
    ]);
    for (const g of [...node.readers, ...node.writers])
      expect(prefixKey(g.prefix)).toBe(prefixKey(info.gid.prefix));
    expect(node.readers.every((g) => (g.entityId & 0xff) === 0x04)).toBe(true);
    expect(node.writers.every((g) => (g.entityId & 0xff) === 0x03)).toBe(true);
  });
});

it('golden: Cyclone frame 31 is `ros2 service list`: 76 bytes, node /_ros2cli_6551, 0 readers, 1 writer', () => {
  const s = CAPTURES.cyclone.samples.find((x) => x.frame === 31)!;
  expect(s.payload.length).toBe(76);
  const info = decodeParticipantEntities(s.payload);
  expect(guidKey(info.gid)).toBe('011088459a18f6c08f7b331b.000001c1');
  expect(info.nodes.map((n) => [n.namespace, n.name, n.readers.length, n.writers.length])).toEqual([
    ['/', '_ros2cli_6551', 0, 1],
  ]);
});

const gid = (prefix: string, entityId: number): Guid => ({ prefix: unhex(prefix), entityId });
const SAMPLE: ParticipantEntities = {
  gid: gid('0102030405060708090a0b0c', 0x1c1),
  nodes: [
    {
      namespace: '/ns',
      name: 'talker',
      readers: [gid('0102030405060708090a0b0c', 0x104)],
      writers: [gid('0102030405060708090a0b0c', 0x203), gid('0102030405060708090a0b0c', 0x303)],
    },
    { namespace: '/', name: 'ünïcode', readers: [], writers: [] },
  ],
};

describe('Humble layout (24-byte gids)', () => {
  it('is the 16 bytes then 8 zero bytes, and decodes back as Humble', () => {
    const humble = encodeParticipantEntities(SAMPLE, GID_SIZE_HUMBLE);
    expect(hex(humble.subarray(4, 28))).toBe(`0102030405060708090a0b0c000001c1${'00'.repeat(8)}`);
    const back = decodeParticipantEntities(humble);
    expect(back.gidSize).toBe(24);
    expect(encodeParticipantEntities(back)).toEqual(encodeParticipantEntities(SAMPLE));
  });

  it('a real Jazzy sample converted to Humble is detected as Humble, with the same content', () => {
    const s = CAPTURES.cyclone.samples.find((x) => x.frame === CAPTURES.cyclone.firstTurtlesim)!;
    const jazzy = decodeParticipantEntities(s.payload);
    const humble = decodeParticipantEntities(encodeParticipantEntities(jazzy, GID_SIZE_HUMBLE));
    expect(humble.gidSize).toBe(24);
    expect(hex(encodeParticipantEntities(humble))).toBe(hex(s.payload));
  });

  it('an empty Humble snapshot (as a leaving node sends) is not mistaken for Jazzy', () => {
    const empty = encodeParticipantEntities({ gid: SAMPLE.gid, nodes: [] }, GID_SIZE_HUMBLE);
    expect(empty.length).toBe(32);
    expect(decodeParticipantEntities(empty).gidSize).toBe(24);
    expect(decodeParticipantEntities(encodeParticipantEntities({ gid: SAMPLE.gid, nodes: [] })).gidSize).toBe(
      16,
    );
  });
});

describe('decoding', () => {
  it('reads a big-endian payload', () => {
    const be = unhex(
      '00000000' +
        '0102030405060708090a0b0c000001c1' +
        '00000001' +
        '00000002 2f000000' +
        '00000002 6e000000' +
        '00000000' +
        '00000001 0102030405060708090a0b0c00000103',
    );
    const info = decodeParticipantEntities(be);
    expect(info.nodes).toEqual([
      { namespace: '/', name: 'n', readers: [], writers: [gid('0102030405060708090a0b0c', 0x103)] },
    ]);
  });

  it('round-trips non-ASCII names and several nodes', () => {
    const back = decodeParticipantEntities(encodeParticipantEntities(SAMPLE));
    expect(back.nodes.map((n) => n.name)).toEqual(['talker', 'ünïcode']);
    expect(back.nodes[0]!.writers.map(guidKey)).toEqual(SAMPLE.nodes[0]!.writers.map(guidKey));
  });

  it('refuses truncated, padded-out, wrongly encapsulated and absurd payloads', () => {
    const good = encodeParticipantEntities(SAMPLE);
    expect(() => decodeParticipantEntities(good.subarray(0, good.length - 4))).toThrow(
      ParticipantEntitiesError,
    );
    expect(() => decodeParticipantEntities(Uint8Array.from([...good, 0, 0, 0, 0]))).toThrow(
      ParticipantEntitiesError,
    );
    expect(() => decodeParticipantEntities(Uint8Array.from([0, 3, 0, 0, ...good.subarray(4)]))).toThrow(
      /encapsulation/,
    );
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(20, 0x7fffffff, true); // node count
    expect(() => decodeParticipantEntities(huge)).toThrow(ParticipantEntitiesError);
  });

  it('accepts up to 3 bytes of trailing padding', () => {
    const good = encodeParticipantEntities(SAMPLE);
    expect(decodeParticipantEntities(Uint8Array.from([...good, 0, 0, 0])).nodes).toHaveLength(2);
  });

  it('refuses a string without its NUL', () => {
    const bad = encodeParticipantEntities({
      gid: SAMPLE.gid,
      nodes: [{ namespace: '/', name: 'x', readers: [], writers: [] }],
    });
    bad[4 + 16 + 4 + 8 + 4 + 1] = 0x41; // the NUL after "x"
    expect(() => decodeParticipantEntities(bad)).toThrow(/NUL/);
  });
});
