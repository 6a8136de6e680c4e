/** GraphCache inputs from what the RTPS layer reports about remote participants and endpoints. */
import type { RemoteEndpointInfo } from '../../rtps/participant/sedp.js';
import type { RemoteParticipant } from '../../rtps/participant/spdp.js';
import { parseEndpointUserData, parseParticipantEnclave } from '../user-data.js';
import type { GraphEndpoint, GraphParticipant } from './graph-cache.js';

export function graphParticipantOf(p: RemoteParticipant): GraphParticipant {
  const enclave = p.data.userData ? parseParticipantEnclave(p.data.userData) : undefined;
  return { prefix: p.data.guid.prefix, vendorId: p.vendorId, ...(enclave !== undefined ? { enclave } : {}) };
}

export function graphEndpointOf(e: RemoteEndpointInfo): GraphEndpoint {
  const typeHash = e.data.userData ? parseEndpointUserData(e.data.userData).typeHash : undefined;
  return {
    guid: e.data.guid,
    participantPrefix: e.participant.data.guid.prefix,
    kind: e.data.kind,
    topicName: e.data.topicName,
    typeName: e.data.typeName,
    reliable: e.qos.reliability.kind === 'RELIABLE',
    durability: e.qos.durability,
    ...(typeHash !== undefined ? { typeHash } : {}),
  };
}
