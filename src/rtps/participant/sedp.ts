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
import { writeParameterList } from '../wire/parameter-list.js';
import {
  ENTITYID_SEDP_PUBLICATIONS_READER,
  ENTITYID_SEDP_PUBLICATIONS_WRITER,
  ENTITYID_SEDP_SUBSCRIPTIONS_READER,
  ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
  type Guid,
  type GuidPrefix,
  guidKey,
  prefixKey,
} from '../wire/types.js';
import { type LocatorPolicy, udpLocators } from './locators.js';
import type { RemoteParticipant } from './spdp.js';

export interface RemoteEndpointInfo {
  readonly data: DecodedEndpointData;
  readonly participant: RemoteParticipant;
  /** Where its data or acknowledgements go: its own locators, else its participant's defaults. */
  readonly locators: readonly UdpLocator[];
  readonly qos: EffectiveQos;
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

  constructor(
    prefix: GuidPrefix,
    outbox: Outbox,
    clock: Clock,
    reschedule: () => void,
    private readonly events: SedpEvents,
    private readonly onMalformed: (error: DiscoveryDataError) => void,
    private readonly locatorPolicy?: LocatorPolicy,
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

  /** A participant appeared: match our builtin endpoints with the ones it says it has. */
  addParticipant(p: RemoteParticipant): void {
    this.participants.set(prefixKey(p.data.guid.prefix), p);
    const set = p.data.builtinEndpointSet ?? 0x3f;
    const prefix = p.data.guid.prefix;
    const at = (entityId: number) => ({
      guid: { prefix, entityId },
      locators: p.metatraffic,
      reliable: true,
    });
    if (set & BuiltinEndpoint.PUBLICATIONS_DETECTOR)
      this.writers.writer.matchReader(at(ENTITYID_SEDP_PUBLICATIONS_READER));
    if (set & BuiltinEndpoint.SUBSCRIPTIONS_DETECTOR)
      this.writers.reader.matchReader(at(ENTITYID_SEDP_SUBSCRIPTIONS_READER));
    if (set & BuiltinEndpoint.PUBLICATIONS_ANNOUNCER)
      this.readers.writer.matchWriter(at(ENTITYID_SEDP_PUBLICATIONS_WRITER));
    if (set & BuiltinEndpoint.SUBSCRIPTIONS_ANNOUNCER)
      this.readers.reader.matchWriter(at(ENTITYID_SEDP_SUBSCRIPTIONS_WRITER));
  }

  /** A participant left: forget its builtin endpoints and every endpoint it had. */
  removeParticipant(prefix: GuidPrefix): void {
    const key = prefixKey(prefix);
    this.participants.delete(key);
    for (const entityId of [ENTITYID_SEDP_PUBLICATIONS_READER, ENTITYID_SEDP_SUBSCRIPTIONS_READER]) {
      for (const w of Object.values(this.writers)) w.unmatchReader({ prefix, entityId });
    }
    for (const entityId of [ENTITYID_SEDP_PUBLICATIONS_WRITER, ENTITYID_SEDP_SUBSCRIPTIONS_WRITER]) {
      for (const r of Object.values(this.readers)) r.unmatchWriter({ prefix, entityId });
    }
    for (const kind of ['writer', 'reader'] as const) {
      for (const [k, e] of this.remote[kind]) {
        if (prefixKey(e.data.guid.prefix) === key) {
          this.remote[kind].delete(k);
          this.events.endpointRemoved(e.data.guid, kind);
        }
      }
    }
  }

  /** Announces (or re-announces) one of our endpoints. */
  announce(kind: EndpointKind, data: EndpointData): void {
    const key = guidKey(data.guid);
    const writer = this.writers[kind];
    const previous = this.announced.get(key);
    const change = writer.write(encodeEndpointData(data));
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
    const w = new ByteWriter(48);
    writeParameterList(w, [
      { pid: 0x0070, value: keyHash },
      { pid: 0x0071, value: new Uint8Array([0, 0, 0, 3]) },
    ]);
    writer.write(undefined, w.result().slice());
    writer.removeChange(previous.sn);
  }

  private onSample(kind: EndpointKind, s: DeliveredSample): void {
    const participant = this.participants.get(prefixKey(s.writer.prefix));
    if (!participant) return;
    const decoded = tryDecode(() =>
      decodeEndpointSample(
        kind,
        {
          ...(s.payload ? { serializedPayload: s.payload } : {}),
          ...(s.keyOnly ? { keyOnly: true } : {}),
          ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
          inlineQosLittleEndian: s.littleEndian ?? true,
        },
        participant.vendorId,
      ),
    );
    if (!decoded.ok) {
      this.onMalformed(decoded.error);
      return;
    }
    const change = decoded.value;
    if (change.kind === 'gone') {
      const key = guidKey(change.guid);
      if (this.remote[kind].delete(key)) this.events.endpointRemoved(change.guid, kind);
      return;
    }
    const data = change.data;
    const own = udpLocators(data.unicastLocators, this.locatorPolicy);
    const info: RemoteEndpointInfo = {
      data,
      participant,
      locators: own.length > 0 ? own : participant.defaultUnicast,
      qos: endpointQos(data),
    };
    this.remote[kind].set(guidKey(data.guid), info);
    this.events.endpointAdded(info);
  }
}
