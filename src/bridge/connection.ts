/**
 * One WebSocket client as the protocol sessions see it: a ClientChannel whose frames go through
 * the client's bounded SendQueue. A client that stops reading makes `ws` buffer; past the
 * high-water mark the queue holds frames itself, newest per stream, and a timer retries while
 * frames wait (ws calls back only when a write completes, which a stalled peer never lets happen).
 *
 * The queue's probes are pings carrying the probe's number; the pong echoes it (RFC 6455 5.5.2
 * and 5.5.3: an endpoint MUST answer a ping with a pong of the same payload, and it reads the
 * ping only after the frames before it on the TCP stream), so a pong confirms that the client
 * read everything sent before the ping, kernel buffers included. Browsers, `ws` and the Python
 * clients answer pings by themselves.
 */
import type { WebSocket } from 'ws';
import {
  CONTROL_STREAM,
  type FrameSink,
  type Message,
  SendQueue,
  type SendQueueOptions,
} from './send-queue.js';

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
      probe(id) {
        if (socket.readyState !== socket.OPEN) return;
        const payload = Buffer.alloc(4);
        payload.writeUInt32BE(id);
        socket.ping(payload);
      },
    };
    this.queue = new SendQueue(sink, options);
    // A pong of another length is not ours (a client may send unsolicited ones): ignored.
    socket.on('pong', (data: Buffer) => {
      if (data.length === 4) this.queue.confirmed(data.readUInt32BE(0));
    });
    this.timer = setInterval(() => {
      if (this.queue.pending) this.queue.flush();
    }, RETRY_FLUSH_MS);
    this.timer.unref();
  }

  send(frame: Message, stream: string = CONTROL_STREAM): void {
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
