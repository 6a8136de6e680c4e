/** What both processes of the RTPS benchmarks agree on. */
import { durationFromMillis } from '../src/rtps/discovery-data/duration.js';

export const BENCH_QOS = {
  reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) },
};
/** A domain of its own, discovery on loopback only. */
export const DISCOVERY = { domainId: 42, range: 'localhost' as const, staticPeers: [] };
/** What the ros2ts UDP transport asks of the OS for each socket; the raw node:dgram floor asks the same. */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
