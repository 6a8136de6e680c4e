/**
 * `npm run fuzz:rtps -- [inputs] [seed]`: feeds the RTPS message parser (and the parameter-list
 * decoder, and re-encoding) random and mutated real datagrams from ../shared/captures, and
 * reports inputs per second, drops by reason and the heap before and after. Any exception that
 * escapes is a bug: it is printed and the run exits non-zero.
 */
import { ByteWriter } from '../src/rtps/wire/byte-writer.js';
import { DropCounter } from '../src/rtps/wire/errors.js';
import { parseMessage, writeSubmessage } from '../src/rtps/wire/message.js';
import { parseParameterList } from '../src/rtps/wire/parameter-list.js';
import { sharedFile } from '../test/shared.js';
import { readPcapUdp } from '../test/support/pcap.js';
import { mulberry32, mutate } from '../test/support/rtps-mutate.js';

const inputs = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const corpus = [
  ...readPcapUdp(sharedFile('captures/jazzy-cyclonedds-tutorial.pcap')),
  ...readPcapUdp(sharedFile('captures/jazzy-fastrtps-tutorial.pcap')),
].map((d) => d.payload);
const rand = mulberry32(seed);
const drops = new DropCounter();
const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heap();
const started = performance.now();
let parsed = 0;
for (let i = 0; i < inputs; i++) {
  let bytes: Uint8Array;
  if (i % 4 === 0) {
    bytes = new Uint8Array(20 + Math.floor(rand() * 200));
    bytes.set([0x52, 0x54, 0x50, 0x53, 2, 3, 1, 2]);
    for (let k = 20; k < bytes.length; k++) bytes[k] = Math.floor(rand() * 256);
  } else {
    bytes = mutate(corpus[Math.floor(rand() * corpus.length)]!, rand);
  }
  try {
    const m = parseMessage(bytes, drops);
    if (!m) continue;
    parsed++;
    for (const s of m.submessages) {
      writeSubmessage(new ByteWriter(), s);
      if ((s.kind === 'DATA' || s.kind === 'DATA_FRAG') && s.inlineQos) {
        try {
          parseParameterList(s.inlineQos, (s.flags & 1) === 1);
        } catch (err) {
          if ((err as Error).name !== 'WireFormatError') throw err;
        }
      }
    }
  } catch (err) {
    console.error(`input ${i} (seed ${seed}) threw:`, err, Buffer.from(bytes).toString('hex'));
    process.exit(1);
  }
}
const seconds = (performance.now() - started) / 1000;
const heapAfter = heap();
console.log(`${inputs} inputs in ${seconds.toFixed(1)} s (${Math.round(inputs / seconds)}/s), seed ${seed}`);
console.log(`parsed ${parsed}, drops ${drops.total}:`, Object.fromEntries(drops.counts));
console.log(`heap ${(heapBefore / 1e6).toFixed(1)} MB before, ${(heapAfter / 1e6).toFixed(1)} MB after`);
