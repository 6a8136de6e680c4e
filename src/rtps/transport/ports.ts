/**
 * The RTPS well-known port formula (RTPS 2.x §9.6.1.1), with the defaults both ROS 2 middlewares
 * use (Fast DDS `PortParameters.h`, Cyclone `ddsi_cfgelems.h`). Peers find each other only if
 * they agree on it: Fast DDS in LOCALHOST range unicasts SPDP to 127.0.0.1:7410+2i, i = 0..31.
 */
import { DomainIdError, ParticipantIdError } from './errors.js';

export const PORT_BASE = 7400; // PB
export const DOMAIN_GAIN = 250; // DG
export const PARTICIPANT_GAIN = 2; // PG
export const OFFSET_METATRAFFIC_MULTICAST = 0; // d0
export const OFFSET_METATRAFFIC_UNICAST = 10; // d1
export const OFFSET_USER_MULTICAST = 1; // d2
export const OFFSET_USER_UNICAST = 11; // d3

/** The default SPDP (and metatraffic) multicast group. */
export const SPDP_MULTICAST_GROUP = '239.255.0.1';

/**
 * 232 is the largest domain whose SPDP port (7400 + 250·232 = 65400) and participant-0 ports fit
 * in 16 bits; ROS 2 documents the same bound.
 */
export const MAX_DOMAIN_ID = 232;

export interface RtpsPorts {
  /** SPDP multicast, PB + DG·d + d0 (7400 in domain 0). */
  readonly metatrafficMulticast: number;
  /** User-data multicast, PB + DG·d + d2 (7401). */
  readonly userMulticast: number;
  /** SPDP/SEDP unicast, PB + DG·d + d1 + PG·i (7410 + 2i). */
  readonly metatrafficUnicast: number;
  /** User-data unicast, PB + DG·d + d3 + PG·i (7411 + 2i). */
  readonly userUnicast: number;
}

export function validateDomainId(domainId: number): void {
  if (!Number.isInteger(domainId) || domainId < 0 || domainId > MAX_DOMAIN_ID) {
    throw new DomainIdError(domainId, `must be an integer from 0 to ${MAX_DOMAIN_ID}`);
  }
}

/** The largest participant id whose ports fit in 16 bits in `domainId`. */
export function maxParticipantId(domainId: number): number {
  validateDomainId(domainId);
  return Math.floor((65_535 - PORT_BASE - DOMAIN_GAIN * domainId - OFFSET_USER_UNICAST) / PARTICIPANT_GAIN);
}

/** The four well-known ports of participant `participantId` in `domainId`. */
export function rtpsPorts(domainId: number, participantId: number): RtpsPorts {
  validateDomainId(domainId);
  const max = maxParticipantId(domainId);
  if (!Number.isInteger(participantId) || participantId < 0 || participantId > max) {
    throw new ParticipantIdError(participantId, `must be an integer from 0 to ${max} in domain ${domainId}`);
  }
  const domainBase = PORT_BASE + DOMAIN_GAIN * domainId;
  return {
    metatrafficMulticast: domainBase + OFFSET_METATRAFFIC_MULTICAST,
    userMulticast: domainBase + OFFSET_USER_MULTICAST,
    metatrafficUnicast: domainBase + OFFSET_METATRAFFIC_UNICAST + PARTICIPANT_GAIN * participantId,
    userUnicast: domainBase + OFFSET_USER_UNICAST + PARTICIPANT_GAIN * participantId,
  };
}
