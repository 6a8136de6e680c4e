/**
 * Duration_t as discovery data carries it (RTPS 2.5 9.3.2): int32 seconds and uint32 fraction of a
 * second in units of 2^-32. Both vendors write INFINITE as 0x7fffffff / 0xffffffff; any duration
 * with 0x7fffffff seconds is read as infinite (some implementations put 999 999 999 ns there).
 * Kept as the two wire fields, so a decoded value re-encodes to the same bytes.
 */
import type { ByteReader } from '../wire/byte-reader.js';
import type { ByteWriter } from '../wire/byte-writer.js';

export interface Duration {
  readonly seconds: number;
  readonly fraction: number;
}

const TWO_32 = 2 ** 32;
const INFINITE_SECONDS = 0x7fffffff;

export const DURATION_INFINITE: Duration = { seconds: INFINITE_SECONDS, fraction: 0xffffffff };
export const DURATION_ZERO: Duration = { seconds: 0, fraction: 0 };

export function isInfinite(d: Duration): boolean {
  return d.seconds === INFINITE_SECONDS;
}

/**
 * From nanoseconds, rounding the fraction to nearest as Fast DDS does: 100 ms is 0 / 0x1999999a,
 * the value rmw_fastrtps endpoints announce for max_blocking_time.
 */
export function durationFromNanos(ns: number): Duration {
  if (!Number.isFinite(ns)) return DURATION_INFINITE;
  let seconds = Math.floor(ns / 1e9);
  let fraction = Math.round(((ns - seconds * 1e9) * TWO_32) / 1e9);
  if (fraction >= TWO_32) {
    seconds += 1;
    fraction -= TWO_32;
  }
  if (seconds >= INFINITE_SECONDS) return DURATION_INFINITE;
  return { seconds, fraction };
}

export function durationFromMillis(ms: number): Duration {
  return durationFromNanos(ms * 1e6);
}

/** Nanoseconds (rounded to the nearest), Infinity for INFINITE. */
export function durationToNanos(d: Duration): number {
  if (isInfinite(d)) return Number.POSITIVE_INFINITY;
  return d.seconds * 1e9 + Math.round((d.fraction * 1e9) / TWO_32);
}

/** Milliseconds, Infinity for INFINITE. */
export function durationToMillis(d: Duration): number {
  return durationToNanos(d) / 1e6;
}

/** Orders durations (INFINITE is the largest): negative, zero or positive as a < b, a = b, a > b. */
export function compareDurations(a: Duration, b: Duration): number {
  const ai = isInfinite(a);
  const bi = isInfinite(b);
  if (ai || bi) return ai === bi ? 0 : ai ? 1 : -1;
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.fraction - b.fraction;
}

export function readDuration(r: ByteReader, what = 'duration'): Duration {
  const seconds = r.i32(`${what} seconds`);
  const fraction = r.u32(`${what} fraction`);
  return { seconds, fraction };
}

export function writeDuration(w: ByteWriter, d: Duration): void {
  w.i32(d.seconds).u32(d.fraction);
}
