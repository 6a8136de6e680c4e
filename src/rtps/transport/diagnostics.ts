/**
 * Counters and trace events shared by the transports. Errors on the data path are counted and
 * published on the `ros2ts:rtps:transport` diagnostics channel (free when nobody listens), since
 * they must never be thrown at the protocol code that called send() or into the socket's loop.
 */
import { channel } from 'node:diagnostics_channel';
import type { DatagramHandler, TransportStats, UdpLocator } from './transport.js';

export type TransportEventKind = 'send-error' | 'handler-error' | 'socket-error' | 'setup-warning';

export interface TransportEvent {
  readonly kind: TransportEventKind;
  readonly detail: string;
  readonly locator?: UdpLocator;
  readonly error?: unknown;
}

const transportChannel = channel('ros2ts:rtps:transport');

export function traceTransport(event: TransportEvent): void {
  if (transportChannel.hasSubscribers) transportChannel.publish(event);
}

export function newTransportStats(): TransportStats {
  return {
    sent: 0,
    sentBytes: 0,
    sendErrors: 0,
    received: 0,
    receivedBytes: 0,
    unhandled: 0,
    handlerErrors: 0,
    socketErrors: 0,
  };
}

/** A failure the socket reported after the send (its 'error' event, or a send callback's error). */
export function countSocketError(stats: TransportStats, error: Error): void {
  stats.socketErrors++;
  traceTransport({ kind: 'socket-error', detail: error.message, error });
}

export function countSendError(stats: TransportStats, detail: string, to: UdpLocator, error?: unknown): void {
  stats.sendErrors++;
  traceTransport({ kind: 'send-error', detail, locator: to, error });
}

/**
 * The handlers of one channel. Each datagram goes to every handler; a throwing handler is counted
 * and traced, and the others still run, so one buggy subscriber cannot starve the rest.
 */
export class HandlerList {
  private readonly handlers: DatagramHandler[] = [];

  constructor(private readonly stats: TransportStats) {}

  add(handler: DatagramHandler): void {
    this.handlers.push(handler);
  }

  dispatch(data: Uint8Array, from: UdpLocator): void {
    const stats = this.stats;
    stats.received++;
    stats.receivedBytes += data.byteLength;
    if (this.handlers.length === 0) {
      stats.unhandled++;
      return;
    }
    for (const handler of this.handlers) {
      try {
        handler(data, from);
      } catch (error) {
        stats.handlerErrors++;
        traceTransport({ kind: 'handler-error', detail: 'datagram handler threw', locator: from, error });
      }
    }
  }
}
