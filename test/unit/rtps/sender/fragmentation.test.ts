import { describe, expect, it } from 'vitest';
import { FragmentAssembler } from '../../../../src/rtps/reader/fragment-assembler.js';
import { dataSubmessages } from '../../../../src/rtps/sender/data-submessages.js';
import { sendDatagrams } from '../../../../src/rtps/sender/datagram-builder.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage, type RtpsHeader } from '../../../../src/rtps/wire/message.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';

const header: RtpsHeader = { version: [2, 3], vendorId: [1, 0xf7], guidPrefix: new Uint8Array(12).fill(7) };
const dst = { kind: 'INFO_DST' as const, flags: 1, guidPrefix: new Uint8Array(12).fill(9) };

/** The datagrams, copied out of the builder's reused buffer. */
function collect(maxSize: number, preamble: Submessage[], subs: Submessage[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  sendDatagrams(header, maxSize, preamble, subs, (d) => out.push(d.slice()));
  return out;
}

describe('sending large samples', () => {
  it('sends a small change as one DATA in one datagram', () => {
    const subs = dataSubmessages({ sn: 1, payload: new Uint8Array(100) }, 0, 0x103, 64_000, 64_000);
    expect(subs.map((s) => s.kind)).toEqual(['DATA']);
    const [d, ...rest] = collect(65_000, [dst], subs);
    expect(rest).toEqual([]);
    expect(parseMessage(d!, new DropCounter())!.submessages.map((s) => s.kind)).toEqual(['INFO_DST', 'DATA']);
  });

  it('carries a 16 MB sample in DATA_FRAGs that reassemble to the same bytes, every datagram under the limit', () => {
    const sample = new Uint8Array(16 * 1024 * 1024 + 3);
    for (let i = 0; i < sample.length; i += 4093) sample[i] = i & 0xff;
    const fragmentSize = 64_000 - 100;
    const subs = dataSubmessages({ sn: 7, payload: sample }, 0x104, 0x103, 64_000, fragmentSize);
    expect(subs.length).toBe(Math.ceil(sample.length / fragmentSize));
    const datagrams = collect(65_000, [dst], subs);
    expect(datagrams.every((d) => d.length <= 65_000)).toBe(true);
    const assembler = new FragmentAssembler();
    let result: Uint8Array | undefined;
    // Any order: the last datagram first.
    for (const d of [datagrams[datagrams.length - 1]!, ...datagrams.slice(0, -1)]) {
      for (const s of parseMessage(d, new DropCounter())!.submessages) {
        if (s.kind !== 'DATA_FRAG') continue;
        const out = assembler.add(s);
        if (out.kind === 'complete') result = out.payload;
      }
    }
    expect(result?.length).toBe(sample.length);
    expect(Buffer.compare(Buffer.from(result!), Buffer.from(sample))).toBe(0);
  });

  it('packs small submessages together and starts a new datagram when full', () => {
    const subs: Submessage[] = [];
    for (let sn = 1; sn <= 10; sn++)
      subs.push(...dataSubmessages({ sn, payload: new Uint8Array(40) }, 0, 0x103, 1000, 1000));
    const ds = collect(200, [], subs);
    expect(ds.length).toBeGreaterThan(1);
    expect(ds.every((d) => d.length <= 200)).toBe(true);
    const sns = ds.flatMap((d) =>
      parseMessage(d, new DropCounter())!.submessages.map((s) => (s.kind === 'DATA' ? s.writerSN : 0)),
    );
    expect(sns).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
