/**
 * What endpoints need to put datagrams on the network, without knowing sockets: the
 * participant's header, its size limit, a send to a set of locators, and the participant's
 * gathering of submessages by destination (sender/destination-batcher.ts says why).
 */
import { DestinationBatcher } from '../sender/destination-batcher.js';
import type { UdpLocator } from '../transport/transport.js';
import type { RtpsHeader } from '../wire/message.js';
import type { Submessage } from '../wire/submessage.js';
import type { Guid } from '../wire/types.js';

export interface Outbox {
  readonly header: RtpsHeader;
  /** The largest datagram to build. */
  readonly maxDatagramSize: number;
  /** Sends a datagram now to every locator given (deduplicated by the caller). */
  send(datagram: Uint8Array, to: readonly UdpLocator[]): void;
  /**
   * Queues submessages for the participant `prefix` at `locators` (an INFO_DST to it goes
   * ahead of them): they leave at the end of this turn of the event loop with whatever else is
   * queued for the same destination, in order, in as few datagrams as fit. Those are the first
   * `count` (default all) of `subs`, holes (undefined) skipped; they are copied, so the caller
   * may reuse `subs` once this returns.
   */
  submit(
    prefix: Uint8Array,
    locators: readonly UdpLocator[],
    subs: readonly (Submessage | undefined)[],
    count?: number,
  ): void;
  /** Sends everything queued now. */
  flush(): void;
  /**
   * Encodes the first `count` of `subs` into as few datagrams as fit, with no INFO_DST (to all
   * at `locators`: SPDP's announcements), and sends them now, through the same encoder and send
   * function as what `submit` gathers.
   */
  sendNow(locators: readonly UdpLocator[], subs: readonly Submessage[], count: number): void;
}

/** An outbox over a send function, gathering submissions by destination. */
export function createOutbox(
  header: RtpsHeader,
  maxDatagramSize: number,
  send: (datagram: Uint8Array, to: readonly UdpLocator[]) => void,
  defer?: (fn: () => void) => void,
): Outbox {
  const batcher = new DestinationBatcher(header, maxDatagramSize, send, defer);
  return {
    header,
    maxDatagramSize,
    send,
    submit: (prefix, locators, subs, count) => batcher.submit(prefix, locators, subs, count),
    flush: batcher.flush,
    sendNow: (locators, subs, count) => batcher.sendNow(locators, subs, count),
  };
}

/** A matched remote endpoint, as discovery described it. */
export interface RemoteEndpoint {
  readonly guid: Guid;
  /** Where to send to it: its own unicast locators, else its participant's default ones. */
  readonly locators: readonly UdpLocator[];
  readonly reliable: boolean;
  /**
   * A reader's durability is TRANSIENT_LOCAL or stronger, so a TRANSIENT_LOCAL writer owes it its
   * history. Absent: VOLATILE, the DDS default for a reader. Meaningless for a writer.
   */
  readonly transientLocal?: boolean;
}
