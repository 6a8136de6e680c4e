/**
 * The participant's gathering of submessages by destination (issue 13): what endpoints submit for
 * one remote participant in one turn of the event loop leaves in one datagram, after the turn's
 * microtasks and without a timer; a datagram's worth leaves at once, after what was gathered
 * before it for the same destination.
 */
import { describe, expect, it } from 'vitest';
import { DestinationBatcher } from '../../../../src/rtps/sender/destination-batcher.js';
import type { UdpLocator } from '../../../../src/rtps/transport/transport.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import type { Submessage } from '../../../../src/rtps/wire/submessage.js';
import { FLAG_ENDIANNESS } from '../../../../src/rtps/wire/submessage.js';

const HEADER = {
  version: [2, 3] as const,
  vendorId: [1, 0xf7] as const,
  guidPrefix: new Uint8Array(12).fill(1),
};
const PEER_A = new Uint8Array(12).fill(0xa);
const PEER_B = new Uint8Array(12).fill(0xb);
const AT_A: UdpLocator[] = [{ address: '10.0.0.2', port: 7410 }];
const AT_B: UdpLocator[] = [{ address: '10.0.0.3', port: 7410 }];

function heartbeat(writerId: number, count: number): Submessage {
  return {
    kind: 'HEARTBEAT',
    flags: FLAG_ENDIANNESS,
    readerId: writerId + 1,
    writerId,
    firstSN: 1,
    lastSN: count,
    count,
  };
}

function data(writerId: number, sn: number, size: number): Submessage {
  return {
    kind: 'DATA',
    flags: FLAG_ENDIANNESS | 0x04,
    extraFlags: 0,
    readerId: 0,
    writerId,
    writerSN: sn,
    payload: new Uint8Array(size).fill(sn & 0xff),
  };
}

/** A batcher whose datagrams are parsed back: per datagram, where it went and what it held. */
function recorder(maxDatagramSize = 65_000) {
  const sent: { to: string; dst: string; subs: string[] }[] = [];
  const drops = new DropCounter();
  const batcher = new DestinationBatcher(HEADER, maxDatagramSize, (d, to) => {
    const m = parseMessage(d.slice(), drops);
    if (!m) throw new Error('the batcher sent a datagram that does not parse');
    const [first, ...rest] = m.submessages;
    if (first?.kind !== 'INFO_DST') throw new Error('a batch must start with INFO_DST');
    sent.push({
      to: to.map((l) => `${l.address}:${l.port}`).join(','),
      dst: Buffer.from(first.guidPrefix).toString('hex'),
      subs: rest.map((s) =>
        s.kind === 'HEARTBEAT'
          ? `HB ${s.writerId}/${s.count}`
          : s.kind === 'DATA'
            ? `DATA ${s.writerId}/${s.writerSN}`
            : s.kind,
      ),
    });
  });
  return { batcher, sent };
}

const settle = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};

describe('DestinationBatcher', () => {
  it('sends what several endpoints submit for one participant in a turn as one datagram, in order', async () => {
    const { batcher, sent } = recorder();
    batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]);
    batcher.submit(PEER_A, AT_A, [heartbeat(0x4c2, 1)]);
    batcher.submit(PEER_A, AT_A, [heartbeat(0x200c2, 1)]);
    expect(sent).toHaveLength(0); // nothing leaves inside the turn
    await settle();
    expect(sent).toEqual([
      { to: '10.0.0.2:7410', dst: '0a'.repeat(12), subs: ['HB 962/1', 'HB 1218/1', 'HB 131266/1'] },
    ]);
    expect(batcher.datagrams).toBe(1);
  });

  it('keeps destinations apart: another participant, or the same one at other locators', async () => {
    const { batcher, sent } = recorder();
    batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]);
    batcher.submit(PEER_B, AT_B, [heartbeat(0x3c2, 2)]);
    batcher.submit(PEER_A, [{ address: '10.0.0.2', port: 7411 }], [heartbeat(0x103, 3)]);
    batcher.submit(PEER_A, AT_A, [heartbeat(0x4c2, 4)]);
    await settle();
    expect(sent.map((s) => `${s.to} ${s.subs.join(' ')}`)).toEqual([
      '10.0.0.2:7410 HB 962/1 HB 1218/4',
      '10.0.0.3:7410 HB 962/2',
      '10.0.0.2:7411 HB 259/3',
    ]);
  });

  it('joins what a microtask of the same turn submits (an end-of-turn writer flush)', async () => {
    const { batcher, sent } = recorder();
    queueMicrotask(() => batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]));
    queueMicrotask(() => batcher.submit(PEER_A, AT_A, [heartbeat(0x4c2, 1)]));
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subs).toEqual(['HB 962/1', 'HB 1218/1']);
  });

  it('sends a datagram’s worth at once, with what was gathered before it for that destination first', () => {
    const { batcher, sent } = recorder(16_000);
    batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]);
    batcher.submit(PEER_B, AT_B, [heartbeat(0x3c2, 2)]);
    batcher.submit(PEER_A, AT_A, [data(0x103, 1, 9_000), data(0x103, 2, 9_000)]);
    // Synchronously, without waiting for the turn to end; PEER_B's heartbeat still waits.
    expect(sent.map((s) => s.subs)).toEqual([['HB 962/1', 'DATA 259/1'], ['DATA 259/2']]);
    batcher.flush();
    expect(sent.map((s) => s.subs)).toEqual([['HB 962/1', 'DATA 259/1'], ['DATA 259/2'], ['HB 962/2']]);
  });

  it('sends each turn only what that turn gathered, turn after turn', async () => {
    const { batcher, sent } = recorder();
    for (let turn = 1; turn <= 3; turn++) {
      batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, turn)]);
      if (turn !== 2) batcher.submit(PEER_B, AT_B, [heartbeat(0x4c2, turn)]);
      await settle();
    }
    expect(sent.map((s) => `${s.to} ${s.subs.join(' ')}`)).toEqual([
      '10.0.0.2:7410 HB 962/1',
      '10.0.0.3:7410 HB 1218/1',
      '10.0.0.2:7410 HB 962/2',
      '10.0.0.2:7410 HB 962/3',
      '10.0.0.3:7410 HB 1218/3',
    ]);
  });

  it('loses nothing a send submits while its datagram leaves (a synchronous loopback)', async () => {
    const sent: string[][] = [];
    const drops = new DropCounter();
    let echoes = 0;
    const batcher: DestinationBatcher = new DestinationBatcher(HEADER, 65_000, (d) => {
      const m = parseMessage(d.slice(), drops)!;
      sent.push(m.submessages.slice(1).map((x) => (x.kind === 'HEARTBEAT' ? `HB ${x.count}` : x.kind)));
      if (echoes++ === 0) batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 2)]);
    });
    batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]);
    await settle();
    expect(sent).toEqual([['HB 1'], ['HB 2']]);
  });

  it('flush sends at once and leaves nothing for the end of the turn', async () => {
    const { batcher, sent } = recorder();
    batcher.submit(PEER_A, AT_A, [heartbeat(0x3c2, 1)]);
    batcher.flush();
    expect(sent).toHaveLength(1);
    await settle();
    expect(sent).toHaveLength(1);
  });
});
