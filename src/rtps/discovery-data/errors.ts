/**
 * Why a piece of discovery data (SPDP / SEDP, a PL_CDR payload and its inline QoS) was refused.
 * The decoders throw only DiscoveryDataError (every bounds failure of the byte reader is turned into
 * one), so a receive path catches exactly this type, counts it by reason and drops the sample; any
 * other exception escaping a decoder is a bug in ros2ts, not in the input.
 */
import { channel } from 'node:diagnostics_channel';
import { WireFormatError } from '../wire/errors.js';

export type DiscoveryDataErrorReason =
  /** Shorter than the 4-byte encapsulation header, or not PL_CDR_LE (0x0003) / PL_CDR_BE (0x0002). */
  | 'bad-encapsulation'
  /** A parameter claims more bytes than there are, or the list ends without PID_SENTINEL. */
  | 'malformed-parameter-list'
  /** A parameter we interpret has a malformed value: too short, a lying count or string length, an unknown enum value. */
  | 'invalid-parameter'
  /** An unrecognised parameter with the must-understand bit 0x4000 (RTPS 9.6.2.2.1): the whole data is to be ignored. */
  | 'must-understand'
  /** The parameter that identifies the entity (its GUID), or a topic or type name, is absent. */
  | 'missing-parameter'
  /** A sample that is neither data nor a dispose/unregister (e.g. a key-only payload without a status). */
  | 'invalid-sample';

export class DiscoveryDataError extends Error {
  override name = 'DiscoveryDataError';
  constructor(
    readonly reason: DiscoveryDataErrorReason,
    message: string,
    /** The parameter at fault, when there is one. */
    readonly pid?: number,
  ) {
    super(message);
  }
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DiscoveryDataError };

/** Runs a decoder and returns its outcome instead of throwing; other exceptions (bugs) propagate. */
export function tryDecode<T>(decode: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: decode() };
  } catch (err) {
    if (err instanceof DiscoveryDataError) return { ok: false, error: err };
    throw err;
  }
}

/** Runs `read`, turning a bounds failure of the byte reader into a DiscoveryDataError. */
export function guardReads<T>(
  reason: DiscoveryDataErrorReason,
  context: string,
  read: () => T,
  pid?: number,
): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof WireFormatError)
      throw new DiscoveryDataError(reason, `${context}: ${err.message}`, pid);
    throw err;
  }
}

export interface DiscoveryDropEvent {
  readonly reason: DiscoveryDataErrorReason;
  readonly detail: string;
  readonly source?: string;
}

const dropChannel = channel('ros2ts:rtps:discovery-drop');

/**
 * Counts refused discovery data by reason, and publishes each on the `ros2ts:rtps:discovery-drop`
 * diagnostics channel (free when nobody listens).
 */
export class DiscoveryDropCounter {
  readonly counts = new Map<DiscoveryDataErrorReason, number>();

  drop(error: DiscoveryDataError, source?: string): void {
    this.counts.set(error.reason, (this.counts.get(error.reason) ?? 0) + 1);
    if (dropChannel.hasSubscribers) {
      dropChannel.publish({
        reason: error.reason,
        detail: error.message,
        source,
      } satisfies DiscoveryDropEvent);
    }
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}
