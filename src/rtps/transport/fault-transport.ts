/**
 * Wraps a Transport and mistreats datagrams the way real networks do (loss, duplication, delay,
 * reordering), reproducibly: every decision comes from a seeded PRNG, so a reliability test that
 * fails can be re-run with the same seed. Faults apply on send, on receive, or both, with rates
 * per direction and, within a direction, per kind (unicast or multicast channel/locator).
 */

import { type Clock, realClock, type TimerHandle } from '../clock.js';
import { isMulticastIPv4 } from './address.js';
import { countSendError, HandlerList, newTransportStats } from './diagnostics.js';
import { TransportClosedError } from './errors.js';
import { mulberry32 } from './prng.js';
import type { DatagramHandler, ReceiveChannel, Transport, TransportStats, UdpLocator } from './transport.js';

/** Probabilities in [0, 1]; each fault is decided independently per datagram. */
export interface FaultRates {
  readonly drop?: number;
  /** Deliver a second copy right after the first. */
  readonly duplicate?: number;
  /** Hold the datagram for a uniform random time within `delayMs`. */
  readonly delay?: number;
  /** `[min, max]` ms, or a fixed number of ms; default [1, 50]. */
  readonly delayMs?: number | readonly [number, number];
  /** Hold the datagram back until the next one in the same stream has passed it. */
  readonly reorder?: number;
}

/** Rates for one direction; `unicast`/`multicast` override the direction's rates field by field. */
export interface DirectionFaults extends FaultRates {
  readonly unicast?: FaultRates;
  readonly multicast?: FaultRates;
}

export type FaultDirection = 'send' | 'receive';
export type FaultKind = 'unicast' | 'multicast';

/** What happened to one datagram. */
export interface FaultFate {
  readonly direction: FaultDirection;
  readonly kind: FaultKind;
  readonly drop: boolean;
  readonly duplicate: boolean;
  /** 0 when not delayed. */
  readonly delayMs: number;
  readonly reorder: boolean;
}

export interface FaultTransportOptions {
  /** Same seed, same traffic → same fates. */
  readonly seed: number;
  /** Runs delays and reorder hold timeouts; default realClock. */
  readonly clock?: Clock;
  readonly send?: DirectionFaults;
  readonly receive?: DirectionFaults;
  /**
   * How long a datagram held for reordering waits for a successor before it goes out anyway
   * (then merely late, not reordered); default 50 ms.
   */
  readonly reorderHoldMs?: number;
  /** Called with every fate decided, in order (for tests and traces). */
  readonly onFate?: (fate: FaultFate) => void;
}

export interface FaultCounts {
  dropped: number;
  duplicated: number;
  delayed: number;
  /** Datagrams that were actually overtaken by a later one. */
  reordered: number;
}

export interface FaultTransportStats extends TransportStats {
  readonly faults: { readonly send: FaultCounts; readonly receive: FaultCounts };
}

const DEFAULT_DELAY: readonly [number, number] = [1, 50];

function newFaultCounts(): FaultCounts {
  return { dropped: 0, duplicated: 0, delayed: 0, reordered: 0 };
}

function ratesFor(faults: DirectionFaults | undefined, kind: FaultKind): FaultRates {
  return { ...faults, ...faults?.[kind] };
}

/**
 * Decides one datagram's fate. Always draws five numbers, whatever the outcome, so that changing
 * one rate does not shift the fates of every later datagram.
 */
export function decideFate(
  random: () => number,
  rates: FaultRates,
  direction: FaultDirection,
  kind: FaultKind,
): FaultFate {
  const [rDrop, rDuplicate, rDelay, rDelayAmount, rReorder] = [
    random(),
    random(),
    random(),
    random(),
    random(),
  ];
  const span = rates.delayMs ?? DEFAULT_DELAY;
  const [min, max] = typeof span === 'number' ? [span, span] : span;
  const drop = rDrop < (rates.drop ?? 0);
  return {
    direction,
    kind,
    drop,
    duplicate: !drop && rDuplicate < (rates.duplicate ?? 0),
    delayMs: !drop && rDelay < (rates.delay ?? 0) ? min + rDelayAmount * (max - min) : 0,
    reorder: !drop && rReorder < (rates.reorder ?? 0),
  };
}

interface Pending {
  readonly emit: () => void;
}

/**
 * The delay and reorder stages of one stream (the sends of a transport, or the datagrams of one
 * receive channel). At most one datagram is held for reordering; the next one to pass releases it
 * behind itself.
 */
class FaultPipe {
  private held: { pending: Pending; timer: TimerHandle } | undefined;
  private readonly timers = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly holdMs: number,
    private readonly counts: FaultCounts,
  ) {}

  /** Emits `pending` after the fate's delay, possibly behind its successor. */
  push(fate: FaultFate, pending: Pending): void {
    if (fate.delayMs > 0) {
      this.counts.delayed++;
      const timer = this.clock.setTimeout(() => {
        this.timers.delete(timer);
        this.reorderStage(fate.reorder, pending);
      }, fate.delayMs);
      this.timers.add(timer);
    } else {
      this.reorderStage(fate.reorder, pending);
    }
  }

  /** Drops everything still delayed or held. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    if (this.held !== undefined) this.clock.clearTimeout(this.held.timer);
    this.held = undefined;
  }

  private reorderStage(reorder: boolean, pending: Pending): void {
    if (this.stopped) return;
    if (reorder && this.held === undefined) {
      const timer = this.clock.setTimeout(() => {
        this.held = undefined;
        pending.emit();
      }, this.holdMs);
      this.held = { pending, timer };
      return;
    }
    pending.emit();
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      this.clock.clearTimeout(held.timer);
      this.counts.reordered++;
      held.pending.emit();
    }
  }
}

class FaultChannel implements ReceiveChannel {
  private readonly handlers: HandlerList;
  private readonly pipe: FaultPipe;

  constructor(
    private readonly inner: ReceiveChannel,
    private readonly owner: FaultTransport,
    readonly kind: FaultKind,
    ownStats: TransportStats,
  ) {
    this.handlers = new HandlerList(ownStats);
    this.pipe = owner.newPipe('receive');
    inner.onDatagram((data, from) => owner.receive(this.kind, this.pipe, data, from, this.handlers));
  }

  get port(): number {
    return this.inner.port;
  }

  onDatagram(handler: DatagramHandler): void {
    this.handlers.add(handler);
  }

  async close(): Promise<void> {
    this.pipe.stop();
    this.owner.forget(this, this.pipe);
    await this.inner.close();
  }
}

export class FaultTransport implements Transport {
  readonly stats: FaultTransportStats;
  private readonly clock: Clock;
  private readonly sendRandom: () => number;
  private readonly receiveRandom: () => number;
  private readonly sendPipe: FaultPipe;
  private readonly channels = new Set<FaultChannel>();
  private readonly pipes = new Set<FaultPipe>();
  private readonly faultCounts = { send: newFaultCounts(), receive: newFaultCounts() };
  /** Sends refused by the wrapper itself, and handler errors of its own channels. */
  private readonly ownStats = newTransportStats();
  private closed = false;

  constructor(
    private readonly inner: Transport,
    private readonly options: FaultTransportOptions,
  ) {
    this.clock = options.clock ?? realClock;
    // Separate streams per direction: the fates of sends must not depend on when datagrams
    // happen to arrive.
    this.sendRandom = mulberry32(options.seed);
    this.receiveRandom = mulberry32(options.seed ^ 0x9e3779b9);
    this.sendPipe = this.newPipe('send');
    this.stats = new FaultStatsView(inner.stats, this.ownStats, this.faultCounts);
  }

  async openUnicast(port: number | 'any'): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openUnicast(${port})`);
    return this.wrap(await this.inner.openUnicast(port), 'unicast');
  }

  async openMulticast(group: string, port: number): Promise<ReceiveChannel> {
    if (this.closed) throw new TransportClosedError(`openMulticast(${group}, ${port})`);
    return this.wrap(await this.inner.openMulticast(group, port), 'multicast');
  }

  send(data: Uint8Array, to: UdpLocator): void {
    if (this.closed) {
      countSendError(this.ownStats, 'transport closed', to);
      return;
    }
    const kind: FaultKind = isMulticastIPv4(to.address) ? 'multicast' : 'unicast';
    const fate = this.fate(this.sendRandom, 'send', kind);
    if (fate.drop) return;
    // Copied now: a delayed or held datagram outlives the caller's buffer.
    const copy = fate.delayMs > 0 || fate.reorder ? data.slice() : data;
    const emit = () => {
      if (!this.closed) this.inner.send(copy, to);
    };
    this.sendPipe.push(fate, { emit });
    if (fate.duplicate) this.sendPipe.push({ ...fate, reorder: false }, { emit });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pipe of this.pipes) pipe.stop();
    await Promise.all([...this.channels].map((c) => c.close()));
    await this.inner.close();
  }

  /** @internal */
  newPipe(direction: FaultDirection): FaultPipe {
    const pipe = new FaultPipe(this.clock, this.options.reorderHoldMs ?? 50, this.faultCounts[direction]);
    this.pipes.add(pipe);
    return pipe;
  }

  /** @internal */
  forget(channel: FaultChannel, pipe: FaultPipe): void {
    this.channels.delete(channel);
    this.pipes.delete(pipe);
  }

  /** @internal A datagram arrived on an inner channel. */
  receive(kind: FaultKind, pipe: FaultPipe, data: Uint8Array, from: UdpLocator, handlers: HandlerList): void {
    const fate = this.fate(this.receiveRandom, 'receive', kind);
    if (fate.drop) return;
    const emit = () => handlers.dispatch(data, from);
    pipe.push(fate, { emit });
    // The duplicate is a copy: each delivery hands the handlers a buffer of their own.
    if (fate.duplicate)
      pipe.push({ ...fate, reorder: false }, { emit: () => handlers.dispatch(data.slice(), from) });
  }

  private wrap(inner: ReceiveChannel, kind: FaultKind): ReceiveChannel {
    const channel = new FaultChannel(inner, this, kind, this.ownStats);
    this.channels.add(channel);
    return channel;
  }

  private fate(random: () => number, direction: FaultDirection, kind: FaultKind): FaultFate {
    const fate = decideFate(random, ratesFor(this.options[direction], kind), direction, kind);
    const counts = this.faultCounts[direction];
    if (fate.drop) counts.dropped++;
    if (fate.duplicate) counts.duplicated++;
    this.options.onFate?.(fate);
    return fate;
  }
}

/**
 * The inner transport's counters (what reached or came from the network), plus the send errors,
 * handler errors and unhandled datagrams of the wrapper itself, plus the faults.
 */
class FaultStatsView implements FaultTransportStats {
  constructor(
    private readonly inner: Readonly<TransportStats>,
    private readonly own: Readonly<TransportStats>,
    readonly faults: { readonly send: FaultCounts; readonly receive: FaultCounts },
  ) {}

  get sent(): number {
    return this.inner.sent;
  }
  get sentBytes(): number {
    return this.inner.sentBytes;
  }
  get sendErrors(): number {
    return this.inner.sendErrors + this.own.sendErrors;
  }
  get received(): number {
    return this.inner.received;
  }
  get receivedBytes(): number {
    return this.inner.receivedBytes;
  }
  get unhandled(): number {
    return this.inner.unhandled + this.own.unhandled;
  }
  get handlerErrors(): number {
    return this.inner.handlerErrors + this.own.handlerErrors;
  }
  get socketErrors(): number {
    return this.inner.socketErrors;
  }
}
