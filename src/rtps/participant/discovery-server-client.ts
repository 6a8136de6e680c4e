/**
 * The Discovery Server CLIENT side of SPDP, as a Fast DDS 2.9.1 server needs it (its
 * PDPClient.cpp and PDPServerListener.cpp, and what two Fast DDS 2.9.1 clients and
 * `fastdds discovery` put on the wire, captured on loopback):
 *
 * - SPDP with a server is reliable both ways: our SPDP writer (0x000100c2, TRANSIENT_LOCAL,
 *   keep-last 1) is matched with each server's SPDP reader (0x000100c7), and our SPDP reader with
 *   each server's SPDP writer, at the server's address, before the server has said anything
 *   (its GUID prefix follows from its id).
 * - The server takes a client's DATA(p) only if it carries its sample identity in inline QoS
 *   (writer GUID and sequence number; "not properly identified for client-server operation"
 *   otherwise; sampleIdentityInlineQos says under which PIDs), and only from vendor 01.0F ("DATA(p|Up)
 *   from different vendor is not supported"): 2.x takes the vendor from PID_VENDORID, 3.x in effect
 *   from the message header (3.6.2 ParticipantProxyData::read_from_cdr_message resets it to the
 *   source vendor before each parameter), so a client says 01.0F in both. The participant type and the
 *   protocol version come in PID_PROPERTY_LIST: PARTICIPANT_TYPE = CLIENT | SUPER_CLIENT,
 *   DS_VERSION = 2.0. So does SEDP (the database orders updates by that sample identity).
 * - Until a server's own DATA(p) has come, the client sends it its DATA(p) again every 450 ms
 *   (DSClientEvent, `discoveryServer_client_syncperiod`); after that every announcement period,
 *   so the server's lease on us is renewed (Fast DDS renews on any message from a known prefix).
 * - The server relays other participants' DATA(p) (and their disposal) through its SPDP writer,
 *   with its own sequence numbers, and their SEDP through its SEDP writers; user data and the
 *   liveliness topic go directly between the clients. A client matches its SEDP endpoints only
 *   with the servers, and keeps no lease of the relayed participants (PDPClient: "other clients
 *   liveliness is provided through server's PDP discovery data"). A plain CLIENT hears only of
 *   participants and endpoints that share a topic with it; a SUPER_CLIENT of all.
 *
 * This module owns the two reliable SPDP endpoints and the ping schedule; the participant decodes
 * what they deliver (SpdpAgent) and decides what each participant is.
 */
import type { Clock } from '../clock.js';
import type { DiscoverySample } from '../discovery-data/index.js';
import { type DeliveredSample, LocalReader } from '../endpoints/local-reader.js';
import { LocalWriter } from '../endpoints/local-writer.js';
import type { Outbox } from '../endpoints/outbox.js';
import type { Pollable } from '../endpoints/scheduler.js';
import { ByteWriter } from '../wire/byte-writer.js';
import { writeParameterList } from '../wire/parameter-list.js';
import {
  ENTITYID_PARTICIPANT,
  ENTITYID_SPDP_READER,
  ENTITYID_SPDP_WRITER,
  type Guid,
  type GuidPrefix,
  prefixKey,
  writeSequenceNumber,
} from '../wire/types.js';
import type { DiscoveryServerEndpoint } from './discovery-server.js';
import { LATEST_ONLY_WRITER } from './participant-message.js';

/** The DDS-RPC related sample identity (Fast DDS 2.10 and later read it from any vendor). */
const PID_RELATED_SAMPLE_IDENTITY = 0x0083;
/** eProsima's own (vendor-specific) one: the only one 2.9 reads; 2.14 only from eProsima or RTI. */
const PID_FASTDDS_SAMPLE_IDENTITY = 0x800f;
const PID_KEY_HASH = 0x0070;
const PID_STATUS_INFO = 0x0071;

/** DSClientEvent's period while a server has not answered (discoveryServer_client_syncperiod). */
export const SERVER_PING_PERIOD_MS = 450;

/**
 * Inline QoS holding a sample identity (writer GUID, sequence number) under both PIDs, then
 * `more`, then the sentinel: a 2.9 server reads 0x800f from anyone, a 2.14 one (ROS 2 Jazzy)
 * ignores 0x800f from a vendor other than eProsima or RTI (ParameterList.cpp) and reads 0x0083.
 */
export function sampleIdentityInlineQos(
  writer: Guid,
  sn: number,
  more: readonly { pid: number; value: Uint8Array }[] = [],
): Uint8Array {
  const identity = new ByteWriter(24);
  identity.bytes(writer.prefix).octets4(writer.entityId);
  writeSequenceNumber(identity, sn);
  const w = new ByteWriter(64);
  const value = identity.result().slice();
  writeParameterList(w, [
    { pid: PID_RELATED_SAMPLE_IDENTITY, value },
    { pid: PID_FASTDDS_SAMPLE_IDENTITY, value },
    ...more,
  ]);
  return w.result().slice();
}

export interface DiscoveryServerTiming {
  /** Resend to a server that has not answered; default 450 ms. */
  readonly pingPeriodMs: number;
  /** Resend to every server afterwards; the SPDP announcement period. */
  readonly announcePeriodMs: number;
}

interface ServerState {
  readonly server: DiscoveryServerEndpoint;
  answered: boolean;
  nextSend: number;
}

export class DiscoveryServerClient implements Pollable {
  /** Our SPDP writer toward the servers. */
  readonly writer: LocalWriter;
  /** Our SPDP reader of what the servers send. */
  readonly reader: LocalReader;
  private readonly servers = new Map<string, ServerState>();
  private announced = false;

  constructor(
    private readonly prefix: GuidPrefix,
    servers: readonly DiscoveryServerEndpoint[],
    outbox: Outbox,
    private readonly clock: Clock,
    reschedule: () => void,
    /** An SPDP sample from a server: its own announcement or one it relays. */
    deliver: (sample: DiscoverySample, from: GuidPrefix) => void,
    private readonly timing: DiscoveryServerTiming,
  ) {
    this.writer = new LocalWriter(
      { prefix, entityId: ENTITYID_SPDP_WRITER },
      LATEST_ONLY_WRITER,
      outbox,
      clock,
      reschedule,
    );
    this.reader = new LocalReader(
      { prefix, entityId: ENTITYID_SPDP_READER },
      { reliable: true },
      outbox,
      clock,
      (s: DeliveredSample) =>
        deliver(
          {
            ...(s.payload ? { serializedPayload: s.payload } : {}),
            ...(s.keyOnly ? { keyOnly: true } : {}),
            ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
            inlineQosLittleEndian: s.littleEndian ?? true,
          },
          s.writer.prefix,
        ),
      reschedule,
    );
    const now = clock.now();
    for (const server of servers) {
      this.matchServerWriter(server);
      this.servers.set(prefixKey(server.prefix), { server, answered: false, nextSend: now });
    }
  }

  /** The scheduler's members: the ping schedule and both endpoints. */
  get pollables(): Pollable[] {
    return [this, this.writer, this.reader];
  }

  /** Whether this GUID prefix (key) is one of our servers. */
  isServer(key: string): boolean {
    return this.servers.has(key);
  }

  /** Servers whose own DATA(p) has come and not expired since. */
  get answeredServers(): number {
    let n = 0;
    for (const s of this.servers.values()) if (s.answered) n++;
    return n;
  }

  /** Our participant data (PL_CDR payload); sent to every server now and on the schedule. */
  announce(payload: Uint8Array): void {
    const sn = this.writer.history.lastSN + 1;
    const guid = { prefix: this.prefix, entityId: ENTITYID_SPDP_WRITER };
    this.writer.write(payload, sampleIdentityInlineQos(guid, sn));
    this.announced = true;
    for (const s of this.servers.values()) this.sendTo(s, this.clock.now());
  }

  /** A server's own DATA(p) came: it knows us (or will), slow down to the announcement period. */
  serverAnswered(key: string): void {
    const s = this.servers.get(key);
    if (!s || s.answered) return;
    s.answered = true;
    s.nextSend = this.clock.now() + this.timing.announcePeriodMs;
  }

  /**
   * A server's lease ran out or it said goodbye: ping it again until it comes back, and forget
   * its SPDP writer's sequence numbers (a restarted server counts from 1 again; as PDPClient
   * rematches "discarding any previous state of the server").
   */
  serverLost(key: string): void {
    const s = this.servers.get(key);
    if (!s) return;
    s.answered = false;
    s.nextSend = this.clock.now();
    this.reader.unmatchWriter({ prefix: s.server.prefix, entityId: ENTITYID_SPDP_WRITER });
    this.matchServerWriter(s.server);
  }

  nextDeadline(): number | undefined {
    if (!this.announced) return undefined;
    let next: number | undefined;
    for (const s of this.servers.values()) if (next === undefined || s.nextSend < next) next = s.nextSend;
    return next;
  }

  poll(now: number): void {
    for (const s of this.servers.values()) if (now >= s.nextSend) this.sendTo(s, now);
  }

  /** Our disposal (DATA(p[UD]), as a Fast DDS client sends it to its servers), sent at once. */
  goodbye(): void {
    if (!this.announced) return;
    const sn = this.writer.history.lastSN + 1;
    const key = new Uint8Array(16);
    key.set(this.prefix);
    const e = ENTITYID_PARTICIPANT;
    key.set([e >>> 24, (e >> 16) & 0xff, (e >> 8) & 0xff, e & 0xff], 12);
    const guid = { prefix: this.prefix, entityId: ENTITYID_SPDP_WRITER };
    this.writer.write(
      undefined,
      sampleIdentityInlineQos(guid, sn, [
        { pid: PID_KEY_HASH, value: key },
        { pid: PID_STATUS_INFO, value: new Uint8Array([0, 0, 0, 3]) },
      ]),
    );
    this.writer.flush();
  }

  private matchServerWriter(server: DiscoveryServerEndpoint): void {
    this.reader.matchWriter({
      guid: { prefix: server.prefix, entityId: ENTITYID_SPDP_WRITER },
      locators: [{ address: server.address, port: server.port }],
      reliable: true,
    });
  }

  /**
   * Sends our DATA(p) and a HEARTBEAT to one server again, by matching its SPDP reader afresh: a
   * TRANSIENT_LOCAL writer sends its history to a reader it matches. The server's reader takes
   * the same sequence number as a duplicate (and its participant as alive).
   */
  private sendTo(s: ServerState, now: number): void {
    const reader = { prefix: s.server.prefix, entityId: ENTITYID_SPDP_READER };
    this.writer.unmatchReader(reader);
    this.writer.matchReader({
      guid: reader,
      locators: [{ address: s.server.address, port: s.server.port }],
      reliable: true,
      // A server's SPDP reader is TRANSIENT_LOCAL (Fast DDS PDPServer::match_reliable_pdp_endpoints).
      transientLocal: true,
    });
    s.nextSend = now + (s.answered ? this.timing.announcePeriodMs : this.timing.pingPeriodMs);
  }
}
