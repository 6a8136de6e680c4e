/**
 * How a LocalWriter packs a burst of small samples: full datagrams without a short one split off
 * each, one INFO_TS per timestamp (said again at the start of a datagram that goes on with it),
 * and every DATA read with the timestamp it was written with.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../src/rtps/clock.js';
import { LocalWriter } from '../../../../src/rtps/endpoints/local-writer.js';
import { createOutbox } from '../../../../src/rtps/endpoints/outbox.js';
import { sendDatagrams } from '../../../../src/rtps/sender/datagram-builder.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import { FLAG_ENDIANNESS, type Submessage } from '../../../../src/rtps/wire/submessage.js';
import { timeFromMillis, timeToMillis } from '../../../../src/rtps/wire/types.js';

const WRITER = { prefix: new Uint8Array(12).fill(0xa), entityId: 0x00000103 };
const READER = { prefix: new Uint8Array(12).fill(0xb), entityId: 0x104 };
const HEADER = { version: [2, 3] as const, vendorId: [1, 0xf7] as const, guidPrefix: WRITER.prefix };

interface Read {
  readonly size: number;
  readonly infoTs: number;
  /** Each DATA's sequence number and the timestamp in force for it (ms), in order. */
  readonly data: { sn: number; ms: number | undefined }[];
}

/** Reads a datagram as a receiver does: INFO_TS holds for what follows it in that datagram only. */
function read(datagram: Uint8Array): Read {
  const m = parseMessage(datagram, new DropCounter());
  let ms: number | undefined;
  let infoTs = 0;
  const data: Read['data'] = [];
  for (const s of m?.submessages ?? []) {
    if (s.kind === 'INFO_TS') {
      infoTs++;
      ms = s.timestamp ? timeToMillis(s.timestamp) : undefined;
    } else if (s.kind === 'DATA') data.push({ sn: s.writerSN, ms });
  }
  return { size: datagram.length, infoTs, data };
}

function writer(maxDatagram: number) {
  const sent: Read[] = [];
  const outbox = createOutbox(HEADER, maxDatagram, (d) => sent.push(read(d)));
  const w = new LocalWriter(
    WRITER,
    {
      reliable: true,
      transientLocal: false,
      heartbeatPeriodMs: 100,
      nackResponseDelayMs: 5,
      history: { kind: 'keep-last', depth: 10_000 },
    },
    outbox,
    new FakeClock(),
  );
  w.matchReader({ guid: READER, locators: [{ address: '10.0.0.2', port: 7413 }], reliable: true });
  return { w, sent, outbox };
}

async function settle(outbox: { flush(): void }): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
  outbox.flush();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LocalWriter datagram packing', () => {
  it('packs a burst of one timestamp into full datagrams, one INFO_TS each, none split off short', async () => {
    const { w, sent, outbox } = writer(1400);
    await settle(outbox);
    sent.length = 0;
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_123);
    const payload = new Uint8Array(68).fill(1);
    for (let i = 0; i < 100; i++) w.write(payload);
    await settle(outbox);
    const data = sent.flatMap((d) => d.data);
    expect(data.map((d) => d.sn)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const d of data) expect(d.ms).toBeCloseTo(1_700_000_000_123, 0);
    for (const d of sent) {
      expect(d.size).toBeLessThanOrEqual(1400);
      expect(d.infoTs).toBe(1);
    }
    // DATA of 68 B takes 92 B: 14 fit beside the header, INFO_DST, INFO_TS and HEARTBEAT.
    expect(sent.length).toBe(Math.ceil(100 / 14));
    expect(sent.slice(0, -1).every((d) => d.size > 1400 - 92)).toBe(true);
  });

  it('says a new INFO_TS each time the timestamp changes', async () => {
    const { w, sent, outbox } = writer(65_000);
    await settle(outbox);
    sent.length = 0;
    const now = vi.spyOn(Date, 'now');
    const payload = new Uint8Array(8).fill(1);
    for (const ms of [1000, 1000, 1001, 1001, 1000]) {
      now.mockReturnValue(ms);
      w.write(payload);
    }
    await settle(outbox);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.infoTs).toBe(3);
    expect(sent[0]!.data.map((d) => Math.round(d.ms ?? -1))).toEqual([1000, 1000, 1001, 1001, 1000]);
  });
});

describe('sendDatagrams', () => {
  it('says the INFO_TS in force again at the start of a datagram split off a longer list', () => {
    const subs: Submessage[] = [{ kind: 'INFO_TS', flags: FLAG_ENDIANNESS, timestamp: timeFromMillis(5000) }];
    for (let sn = 1; sn <= 40; sn++)
      subs.push({
        kind: 'DATA',
        flags: FLAG_ENDIANNESS | 0x04,
        extraFlags: 0,
        readerId: READER.entityId,
        writerId: WRITER.entityId,
        writerSN: sn,
        payload: new Uint8Array(96),
      });
    const sent: Read[] = [];
    sendDatagrams(HEADER, 1000, [], subs, (d) => sent.push(read(d)));
    expect(sent.length).toBeGreaterThan(1);
    const data = sent.flatMap((d) => d.data);
    expect(data.map((d) => d.sn)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const d of data) expect(d.ms).toBeCloseTo(5000, 0);
  });
});
