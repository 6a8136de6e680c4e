/**
 * `npm run bench:rtps-hop`: the CPU one ping-pong hop costs in-process, without sockets: a
 * writer's DATA (+HEARTBEAT) encoded, parsed, interpreted, delivered to a reader whose callback
 * writes the pong (encoded). Separates our own cost from the event loop's and the kernel's in
 * `bench:rtps`. Opens no socket.
 */
import { FakeClock } from '../src/rtps/clock.js';
import { LocalReader } from '../src/rtps/endpoints/local-reader.js';
import { LocalWriter, type LocalWriterOptions } from '../src/rtps/endpoints/local-writer.js';
import { createOutbox, type Outbox } from '../src/rtps/endpoints/outbox.js';
import { receiveMessage, type SubmessageHandler } from '../src/rtps/message-receiver.js';
import { DropCounter } from '../src/rtps/wire/errors.js';
import { parseMessage } from '../src/rtps/wire/message.js';

const clock = new FakeClock();
const A = new Uint8Array(12).fill(0xa);
const B = new Uint8Array(12).fill(0xb);
let last = new Uint8Array(0);
// Sent when the hop flushes it, as the end of a turn of the event loop would.
const outbox = (prefix: Uint8Array): Outbox =>
  createOutbox({ version: [2, 3], vendorId: [1, 0xf7], guidPrefix: prefix }, 65_000, (d) => {
    last = d.slice(); // what a transport does
  });
const outboxA = outbox(A);
const options: LocalWriterOptions = {
  reliable: true,
  transientLocal: false,
  heartbeatPeriodMs: 100,
  nackResponseDelayMs: 5,
  history: { kind: 'keep-last', depth: 16 },
};
const anywhere = [{ address: '127.0.0.1', port: 1 }];
const ping = new LocalWriter({ prefix: A, entityId: 0x103 }, options, outboxA, clock);
const pong = new LocalWriter({ prefix: B, entityId: 0x203 }, options, outbox(B), clock);
let delivered = 0;
const reader = new LocalReader({ prefix: B, entityId: 0x104 }, { reliable: true }, outbox(B), clock, (s) => {
  delivered++;
  pong.write(s.payload);
});
ping.matchReader({ guid: { prefix: B, entityId: 0x104 }, locators: anywhere, reliable: true });
reader.matchWriter({ guid: { prefix: A, entityId: 0x103 }, locators: anywhere, reliable: true });
pong.matchReader({ guid: { prefix: A, entityId: 0x204 }, locators: anywhere, reliable: true });
const drops = new DropCounter();
const payload = new Uint8Array(64);
payload[1] = 1;
const handler: SubmessageHandler = {
  onData: (c, m) => reader.onData(c, m),
  onHeartbeat: (c, m) => reader.onHeartbeat(c, m),
};
function hop(): void {
  ping.write(payload);
  ping.flush();
  outboxA.flush();
  const m = parseMessage(last, drops);
  if (m) receiveMessage(m, B, handler);
}
for (let i = 0; i < 20_000; i++) hop();
const n = Number(process.env['BENCH_HOPS'] ?? 200_000);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) hop();
const us = Number(process.hrtime.bigint() - t0) / n / 1000;
if (delivered !== n + 20_000) throw new Error(`delivered ${delivered} of ${n + 20_000}`);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ case: 'one ping-pong hop in-process', metric: 'cpu', value: us, unit: 'µs' }));
} else {
  console.log(
    `one ping-pong hop in-process (64 B, reliable): ${us.toFixed(2)} µs of CPU, ${new Date().toISOString()}`,
  );
}
