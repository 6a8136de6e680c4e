/**
 * A client's bounded send queue. A WebSocket to a slow browser (or one that never reads) keeps
 * what it cannot write in user space (`ws`'s bufferedAmount) without limit; this queue stops
 * handing it frames once that passes a high-water mark and holds them itself, per stream (a
 * topic, or the control stream of responses and statuses), keeping only the newest `depth`
 * frames of each: the oldest are dropped and counted. One stream's flood therefore never pushes
 * out another stream's latest frame, and the bridge's memory per client stays bounded.
 *
 * bufferedAmount alone does not see the kernel: a frame leaves it as soon as the socket's send
 * buffer takes it, and that buffer (Linux grows it to net.ipv4.tcp_wmem's maximum, 4 MB by
 * default) and the client's receive buffer hold several JSON images for a client that reads
 * slower than they come, each older than the last (bench:bridge, JSON image p50 31-247 ms). So
 * where the sink can ask the client to confirm what it read (a WebSocket ping, which the client
 * answers in order with what came before it), the queue also keeps what was handed over but not
 * confirmed read under `maxUnreadBytes`, and holds the rest itself, newest per stream as above.
 *
 * Sockets are not this module's business: it drives any sink with a bufferedAmount and a send
 * that calls back once a frame is written, so it is tested without one.
 */

/** One WebSocket frame's content: text or binary. */
export type Frame = string | Uint8Array;
/**
 * What the queue keeps, drops and hands over as one: a frame, or the frames of one message cut
 * into pieces (rosbridge's fragment ops), of which the client can use none unless it gets all.
 */
export type Message = Frame | readonly Frame[];

export interface FrameSink {
  /** Bytes accepted by send but not yet written to the network. */
  readonly bufferedAmount: number;
  send(frame: Frame, done: (error?: Error) => void): void;
  /**
   * Asks the client to confirm, by calling SendQueue.confirmed(id), that it read everything sent
   * before. Absent: only bufferedAmount bounds what is handed over.
   */
  probe?(id: number): void;
}

export interface SendQueueOptions {
  /** Frames go straight to the sink while it buffers less than this many bytes. */
  readonly highWaterBytes?: number;
  /** At most this many bytes wait in this queue (past it, the oldest frames go, stream by stream). */
  readonly maxQueuedBytes?: number;
  /** The depth of a stream that did not say (the control stream uses CONTROL_DEPTH). */
  readonly defaultDepth?: number;
  /**
   * With a sink that can probe: frames go to it only while less than this many bytes it was
   * given are not yet confirmed read by the client (one frame may take it past the bound).
   */
  readonly maxUnreadBytes?: number;
}

export const DEFAULT_HIGH_WATER_BYTES = 1 << 20;
export const DEFAULT_MAX_QUEUED_BYTES = 16 << 20;
/**
 * Two JSON 640x480 rgb8 images (1.2 MB each) in flight: enough to keep a client that keeps up
 * busy while the confirmation of the one before comes back, and at 100 Mbit/s 160 ms of data.
 */
export const DEFAULT_MAX_UNREAD_BYTES = 2 << 20;
/** Probes outstanding at most; more would only confirm finer steps of the same bytes. */
const MAX_PROBES = 64;
/** Responses and statuses are few and each matters: many are kept, but not without bound. */
export const CONTROL_DEPTH = 1000;
export const CONTROL_STREAM = '';

interface Stream {
  depth: number;
  readonly frames: Message[];
}

/** Counts of frames: a message of several pieces counts as one. */
export interface SendQueueStats {
  /** Frames dropped since the queue was made, all streams. */
  readonly dropped: number;
  readonly droppedByStream: ReadonlyMap<string, number>;
  readonly queuedFrames: number;
  readonly queuedBytes: number;
  /** Bytes handed to the sink that the client has not confirmed it read (0 without probes). */
  readonly unreadBytes: number;
}

const pieces = (m: Message): readonly Frame[] => (Array.isArray(m) ? m : [m as Frame]);
/** Bytes held in memory (a string's UTF-16). */
const frameBytes = (m: Message) =>
  pieces(m).reduce((n, f) => n + (typeof f === 'string' ? f.length * 2 : f.byteLength), 0);
/** Bytes on the wire, near enough: the frames are JSON, ASCII but for the odd string field. */
const wireBytes = (f: Frame) => (typeof f === 'string' ? f.length : f.byteLength);

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
  private readonly maxUnread: number;
  /** Bytes handed to the sink, ever; of them, how many the client confirmed it read. */
  private sentBytes = 0;
  private readBytes = 0;
  /** Probes not yet answered, oldest first: each covers the bytes sent before it. */
  private readonly probes: { readonly id: number; readonly upTo: number }[] = [];
  private probedUpTo = 0;
  private nextProbeId = 1;
  /** Set while a message's pieces are handed over: nothing else goes in between them. */
  private writing = false;

  constructor(
    private readonly sink: FrameSink,
    options: SendQueueOptions = {},
  ) {
    this.highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.defaultDepth = options.defaultDepth ?? 1;
    this.maxUnread = Math.max(1, options.maxUnreadBytes ?? DEFAULT_MAX_UNREAD_BYTES);
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

  send(frame: Message, stream: string = CONTROL_STREAM): void {
    if (this.closed) return;
    if (this.queuedFrames === 0 && this.canWrite()) {
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

  /** Hands waiting frames to the sink while it is under the high-water mark and the unread bound. */
  flush(): void {
    while (!this.closed && this.queuedFrames > 0 && this.canWrite()) {
      const name = this.waiting.shift();
      if (name === undefined) break;
      const s = this.streams.get(name);
      const message = s?.frames.shift();
      if (!s || message === undefined) continue;
      if (s.frames.length > 0) this.waiting.push(name);
      this.forget(message);
      this.write(message);
    }
    // Held back by the unread bound: make sure a confirmation of the latest bytes is on its way.
    if (this.queuedFrames > 0 && this.unread() >= this.maxUnread) this.probe(true);
  }

  /** The client confirmed probe `id`: everything sent before it was read. Unknown ids are ignored. */
  confirmed(id: number): void {
    const i = this.probes.findIndex((p) => p.id === id);
    if (i < 0) return;
    this.readBytes = Math.max(this.readBytes, this.probes[i]!.upTo);
    this.probes.splice(0, i + 1);
    if (this.queuedFrames > 0) this.flush();
  }

  get stats(): SendQueueStats {
    return {
      dropped: this.dropped,
      droppedByStream: this.droppedByStream,
      queuedFrames: this.queuedFrames,
      queuedBytes: this.queuedBytes,
      unreadBytes: this.unread(),
    };
  }

  /** Whether frames wait here (the owner then calls flush from time to time). */
  get pending(): boolean {
    return this.queuedFrames > 0;
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.streams.keys()]) this.dropStream(name);
    this.probes.length = 0;
  }

  private canWrite(): boolean {
    return this.sink.bufferedAmount < this.highWater && this.unread() < this.maxUnread;
  }

  /** Bytes handed over and not confirmed read; always 0 for a sink that cannot probe. */
  private unread(): number {
    return this.sink.probe === undefined ? 0 : this.sentBytes - this.readBytes;
  }

  /** Hands a message to the sink, all its pieces at once (the bounds are checked before it). */
  private write(message: Message): void {
    this.writing = true;
    for (const frame of pieces(message)) {
      this.sentBytes += wireBytes(frame);
      // The callback runs once the frame left user space: room for more.
      this.sink.send(frame, () => {
        if (this.queuedFrames > 0 && !this.writing) this.flush();
      });
    }
    this.writing = false;
    this.probe(false);
  }

  /**
   * Asks for a confirmation of what was sent so far, once a quarter of the bound went unprobed
   * (confirmations then come back while the client keeps up, and the bound is not reached), or
   * at once when `now` (the bound holds frames back).
   */
  private probe(now: boolean): void {
    if (this.sink.probe === undefined || this.probes.length >= MAX_PROBES) return;
    const unprobed = this.sentBytes - this.probedUpTo;
    if (unprobed === 0 || (!now && unprobed < this.maxUnread / 4)) return;
    const id = this.nextProbeId;
    this.nextProbeId = id >= 0xffffffff ? 1 : id + 1;
    this.probes.push({ id, upTo: this.sentBytes });
    this.probedUpTo = this.sentBytes;
    this.sink.probe(id);
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

  private forget(frame: Message): void {
    this.queuedFrames--;
    this.queuedBytes -= frameBytes(frame);
  }
}
