/**
 * One WebSocket client as the protocol sessions see it: a ClientChannel whose frames go through
 * the client's bounded SendQueue. A client that stops reading makes `ws` buffer; past the
 * high-water mark the queue holds frames itself, newest per stream, and a timer retries while
 * frames wait (ws calls back only when a write completes, which a stalled peer never lets happen).
 */
import type { WebSocket } from 'ws';
import { CONTROL_STREAM, type FrameSink, SendQueue, type SendQueueOptions } from './send-queue.js';

/** How often waiting frames are retried while the client is behind. */
export const RETRY_FLUSH_MS = 20;

export class ClientConnection {
  readonly queue: SendQueue;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    readonly socket: WebSocket,
    options: SendQueueOptions,
  ) {
    const sink: FrameSink = {
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
      send(frame, done) {
        if (socket.readyState !== socket.OPEN) return done();
        socket.send(frame, { binary: typeof frame !== 'string' }, done);
      },
    };
    this.queue = new SendQueue(sink, options);
    this.timer = setInterval(() => {
      if (this.queue.pending) this.queue.flush();
    }, RETRY_FLUSH_MS);
    this.timer.unref();
  }

  send(frame: string | Uint8Array, stream: string = CONTROL_STREAM): void {
    this.queue.send(frame, stream);
  }

  setStreamDepth(stream: string, depth: number): void {
    this.queue.setDepth(stream, depth);
  }

  dropStream(stream: string): void {
    this.queue.dropStream(stream);
  }

  close(): void {
    clearInterval(this.timer);
    this.queue.close();
  }
}
