/**
 * Reusable buffers for sending large datagrams. node:dgram keeps the buffer it is given until the
 * datagram has left, so the transport sends a copy; a fresh copy of every fragment of a large
 * sample was ~64 KB allocated per datagram, each freed at a later garbage collection, and glibc
 * handed that memory back to the system and faulted it in again: 233,000 minor faults in 3 s of
 * a writer of 1 MB samples (bench:rtps's throughput writer, 2026-12-04). A pooled buffer goes
 * back to the pool when dgram's send callback says the datagram has left.
 *
 * Small datagrams keep the plain copy: for them the callback costs more than the allocation.
 */

/** One pooled buffer, and the callback that returns it (made once, not per send). */
export class PooledBuffer {
  /** The part of the buffer holding the datagram, valid until `release`. */
  view: Buffer;
  private inUse = false;

  constructor(
    private readonly buffer: Buffer,
    private readonly pool: PooledBuffer[],
    private readonly onError: (error: Error) => void,
  ) {
    this.view = buffer;
  }

  /** Fills the buffer with `data`; it is in use until released. */
  fill(data: Uint8Array): this {
    this.buffer.set(data);
    this.view = this.buffer.subarray(0, data.length);
    this.inUse = true;
    return this;
  }

  /**
   * Returns the buffer to its pool: dgram's send callback, which gets the send's error, if any,
   * that dgram would otherwise have emitted on the socket. A second call does nothing.
   */
  readonly release = (error?: Error | null): void => {
    if (error) this.onError(error);
    if (!this.inUse) return;
    this.inUse = false;
    this.pool.push(this);
  };
}

export class SendBufferPool {
  private readonly free: PooledBuffer[] = [];
  private made = 0;

  /**
   * @param size bytes of each buffer: longer datagrams are not pooled.
   * @param max buffers made at most: past them, `copy` gives undefined until one comes back.
   * @param onError told of a send that failed after it was handed to the socket.
   */
  constructor(
    readonly size: number,
    readonly max: number,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  /** Buffers handed out and not released yet. */
  get inUse(): number {
    return this.made - this.free.length;
  }

  /**
   * `data` copied into a pooled buffer, or undefined when it does not fit one or every buffer is
   * in use (the caller copies it some other way). The caller sees that `release` is called.
   */
  copy(data: Uint8Array): PooledBuffer | undefined {
    if (data.length > this.size) return undefined;
    let b = this.free.pop();
    if (b === undefined) {
      if (this.made >= this.max) return undefined;
      this.made++;
      b = new PooledBuffer(Buffer.allocUnsafeSlow(this.size), this.free, this.onError);
    }
    return b.fill(data);
  }
}
