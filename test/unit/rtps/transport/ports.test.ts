import { describe, expect, it } from 'vitest';
import { DomainIdError, ParticipantIdError } from '../../../../src/rtps/transport/errors.js';
import {
  MAX_DOMAIN_ID,
  maxParticipantId,
  rtpsPorts,
  SPDP_MULTICAST_GROUP,
} from '../../../../src/rtps/transport/ports.js';

describe('rtpsPorts', () => {
  it('gives the well-known ports of WIRE.md §6', () => {
    expect(rtpsPorts(0, 0)).toEqual({
      metatrafficMulticast: 7400,
      userMulticast: 7401,
      metatrafficUnicast: 7410,
      userUnicast: 7411,
    });
    expect(rtpsPorts(0, 1)).toMatchObject({ metatrafficUnicast: 7412, userUnicast: 7413 });
    expect(rtpsPorts(1, 2)).toEqual({
      metatrafficMulticast: 7650,
      userMulticast: 7651,
      metatrafficUnicast: 7664,
      userUnicast: 7665,
    });
    expect(SPDP_MULTICAST_GROUP).toBe('239.255.0.1');
  });

  it('accepts domains 0..232 and rejects the rest with a DomainIdError', () => {
    expect(MAX_DOMAIN_ID).toBe(232);
    expect(rtpsPorts(232, 0).metatrafficMulticast).toBe(65_400);
    for (const bad of [-1, 233, 1.5, Number.NaN]) {
      expect(() => rtpsPorts(bad, 0)).toThrow(DomainIdError);
    }
  });

  it('keeps every port within 16 bits, rejecting participant ids beyond with a ParticipantIdError', () => {
    for (const domain of [0, 100, 232]) {
      const max = maxParticipantId(domain);
      expect(rtpsPorts(domain, max).userUnicast).toBeLessThanOrEqual(65_535);
      expect(rtpsPorts(domain, max).userUnicast + 2).toBeGreaterThan(65_535);
      expect(() => rtpsPorts(domain, max + 1)).toThrow(ParticipantIdError);
    }
    expect(maxParticipantId(232)).toBe(62);
    expect(() => rtpsPorts(0, -1)).toThrow(ParticipantIdError);
    expect(() => rtpsPorts(0, 0.5)).toThrow(/participant id 0.5: must be an integer from 0 to/);
  });
});
