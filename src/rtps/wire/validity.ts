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

const setValid = (s: NumberSet, minBase: number) => s.base >= minBase && s.numBits <= 256;

/**
 * The largest sequence number taken: numbers are exact only up to 2^53 - 1, and one past any we
 * hold (or past a 256-bit set from it) must be exact too, or a reader told to skip there never
 * gets past it (a HEARTBEAT at 2^62 in a matched writer's name hung the soak's reader in
 * WriterProxy.drain for good). No writer gets there: 2^53 samples at a million a second take
 * 285 years.
 */
export const MAX_SEQUENCE_NUMBER = Number.MAX_SAFE_INTEGER - 256;

/**
 * Each check takes the numbers it judges, not the submessage: called from the parser's case for its
 * kind, it reads no property of an object whose shape varies from kind to kind (a check on the
 * Submessage union made `m.kind` and its fields megamorphic loads on every submessage received).
 */
function beyond(kind: string, sn: number): string | undefined {
  return sn > MAX_SEQUENCE_NUMBER ? `${kind} sequence number ${sn} beyond ${MAX_SEQUENCE_NUMBER}` : undefined;
}

/** DATA and DATA_FRAG. */
export function writerSnInvalidity(kind: 'DATA' | 'DATA_FRAG', writerSN: number): string | undefined {
  return beyond(kind, writerSN) ?? (writerSN < 1 ? `${kind} writerSN ${writerSN} < 1` : undefined);
}

export function heartbeatInvalidity(firstSN: number, lastSN: number): string | undefined {
  const why = beyond('HEARTBEAT', Math.max(firstSN, lastSN));
  if (why !== undefined) return why;
  if (firstSN < 1) return `HEARTBEAT firstSN ${firstSN} < 1`;
  if (lastSN < 0) return `HEARTBEAT lastSN ${lastSN} < 0`;
  if (lastSN < firstSN - 1) return `HEARTBEAT lastSN ${lastSN} < firstSN ${firstSN} - 1`;
  return undefined;
}

export function heartbeatFragInvalidity(writerSN: number, lastFragmentNum: number): string | undefined {
  const why = beyond('HEARTBEAT_FRAG', writerSN);
  if (why !== undefined) return why;
  if (writerSN < 1) return `HEARTBEAT_FRAG writerSN ${writerSN} < 1`;
  return lastFragmentNum < 1 ? `HEARTBEAT_FRAG lastFragmentNum ${lastFragmentNum} < 1` : undefined;
}

export function gapInvalidity(gapStart: number, gapList: NumberSet): string | undefined {
  const why = beyond('GAP', Math.max(gapStart, gapList.base));
  if (why !== undefined) return why;
  if (gapStart < 1) return `GAP gapStart ${gapStart} < 1`;
  return setValid(gapList, 1) ? undefined : `GAP gapList base ${gapList.base} < 1`;
}

export function ackNackInvalidity(readerSNState: NumberSet): string | undefined {
  const why = beyond('ACKNACK', readerSNState.base);
  if (why !== undefined) return why;
  return setValid(readerSNState, 0) ? undefined : `ACKNACK base ${readerSNState.base} < 0`;
}

export function nackFragInvalidity(writerSN: number, fragmentNumberState: NumberSet): string | undefined {
  const why = beyond('NACK_FRAG', writerSN);
  if (why !== undefined) return why;
  if (writerSN < 1) return `NACK_FRAG writerSN ${writerSN} < 1`;
  return setValid(fragmentNumberState, 1)
    ? undefined
    : `NACK_FRAG fragment base ${fragmentNumberState.base} < 1`;
}

/** Returns `m`, or throws the counted drop when `why` says it is invalid. */
export function valid<M>(m: M, why: string | undefined): M {
  if (why !== undefined) throw new WireFormatError('invalid-sequence-numbers', why);
  return m;
}
