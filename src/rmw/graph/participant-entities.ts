/**
 * `rmw_dds_common/msg/ParticipantEntitiesInfo`, the `ros_discovery_info` sample (WIRE.md 4), in both
 * layouts: Jazzy (and Iron) gids are 16 bytes, Humble's 24 (the same 16 and 8 zero bytes). The DDS
 * type name is the same, so a reader cannot tell them apart before decoding.
 *
 * Hand-written rather than the bundled codec because the bundled definition is Jazzy's only and the
 * layout check below needs to know where a decode stops; the tests hold the Jazzy form to the codec.
 *
 * Which layout a payload is: it is decoded as Jazzy, then as Humble, and the first decode that is
 * well formed (counts and string lengths inside the payload, strings NUL-terminated) and ends within
 * 3 bytes of the payload's end (the most padding a writer adds) wins. A Humble payload read as Jazzy
 * takes the gid's 4 zero bytes at 16..19 as "0 nodes" and so stops 8 bytes early; a Jazzy payload
 * read as Humble takes the node count and the first string length into the gid and then runs off
 * its strings, so real payloads never match both.
 */
import type { Guid } from '../../rtps/wire/types.js';

export const GID_SIZE_JAZZY = 16;
export const GID_SIZE_HUMBLE = 24;
export type GidSize = typeof GID_SIZE_JAZZY | typeof GID_SIZE_HUMBLE;

export interface NodeEntities {
  readonly namespace: string;
  readonly name: string;
  /** Subscriptions, service request readers, client reply readers. */
  readonly readers: readonly Guid[];
  /** Publishers, service reply writers, client request writers. */
  readonly writers: readonly Guid[];
}

export interface ParticipantEntities {
  /** The sending participant's GUID (prefix + 000001c1): the graph keys its nodes by it. */
  readonly gid: Guid;
  readonly nodes: readonly NodeEntities[];
}

export interface DecodedParticipantEntities extends ParticipantEntities {
  readonly gidSize: GidSize;
}

export class ParticipantEntitiesError extends Error {
  override name = 'ParticipantEntitiesError';
}

const ENCAPSULATION_SIZE = 4;
/** Two empty strings (4 + 1, aligned) and two empty gid sequences. */
const MIN_NODE_SIZE = 16;
/** One decoder for every string read (a payload holds a dozen; N peers each send theirs). */
const utf8Decoder = new TextDecoder();

/** The sample, CDR little endian, with gids of `gidSize` bytes (Jazzy's by default). */
export function encodeParticipantEntities(
  info: ParticipantEntities,
  gidSize: GidSize = GID_SIZE_JAZZY,
): Uint8Array {
  const w = new CdrOut(gidSize);
  w.gid(info.gid);
  w.u32(info.nodes.length);
  for (const node of info.nodes) {
    w.string(node.namespace);
    w.string(node.name);
    w.u32(node.readers.length);
    for (const g of node.readers) w.gid(g);
    w.u32(node.writers.length);
    for (const g of node.writers) w.gid(g);
  }
  return w.result();
}

/** Decodes either layout (see the module comment); throws ParticipantEntitiesError when neither fits. */
export function decodeParticipantEntities(payload: Uint8Array): DecodedParticipantEntities {
  const errors: string[] = [];
  for (const gidSize of [GID_SIZE_JAZZY, GID_SIZE_HUMBLE] as const) {
    try {
      return { ...decodeWith(payload, gidSize), gidSize };
    } catch (err) {
      if (!(err instanceof ParticipantEntitiesError)) throw err;
      errors.push(`${gidSize}-byte gids: ${err.message}`);
    }
  }
  throw new ParticipantEntitiesError(`not a ParticipantEntitiesInfo (${errors.join('; ')})`);
}

/** Decodes with one gid size, requiring the payload to end where the message does (up to padding). */
function decodeWith(payload: Uint8Array, gidSize: GidSize): ParticipantEntities {
  const r = new CdrIn(payload, gidSize);
  const gid = r.gid();
  const nodes: NodeEntities[] = [];
  const count = r.count(MIN_NODE_SIZE, 'node');
  for (let i = 0; i < count; i++) {
    const namespace = r.string('node namespace');
    const name = r.string('node name');
    const readers = r.gids('reader');
    const writers = r.gids('writer');
    nodes.push({ namespace, name, readers, writers });
  }
  r.end();
  return { gid, nodes };
}

class CdrIn {
  private readonly dv: DataView;
  private readonly le: boolean;
  private pos = ENCAPSULATION_SIZE;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly gidSize: GidSize,
  ) {
    if (bytes.length < ENCAPSULATION_SIZE || bytes[0] !== 0 || bytes[1]! > 1) {
      throw new ParticipantEntitiesError('no CDR encapsulation header');
    }
    this.le = bytes[1] === 1;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new ParticipantEntitiesError(
        `${what} at ${this.pos} needs ${n} bytes, ${this.bytes.length - this.pos} left`,
      );
    }
  }

  private u32(what: string): number {
    this.pos = ENCAPSULATION_SIZE + ((this.pos - ENCAPSULATION_SIZE + 3) & ~3);
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }

  /** A sequence length, refused when the remaining bytes cannot hold that many elements. */
  count(minElementSize: number, what: string): number {
    const n = this.u32(`${what} count`);
    if (n * minElementSize > this.bytes.length - this.pos) {
      throw new ParticipantEntitiesError(`${n} ${what}s cannot fit in ${this.bytes.length - this.pos} bytes`);
    }
    return n;
  }

  string(what: string): string {
    const length = this.u32(`${what} length`);
    if (length === 0) throw new ParticipantEntitiesError(`${what} has length 0 (no NUL)`);
    this.need(length, what);
    if (this.bytes[this.pos + length - 1] !== 0)
      throw new ParticipantEntitiesError(`${what} is not NUL-terminated`);
    const s = utf8Decoder.decode(this.bytes.subarray(this.pos, this.pos + length - 1));
    this.pos += length;
    return s;
  }

  gid(): Guid {
    this.need(this.gidSize, 'gid');
    const b = this.bytes;
    const p = this.pos;
    this.pos += this.gidSize;
    const entityId = ((b[p + 12]! << 24) | (b[p + 13]! << 16) | (b[p + 14]! << 8) | b[p + 15]!) >>> 0;
    return { prefix: b.slice(p, p + 12), entityId };
  }

  gids(what: string): Guid[] {
    const n = this.count(this.gidSize, `${what} gid`);
    const out: Guid[] = [];
    for (let i = 0; i < n; i++) out.push(this.gid());
    return out;
  }

  end(): void {
    const left = this.bytes.length - this.pos;
    if (left > 3) throw new ParticipantEntitiesError(`${left} bytes left after the message`);
  }
}

class CdrOut {
  private buf = new Uint8Array(256);
  private pos = ENCAPSULATION_SIZE;

  constructor(private readonly gidSize: GidSize) {
    this.buf[1] = 1; // CDR_LE
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf);
    this.buf = next;
  }

  u32(v: number): void {
    this.pos = ENCAPSULATION_SIZE + ((this.pos - ENCAPSULATION_SIZE + 3) & ~3);
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.pos, v, true);
    this.pos += 4;
  }

  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u32(bytes.length + 1);
    this.ensure(bytes.length + 1);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length + 1;
  }

  gid(g: Guid): void {
    if (g.prefix.length !== 12) throw new RangeError(`GUID prefix of ${g.prefix.length} bytes, expected 12`);
    this.ensure(this.gidSize);
    this.buf.set(g.prefix, this.pos);
    new DataView(this.buf.buffer).setUint32(this.pos + 12, g.entityId, false);
    this.pos += this.gidSize;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
