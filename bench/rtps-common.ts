/** What both processes of the RTPS benchmarks agree on. */
import { durationFromMillis } from '../src/rtps/discovery-data/duration.js';

export const BENCH_QOS = {
  reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) },
};
/** A domain of its own, discovery on loopback only. */
export const DISCOVERY = { domainId: 42, range: 'localhost' as const, staticPeers: [] };
/** What the ros2ts UDP transport asks of the OS for each socket; the raw node:dgram floor asks the same. */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Round trips of a loop, warm-up included, in µs. A loop that starts recording only once its
 * warm-up is over takes a branch it never took before at that call, and V8 deoptimizes the loop
 * and all it had inlined (the client's whole call path): `--trace-opt` showed ros2ts's client
 * compiling `call`, `write` and the pending-call path again inside the timed calls, ~40 ms of
 * compiler time on the pinned core. Recording every call keeps the loop the same throughout.
 */
export class RoundTrips {
  private readonly all: Float64Array;
  constructor(
    private readonly warmUp: number,
    n: number,
  ) {
    this.all = new Float64Array(warmUp + n);
  }
  /** Records call `i`, which started at `t0` (process.hrtime.bigint()). */
  record(i: number, t0: bigint): void {
    this.all[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  /** The round trips after the warm-up. */
  timed(): number[] {
    return Array.from(this.all.subarray(this.warmUp));
  }
}
