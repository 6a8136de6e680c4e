/**
 * The parser against random and mutated real datagrams: nothing escapes parseMessage, every
 * failure is a counted drop. (scripts/fuzz-rtps.ts runs the same for millions of inputs.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../src/rtps/wire/byte-writer.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage, writeSubmessage } from '../../../../src/rtps/wire/message.js';
import { parseParameterList } from '../../../../src/rtps/wire/parameter-list.js';
import { sharedFile } from '../../../shared.js';
import { readPcapUdp } from '../../../support/pcap.js';
import { mulberry32, mutate } from '../../../support/rtps-mutate.js';

const corpus = [
  ...readPcapUdp(sharedFile('captures/jazzy-cyclonedds-tutorial.pcap')),
  ...readPcapUdp(sharedFile('captures/jazzy-fastrtps-tutorial.pcap')),
].map((d) => d.payload);

/** Parses, then touches everything a receiver would: parameter lists and re-encoding. */
function exercise(bytes: Uint8Array, drops: DropCounter): void {
  const m = parseMessage(bytes, drops);
  if (!m) return;
  for (const s of m.submessages) {
    writeSubmessage(new ByteWriter(), s);
    if ((s.kind === 'DATA' || s.kind === 'DATA_FRAG') && s.inlineQos)
      parseParameterList(s.inlineQos, (s.flags & 1) === 1);
  }
}

describe('parser fuzzing', () => {
  it('survives random bytes behind a valid header', () => {
    const drops = new DropCounter();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const b = new Uint8Array(20 + tail.length);
        b.set([0x52, 0x54, 0x50, 0x53, 2, 3, 1, 2]);
        b.set(tail, 20);
        exercise(b, drops);
      }),
      { numRuns: 20_000 },
    );
    expect(drops.total).toBeGreaterThan(0);
  });

  it('survives mutations of every captured datagram', () => {
    const drops = new DropCounter();
    const rand = mulberry32(1);
    let inputs = 0;
    for (let round = 0; round < 10; round++) {
      for (const d of corpus) {
        exercise(mutate(d, rand), drops);
        inputs++;
      }
    }
    expect(inputs).toBe(corpus.length * 10);
    expect(drops.total).toBeGreaterThan(inputs / 10);
  });
});
