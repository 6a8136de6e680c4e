/**
 * Who ros2ts is on the wire: its vendor id and how it makes GUID prefixes.
 *
 * Vendor id 01.F7. The OMG hands out 01.xx in order (01.01 RTI ... 01.0F eProsima, 01.10 Eclipse
 * Cyclone DDS, 01.12 Atostek RustDDS, a few more after; dds-foundation.org's registry), so the
 * top of the range is unused. Not 00.00 ("unknown": Fast DDS then reads some of its own custom
 * PIDs from us as if we were eProsima), not 01.10 (Cyclone applies its strict rules for its own
 * peers, e.g. dropping DATA before the first HEARTBEAT), not 01.0F (Fast DDS would try shared
 * memory and its custom PIDs). WIRE.md sections 6 and 7 give the sources.
 *
 * GUID prefix: our vendor id (2 bytes, as Cyclone starts its prefixes with its own), 2 bytes of
 * a hash of the host name, the process id (2 bytes), 4 random bytes and a per-process counter
 * (2 bytes). Never `01 0f` first: Fast DDS reads equal first 4 bytes as "same host" and equal
 * first 8 as "same process" (GuidPrefix_t.cpp) and would try shared memory or intraprocess
 * delivery with us.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { GuidPrefix } from './wire/types.js';

export const ROS2TS_VENDOR_ID: readonly [number, number] = [0x01, 0xf7];
/** RTPS 2.3: what we announce in headers; both vendors accept 2.1 and later. */
export const PROTOCOL_VERSION: readonly [number, number] = [2, 3];

let counter = 0;

/** A fresh GUID prefix for a participant of this process. */
export function newGuidPrefix(random: (n: number) => Uint8Array = randomBytes): GuidPrefix {
  const p = new Uint8Array(12);
  p[0] = ROS2TS_VENDOR_ID[0];
  p[1] = ROS2TS_VENDOR_ID[1];
  const host = createHash('sha256').update(hostname()).digest();
  p[2] = host[0]!;
  p[3] = host[1]!;
  p[4] = process.pid & 0xff;
  p[5] = (process.pid >> 8) & 0xff;
  p.set(random(4).subarray(0, 4), 6);
  counter = (counter + 1) & 0xffff;
  p[10] = counter >> 8;
  p[11] = counter & 0xff;
  return p;
}

/** Whether a prefix was made by ros2ts (our vendor id in its first two bytes). */
export function isRos2tsPrefix(p: GuidPrefix): boolean {
  return p[0] === ROS2TS_VENDOR_ID[0] && p[1] === ROS2TS_VENDOR_ID[1];
}
