/**
 * A client's bounded send queue. A WebSocket to a slow browser (or one that never reads) keeps
 * what it cannot write in user space (`ws`'s bufferedAmount) without limit; this queue stops
 * handing it frames once that passes a high-water mark and holds them itself, per stream (a
 * topic, or the control stream of responses and statuses), keeping only the newest `depth`
 * frames of each: the oldest are dropped and counted. One stream's flood therefore never pushes
 * out another stream's latest frame, and the bridge's memory per client stays bounded.
 *
 * Sockets are not this module's business: it drives any sink with a bufferedAmount and a send
 * that calls back once a frame is written, so it is tested without one.
 */

export interface FrameSink {
  /** Bytes accepted by send but not yet written to the network. */
  readonly bufferedAmount: number;
  send(frame: string | Uint8Array, done: (error?: Error) => void): void;
}

export interface SendQueueOptions {
  /** Frames go straight to the sink while it buffers less than this many bytes. */
  readonly highWaterBytes?: number;
  /** At most this many bytes wait in this queue (past it, the oldest frames go, stream by stream). */
  readonly maxQueuedBytes?: number;
  /** The depth of a stream that did not say (the control stream uses CONTROL_DEPTH). */
  readonly defaultDepth?: number;
}

export const DEFAULT_HIGH_WATER_BYTES = 1 << 20;
export const DEFAULT_MAX_QUEUED_BYTES = 16 << 20;
/** Responses and statuses are few and each matters: many are kept, but not without bound. */
export const CONTROL_DEPTH = 1000;
export const CONTROL_STREAM = '';

interface Stream {
  depth: number;
  readonly frames: (string | Uint8Array)[];
}

export interface SendQueueStats {
  /** Frames dropped since the queue was made, all streams. */
  readonly dropped: number;
  readonly droppedByStream: ReadonlyMap<string, number>;
  readonly queuedFrames: number;
  readonly queuedBytes: number;
}

const frameBytes = (f: string | Uint8Array) => (typeof f === 'string' ? f.length * 2 : f.byteLength);

export class SendQueue {
  private readonly highWater: number;
  private readonly maxQueued: number;
  private readonly defaultDepth: number;
  private readonly streams = new Map<string, Stream>();
  /** Streams with frames waiting, in the order they first waited (a fair round robin). */
  private readonly waiting: string[] = [];
  private queuedBytes = 0;
  private queuedFrames = 0;
  private dropped = 0;
  private readonly droppedByStream = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly sink: FrameSink,
    options: SendQueueOptions = {},
  ) {
    this.highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.defaultDepth = options.defaultDepth ?? 1;
  }

  /** Sets how many frames a stream keeps while the client is behind (a subscription's queue_length). */
  setDepth(stream: string, depth: number): void {
    this.stream(stream).depth = Math.max(1, depth);
  }

  /** Forgets a stream's waiting frames (a topic unsubscribed). */
  dropStream(stream: string): void {
    const s = this.streams.get(stream);
    if (!s) return;
    for (const f of s.frames) this.forget(f);
    this.streams.delete(stream);
    const i = this.waiting.indexOf(stream);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  send(frame: string | Uint8Array, stream: string = CONTROL_STREAM): void {
    if (this.closed) return;
    if (this.queuedFrames === 0 && this.sink.bufferedAmount < this.highWater) {
      this.write(frame);
      return;
    }
    const s = this.stream(stream);
    if (s.frames.length === 0) this.waiting.push(stream);
    s.frames.push(frame);
    this.queuedFrames++;
    this.queuedBytes += frameBytes(frame);
    while (s.frames.length > s.depth) this.dropOldest(stream, s);
    while (this.queuedBytes > this.maxQueued && this.queuedFrames > 1) this.dropLargestStreamHead();
    this.flush();
  }

  /** Hands waiting frames to the sink while it is under the high-water mark. */
  flush(): void {
    while (!this.closed && this.queuedFrames > 0 && this.sink.bufferedAmount < this.highWater) {
      const name = this.waiting.shift();
      if (name === undefined) break;
      const s = this.streams.get(name);
      const frame = s?.frames.shift();
      if (!s || frame === undefined) continue;
      if (s.frames.length > 0) this.waiting.push(name);
      this.forget(frame);
      this.write(frame);
    }
  }

  get stats(): SendQueueStats {
    return {
      dropped: this.dropped,
      droppedByStream: this.droppedByStream,
      queuedFrames: this.queuedFrames,
      queuedBytes: this.queuedBytes,
    };
  }

  /** Whether frames wait here (the owner then calls flush from time to time). */
  get pending(): boolean {
    return this.queuedFrames > 0;
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.streams.keys()]) this.dropStream(name);
  }

  private write(frame: string | Uint8Array): void {
    // The callback runs once the frame left user space: room for more.
    this.sink.send(frame, () => {
      if (this.queuedFrames > 0) this.flush();
    });
  }

  private stream(name: string): Stream {
    let s = this.streams.get(name);
    if (!s) {
      s = { depth: name === CONTROL_STREAM ? CONTROL_DEPTH : this.defaultDepth, frames: [] };
      this.streams.set(name, s);
    }
    return s;
  }

  private dropOldest(name: string, s: Stream): void {
    const f = s.frames.shift();
    if (f === undefined) return;
    this.forget(f);
    this.dropped++;
    this.droppedByStream.set(name, (this.droppedByStream.get(name) ?? 0) + 1);
    if (s.frames.length === 0) {
      const i = this.waiting.indexOf(name);
      if (i >= 0) this.waiting.splice(i, 1);
    }
  }

  /** Over the byte bound: the stream holding the most bytes loses its oldest frame. */
  private dropLargestStreamHead(): void {
    let worst: [string, Stream] | undefined;
    let worstBytes = -1;
    for (const entry of this.streams) {
      const bytes = entry[1].frames.reduce((n, f) => n + frameBytes(f), 0);
      if (bytes > worstBytes) {
        worst = entry;
        worstBytes = bytes;
      }
    }
    if (worst) this.dropOldest(worst[0], worst[1]);
  }

  private forget(frame: string | Uint8Array): void {
    this.queuedFrames--;
    this.queuedBytes -= frameBytes(frame);
  }
}
