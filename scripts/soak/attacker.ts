/**
 * The soak's attacker: a child process with plain `node:dgram` sockets and no ros2ts state (it
 * only borrows the wire encoders, through forge.ts). Started by run.ts; runs each attack it is
 * sent over IPC (with the map of that scenario's victims), paced to the asked rate, and answers with
 * what it sent. A sink socket, announced as the fakes' address, counts what the victims send to
 * them (the amplification an announcement buys).
 *
 *   fork('dist/scripts/soak/attacker.js')   (it needs the IPC channel)
 */
import { createSocket } from 'node:dgram';
import { mulberry32 } from '../../src/rtps/transport/prng.js';
import { sharedFile } from '../../test/shared.js';
import { readPcapUdp } from '../../test/support/pcap.js';
import { mutate } from '../../test/support/rtps-mutate.js';
import {
  type AttackSource,
  forgedControl,
  fragmentBomb,
  garbage,
  locatorFlood,
  sedpFlood,
  spdpFlood,
} from './forge.js';
import type { AttackCommand, AttackerMessage, AttackReport, VictimCommand } from './protocol.js';

/** Datagrams sent in one turn of the event loop before letting the sockets' callbacks run. */
const BATCH = 256;
/** After the SEDP flood's first announcement: time for the victims to take the fake participant in. */
const SEDP_SETTLE_MS = 500;

const send = createSocket('udp4');
const sink = createSocket('udp4');
let toFakes = 0;
sink.on('message', () => toFakes++);
await Promise.all([
  new Promise<void>((resolve) => send.bind(0, '127.0.0.1', resolve)),
  new Promise<void>((resolve) => sink.bind(0, '0.0.0.0', resolve)),
]);
send.setMulticastInterface('127.0.0.1');
send.setMulticastLoopback(true);
const source = `127.0.0.1:${send.address().port}`;
const sinkPort = sink.address().port;

let corpus: Uint8Array[] | undefined;
function captures(): Uint8Array[] {
  corpus ??= [
    ...readPcapUdp(sharedFile('captures/jazzy-cyclonedds-tutorial.pcap')),
    ...readPcapUdp(sharedFile('captures/jazzy-fastrtps-tutorial.pcap')),
  ].map((d) => d.payload);
  return corpus;
}

function sourceOf(cmd: AttackCommand): AttackSource {
  const rand = mulberry32(cmd.seed);
  const map = cmd.map;
  switch (cmd.scenario) {
    case 'garbage':
      return garbage(map, rand, captures(), mutate);
    case 'forged-control':
      return forgedControl(map, rand);
    case 'fragment-bomb':
      return fragmentBomb(map);
    case 'spdp-flood':
      return spdpFlood(map, rand, cmd, sinkPort);
    case 'locator-flood':
      return locatorFlood(map, rand, cmd, sinkPort);
    case 'sedp-flood':
      return sedpFlood(map, rand, cmd, sinkPort);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function attack(cmd: AttackCommand): Promise<AttackReport> {
  const next = sourceOf(cmd);
  const fakesBefore = toFakes;
  let sent = 0;
  let bytes = 0;
  let sendErrors = 0;
  const started = performance.now();
  let paused = 0;
  const onSent = (error: Error | null) => {
    if (error) sendErrors++;
  };
  let i = 0;
  while (i < cmd.count) {
    const due = Math.min(
      cmd.count,
      Math.floor(((performance.now() - started - paused) * cmd.rate) / 1000) + 1,
    );
    const until = Math.min(due, i + BATCH);
    for (; i < until; i++) {
      const f = next(i);
      for (const to of f.to) {
        send.send(f.data, to.port, to.address, onSent);
        sent++;
        bytes += f.data.length;
      }
      if (i === 0 && cmd.scenario === 'sedp-flood') {
        i++;
        await sleep(SEDP_SETTLE_MS);
        paused += SEDP_SETTLE_MS;
        break;
      }
    }
    // Wait for the next datagram's turn (or just let the send callbacks run).
    await (i < due ? new Promise((r) => setImmediate(r)) : sleep(Math.max(1, 1000 / cmd.rate)));
  }
  // Sends are queued: the report waits until the socket has handed every one to the kernel.
  const own = send.address().port;
  await new Promise<void>((resolve) => send.send(new Uint8Array(0), own, '127.0.0.1', () => resolve()));
  return {
    type: 'done',
    scenario: cmd.scenario,
    sent,
    bytes,
    seconds: (performance.now() - started) / 1000,
    sendErrors,
    toFakes: toFakes - fakesBefore,
    source,
  };
}

const reply = (m: AttackerMessage) => process.send?.(m);
process.on('message', (m: VictimCommand) => {
  if (m.type === 'attack') void attack(m).then(reply);
  else if (m.type === 'count-sink') reply({ type: 'sink', toFakes });
  else {
    send.close();
    sink.close();
    process.disconnect();
  }
});
reply({ type: 'ready', sinkPort, source });
