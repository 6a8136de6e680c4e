/**
 * rmw_cyclonedds request header against the real Jazzy Cyclone capture (spawn 130/165, draw_circle
 * 458/470, get_parameters 715/730), and the alignment rule the module relies on.
 */
import { describe, expect, it, vi } from 'vitest';
import { CodecCache } from '../../../src/cdr/codec.js';
import { decode, encode, getCodec, InterfaceRegistry } from '../../../src/cdr/index.js';
import {
  CYCLONE_REQUEST_HEADER_SIZE,
  CycloneServicePayloadError,
  decodableBody,
  encodeCycloneServicePayload,
  encodeWithCycloneHeader,
  splitCycloneServicePayload,
  stripCycloneHeader,
  withCycloneHeader,
} from '../../../src/rmw/service-cyclone.js';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import type { DataSubmessage } from '../../../src/rtps/wire/submessage.js';
import { sharedFile } from '../../shared.js';
import { readPcapUdp } from '../../support/pcap.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const datagrams = readPcapUdp(sharedFile('captures/jazzy-cyclonedds-tutorial.pcap'));

function payloadIn(frame: number): Uint8Array {
  const d = datagrams.find((x) => x.frame === frame)!;
  const m = parseMessage(d.payload, new DropCounter())!;
  const data = m.submessages.find((s): s is DataSubmessage => s.kind === 'DATA' && s.payload !== undefined)!;
  return data.payload!;
}

/** A codec's output without its encapsulation: the body as encoded on its own. */
const body = (type: string, value: Record<string, unknown>) => encode(type, value).subarray(4);

describe('golden: the spawn call of the Cyclone capture', () => {
  const request = payloadIn(130);
  const reply = payloadIn(165);
  const header = { guid: 0xc465508c6503eff6n, seq: 1n };

  it('splits request 130 into the client handle f6ef03658c5065c4 (LE u64), seq 1 and the Spawn body', () => {
    const split = splitCycloneServicePayload(request);
    expect(split.header).toEqual(header);
    expect(split.littleEndian).toBe(true);
    const stripped = stripCycloneHeader(request);
    expect(decode('turtlesim/srv/Spawn_Request', stripped.payload)).toEqual({
      x: 2,
      y: 2,
      theta: 0,
      name: 'foxy_turtle',
    });
  });

  it('encodes the same request from the header and a standalone-encoded body', () => {
    const value = { x: 2, y: 2, theta: 0, name: 'foxy_turtle' };
    expect(hex(encodeCycloneServicePayload(header, body('turtlesim/srv/Spawn_Request', value)))).toBe(
      hex(request),
    );
  });

  it('turtlesim echoed the 16 header bytes in reply 165, which we reproduce with withCycloneHeader', () => {
    expect(hex(reply.subarray(4, 20))).toBe(hex(request.subarray(4, 20)));
    const encoded = encode('turtlesim/srv/Spawn_Response', { name: 'foxy_turtle' });
    expect(hex(withCycloneHeader(splitCycloneServicePayload(request).header, encoded))).toBe(hex(reply));
  });

  it('encodeWithCycloneHeader writes that reply in place, byte for byte', () => {
    const header = splitCycloneServicePayload(request).header;
    const codec = getCodec('turtlesim/srv/Spawn_Response');
    expect(hex(encodeWithCycloneHeader(header, codec, { name: 'foxy_turtle' }))).toBe(hex(reply));
  });
});

describe('golden: draw_circle (Trigger) pads to 4 bytes', () => {
  it('request 458: a 1-byte empty-struct body becomes 4 bytes', () => {
    const request = payloadIn(458);
    expect(request.length).toBe(24);
    const header = splitCycloneServicePayload(request).header;
    expect(header).toEqual({ guid: 0x783353561e089e19n, seq: 1n });
    expect(hex(encodeCycloneServicePayload(header, body('std_srvs/srv/Trigger_Request', {})))).toBe(
      hex(request),
    );
  });

  it('reply 470: "starting to draw a circle!" padded after its NUL', () => {
    const reply = payloadIn(470);
    const header = splitCycloneServicePayload(reply).header;
    const value = { success: true, message: 'starting to draw a circle!' };
    expect(hex(encodeCycloneServicePayload(header, body('std_srvs/srv/Trigger_Response', value)))).toBe(
      hex(reply),
    );
    expect(decode('std_srvs/srv/Trigger_Response', stripCycloneHeader(reply).payload)).toEqual(value);
    const inPlace = encodeWithCycloneHeader(header, getCodec('std_srvs/srv/Trigger_Response'), value);
    expect(hex(inPlace)).toBe(hex(reply));
  });
});

describe('with pooled buffers that are not zeroed', () => {
  it('writes every byte: padding, encapsulation options and the stripped copy', () => {
    // Node's pooled buffers hold old bytes: hand out ones full of 0xee.
    const dirty = vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((n) => Buffer.alloc(n, 0xee));
    try {
      const request = payloadIn(458);
      const reply = payloadIn(470);
      const header = splitCycloneServicePayload(reply).header;
      const value = { success: true, message: 'starting to draw a circle!' };
      expect(hex(encodeCycloneServicePayload(header, body('std_srvs/srv/Trigger_Request', {})))).toBe(
        hex(request),
      );
      expect(hex(encodeCycloneServicePayload(header, body('std_srvs/srv/Trigger_Response', value)))).toBe(
        hex(reply),
      );
      const inPlace = encodeWithCycloneHeader(header, getCodec('std_srvs/srv/Trigger_Response'), value);
      expect(hex(inPlace)).toBe(hex(reply));
      const stripped = decodableBody(reply, splitCycloneServicePayload(reply));
      expect(hex(stripped)).toBe(hex(reply.subarray(0, 4)) + hex(reply.subarray(20)));
      expect(dirty).toHaveBeenCalled();
    } finally {
      dirty.mockRestore();
    }
  });
});

describe('golden: get_parameters, whose reply has 8-byte aligned fields after the header', () => {
  it('request 715 and reply 730 round-trip through the codec', () => {
    const request = payloadIn(715);
    const reply = payloadIn(730);
    const header = splitCycloneServicePayload(request).header;
    expect(splitCycloneServicePayload(reply).header).toEqual(header);
    expect(decode('rcl_interfaces/srv/GetParameters_Request', stripCycloneHeader(request).payload)).toEqual({
      names: ['background_r'],
    });
    const response = decode('rcl_interfaces/srv/GetParameters_Response', stripCycloneHeader(reply).payload);
    expect(response.values[0]?.integer_value).toBe(69n);
    const encoded = encode('rcl_interfaces/srv/GetParameters_Response', {
      values: [{ type: 2, integer_value: 69n }],
    });
    expect(hex(withCycloneHeader(header, encoded))).toBe(hex(reply));
    const inPlace = encodeWithCycloneHeader(header, getCodec('rcl_interfaces/srv/GetParameters_Response'), {
      values: [{ type: 2, integer_value: 69n }],
    });
    expect(hex(inPlace)).toBe(hex(reply));
  });
});

describe('alignment rule: a body encoded on its own is appended as is', () => {
  const registry = new InterfaceRegistry({ amentPrefixPath: false });
  registry.define('test_msgs/msg/Aligned', 'uint8 a\nfloat64 b\nuint16 c\nint64[] d');
  const codec = new CodecCache(registry).get('test_msgs/msg/Aligned');

  it('the float64 after a uint8 sits 8-aligned from the byte after the encapsulation, header or not', () => {
    const value = { a: 1, b: 0.5, c: 7, d: [-1n, 2n] };
    const alone = codec.encode(value);
    const payload = withCycloneHeader({ guid: 1n, seq: 2n }, alone);
    // b at body offset 8 either way: payload offset 4 + 8 alone, 4 + 16 + 8 with the header.
    expect(
      hex(payload.subarray(4 + CYCLONE_REQUEST_HEADER_SIZE + 8, 4 + CYCLONE_REQUEST_HEADER_SIZE + 16)),
    ).toBe(hex(alone.subarray(4 + 8, 4 + 16)));
    expect(codec.decode(stripCycloneHeader(payload).payload)).toEqual({
      ...value,
      d: BigInt64Array.from([-1n, 2n]),
    });
  });
});

describe('byte order and errors', () => {
  it('writes and reads a big-endian header', () => {
    const payload = encodeCycloneServicePayload(
      { guid: 0x0102030405060708n, seq: -2n },
      Uint8Array.of(9),
      false,
    );
    expect(hex(payload)).toBe('00000000' + '0102030405060708' + 'fffffffffffffffe' + '09000000');
    const split = splitCycloneServicePayload(payload);
    expect(split).toMatchObject({ header: { guid: 0x0102030405060708n, seq: -2n }, littleEndian: false });
    expect(hex(split.body)).toBe('09000000');
  });

  it('keeps a big-endian encoded payload big endian in withCycloneHeader', () => {
    const be = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 5);
    const payload = withCycloneHeader({ guid: 1n, seq: 1n }, be);
    expect(hex(payload.subarray(0, 4))).toBe('00000000');
    expect(hex(payload.subarray(12, 20))).toBe('0000000000000001');
  });

  it('refuses short payloads and other encapsulations', () => {
    expect(() => splitCycloneServicePayload(new Uint8Array(19).fill(0).fill(1, 1, 2))).toThrow(
      CycloneServicePayloadError,
    );
    const plCdr = encodeCycloneServicePayload({ guid: 1n, seq: 1n }, new Uint8Array(4));
    plCdr[1] = 3;
    expect(() => splitCycloneServicePayload(plCdr)).toThrow(/encapsulation 0003/);
  });

  it('refuses a guid outside uint64 and a seq outside int64', () => {
    expect(() => encodeCycloneServicePayload({ guid: -1n, seq: 1n }, new Uint8Array())).toThrow(RangeError);
    expect(() => encodeCycloneServicePayload({ guid: 1n, seq: 2n ** 63n }, new Uint8Array())).toThrow(
      RangeError,
    );
  });

  it('the typed codec decodes what getCodec encodes after the strip (no header bytes leak in)', () => {
    const codec = getCodec('std_msgs/msg/String');
    const payload = withCycloneHeader({ guid: 5n, seq: 6n }, codec.encode({ data: 'abc' }));
    expect(codec.decode(stripCycloneHeader(payload).payload)).toEqual({ data: 'abc' });
  });
});
