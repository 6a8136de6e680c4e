/**
 * The interop peers' sample type and data pattern (interop/msg/InteropSample: byte i of sample
 * `seq` is (seq + i) & 0xff), and the QoS shorthands the RTPS-level interop tests use.
 */
import { CodecCache } from '../../src/cdr/codec.js';
import { InterfaceRegistry } from '../../src/cdr/registry.js';
import { durationFromMillis } from '../../src/rtps/discovery-data/duration.js';

const registry = new InterfaceRegistry({ amentPrefixPath: false });
registry.define('interop/msg/InteropSample', 'uint64 seq\nuint8[] data');
const codec = new CodecCache(registry).get('interop/msg/InteropSample');

/** Sample `seq` of the peers' pattern with `size` data bytes. */
export function peerSample(seq: number, size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (seq + i) & 0xff;
  return codec.encode({ seq: BigInt(seq), data });
}

/** A received sample's number, and whether its data follows the pattern. */
export function checkPeerSample(bytes: Uint8Array): { seq: number; good: boolean } {
  const v = codec.decode(bytes) as { seq: bigint; data: Uint8Array };
  const seq = Number(v.seq);
  let good = true;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] !== ((seq + i) & 0xff)) good = false;
  return { seq, good };
}

export const RELIABLE = {
  reliability: { kind: 'RELIABLE' as const, maxBlockingTime: durationFromMillis(100) },
};
export const BEST_EFFORT = {
  reliability: { kind: 'BEST_EFFORT' as const, maxBlockingTime: durationFromMillis(100) },
};
