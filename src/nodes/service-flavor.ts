/**
 * Which request/reply correlation a remote service endpoint speaks, by its participant's vendor
 * (WIRE.md 2c): Cyclone DDS puts a 16-byte header in the payload, everyone else (Fast DDS, RTI,
 * ros2ts itself) carries the related sample identity as inline QoS.
 */
import type { RtpsParticipant } from '../rtps/participant/participant.js';
import type { GuidPrefix } from '../rtps/wire/types.js';

export type ServiceFlavor = 'cyclone' | 'fastdds';

export const VENDOR_CYCLONE = 0x0110;

/**
 * Known answers by prefix object: a matched endpoint's GUID (what every sample names) keeps its
 * prefix, so each request and reply is one lookup instead of two hex strings and a table search.
 */
const known = new WeakMap<GuidPrefix, ServiceFlavor>();

export function flavorOf(participant: RtpsParticipant, prefix: GuidPrefix): ServiceFlavor {
  const cached = known.get(prefix);
  if (cached !== undefined) return cached;
  if (samePrefix(prefix, participant.guidPrefix)) return remember(prefix, 'fastdds');
  const remote = participant.remoteParticipant(prefix);
  // Not remembered while the participant is unknown: its vendor may yet say Cyclone.
  if (remote === undefined) return 'fastdds';
  return remember(prefix, remote.vendorId === VENDOR_CYCLONE ? 'cyclone' : 'fastdds');
}

function remember(prefix: GuidPrefix, flavor: ServiceFlavor): ServiceFlavor {
  known.set(prefix, flavor);
  return flavor;
}

function samePrefix(a: GuidPrefix, b: GuidPrefix): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
