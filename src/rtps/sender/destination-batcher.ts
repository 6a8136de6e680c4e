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
import { type DueItem, DueList, sent } from './due-list.js';
import { afterTwoMicrotasks } from './microtasks.js';
import { ReusableList } from './reusable-list.js';

export { afterTwoMicrotasks };

/**
 * One destination, kept from turn to turn (with the storage of its list) while it is sent to:
 * a batch object, a list and an INFO_DST made per destination and turn, and a map emptied per
 * turn (Map.clear makes a new table), were ~600 bytes a turn that sent anything (issue 14).
 */
interface Destination extends DueItem {
  readonly locators: readonly UdpLocator[];
  /** The INFO_DST to the participant, which every datagram to it starts with. */
  readonly preamble: readonly Submessage[];
  /** What is gathered for it now. */
  subs: ReusableList<Submessage>;
  /** An empty list to gather into while `subs` is being sent (undefined while in use). */
  spare: ReusableList<Submessage> | undefined;
  bytes: number;
  /** The flush it last had something gathered in (see prune). */
  lastUsed: number;
}

/**
 * The preamble of datagrams that need none (sendNow: SPDP's announcements). Not `[]`: an empty literal is
 * an array of another elements kind than the batcher's preambles (which hold an INFO_DST), so
 * optimized code that has seen only those deoptimizes ("wrong map") at the first one.
 */
const NO_PREAMBLE: readonly Submessage[] = (() => {
  const a: Submessage[] = [{ kind: 'INFO_TS', flags: 0 }];
  a.pop();
  return a;
})();

/** The RTPS header and INFO_DST (16) that every datagram starts with. */
const BATCH_PREAMBLE = RTPS_HEADER_SIZE + 16;
/** Flushes a destination may go unused before it is forgotten (its key and lists go with it). */
const IDLE_FLUSHES = 1024;

export class DestinationBatcher {
  /** Every destination sent to in the last IDLE_FLUSHES flushes or so, by key. */
  private readonly destinations = new Map<string, Destination>();
  /** Destinations with something gathered (see DueList). */
  private readonly due = new DueList<Destination>();
  private queued = false;
  private flushes = 0;
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

  /**
   * Queues the first `count` of `subs` (holes, undefined, are skipped) for the participant
   * `prefix`, reached at `locators`. They are copied: the caller may reuse `subs` on return.
   */
  submit(
    prefix: Uint8Array,
    locators: readonly UdpLocator[],
    subs: readonly (Submessage | undefined)[],
    count = subs.length,
  ): void {
    if (count === 0 || locators.length === 0) return;
    const d = this.destinationOf(prefix, locators);
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const m = subs[i];
      if (m !== undefined) bytes += approximateSize(m);
    }
    // What fits a datagram but not beside what is gathered leaves after it, in a datagram of its
    // own, rather than splitting both over a full datagram and a short one.
    const room = this.maxDatagramSize - BATCH_PREAMBLE;
    if (d.subs.length > 0 && bytes <= room && d.bytes + bytes > room) this.emit(d);
    this.due.mark(d);
    for (let i = 0; i < count; i++) {
      const m = subs[i];
      if (m !== undefined) d.subs.push(m);
    }
    d.bytes += bytes;
    d.lastUsed = this.flushes;
    if (d.bytes >= this.maxDatagramSize) {
      this.emit(d);
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
    // A send that comes back to submit is sent in this flush too (DueList.flush).
    this.due.flush(this.emit);
    if (++this.flushes % IDLE_FLUSHES === 0) this.prune();
  };

  /** Forgets the destinations unused for IDLE_FLUSHES flushes (peers gone, locators changed). */
  private prune(): void {
    for (const [key, d] of this.destinations)
      if (d.dueAt < 0 && this.flushes - d.lastUsed > IDLE_FLUSHES) this.destinations.delete(key);
  }

  private destinationOf(prefix: Uint8Array, locators: readonly UdpLocator[]): Destination {
    const key = this.keyOf(prefix, locators);
    let d = this.destinations.get(key);
    if (d === undefined) {
      d = {
        locators,
        preamble: [{ kind: 'INFO_DST', flags: FLAG_ENDIANNESS, guidPrefix: prefix }],
        subs: new ReusableList(),
        spare: new ReusableList(),
        bytes: 0,
        dueAt: -1,
        lastUsed: this.flushes,
      };
      this.destinations.set(key, d);
    }
    return d;
  }

  /** Sends what is gathered for `d` now, and leaves it empty. */
  private readonly emit = (d: Destination): void => {
    const out = d.subs;
    // Gathering goes on in the spare list while this one is sent, in case a send comes back to
    // submit (a synchronous loopback); a second such turn gets a list of its own.
    d.subs = d.spare ?? new ReusableList();
    d.spare = undefined;
    d.bytes = 0;
    sent(d);
    try {
      this.encodeTo(d.locators, d.preamble, out.items, out.length);
    } finally {
      out.clear();
      d.spare = out;
    }
  };

  /**
   * Sends the first `count` of `subs` now to `locators`, with no INFO_DST. The same encoder,
   * sink and send as every other datagram: a periodic SPDP announcement that came with a sink of
   * its own deoptimized the participant's hot send path 3 s after start ("wrong call target" at
   * the sink's call in sendDatagrams; --trace-deopt of a warm service pair).
   */
  sendNow(locators: readonly UdpLocator[], subs: readonly Submessage[], count: number): void {
    this.encodeTo(locators, NO_PREAMBLE, subs, count);
  }

  /**
   * Encodes the first `count` of `subs` after `preamble` and sends the datagrams to `locators`.
   * The sink is made once: it finds where to send in `emitting`, saved and restored around a
   * send that comes back here (a synchronous loopback).
   */
  private encodeTo(
    locators: readonly UdpLocator[],
    preamble: readonly Submessage[],
    subs: readonly (Submessage | undefined)[],
    count: number,
  ): void {
    const outer = this.emitting;
    this.emitting = locators;
    try {
      sendDatagrams(this.header, this.maxDatagramSize, preamble, subs, this.sink, count);
    } finally {
      this.emitting = outer;
    }
  }

  /** Where the destination being emitted is reached (see emit). */
  private emitting: readonly UdpLocator[] = [];

  private readonly sink = (datagram: Uint8Array): void => {
    this.datagrams++;
    this.send(datagram, this.emitting);
  };

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
