/**
 * The discovery samples (SPDP, SEDP publications, SEDP subscriptions) of a capture, with the frame,
 * sender and sequence number of each. DATA_FRAGs of those writers are reassembled by (writer GUID,
 * sequence number); neither Jazzy capture has any, but a capture from another setup may.
 */
import { type DiscoverySample, sampleFromData } from '../../../../src/rtps/discovery-data/sample.js';
import { DropCounter } from '../../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../../src/rtps/wire/message.js';
import { DataFragFlags, FLAG_ENDIANNESS } from '../../../../src/rtps/wire/submessage.js';
import {
  ENTITYID_SEDP_PUBLICATIONS_WRITER,
  ENTITYID_SEDP_SUBSCRIPTIONS_WRITER,
  ENTITYID_SPDP_WRITER,
  prefixKey,
} from '../../../../src/rtps/wire/types.js';
import { sharedFile } from '../../../shared.js';
import { readPcapUdp } from '../../../support/pcap.js';

export type Topic = 'spdp' | 'publications' | 'subscriptions';

export interface CapturedSample {
  readonly frame: number;
  readonly topic: Topic;
  /** The sender's vendor code (RTPS header, or INFO_SRC when one preceded the DATA). */
  readonly vendor: number;
  readonly senderPrefix: string;
  readonly writerSN: number;
  readonly readerId: number;
  readonly flags: number;
  /** Reassembled from DATA_FRAGs. */
  readonly fragmented: boolean;
  readonly sample: DiscoverySample;
}

const TOPICS = new Map<number, Topic>([
  [ENTITYID_SPDP_WRITER, 'spdp'],
  [ENTITYID_SEDP_PUBLICATIONS_WRITER, 'publications'],
  [ENTITYID_SEDP_SUBSCRIPTIONS_WRITER, 'subscriptions'],
]);

interface Pending {
  readonly bytes: Uint8Array;
  readonly have: Set<number>;
  readonly total: number;
}

export function captureSamples(file: string): CapturedSample[] {
  const out: CapturedSample[] = [];
  const pending = new Map<string, Pending>();
  for (const d of readPcapUdp(sharedFile(file))) {
    const m = parseMessage(d.payload, new DropCounter());
    if (!m) continue;
    let vendor = (m.header.vendorId[0] << 8) | m.header.vendorId[1];
    let prefix = prefixKey(m.header.guidPrefix);
    for (const s of m.submessages) {
      if (s.kind === 'INFO_SRC') {
        vendor = (s.vendorId[0] << 8) | s.vendorId[1];
        prefix = prefixKey(s.guidPrefix);
        continue;
      }
      if (s.kind !== 'DATA' && s.kind !== 'DATA_FRAG') continue;
      const topic = TOPICS.get(s.writerId);
      if (!topic) continue;
      const base = {
        frame: d.frame,
        topic,
        vendor,
        senderPrefix: prefix,
        writerSN: s.writerSN,
        readerId: s.readerId,
        flags: s.flags,
      };
      if (s.kind === 'DATA') {
        out.push({ ...base, fragmented: false, sample: sampleFromData(s) });
        continue;
      }
      const key = `${prefix}.${s.writerId}.${s.writerSN}`;
      let p = pending.get(key);
      if (!p) {
        const total = Math.ceil(s.sampleSize / s.fragmentSize);
        p = { bytes: new Uint8Array(s.sampleSize), have: new Set(), total };
        pending.set(key, p);
      }
      p.bytes.set(s.fragments, (s.fragmentStartingNum - 1) * s.fragmentSize);
      for (let i = 0; i < s.fragmentsInSubmessage; i++) p.have.add(s.fragmentStartingNum + i);
      if (p.have.size < p.total) continue;
      pending.delete(key);
      out.push({
        ...base,
        fragmented: true,
        sample: {
          serializedPayload: p.bytes,
          keyOnly: (s.flags & DataFragFlags.KEY) !== 0,
          ...(s.inlineQos ? { inlineQos: s.inlineQos } : {}),
          inlineQosLittleEndian: (s.flags & FLAG_ENDIANNESS) !== 0,
        },
      });
    }
  }
  return out;
}

export const CYCLONE_CAPTURE = 'captures/jazzy-cyclonedds-tutorial.pcap';
export const FASTDDS_CAPTURE = 'captures/jazzy-fastrtps-tutorial.pcap';
