/**
 * The builtin participant message endpoints (RTPS 8.4.13, "Writer Liveliness Protocol"): a
 * reliable TRANSIENT_LOCAL writer of ParticipantMessageData and its reader. ROS 2 endpoints use
 * AUTOMATIC liveliness, which this participant asserts for all its writers by announcing once
 * (and again to every participant that matches later, through TRANSIENT_LOCAL). What peers
 * send on it is received (acknowledged) and otherwise not needed.
 */
import type { Clock } from '../clock.js';
import { BuiltinEndpoint } from '../discovery-data/index.js';
import { LocalReader } from '../endpoints/local-reader.js';
import { LocalWriter, type LocalWriterOptions } from '../endpoints/local-writer.js';
import type { Outbox } from '../endpoints/outbox.js';
import type { Pollable } from '../endpoints/scheduler.js';
import { ENTITYID_P2P_MESSAGE_READER, ENTITYID_P2P_MESSAGE_WRITER, type GuidPrefix } from '../wire/types.js';
import type { RemoteParticipant } from './spdp.js';

/** ParticipantMessageData kinds (RTPS 9.6.2.1). */
const AUTOMATIC_LIVELINESS_UPDATE = [0, 0, 0, 1];

/** CDR_LE of {participantGuidPrefix, kind, data: empty sequence}. */
export function automaticLivelinessMessage(prefix: GuidPrefix): Uint8Array {
  const b = new Uint8Array(4 + 12 + 4 + 4);
  b.set([0, 1, 0, 0]);
  b.set(prefix, 4);
  b.set(AUTOMATIC_LIVELINESS_UPDATE, 16);
  return b; // data length 0 (the last four bytes)
}

/** A builtin writer that keeps only its latest sample for every reader, late ones too. */
export const LATEST_ONLY_WRITER: LocalWriterOptions = {
  reliable: true,
  transientLocal: true,
  heartbeatPeriodMs: 100,
  nackResponseDelayMs: 5,
  history: { kind: 'keep-last', depth: 1 },
};

export class ParticipantMessageAgent {
  readonly writer: LocalWriter;
  readonly reader: LocalReader;

  constructor(prefix: GuidPrefix, outbox: Outbox, clock: Clock, reschedule: () => void) {
    this.writer = new LocalWriter(
      { prefix, entityId: ENTITYID_P2P_MESSAGE_WRITER },
      LATEST_ONLY_WRITER,
      outbox,
      clock,
      reschedule,
    );
    this.reader = new LocalReader(
      { prefix, entityId: ENTITYID_P2P_MESSAGE_READER },
      { reliable: true },
      outbox,
      clock,
      () => {},
      reschedule,
    );
    this.writer.write(automaticLivelinessMessage(prefix));
  }

  get pollables(): Pollable[] {
    return [this.writer, this.reader];
  }

  addParticipant(p: RemoteParticipant): void {
    const set = p.data.builtinEndpointSet ?? 0;
    const prefix = p.data.guid.prefix;
    if (set & BuiltinEndpoint.PARTICIPANT_MESSAGE_DATA_READER) {
      // The reader is TRANSIENT_LOCAL (RTPS 2.5 8.4.13; Fast DDS WLP::assignRemoteEndpoints): it
      // is owed the liveliness message written before it matched.
      this.writer.matchReader({
        guid: { prefix, entityId: ENTITYID_P2P_MESSAGE_READER },
        locators: p.metatraffic,
        reliable: true,
        transientLocal: true,
      });
    }
    if (set & BuiltinEndpoint.PARTICIPANT_MESSAGE_DATA_WRITER) {
      this.reader.matchWriter({
        guid: { prefix, entityId: ENTITYID_P2P_MESSAGE_WRITER },
        locators: p.metatraffic,
        reliable: true,
      });
    }
  }

  removeParticipant(prefix: GuidPrefix): void {
    this.writer.unmatchReader({ prefix, entityId: ENTITYID_P2P_MESSAGE_READER });
    this.reader.unmatchWriter({ prefix, entityId: ENTITYID_P2P_MESSAGE_WRITER });
  }
}
