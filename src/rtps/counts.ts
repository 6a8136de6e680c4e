/**
 * The counts of HEARTBEAT, ACKNACK, HEARTBEAT_FRAG and NACK_FRAG (RTPS 8.4.15.4): a receiver
 * ignores one whose count it has seen before. Counts of one sender only grow.
 */

/**
 * How far a count may fall below the last one seen and still be taken as new: a peer's counts
 * only grow, so a fall this large means the last one came from someone else (a forged count of
 * 2^31 - 1 would otherwise silence the real writer's HEARTBEATs for good).
 */
export const COUNT_RESET_WINDOW = 1 << 16;

/** Whether `count` is news after `last` (RTPS 8.4.15.4), allowing for a forged `last`. */
export function isNewCount(count: number, last: number): boolean {
  return count > last || last - count > COUNT_RESET_WINDOW;
}
