/**
 * The validity rules RTPS 2.5 section 8.3.7 puts on sequence and fragment numbers. A submessage
 * that breaks one is invalid, and the rest of its message is ignored (8.3.4.1); checked before
 * anything touches endpoint state, so that a forged HEARTBEAT with firstSN far above lastSN
 * cannot make a reader discard what the writer really sends (issue 13).
 *
 * One exception, for a real peer: Fast DDS readers send their first (preemptive) ACKNACK with
 * bitmapBase 0, where 8.3.7.1 asks for at least 1; it acknowledges nothing and is accepted.
 */
import { WireFormatError } from './errors.js';
import type { NumberSet } from './number-sets.js';
import type { Submessage } from './submessage.js';

const setValid = (s: NumberSet, minBase: number) => s.base >= minBase && s.numBits <= 256;

/**
 * The largest sequence number taken: numbers are exact only up to 2^53 - 1, and one past any we
 * hold (or past a 256-bit set from it) must be exact too, or a reader told to skip there never
 * gets past it (a HEARTBEAT at 2^62 in a matched writer's name hung the soak's reader in
 * WriterProxy.drain for good). No writer gets there: 2^53 samples at a million a second take
 * 285 years.
 */
export const MAX_SEQUENCE_NUMBER = Number.MAX_SAFE_INTEGER - 256;

/** The largest sequence number a submessage names, if it names any. */
function largestSequenceNumber(m: Submessage): number | undefined {
  switch (m.kind) {
    case 'DATA':
    case 'DATA_FRAG':
    case 'HEARTBEAT_FRAG':
    case 'NACK_FRAG':
      return m.writerSN;
    case 'HEARTBEAT':
      return Math.max(m.firstSN, m.lastSN);
    case 'GAP':
      return Math.max(m.gapStart, m.gapList.base);
    case 'ACKNACK':
      return m.readerSNState.base;
    default:
      return undefined;
  }
}

/** Why `m` is invalid, or undefined when it is valid. */
export function invalidity(m: Submessage): string | undefined {
  const largest = largestSequenceNumber(m);
  if (largest !== undefined && largest > MAX_SEQUENCE_NUMBER)
    return `${m.kind} sequence number ${largest} beyond ${MAX_SEQUENCE_NUMBER}`;
  switch (m.kind) {
    case 'DATA':
    case 'DATA_FRAG':
      return m.writerSN < 1 ? `${m.kind} writerSN ${m.writerSN} < 1` : undefined;
    case 'HEARTBEAT':
      if (m.firstSN < 1) return `HEARTBEAT firstSN ${m.firstSN} < 1`;
      if (m.lastSN < 0) return `HEARTBEAT lastSN ${m.lastSN} < 0`;
      if (m.lastSN < m.firstSN - 1) return `HEARTBEAT lastSN ${m.lastSN} < firstSN ${m.firstSN} - 1`;
      return undefined;
    case 'HEARTBEAT_FRAG':
      if (m.writerSN < 1) return `HEARTBEAT_FRAG writerSN ${m.writerSN} < 1`;
      return m.lastFragmentNum < 1 ? `HEARTBEAT_FRAG lastFragmentNum ${m.lastFragmentNum} < 1` : undefined;
    case 'GAP':
      if (m.gapStart < 1) return `GAP gapStart ${m.gapStart} < 1`;
      return setValid(m.gapList, 1) ? undefined : `GAP gapList base ${m.gapList.base} < 1`;
    case 'ACKNACK':
      return setValid(m.readerSNState, 0) ? undefined : `ACKNACK base ${m.readerSNState.base} < 0`;
    case 'NACK_FRAG':
      if (m.writerSN < 1) return `NACK_FRAG writerSN ${m.writerSN} < 1`;
      return setValid(m.fragmentNumberState, 1)
        ? undefined
        : `NACK_FRAG fragment base ${m.fragmentNumberState.base} < 1`;
    default:
      return undefined;
  }
}

/** Throws the counted drop for an invalid submessage. */
export function assertValid(m: Submessage): Submessage {
  const why = invalidity(m);
  if (why !== undefined) throw new WireFormatError('invalid-sequence-numbers', why);
  return m;
}
