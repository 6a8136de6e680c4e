/**
 * Which request/reply correlation a remote service endpoint speaks, by its participant's vendor
 * (WIRE.md 2c): Cyclone DDS puts a 16-byte header in the payload, everyone else (Fast DDS, RTI,
 * ros2ts itself) carries the related sample identity as inline QoS.
 */
import type { RtpsParticipant } from '../rtps/participant/participant.js';
import { type GuidPrefix, prefixKey } from '../rtps/wire/types.js';

export type ServiceFlavor = 'cyclone' | 'fastdds';

export const VENDOR_CYCLONE = 0x0110;

export function flavorOf(participant: RtpsParticipant, prefix: GuidPrefix): ServiceFlavor {
  if (prefixKey(prefix) === prefixKey(participant.guidPrefix)) return 'fastdds';
  return participant.remoteParticipant(prefix)?.vendorId === VENDOR_CYCLONE ? 'cyclone' : 'fastdds';
}
