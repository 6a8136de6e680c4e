/**
 * One participant's outgoing submessages, gathered by destination (a remote participant at a set
 * of locators) until the end of the turn of the event loop, then sent in as few datagrams as fit.
 *
 * Every endpoint used to send its own datagrams: during discovery the three builtin writers of a
 * participant heartbeat each peer in the same turn, and the peer's three builtin readers answer
 * with three ACKNACKs, each a datagram and a syscall of its own. On one host, N participants make
 * N^2 such pairs and the sendmsg calls were a fifth of all CPU (issue 13). Gathered, what one
 * turn produces for one peer leaves as one datagram, as Cyclone's and Fast DDS's do.
 *
 * What is gathered for a destination leaves in the order it came, so each writer's submessages
 * keep their order. A destination holding a datagram's worth leaves at once, so large samples
 * are not held back to leave in one burst. The rest leaves two microtasks after the first
 * submission of the turn: the end-of-turn flushes of the writers, themselves microtasks queued
 * during the turn, run before it and join the same datagrams. Nothing waits for a timer: a lone
 * sample goes out as soon as before.
 */
import type { UdpLocator } from '../transport/transport.js';
import { RTPS_HEADER_SIZE, type RtpsHeader } from '../wire/message.js';
import type { Submessage } from '../wire/submessage.js';
import { FLAG_ENDIANNESS } from '../wire/submessage.js';
import { prefixKey } from '../wire/types.js';
import { sendDatagrams } from './datagram-builder.js';

interface Batch {
  readonly prefix: Uint8Array;
  readonly locators: readonly UdpLocator[];
  readonly subs: Submessage[];
  bytes: number;
}

/** The RTPS header and INFO_DST (16) that every datagram starts with. */
const BATCH_PREAMBLE = RTPS_HEADER_SIZE + 16;

/** Runs `fn` after the microtasks queued so far, and after those they queue in turn. */
export function afterTwoMicrotasks(fn: () => void): void {
  queueMicrotask(() => queueMicrotask(fn));
}

export class DestinationBatcher {
  private batches = new Map<string, Batch>();
  /** The other of two maps used in turn, so a flush makes no new one. */
  private spare = new Map<string, Batch>();
  private queued = false;
  /** Each locator list's part of the key, computed once per list object. */
  private readonly locatorKeys = new WeakMap<readonly UdpLocator[], string>();
  /** Each destination's key by its prefix and locator list objects: no string built per submit. */
  private readonly keys = new WeakMap<Uint8Array, WeakMap<readonly UdpLocator[], string>>();
  /** Datagrams sent (for tests and statistics). */
  datagrams = 0;

  constructor(
    private readonly header: RtpsHeader,
    private readonly maxDatagramSize: number,
    private readonly send: (datagram: Uint8Array, to: readonly UdpLocator[]) => void,
    private readonly defer: (fn: () => void) => void = afterTwoMicrotasks,
  ) {}

  /** Queues submessages for the participant `prefix`, reached at `locators`. */
  submit(prefix: Uint8Array, locators: readonly UdpLocator[], subs: readonly Submessage[]): void {
    if (subs.length === 0 || locators.length === 0) return;
    const key = this.keyOf(prefix, locators);
    let bytes = 0;
    for (const m of subs) bytes += approximateSize(m);
    let batch = this.batches.get(key);
    // What fits a datagram but not beside what is gathered leaves after it, in a datagram of its
    // own, rather than splitting both over a full datagram and a short one.
    const room = this.maxDatagramSize - BATCH_PREAMBLE;
    if (batch && bytes <= room && batch.bytes + bytes > room) {
      this.batches.delete(key);
      this.emit(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { prefix, locators, subs: [], bytes: 0 };
      this.batches.set(key, batch);
    }
    for (const m of subs) batch.subs.push(m);
    batch.bytes += bytes;
    if (batch.bytes >= this.maxDatagramSize) {
      this.batches.delete(key);
      this.emit(batch);
      return;
    }
    if (!this.queued) {
      this.queued = true;
      this.defer(this.flush);
    }
  }

  /** Sends everything gathered (also called before the participant closes). */
  readonly flush = (): void => {
    this.queued = false;
    if (this.batches.size === 0) return;
    const batches = this.batches;
    this.batches = this.spare;
    this.spare = batches;
    for (const batch of batches.values()) this.emit(batch);
    batches.clear();
  };

  private emit(batch: Batch): void {
    sendDatagrams(
      this.header,
      this.maxDatagramSize,
      [{ kind: 'INFO_DST', flags: FLAG_ENDIANNESS, guidPrefix: batch.prefix }],
      batch.subs,
      (d) => {
        this.datagrams++;
        this.send(d, batch.locators);
      },
    );
  }

  /** The batch key of a destination, built once per (prefix, locator list) object pair. */
  private keyOf(prefix: Uint8Array, locators: readonly UdpLocator[]): string {
    let byLocators = this.keys.get(prefix);
    if (!byLocators) {
      byLocators = new WeakMap();
      this.keys.set(prefix, byLocators);
    }
    let key = byLocators.get(locators);
    if (key === undefined) {
      key = `${prefixKey(prefix)}@${this.locatorKey(locators)}`;
      byLocators.set(locators, key);
    }
    return key;
  }

  private locatorKey(locators: readonly UdpLocator[]): string {
    let key = this.locatorKeys.get(locators);
    if (key === undefined) {
      key = locators.map((l) => `${l.address}:${l.port}`).join(',');
      this.locatorKeys.set(locators, key);
    }
    return key;
  }
}

/** About what a submessage takes in a datagram (header, ids and numbers, and its bytes). */
export function approximateSize(m: Submessage): number {
  switch (m.kind) {
    case 'DATA':
      return 24 + (m.inlineQos?.length ?? 0) + (m.payload?.length ?? 0);
    case 'DATA_FRAG':
      return 36 + (m.inlineQos?.length ?? 0) + m.fragments.length;
    case 'INFO_TS':
      return 12;
    default:
      return 32;
  }
}
