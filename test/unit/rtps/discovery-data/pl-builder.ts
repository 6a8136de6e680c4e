/**
 * A hand-written parameter list builder (either byte order), independent of the codec under test,
 * for PL_CDR_BE payloads (no peer in the captures sends big-endian) and malformed inputs.
 */
export class ValueBuilder {
  private readonly out: number[] = [];

  constructor(private readonly littleEndian = false) {}

  get length(): number {
    return this.out.length;
  }

  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    const b = [(v >> 8) & 0xff, v & 0xff];
    this.out.push(...(this.littleEndian ? b.reverse() : b));
    return this;
  }

  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.out.push(...(this.littleEndian ? b.reverse() : b));
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }

  hex(h: string): this {
    return this.bytes(Buffer.from(h.replace(/\s/g, ''), 'hex'));
  }

  /** A CDR string with its NUL (no padding after it). */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.u32(b.length + 1)
      .bytes(b)
      .u8(0);
  }

  pad4(): this {
    while (this.out.length % 4) this.out.push(0);
    return this;
  }

  result(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export type ParamSpec = readonly [pid: number, value: (v: ValueBuilder) => unknown];

/**
 * A serialized PL payload: encapsulation, parameters (each padded to 4 unless `rawLength` is used),
 * sentinel. `options.encapsulation` defaults to PL_CDR_BE (0x0002) when big-endian.
 */
export function plPayload(
  params: readonly ParamSpec[],
  options: { littleEndian?: boolean; encapsulation?: number; sentinel?: boolean } = {},
): Uint8Array {
  const le = options.littleEndian ?? false;
  const out = new ValueBuilder(le);
  const enc = options.encapsulation ?? (le ? 0x0003 : 0x0002);
  out
    .u8(enc >> 8)
    .u8(enc & 0xff)
    .u8(0)
    .u8(0);
  out.bytes(plList(params, le, options.sentinel ?? true));
  return out.result();
}

/** A bare parameter list (inline QoS). */
export function plList(params: readonly ParamSpec[], littleEndian: boolean, sentinel = true): Uint8Array {
  const out = new ValueBuilder(littleEndian);
  for (const [pid, fill] of params) {
    const v = new ValueBuilder(littleEndian);
    fill(v);
    v.pad4();
    out.u16(pid).u16(v.length).bytes(v.result());
  }
  if (sentinel) out.u16(0x0001).u16(0);
  return out.result();
}

/** A parameter whose length field is given as is (to lie about it). */
export function rawParam(
  pid: number,
  length: number,
  value: ArrayLike<number>,
  littleEndian = true,
): Uint8Array {
  return new ValueBuilder(littleEndian).u16(pid).u16(length).bytes(value).result();
}
