/**
 * SPDP (RTPS 8.5.3): announcing this participant and keeping the table of the others.
 *
 * We announce at start in a short burst (5 times, 100 ms apart, as Fast DDS does), then every
 * `periodMs`, to the SPDP multicast group, to static peers, and straight to every participant we
 * learn of (as Cyclone does), so discovery does not wait for the next period. A remote
 * participant is dropped when it says goodbye (a disposed SPDP sample) or when its lease runs out.
 *
 * Bounded against floods (discovery-limits.ts): known participants are renewed first and always;
 * new ones are taken in at a limited rate and up to a limited number; leases are capped; expiry
 * looks only at the earliest lease (deadline-heap.ts), not at every participant every time.
 */
import type { Clock } from '../clock.js';
import {
  type DecodedParticipantData,
  type DiscoveryDataError,
  type DiscoverySample,
  decodeParticipantSample,
  durationToMillis,
  encodeParticipantData,
  isInfinite,
  type ParticipantData,
  participantLease,
  sampleFromData,
  tryDecode,
} from '../discovery-data/index.js';
import type { Outbox } from '../endpoints/outbox.js';
import type { ReceiveContext } from '../message-receiver.js';
import { isMulticastIPv4 } from '../transport/address.js';
import type { UdpLocator } from '../transport/transport.js';
import { ByteWriter } from '../wire/byte-writer.js';
import { writeParameterList } from '../wire/parameter-list.js';
import { DataFlags, type DataSubmessage, FLAG_ENDIANNESS, type Submessage } from '../wire/submessage.js';
import {
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  type GuidPrefix,
  prefixKey,
  timeFromMillis,
} from '../wire/types.js';
import { DeadlineHeap } from './deadline-heap.js';
import { DEFAULT_DISCOVERY_LIMITS, type DiscoveryLimits, RateLimit } from './discovery-limits.js';
import { type LocatorPolicy, udpLocators, uniqueLocators } from './locators.js';

export interface RemoteParticipant {
  readonly data: DecodedParticipantData;
  readonly vendorId: number;
  /** Its metatraffic unicast locators (discovery traffic goes there). */
  readonly metatraffic: readonly UdpLocator[];
  /** Its default unicast locators (user data goes there unless an endpoint names its own). */
  readonly defaultUnicast: readonly UdpLocator[];
  /** When its lease runs out (clock time), unless another announcement renews it. */
  expiresAt: number;
  /**
   * How we know it, as a Discovery Server client (discovery-server-client.ts): one of our
   * 'server's, or 'relayed' by one. Neither gets our SPDP straight from here; a relayed one has no
   * lease here either (its server relays its end).
   */
  readonly discoveryServer?: 'server' | 'relayed';
}

export interface SpdpEvents {
  added(p: RemoteParticipant): void;
  updated(p: RemoteParticipant): void;
  removed(prefix: GuidPrefix, why: 'goodbye' | 'lease expired'): void;
}

const BURST = 5;
const BURST_INTERVAL_MS = 100;

export class SpdpAgent {
  readonly participants = new Map<string, RemoteParticipant>();
  private readonly leases = new DeadlineHeap();
  private readonly newcomers: RateLimit;
  private sn = 0;
  private announcements = 0;
  private nextAnnounce: number;
  /** Our announcement's payload, encoded once: it does not change. */
  private ownPayload: Uint8Array | undefined;
  /**
   * The last announcement taken from each participant (by the sender's prefix, which is its own),
   * as bytes: the same bytes again, as every periodic announcement is, only renew its lease, with
   * no decoding (issue 13: N participants announce to each of N every period).
   */
  private readonly lastAnnouncement = new Map<
    string,
    { readonly bytes: Uint8Array; readonly inlineQos: Uint8Array | undefined; readonly vendor: number }
  >();

  constructor(
    private readonly own: ParticipantData,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    /** Where periodic announcements go: the multicast group and static peers' ports. */
    private readonly announceTo: readonly UdpLocator[],
    private readonly periodMs: number,
    private readonly events: SpdpEvents,
    private readonly onMalformed: (error: DiscoveryDataError) => void,
    private readonly limits: DiscoveryLimits = DEFAULT_DISCOVERY_LIMITS,
    private readonly locatorPolicy?: LocatorPolicy,
    private readonly refused: (
      why: 'participant-limit' | 'new-participant-rate',
      detail: string,
    ) => void = () => {},
  ) {
    this.nextAnnounce = clock.now();
    this.newcomers = new RateLimit(limits.newParticipantsPerSecond, clock.now());
  }

  nextDeadline(): number {
    const lease = this.leases.peek();
    return lease !== undefined && lease < this.nextAnnounce ? lease : this.nextAnnounce;
  }

  poll(now: number): void {
    if (now >= this.nextAnnounce) {
      // Known participants are told directly too (multicast may not reach everyone): one
      // datagram, encoded once, for all of them. Not during the first burst to those that listen
      // on our multicast group: each had a directed introduction when we learnt of it, and N
      // participants starting together made the burst N^2 datagrams (issue 13).
      const burst = this.announcements < BURST;
      const to = [...this.announceTo];
      for (const p of this.participants.values())
        if (!p.discoveryServer && !(burst && this.hearsOurMulticast(p))) to.push(...p.metatraffic);
      this.announce(to);
      this.announcements++;
      this.nextAnnounce = now + (this.announcements < BURST ? BURST_INTERVAL_MS : this.periodMs);
    }
    for (const key of this.leases.popDue(now)) {
      const p = this.participants.get(key);
      if (!p) continue;
      this.participants.delete(key);
      this.lastAnnouncement.delete(key);
      this.events.removed(p.data.guid.prefix, 'lease expired');
    }
  }

  /** Whether a participant announces that it listens on one of the multicast groups we announce to. */
  private hearsOurMulticast(p: RemoteParticipant): boolean {
    const groups = udpLocators(p.data.metatrafficMulticastLocators);
    return this.announceTo.some(
      (ours) =>
        isMulticastIPv4(ours.address) &&
        groups.some((g) => g.address === ours.address && g.port === ours.port),
    );
  }

  /** An SPDP sample from the network. */
  onData(ctx: ReceiveContext, m: DataSubmessage): void {
    const vendor = (ctx.sourceVendorId[0] << 8) | ctx.sourceVendorId[1];
    const source = ctx.sourceKey;
    const last = this.lastAnnouncement.get(source);
    if (
      last &&
      m.payload &&
      last.vendor === vendor &&
      this.participants.has(source) &&
      sameBytes(last.bytes, m.payload) &&
      sameBytes(last.inlineQos, m.inlineQos)
    ) {
      this.renew(source);
      return;
    }
    const before = this.participants.get(source);
    this.onSample(sampleFromData(m), vendor);
    // Taken as a new description of the sender itself (not of another participant it named):
    // keep its bytes for the fast path above.
    const after = this.participants.get(source);
    if (after !== before && after !== undefined && !after.discoveryServer && m.payload)
      this.lastAnnouncement.set(source, {
        bytes: m.payload.slice(),
        inlineQos: m.inlineQos?.slice(),
        vendor,
      });
  }

  /**
   * An SPDP sample, from a DATA or from the reliable SPDP writer of the Discovery Server
   * `viaServer`: the server's own announcement, or one it relays (not held to the newcomer rate,
   * since the server sends it once).
   */
  onSample(sample: DiscoverySample, vendor: number, viaServer?: GuidPrefix): void {
    const decoded = tryDecode(() => decodeParticipantSample(sample, vendor));
    if (!decoded.ok) {
      this.onMalformed(decoded.error);
      return;
    }
    const change = decoded.value;
    if (change.kind === 'gone') {
      const key = prefixKey(change.guid.prefix);
      this.leases.delete(key);
      this.lastAnnouncement.delete(key);
      if (this.participants.delete(key)) this.events.removed(change.guid.prefix, 'goodbye');
      return;
    }
    const data = change.data;
    const key = prefixKey(data.guid.prefix);
    if (key === prefixKey(this.own.guid.prefix)) return; // our own announcement, looped back
    const discoveryServer =
      viaServer === undefined ? undefined : key === prefixKey(viaServer) ? 'server' : 'relayed';
    // Through a Discovery Server the domain is not compared: a Fast DDS 3 server announces its
    // own (`fast-discovery-server` makes it in domain 0) and its clients take it from any domain
    // (3.6.2 PDPClientListener::check_discovery_conditions, PDPServerListener likewise).
    if (
      viaServer === undefined &&
      this.own.domainId !== undefined &&
      data.domainId !== undefined &&
      data.domainId !== this.own.domainId
    )
      return;
    const now = this.clock.now();
    const known = this.participants.get(key);
    if (!known) {
      if (this.participants.size >= this.limits.maxParticipants) {
        this.refused('participant-limit', `${this.participants.size} participants known`);
        return;
      }
      if (discoveryServer !== 'relayed' && !this.newcomers.take(now)) {
        this.refused(
          'new-participant-rate',
          `over ${this.limits.newParticipantsPerSecond} new participants a second`,
        );
        return;
      }
    }
    const lease = participantLease(data);
    const leaseMs = isInfinite(lease)
      ? this.limits.maxLeaseMs
      : Math.min(durationToMillis(lease), this.limits.maxLeaseMs);
    const expiresAt = discoveryServer === 'relayed' ? Number.POSITIVE_INFINITY : now + leaseMs;
    const p: RemoteParticipant = {
      data,
      vendorId: vendor,
      metatraffic: udpLocators(data.metatrafficUnicastLocators, this.locatorPolicy),
      defaultUnicast: udpLocators(data.defaultUnicastLocators, this.locatorPolicy),
      expiresAt,
      ...(discoveryServer ? { discoveryServer } : {}),
    };
    this.participants.set(key, p);
    if (discoveryServer === 'relayed') this.leases.delete(key);
    else this.leases.set(key, expiresAt);
    if (known) this.events.updated(p);
    else {
      this.events.added(p);
      if (!discoveryServer) this.announce(p.metatraffic); // introduce ourselves at once
    }
  }

  /**
   * Any message from a participant whose lease we keep (a Discovery Server repeats its DATA(p)
   * only as a duplicate our reliable reader drops): its lease starts again, as Fast DDS renews a
   * lease on every message from the participant.
   */
  renew(key: string): void {
    const p = this.participants.get(key);
    if (!p || p.discoveryServer === 'relayed') return;
    const lease = participantLease(p.data);
    const leaseMs = isInfinite(lease)
      ? this.limits.maxLeaseMs
      : Math.min(durationToMillis(lease), this.limits.maxLeaseMs);
    const expiresAt = this.clock.now() + leaseMs;
    if (expiresAt - p.expiresAt < 1_000) return; // spare the heap an entry per datagram
    p.expiresAt = expiresAt;
    this.leases.set(key, expiresAt);
  }

  /** Says goodbye: a disposed, unregistered SPDP sample to everyone we announce to. */
  goodbye(): void {
    const w = new ByteWriter(64);
    const key = new Uint8Array(16);
    key.set(this.own.guid.prefix);
    key.set([0, 0, 1, 0xc1], 12);
    const status = new Uint8Array([0, 0, 0, 3]); // disposed | unregistered
    writeParameterList(w, [
      { pid: 0x0070, value: key },
      { pid: 0x0071, value: status },
    ]);
    const dispose: DataSubmessage = {
      kind: 'DATA',
      flags: FLAG_ENDIANNESS | 0x02,
      extraFlags: 0,
      readerId: ENTITYID_SPDP_READER,
      writerId: ENTITYID_SPDP_WRITER,
      writerSN: ++this.sn,
      inlineQos: w.result().slice(),
      payload: undefined,
    };
    const direct = [...this.participants.values()].filter((p) => !p.discoveryServer);
    const targets = [...this.announceTo, ...direct.flatMap((p) => p.metatraffic)];
    this.send(dispose, targets);
  }

  private announce(to: readonly UdpLocator[]): void {
    if (to.length === 0) return;
    this.ownPayload ??= encodeParticipantData(this.own);
    const data: DataSubmessage = {
      kind: 'DATA',
      flags: FLAG_ENDIANNESS | DataFlags.DATA,
      extraFlags: 0,
      readerId: ENTITYID_SPDP_READER,
      writerId: ENTITYID_SPDP_WRITER,
      writerSN: ++this.sn,
      inlineQos: undefined,
      payload: this.ownPayload,
    };
    this.send(data, to);
  }

  /**
   * Sends `m` after an INFO_TS. The announcement goes through the encoder every sample goes
   * through, every 3 s, once the samples have made that code hot: so it passes what the samples'
   * path passes (a DATA with both optional fields; the outbox's own preamble and sink), or the
   * first periodic announcement deoptimizes the send path of a busy participant and ~35 ms of
   * compiling follows (--trace-deopt, a warm service pair: "wrong map" in startDatagram and
   * writeSubmessage, "wrong call target" in sendDatagrams, 3 s after start).
   */
  private send(m: DataSubmessage, to: readonly UdpLocator[]): void {
    const subs: Submessage[] = [
      { kind: 'INFO_TS', flags: FLAG_ENDIANNESS, timestamp: timeFromMillis(Date.now()) },
      m,
    ];
    this.outbox.sendNow(uniqueLocators(to), subs, subs.length);
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
