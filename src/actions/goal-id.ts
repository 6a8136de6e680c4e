/**
 * Goal ids (unique_identifier_msgs/msg/UUID: 16 bytes, random version 4 as rclpy and rclcpp make
 * them) and goal stamps (builtin_interfaces/msg/Time), as the action services carry them.
 */
import { randomUUID } from 'node:crypto';

export const GOAL_ID_LENGTH = 16;

/** A fresh random (version 4) goal id. */
export function randomGoalId(): Uint8Array {
  return goalIdFromHex(randomUUID());
}

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case; throws RangeError unless 16 bytes. */
export function goalIdToHex(id: Uint8Array): string {
  if (id.length !== GOAL_ID_LENGTH) throw new RangeError(`a goal id has 16 bytes, got ${id.length}`);
  const hex = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a uuid written with or without dashes; throws RangeError otherwise. */
export function goalIdFromHex(text: string): Uint8Array {
  const hex = text.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`'${text}' is not a uuid`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** All zero: a cancel request's "no particular goal". */
export function isZeroGoalId(id: Uint8Array): boolean {
  return id.every((b) => b === 0);
}

/** builtin_interfaces/msg/Time. */
export interface Stamp {
  readonly sec: number;
  readonly nanosec: number;
}

export const ZERO_STAMP: Stamp = Object.freeze({ sec: 0, nanosec: 0 });

/** Nanoseconds since the epoch, as rcl_action compares stamps. */
export function stampToNs(t: Stamp): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanosec);
}

export function stampFromNs(ns: bigint): Stamp {
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}

/** Milliseconds since the epoch (as Date.now()), fractions kept down to the nanosecond. */
export function stampFromMs(ms: number): Stamp {
  return stampFromNs(BigInt(Math.round(ms * 1e6)));
}

export function stampToMs(t: Stamp): number {
  return t.sec * 1000 + t.nanosec / 1e6;
}

/** The wall clock now, finer than Date.now() (the server's acceptance stamp, as rcl stamps with its clock). */
export function wallClockNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}
