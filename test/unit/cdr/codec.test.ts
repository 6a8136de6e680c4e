import { describe, expect, it } from 'vitest';
import { CodecCache } from '../../../src/cdr/codec.js';
import { CdrDecodeError, CdrEncodeError } from '../../../src/cdr/errors.js';
import { InterfaceRegistry } from '../../../src/cdr/registry.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function codecsWith(defs: Record<string, string>): CodecCache {
  const registry = new InterfaceRegistry({ amentPrefixPath: false });
  for (const [name, text] of Object.entries(defs)) registry.define(name, text);
  return new CodecCache(registry);
}

const codecs = codecsWith({
  'demo/msg/Bounds': 'string<=3 s\nint32[<=2] seq\nfloat64[2] pair\nstring<=2[<=2] names',
  'demo/msg/Mixed': 'uint8 a\nfloat64 b\nstring c\nint16 d\nfloat32[] e\nint64 f\nuint64 g',
  'demo/msg/Wide': 'wstring w\nwstring<=2 bw',
  'demo/msg/Defaults': 'int32 i 7\nstring s "hi"\nfloat64[2] v [1.5, 2.5]\nbool b true\nint64 big -5',
  'demo/msg/Points': 'geometry_msgs/Point32[] pts\nuint8 tail',
  'demo/msg/EmptySeqs': 'uint8 a\nfloat64[] d\ngeometry_msgs/Pose[] poses\nuint32 b',
});

describe('CDR layout', () => {
  it('aligns from the first byte after the header and pads with zeros', () => {
    const c = codecs.get('demo/msg/Mixed');
    const b = c.encode({ a: 1, b: 2, c: 'xy', d: -2, e: [1], f: -1n, g: 2n ** 64n - 1n });
    expect(hex(b)).toBe(
      '00010000' + // CDR_LE
        '01' +
        '00000000000000' + // a, padding to 8
        '0000000000000040' + // b = 2.0
        '03000000' +
        '787900' + // c = "xy" (length counts the NUL)
        '00' +
        'feff' + // padding to 2, d = -2
        '0000' +
        '01000000' +
        '0000803f' + // padding to 4, e = [1.0f]
        '00000000' +
        'ffffffffffffffff' + // padding to 8 (offset 36 to 40), f = -1
        'ffffffffffffffff', // g = 2^64-1
    );
  });

  it('writes the encapsulation header and decodes big-endian input too', () => {
    const c = codecs.get('demo/msg/Mixed');
    const be = bytes(
      '00000000 02 00000000000000 4000000000000000 00000003 787900 00 fffe 0000 00000001 3f800000' +
        '00000000 fffffffffffffffe 0000000000000005',
    );
    expect(c.decode(be)).toEqual({
      a: 2,
      b: 2,
      c: 'xy',
      d: -2,
      e: new Float32Array([1]),
      f: -2n,
      g: 5n,
    });
  });

  it('pads before the elements of a sequence only when it has some', () => {
    // Fast-CDR serialize_array and rmw_cyclonedds serialize_many skip the alignment of an empty
    // sequence ("nothing to do; not even alignment"); the golden tests confirm it on the bytes.
    const c = codecs.get('demo/msg/EmptySeqs');
    expect(hex(c.encode({ a: 1, b: 2 }))).toBe(
      '00010000' + '01' + '000000' + '00000000' + '00000000' + '02000000', // a, pad, d count, poses count, b
    );
    expect(hex(c.encode({ a: 1, d: [1], b: 2 }))).toBe(
      '00010000' + '01' + '000000' + '01000000' + '000000000000f03f' + '00000000' + '02000000',
    );
    expect(c.decode(c.encode({ a: 1, b: 2 }))).toEqual({ a: 1, d: new Float64Array(0), poses: [], b: 2 });
  });

  it('encodes an empty message as one byte, as rosidl does', () => {
    expect(hex(new CodecCache(new InterfaceRegistry()).get('std_msgs/msg/Empty').encode({}))).toBe(
      '0001000000',
    );
  });

  it('reports fixed sizes and fills a caller buffer', () => {
    const twist = new CodecCache(new InterfaceRegistry()).get('geometry_msgs/msg/Twist');
    expect(twist.fixedSize).toBe(52);
    const target = new Uint8Array(60).fill(0xee);
    expect(twist.encodeInto({ linear: { x: 1 } }, target, 3)).toBe(52);
    expect(hex(target.subarray(3, 7))).toBe('00010000');
    expect(target[2]).toBe(0xee);
    expect(target[55]).toBe(0xee);
    expect(() => twist.encodeInto({}, new Uint8Array(51))).toThrow(CdrEncodeError);
  });
});

describe('defaults and value checks on encode', () => {
  it('fills missing fields with the definition defaults', () => {
    const c = codecs.get('demo/msg/Defaults');
    expect(c.decode(c.encode({}))).toEqual({
      i: 7,
      s: 'hi',
      v: new Float64Array([1.5, 2.5]),
      b: true,
      big: -5n,
    });
    expect(c.decode(c.encode({ i: 1, big: 3 }))).toMatchObject({ i: 1, big: 3n });
  });

  it.each([
    { value: { i: 'x' }, message: 'field \'i\': expected a number, got "x"' },
    { value: { i: 1.5 }, message: "field 'i': 1.5 is not a valid int32" },
    { value: { i: 2 ** 31 }, message: "field 'i': 2147483648 is not a valid int32" },
    { value: { b: 1 }, message: "field 'b': expected a boolean, got 1" },
    { value: { s: 5 }, message: "field 's': expected a string, got 5" },
    { value: { v: [1] }, message: "field 'v': fixed array needs exactly 2 elements, got 1" },
    { value: { v: [1, 'a'] }, message: "field 'v[1]': expected a number" },
    { value: { big: 2n ** 63n }, message: "field 'big': 9223372036854775808n is not a valid int64" },
    { value: { big: 0.5 }, message: "field 'big': expected a bigint (or an integer number), got 0.5" },
  ])('rejects a bad value: $message', ({ value, message }) => {
    const c = codecs.get('demo/msg/Defaults');
    expect(() => c.encode(value)).toThrow(CdrEncodeError);
    expect(() => c.encode(value)).toThrow(message);
  });

  it('names nested fields and array elements', () => {
    const c = codecs.get('demo/msg/Points');
    expect(() => c.encode({ pts: [{ x: 1 }, { y: 'no' }] })).toThrow("field 'pts[1].y': expected a number");
    expect(() => c.encode({ pts: 3 })).toThrow("field 'pts': expected an array, got 3");
    expect(() => c.encode(null as unknown as object)).toThrow('expected an object, got null');
  });

  it('enforces bounds of strings and sequences', () => {
    const c = codecs.get('demo/msg/Bounds');
    expect(() => c.encode({ s: 'abcd' })).toThrow("field 's': string of 4 exceeds its bound of 3");
    expect(() => c.encode({ s: 'ééé' })).toThrow('string of 6 exceeds its bound of 3'); // bytes, not characters
    expect(() => c.encode({ seq: [1, 2, 3] })).toThrow("field 'seq': sequence of 3 exceeds its bound of 2");
    expect(() => c.encode({ names: ['abc'] })).toThrow(
      "field 'names[0]': string of 3 exceeds its bound of 2",
    );
    expect(c.decode(c.encode({ s: 'abc', seq: [1, 2], names: ['ab', ''] }))).toMatchObject({
      s: 'abc',
      seq: new Int32Array([1, 2]),
      names: ['ab', ''],
    });
  });
});

describe('decoding untrusted bytes', () => {
  const c = codecs.get('demo/msg/Bounds');
  const good = c.encode({ s: 'ab', seq: [1], pair: [1, 2], names: ['x'] });

  it('rejects strings and sequences over their bounds', () => {
    const b = Uint8Array.from(good);
    b[4] = 5; // s claims 5 bytes (4 + NUL) against a bound of 3
    expect(() => c.decode(b)).toThrow(CdrDecodeError);
    expect(() => c.decode(b)).toThrow('string of 4 exceeds its bound of 3');
    const seqAt = 4 + 4 + 3 + 1; // header, s length, "ab\0", padding
    const s = Uint8Array.from(good);
    s[seqAt] = 3;
    expect(() => c.decode(s)).toThrow('sequence of 3 exceeds its bound of 2');
  });

  it('rejects a lying sequence length before allocating', () => {
    const pts = codecs.get('demo/msg/Points');
    const b = pts.encode({ pts: [{ x: 1 }] });
    const dv = new DataView(b.buffer, b.byteOffset);
    dv.setUint32(4, 0xffffffff, true);
    expect(() => pts.decode(b)).toThrow('data ends early');
  });

  it('rejects unknown encapsulations and short input', () => {
    expect(() => c.decode(new Uint8Array([0, 1, 0]))).toThrow('shorter than the 4-byte encapsulation header');
    const b = Uint8Array.from(good);
    b[1] = 0x03; // PL_CDR_LE is not a plain payload
    expect(() => c.decode(b)).toThrow('unsupported encapsulation 0x0003');
  });

  it('views aligned numeric arrays in the received buffer and copies unaligned ones', () => {
    const img = new CodecCache(new InterfaceRegistry()).get('sensor_msgs/msg/Image');
    const data = new Uint8Array(1000).map((_, i) => i & 0xff);
    const encoded = img.encode({ encoding: 'rgb8', data });
    const decoded = img.decode(encoded) as { data: Uint8Array };
    expect(decoded.data).toEqual(data);
    expect(decoded.data.buffer).toBe(encoded.buffer); // no copy of the pixels
    const m = codecs.get('demo/msg/Mixed');
    const enc = m.encode({ e: [1, 2] });
    const shifted = new Uint8Array(enc.length + 1);
    shifted.set(enc, 1);
    const e = (m.decode(shifted.subarray(1)) as { e: Float32Array }).e;
    expect(e).toEqual(new Float32Array([1, 2]));
    expect(e.buffer).not.toBe(shifted.buffer);
  });
});

describe('strings', () => {
  it('writes UTF-8 with the NUL counted, and a lone surrogate as U+FFFD as TextEncoder does', () => {
    const c = new CodecCache(new InterfaceRegistry()).get('std_msgs/msg/String');
    expect(hex(c.encode({ data: 'é' }))).toBe('00010000' + '03000000' + 'c3a900');
    expect(hex(c.encode({ data: '' }))).toBe('00010000' + '01000000' + '00');
    const lone = `a\ud800b${'x'.repeat(40)}`; // long enough for the TextEncoder path
    const bytes = c.encode({ data: lone });
    expect(bytes.length).toBe(c.size({ data: lone }));
    expect(c.decode(bytes)).toEqual({ data: `a\ufffdb${'x'.repeat(40)}` });
    expect(c.decode(c.encode({ data: 'a\udc00' }))).toEqual({ data: 'a\ufffd' });
  });

  it('reads every short length, ASCII or not, from a plain Uint8Array at any offset', () => {
    // Bytes built by hand (length with the NUL, UTF-8, NUL), at an odd offset in a plain
    // Uint8Array (not a Buffer): the short-string paths (by hand, Latin-1 slice, TextDecoder) must
    // all give what was put in.
    const c = new CodecCache(new InterfaceRegistry()).get('std_msgs/msg/String');
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
    for (let n = 0; n <= 40; n++) {
      for (const accentAt of [-1, 0, Math.floor(n / 2), n - 1]) {
        if (accentAt >= n) continue;
        const value =
          accentAt < 0 ? text.slice(0, n) : `${text.slice(0, accentAt)}é${text.slice(accentAt + 1, n)}`;
        const utf8 = Buffer.from(value, 'utf8');
        const payload = new Uint8Array(3 + 8 + utf8.length + 1);
        payload.set([0, 1, 0, 0], 3);
        new DataView(payload.buffer).setUint32(3 + 4, utf8.length + 1, true);
        payload.set(utf8, 3 + 8);
        expect(c.decodeFrom(payload, 3, payload.length - 3)).toEqual({ data: value });
        expect(c.decode(payload.subarray(3))).toEqual({ data: value });
      }
    }
  });

  it('reads a length of 0 (no NUL) as an empty string', () => {
    const c = new CodecCache(new InterfaceRegistry()).get('std_msgs/msg/String');
    expect(c.decode(bytes('00010000 00000000'))).toEqual({ data: '' });
  });
});

describe('wstring', () => {
  // Bytes as Fast-CDR 1.0.26 writes std::wstring L"hé", which is the wire format both Jazzy RMWs
  // share (u32 count of UTF-16 code units, each unit in 4 bytes, no terminator).
  it('matches the ROS 2 wire format', () => {
    const c = codecs.get('demo/msg/Wide');
    expect(hex(c.encode({ w: 'hé' }))).toBe('00010000' + '02000000' + '68000000' + 'e9000000' + '00000000');
    expect(c.decode(bytes('00010000 02000000 3dd80000 00de0000 00000000'))).toEqual({ w: '😀', bw: '' });
  });

  it('rejects units that are not UTF-16 and wstrings over their bound', () => {
    const c = codecs.get('demo/msg/Wide');
    expect(() => c.decode(bytes('00010000 01000000 00000100 00000000'))).toThrow('not a UTF-16 code unit');
    expect(() => c.decode(bytes('00010000 00000000 03000000 41000000 41000000 41000000'))).toThrow(
      'wstring of 3 exceeds its bound of 2',
    );
    expect(() => c.encode({ bw: 'abc' })).toThrow("field 'bw': wstring of 3 exceeds its bound of 2");
  });
});
