/**
 * Bad protocol input for the bridge fuzz test, as fast-check arbitraries (sampled with a seed):
 * rosbridge v2 ops with every field the bridge reads given a plausible or a wrong value (wrong
 * types, huge, negative and fractional numbers, nested junk), as JSON text, as mangled JSON, as
 * CBOR (which also carries what JSON cannot: byte strings, bigints, maps) and as random bytes;
 * Foxglove WebSocket ops the same way, and binary frames with real and bogus opcodes, channel,
 * service and call ids and encoding lengths.
 */
import { encode as cborEncode } from 'cbor-x';
import fc from 'fast-check';

/** A frame as a WebSocket client sends it. */
export type Frame = { readonly text: string } | { readonly binary: Uint8Array };

const weird = fc.constantFrom(
  -1,
  0,
  0.5,
  -0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  1e300,
  -1e300,
  Number.MAX_VALUE,
  '',
  '/',
  '//',
  '/a b',
  '~/x',
  '__proto__',
  'constructor',
  '\u0000',
  'x'.repeat(300),
);

/** Anything at all: what a field must survive. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: weird, weight: 3 },
  { arbitrary: fc.anything({ maxDepth: 2, maxKeys: 4 }), weight: 3 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

/** A plausible value more often than not, so that ops get past their first check. */
const or = <T>(plausible: fc.Arbitrary<T>, weight = 2) =>
  fc.oneof({ arbitrary: plausible, weight }, { arbitrary: garbage, weight: 1 });

/** Names that reach real code paths: the watched topics, known and unknown types and services. */
export function rosbridgeFields(topics: readonly string[]): Record<string, fc.Arbitrary<unknown>> {
  const topic = fc.constantFrom(...topics, '/fuzz/other', 'relative', '/bad name', '/1x', '');
  const type = fc.constantFrom(
    'std_msgs/msg/String',
    'std_msgs/String',
    'geometry_msgs/msg/Twist',
    'sensor_msgs/msg/Image',
    'nope/msg/Nothing',
    // Well-formed for the protocol, refused by the node (a package name starts lower-case).
    'Nope/msg/Upper',
    'std_msgs/msg/',
    'a/b/c/d',
  );
  const service = fc.constantFrom(
    '/rosapi/topics',
    '/rosapi/topic_type',
    '/rosapi/node_details',
    '/rosapi/get_param',
    '/rosapi/set_param',
    '/rosapi/nope',
    '/fuzz/service',
    'fuzz/relative',
    '/bad name',
  );
  const srvType = fc.constantFrom(
    'std_srvs/srv/Trigger',
    'example_interfaces/srv/AddTwoInts',
    'nope/srv/Nothing',
    'std_msgs/msg/String',
  );
  const msg = fc.oneof(
    fc.record({ data: or(fc.string({ maxLength: 20 })) }, { requiredKeys: [] }),
    fc.record(
      { linear: or(fc.record({ x: or(fc.double()), y: garbage })), angular: garbage },
      { requiredKeys: [] },
    ),
    fc.record({ height: or(fc.nat()), data: or(fc.base64String({ maxLength: 40 })) }, { requiredKeys: [] }),
  );
  const count = or(fc.nat({ max: 50 }));
  return {
    id: or(fc.oneof(fc.string({ maxLength: 8 }), fc.nat())),
    topic: or(topic),
    type: or(fc.oneof(type, srvType)),
    msg: or(msg),
    service: or(service),
    args: or(
      fc.oneof(fc.constant({}), fc.record({ topic: or(topic), name: garbage, a: garbage, b: garbage })),
    ),
    values: or(fc.dictionary(fc.string({ maxLength: 6 }), garbage, { maxKeys: 3 })),
    result: garbage,
    throttle_rate: count,
    queue_length: count,
    fragment_size: count,
    queue_size: count,
    compression: or(fc.constantFrom('none', 'cbor', 'cbor-raw', 'png', 'zip')),
    latch: garbage,
    timeout: or(fc.constantFrom(0, 0.01, -5, 1e12)),
    data: or(fc.string({ maxLength: 30 })),
    num: or(fc.integer({ min: -2, max: 5 })),
    total: or(fc.constantFrom(1, 2, 3, 1e9, 2 ** 53)),
    level: or(fc.constantFrom('error', 'warning', 'info', 'none', 'debug')),
    action: or(fc.constantFrom('/fuzz/action', '/fibonacci', '')),
    action_type: or(
      fc.constantFrom('example_interfaces/action/Fibonacci', 'nope/action/Nothing', 'std_msgs/msg/String'),
    ),
    goal: garbage,
    feedback: garbage,
    status: garbage,
  };
}

export const ROSBRIDGE_OPS = [
  'subscribe',
  'unsubscribe',
  'advertise',
  'unadvertise',
  'publish',
  'call_service',
  'advertise_service',
  'unadvertise_service',
  'service_response',
  'send_action_goal',
  'cancel_action_goal',
  'advertise_action',
  'unadvertise_action',
  'action_feedback',
  'action_result',
  'fragment',
  'set_level',
  'auth',
  'status',
  'no_such_op',
] as const;

function messages(ops: readonly string[], fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc
    .tuple(or(fc.constantFrom(...ops), 6), fc.record(fields, { requiredKeys: [] }))
    .map(([op, rest]) => ({ ...rest, op }));
}

/** Breaks JSON text: cut short, a character changed, or braces left open. */
const mangled = (text: string) =>
  fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
    fc
      .tuple(
        fc.nat({ max: Math.max(0, text.length - 1) }),
        fc.constantFrom('"', '{', ']', '\\', ',', '\u0000'),
      )
      .map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.constant(`${text}{`),
  );

const notObjects = fc.constantFrom('[]', '1', 'null', '"op"', 'true', '', ' ', '{"op":', '\uFFFF');

function frames(message: fc.Arbitrary<object>, binary: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Frame> {
  return fc.oneof(
    { arbitrary: message.map((m): Frame => ({ text: JSON.stringify(m) })), weight: 8 },
    {
      arbitrary: message.chain((m) => mangled(JSON.stringify(m))).map((text): Frame => ({ text })),
      weight: 2,
    },
    { arbitrary: notObjects.map((text): Frame => ({ text })), weight: 1 },
    { arbitrary: binary.map((b): Frame => ({ binary: b })), weight: 3 },
  );
}

const randomBytes = fc.uint8Array({ maxLength: 64 });

/** rosbridge frames: JSON ops, mangled JSON, non-objects, CBOR ops and bytes that are not CBOR. */
export function rosbridgeFrames(topics: readonly string[]): fc.Arbitrary<Frame> {
  const message = messages(ROSBRIDGE_OPS, rosbridgeFields(topics));
  const cbor = fc.oneof(
    message.map((m) => new Uint8Array(cborEncode(m))),
    fc
      .record({
        op: fc.constantFrom(...ROSBRIDGE_OPS),
        topic: fc.constantFrom(...topics),
        throttle_rate: fc.bigInt(),
      })
      .map((m) => new Uint8Array(cborEncode(m))),
    randomBytes,
    // A CBOR array or byte string header claiming 2^32-1 items (0x9a / 0x5a, 4-byte length).
    fc.constantFrom(
      Uint8Array.of(0x9a, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0x5a, 0xff, 0xff, 0xff, 0xff, 1),
    ),
  );
  return frames(message, cbor);
}

const FOXGLOVE_OPS = [
  'subscribe',
  'unsubscribe',
  'advertise',
  'unadvertise',
  'getParameters',
  'setParameters',
  'subscribeParameterUpdates',
  'unsubscribeParameterUpdates',
  'subscribeConnectionGraph',
  'unsubscribeConnectionGraph',
  'fetchAsset',
  'serverInfo',
  'no_such_op',
] as const;

/** Ids: small ones (some name real channels and services), and absurd ones. */
const anyId = or(fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(-1, 2 ** 32, 2 ** 53, 0.5)));

export function foxgloveFrames(topics: readonly string[]): fc.Arbitrary<Frame> {
  const channel = fc.record(
    {
      id: anyId,
      topic: or(fc.constantFrom(...topics, '/fuzz/fox', '/bad name')),
      encoding: or(fc.constantFrom('cdr', 'json', '')),
      schemaName: or(fc.constantFrom('std_msgs/msg/String', 'nope/msg/Nothing', 'std_msgs/String')),
      schema: garbage,
      schemaEncoding: garbage,
    },
    { requiredKeys: [] },
  );
  const names = or(fc.array(or(fc.constantFrom('/fuzz_talker.x', '/nobody.y', '', '.')), { maxLength: 3 }));
  const message = messages(FOXGLOVE_OPS, {
    subscriptions: or(
      fc.array(fc.record({ id: anyId, channelId: anyId }, { requiredKeys: [] }), { maxLength: 3 }),
    ),
    subscriptionIds: or(fc.array(anyId, { maxLength: 3 })),
    channels: or(fc.array(channel, { maxLength: 2 })),
    channelIds: or(fc.array(anyId, { maxLength: 3 })),
    parameterNames: names,
    parameters: or(fc.array(fc.record({ name: garbage, value: garbage, type: garbage }), { maxLength: 2 })),
    id: garbage,
    uri: garbage,
    requestId: anyId,
  });
  const u32 = fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(0xffffffff, 0x7fffffff));
  const le32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  const binary = fc.oneof(
    // Client message data (0x01): a channel id, then any payload (advertised or not, CDR or not).
    fc
      .tuple(u32, fc.uint8Array({ maxLength: 48 }))
      .map(([ch, data]) => Uint8Array.of(0x01, ...le32(ch), ...data)),
    // Service call request (0x02): service id, call id, encoding length (often absurd), encoding, data.
    fc
      .tuple(u32, u32, fc.oneof(fc.constant(3), u32), fc.uint8Array({ maxLength: 24 }))
      .map(([svc, call, len, data]) =>
        Uint8Array.of(0x02, ...le32(svc), ...le32(call), ...le32(len), 0x63, 0x64, 0x72, ...data),
      ),
    // Bogus opcodes, short frames, empty frames.
    fc.tuple(fc.integer({ min: 0, max: 255 }), randomBytes).map(([op, rest]) => Uint8Array.of(op, ...rest)),
    fc.constantFrom(new Uint8Array(0), Uint8Array.of(0x01), Uint8Array.of(0x02, 1, 0)),
  );
  return frames(message, binary);
}
