/**
 * SEDP (RTPS 8.5.4): the four builtin endpoints that announce this participant's writers and
 * readers and learn the others'. They are reliable, and the writers TRANSIENT_LOCAL, so a
 * participant that joins late still learns every endpoint that exists.
 */
import type { Clock } from '../clock.js';
import {
  BuiltinEndpoint,
  type DecodedEndpointData,
  type DiscoveryDataError,
  decodeEndpointSample,
  type EffectiveQos,
  type EndpointData,
  type EndpointKind,
  encodeEndpointData,
  endpointQos,
  tryDecode,
} from '../discovery-data/index.js';
import { type DeliveredSample, LocalReader } from '../endpoints/local-reader.js';
import { LocalWriter } from '../endpoints/local-writer.js';
import type { Outbox } from '../endpoints/outbox.js';
import type { Pollable } from '../endpoints/scheduler.js';
import type { UdpLocator } from '../transport/transport.js';
import { ByteWriter } from '../wire/byte-writer.js';
import { type Parameter, writeParameterList } from '../wire/parameter-list.js';
import type { Submessage } from '../wire/submessage.js';
import {
  ENTITYID_SEDP_PUBLICATIONS_READER,
  ENTITYID_SEDP_PUBLICATIONS_WRITER,
  ENTITYID_SEDP_SUBSCRIPTIONS_READER,
  ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
  ENTITYID_SPDP_WRITER,
  type Guid,
  type GuidPrefix,
  guidKey,
  prefixKey,
} from '../wire/types.js';
import { DEFAULT_DISCOVERY_LIMITS } from './discovery-limits.js';
import { type LocatorPolicy, udpLocators } from './locators.js';
import type { RemoteParticipant } from './spdp.js';

export interface RemoteEndpointInfo {
  readonly data: DecodedEndpointData;
  readonly participant: RemoteParticipant;
  /** Where its data or acknowledgements go: its own locators, else its participant's defaults. */
  readonly locators: readonly UdpLocator[];
  readonly qos: EffectiveQos;
}

/** How many endpoints one remote participant may have here, and who is told of a refusal. */
export interface EndpointLimit {
  readonly max: number;
  refused(detail: string): void;
}

export interface SedpEvents {
  endpointAdded(e: RemoteEndpointInfo): void;
  endpointRemoved(guid: Guid, kind: EndpointKind): void;
}

const SEDP_WRITER_OPTIONS = {
  reliable: true,
  transientLocal: true,
  heartbeatPeriodMs: 100,
  nackResponseDelayMs: 5,
  history: { kind: 'keep-all' as const },
  maxSamples: 100_000,
};

export class SedpAgent {
  readonly remote = {
    writer: new Map<string, RemoteEndpointInfo>(),
    reader: new Map<string, RemoteEndpointInfo>(),
  };
  private readonly writers: Record<EndpointKind, LocalWriter>;
  private readonly readers: Record<EndpointKind, LocalReader>;
  /** Our endpoints' announcements, by endpoint GUID: the SEDP change that describes each. */
  private readonly announced = new Map<string, { kind: EndpointKind; sn: number; guid: Guid }>();
  private readonly participants = new Map<string, RemoteParticipant>();
  /** Each remote participant's endpoints (GUID keys), to bound them and to forget them at once. */
  private readonly endpointsOf = new Map<string, Set<string>>();
  /**
   * Participants we listen to but do not yet announce our endpoints to (see addParticipant), by
   * prefix key, until they send us anything beyond SPDP.
   */
  private readonly silent = new Map<string, RemoteParticipant>();

  constructor(
    prefix: GuidPrefix,
    outbox: Outbox,
    clock: Clock,
    reschedule: () => void,
    private readonly events: SedpEvents,
    private readonly onMalformed: (error: DiscoveryDataError) => void,
    private readonly locatorPolicy?: LocatorPolicy,
    /**
     * Put each announcement's sample identity (writer GUID, sequence number) in its inline QoS,
     * as a Fast DDS Discovery Server wants it (discovery-server-client.ts).
     */
    private readonly sampleIdentity?: (writer: Guid, sn: number, more?: readonly Parameter[]) => Uint8Array,
    private readonly endpointLimit: EndpointLimit = {
      max: DEFAULT_DISCOVERY_LIMITS.maxEndpointsPerParticipant,
      refused: () => {},
    },
  ) {
    const w = (entityId: number) =>
      new LocalWriter({ prefix, entityId }, SEDP_WRITER_OPTIONS, outbox, clock, reschedule);
    const r = (entityId: number, kind: EndpointKind) =>
      new LocalReader(
        { prefix, entityId },
        { reliable: true },
        outbox,
        clock,
        (s) => this.onSample(kind, s),
        reschedule,
      );
    this.writers = {
      writer: w(ENTITYID_SEDP_PUBLICATIONS_WRITER),
      reader: w(ENTITYID_SEDP_SUBSCRIPTIONS_WRITER),
    };
    this.readers = {
      writer: r(ENTITYID_SEDP_PUBLICATIONS_READER, 'writer'),
      reader: r(ENTITYID_SEDP_SUBSCRIPTIONS_READER, 'reader'),
    };
  }

  get pollables(): Pollable[] {
    return [this.writers.writer, this.writers.reader, this.readers.writer, this.readers.reader];
  }

  /** The builtin endpoint with this entity id, for the receive path. */
  localWriter(entityId: number): LocalWriter | undefined {
    return [this.writers.writer, this.writers.reader].find((x) => x.guid.entityId === entityId);
  }

  localReader(entityId: number): LocalReader | undefined {
    return [this.readers.writer, this.readers.reader].find((x) => x.guid.entityId === entityId);
  }

  /** Our builtin reader of what a remote SEDP writer (by entity id) announces, if it is one. */
  readerFor(remoteWriterId: number): LocalReader | undefined {
    if (remoteWriterId === ENTITYID_SEDP_PUBLICATIONS_WRITER) return this.readers.writer;
    if (remoteWriterId === ENTITYID_SEDP_SUBSCRIPTIONS_WRITER) return this.readers.reader;
    return undefined;
  }

  /**
   * A participant appeared: match our builtin endpoints with the ones it says it has (unless
   * told not to: a Discovery Server client exchanges SEDP with its servers only, which relay the
   * others' endpoints).
   */
  addParticipant(p: RemoteParticipant, matchBuiltins = true): void {
    const key = prefixKey(p.data.guid.prefix);
    this.participants.set(key, p);
    if (!matchBuiltins) return;
    const set = p.data.builtinEndpointSet ?? 0x3f;
    const prefix = p.data.guid.prefix;
    const at = (entityId: number) => ({
      guid: { prefix, entityId },
      locators: p.metatraffic,
      reliable: true,
    });
    // Our announcements (the whole history, then HEARTBEATs until acknowledged) go at once to a
    // ROS participant, whose graph wants all our endpoints, and to a Discovery Server. Anyone
    // else gets them once it shows it speaks to us (heardFrom): every DDS implementation sends
    // SEDP HEARTBEATs or ACKNACKs on discovering us (our readers' preemptive ACKNACKs below do it
    // for us), while an announcement that nothing follows (a flood of made-up participants,
    // issue 13) costs us no history sent and no HEARTBEAT a period, ever.
    if (p.discoveryServer === 'server' || announcesRosEnclave(p)) this.announceTo(p);
    else this.silent.set(key, p);
    if (set & BuiltinEndpoint.PUBLICATIONS_ANNOUNCER)
      this.readers.writer.matchWriter(at(ENTITYID_SEDP_PUBLICATIONS_WRITER));
    if (set & BuiltinEndpoint.SUBSCRIPTIONS_ANNOUNCER)
      this.readers.reader.matchWriter(at(ENTITYID_SEDP_SUBSCRIPTIONS_WRITER));
  }

  /** Whether some participant has not been heard from beyond SPDP (heardFrom has work to do). */
  get awaitingTraffic(): boolean {
    return this.silent.size > 0;
  }

  /**
   * A message from the participant `sourceKey`: unless it carries nothing but SPDP, the sender
   * speaks RTPS to us beyond announcing itself, so our SEDP writers start announcing to it.
   * Called before the message is handled, so that its ACKNACKs find our writers matched.
   */
  heardFrom(sourceKey: string, submessages: readonly Submessage[]): void {
    const p = this.silent.get(sourceKey);
    if (!p) return;
    const onlySpdp = submessages.every(
      (s) =>
        s.kind === 'INFO_TS' ||
        s.kind === 'INFO_DST' ||
        (s.kind === 'DATA' && s.writerId === ENTITYID_SPDP_WRITER),
    );
    if (onlySpdp) return;
    this.silent.delete(sourceKey);
    this.announceTo(p);
  }

  /** Matches our SEDP writers with the participant's SEDP readers (sends them our history). */
  private announceTo(p: RemoteParticipant): void {
    const set = p.data.builtinEndpointSet ?? 0x3f;
    // SEDP readers are TRANSIENT_LOCAL (RTPS 2.5 8.5.4; Fast DDS EDPSimple::assignRemoteEndpoints,
    // Cyclone q_init.c make_builtin_endpoint_xqos): they are owed our history.
    const at = (entityId: number) => ({
      guid: { prefix: p.data.guid.prefix, entityId },
      locators: p.metatraffic,
      reliable: true,
      transientLocal: true,
    });
    if (set & BuiltinEndpoint.PUBLICATIONS_DETECTOR)
      this.writers.writer.matchReader(at(ENTITYID_SEDP_PUBLICATIONS_READER));
    if (set & BuiltinEndpoint.SUBSCRIPTIONS_DETECTOR)
      this.writers.reader.matchReader(at(ENTITYID_SEDP_SUBSCRIPTIONS_READER));
  }

  /** A participant left: forget its builtin endpoints and every endpoint it had. */
  removeParticipant(prefix: GuidPrefix): void {
    const key = prefixKey(prefix);
    this.participants.delete(key);
    this.silent.delete(key);
    for (const entityId of [ENTITYID_SEDP_PUBLICATIONS_READER, ENTITYID_SEDP_SUBSCRIPTIONS_READER]) {
      for (const w of Object.values(this.writers)) w.unmatchReader({ prefix, entityId });
    }
    for (const entityId of [ENTITYID_SEDP_PUBLICATIONS_WRITER, ENTITYID_SEDP_SUBSCRIPTIONS_WRITER]) {
      for (const r of Object.values(this.readers)) r.unmatchWriter({ prefix, entityId });
    }
    const endpoints = this.endpointsOf.get(key);
    this.endpointsOf.delete(key);
    for (const k of endpoints ?? []) {
      for (const kind of ['writer', 'reader'] as const) {
        const e = this.remote[kind].get(k);
        if (!e) continue;
        this.remote[kind].delete(k);
        this.events.endpointRemoved(e.data.guid, kind);
      }
    }
  }

  /** Announces (or re-announces) one of our endpoints. */
  announce(kind: EndpointKind, data: EndpointData): void {
    const key = guidKey(data.guid);
    const writer = this.writers[kind];
    const previous = this.announced.get(key);
    const identity = this.sampleIdentity?.(writer.guid, writer.history.lastSN + 1);
    const change = writer.write(encodeEndpointData(data), identity);
    if (previous) writer.removeChange(previous.sn);
    this.announced.set(key, { kind, sn: change.sn, guid: data.guid });
  }

  /** Withdraws one of our endpoints: a disposed, unregistered sample keyed by its GUID. */
  withdraw(guid: Guid): void {
    const key = guidKey(guid);
    const previous = this.announced.get(key);
    if (!previous) return;
    this.announced.delete(key);
    const writer = this.writers[previous.kind];
    const keyHash = new Uint8Array(16);
    keyHash.set(guid.prefix);
    keyHash.set(
      [guid.entityId >>> 24, (guid.entityId >> 16) & 0xff, (guid.entityId >> 8) & 0xff, guid.entityId & 0xff],
      12,
    );
    const parameters = [
      { pid: 0x0070, value: keyHash },
      { pid: 0x0071, value: new Uint8Array([0, 0, 0, 3]) },
    ];
    const w = new ByteWriter(48);
    writeParameterList(w, parameters);
    const inlineQos = this.sampleIdentity?.(writer.guid, writer.history.lastSN + 1, parameters);
    writer.write(undefined, inlineQos ?? w.result().slice());
    writer.removeChange(previous.sn);
  }

  private onSample(kind: EndpointKind, s: DeliveredSample): void {
    // The sender: the endpoint's own participant, or a Discovery Server relaying it.
    const sender = this.participants.get(prefixKey(s.writer.prefix));
    if (!sender) return;
    const decoded = tryDecode(() =>
      decodeEndpointSample(
        kind,
        {
          ...(s.payload ? { serializedPayload: s.payload } : {}),
          ...(s.keyOnly ? { keyOnly: true } : {}),
          ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
          inlineQosLittleEndian: s.littleEndian ?? true,
        },
        sender.vendorId,
      ),
    );
    if (!decoded.ok) {
      this.onMalformed(decoded.error);
      return;
    }
    const change = decoded.value;
    if (change.kind === 'gone') {
      const key = guidKey(change.guid);
      this.endpointsOf.get(prefixKey(change.guid.prefix))?.delete(key);
      if (this.remote[kind].delete(key)) this.events.endpointRemoved(change.guid, kind);
      return;
    }
    const data = change.data;
    // Only a Discovery Server speaks for other participants' endpoints; a relayed one of a
    // participant we do not know (refused, or gone) has nowhere to go.
    const participant =
      sender.discoveryServer === 'server' ? this.participants.get(prefixKey(data.guid.prefix)) : sender;
    if (!participant || prefixKey(participant.data.guid.prefix) !== prefixKey(data.guid.prefix)) return;
    // Bounded: a participant announcing endpoints without end must not size our memory, our
    // matching or the graph (issue 13). Updates of endpoints already kept always pass.
    const participantKey = prefixKey(data.guid.prefix);
    const endpointKey = guidKey(data.guid);
    let endpoints = this.endpointsOf.get(participantKey);
    if (!endpoints) {
      endpoints = new Set();
      this.endpointsOf.set(participantKey, endpoints);
    }
    if (!endpoints.has(endpointKey)) {
      if (endpoints.size >= this.endpointLimit.max) {
        this.endpointLimit.refused(`${data.topicName}: its participant has ${endpoints.size} endpoints here`);
        return;
      }
      endpoints.add(endpointKey);
    }
    const own = udpLocators(data.unicastLocators, this.locatorPolicy);
    const info: RemoteEndpointInfo = {
      data,
      participant,
      locators: own.length > 0 ? own : participant.defaultUnicast,
      qos: endpointQos(data),
    };
    this.remote[kind].set(endpointKey, info);
    this.events.endpointAdded(info);
  }
}

const ENCLAVE_KEY = new TextEncoder().encode('enclave=');

/** Whether a participant's USER_DATA has rmw's `enclave=` key, as every ROS 2 participant's has. */
function announcesRosEnclave(p: RemoteParticipant): boolean {
  const u = p.data.userData;
  if (!u) return false;
  outer: for (let i = 0; i + ENCLAVE_KEY.length <= u.length; i++) {
    for (let j = 0; j < ENCLAVE_KEY.length; j++) if (u[i + j] !== ENCLAVE_KEY[j]) continue outer;
    return true;
  }
  return false;
}
