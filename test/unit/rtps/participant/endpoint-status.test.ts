/**
 * One endpoint's statuses as DDS counts them: matches once per endpoint, incompatible endpoints
 * (by QoS or by type) once per discovery (an SEDP update of the same endpoint is not a new one),
 * and the liveliness transitions of Cyclone's dds_reader.c (ADD_ALIVE, REMOVE_ALIVE,
 * ALIVE_TO_NOT_ALIVE, REMOVE_NOT_ALIVE), each change the change since the listener was last called.
 */
import { describe, expect, it } from 'vitest';
import {
  EndpointStatus,
  type IncompatibleQosStatus,
  type IncompatibleTypeStatus,
  type LivelinessChangedStatus,
  type MatchedStatus,
} from '../../../../src/rtps/participant/endpoint-status.js';

const fault = { policy: 'DURABILITY', offered: 'VOLATILE', requested: 'TRANSIENT_LOCAL' };

describe('EndpointStatus', () => {
  it('counts an incompatible endpoint once until it goes away and comes back', () => {
    const seen: IncompatibleQosStatus[] = [];
    const st = new EndpointStatus({ incompatibleQos: (s) => seen.push(s) });
    st.incompatibleWith('p1.w1', fault);
    st.incompatibleWith('p1.w1', fault); // its SEDP sample again
    st.incompatibleWith('p1.w2', { ...fault, policy: 'RELIABILITY' });
    st.unmatched('p1.w1');
    st.incompatibleWith('p1.w1', fault);
    expect(seen.map((s) => [s.totalCount, s.totalCountChange, s.lastPolicy])).toEqual([
      [1, 1, 'DURABILITY'],
      [2, 1, 'RELIABILITY'],
      [3, 1, 'DURABILITY'],
    ]);
  });

  it('counts an endpoint of another type once, never down, and again when it comes back', () => {
    const seen: IncompatibleTypeStatus[] = [];
    const st = new EndpointStatus({ incompatibleType: (s) => seen.push(s) });
    st.typeDiffers('p1.w1', 'A');
    st.typeDiffers('p1.w1', 'A'); // its SEDP sample again
    st.typeDiffers('p1.r1', 'B');
    st.unmatched('p1.w1'); // gone: the total stays
    st.typeDiffers('p1.w1', 'C'); // back: found again
    expect(seen).toEqual([
      { totalCount: 1, totalCountChange: 1, lastTypeName: 'A' },
      { totalCount: 2, totalCountChange: 1, lastTypeName: 'B' },
      { totalCount: 3, totalCountChange: 1, lastTypeName: 'C' },
    ]);
  });

  it('counts matches and the liveliness of matched writers', () => {
    const matched: MatchedStatus[] = [];
    const alive: LivelinessChangedStatus[] = [];
    const st = new EndpointStatus({
      matched: (s) => matched.push(s),
      livelinessChanged: (s) => alive.push(s),
    });
    st.matched('a.1', 'a');
    st.matched('a.1', 'a'); // matched again: nothing new
    st.matched('b.1', 'b');
    st.matched('b.2', 'b');
    st.participantLost('b');
    st.participantLost('b'); // already not alive
    st.unmatched('b.1');
    st.unmatched('a.1');
    st.unmatched('zz.9'); // never matched
    expect(matched.map((s) => [s.totalCount, s.currentCount, s.currentCountChange])).toEqual([
      [1, 1, 1],
      [2, 2, 1],
      [3, 3, 1],
      [3, 2, -1],
      [3, 1, -1],
    ]);
    expect(
      alive.map((s) => [s.aliveCount, s.notAliveCount, s.aliveCountChange, s.notAliveCountChange]),
    ).toEqual([
      [1, 0, 1, 0],
      [2, 0, 1, 0],
      [3, 0, 1, 0],
      [1, 2, -2, 2],
      [1, 1, 0, -1],
      [0, 1, -1, 0],
    ]);
  });
});
