/**
 * The per-client send queue over a fake sink whose buffered bytes the test controls: frames pass
 * straight through below the high-water mark, wait per stream above it keeping the newest `depth`,
 * leave in round robin as the sink drains, and never hold more than maxQueuedBytes. Over a sink
 * that can ask the client what it read (a WebSocket ping), what was handed over but not confirmed
 * read stays under maxUnreadBytes, however much the sink (the kernel) takes.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_DEPTH, CONTROL_STREAM, type FrameSink, SendQueue } from '../../../src/bridge/send-queue.js';

/** A sink that buffers what it is given until `drain` writes it out. */
class FakeSink implements FrameSink {
  bufferedAmount = 0;
  readonly written: string[] = [];
  private readonly inFlight: { frame: string; done: () => void }[] = [];

  send(frame: string | Uint8Array, done: () => void): void {
    const text = typeof frame === 'string' ? frame : Buffer.from(frame).toString();
    this.bufferedAmount += text.length;
    this.inFlight.push({ frame: text, done });
  }

  /** Writes every buffered frame to the "network", calling each frame's callback. */
  drain(): void {
    while (this.inFlight.length > 0) {
      const f = this.inFlight.shift() as { frame: string; done: () => void };
      this.bufferedAmount -= f.frame.length;
      this.written.push(f.frame);
      f.done();
    }
  }
}

describe('SendQueue', () => {
  it('hands frames straight to the sink while it is under the high-water mark', () => {
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 100 });
    q.send('a', 't1');
    q.send('b', 't2');
    q.send('c');
    sink.drain();
    expect(sink.written).toEqual(['a', 'b', 'c']);
    expect(q.stats).toMatchObject({ dropped: 0, queuedFrames: 0, queuedBytes: 0 });
    expect(q.pending).toBe(false);
  });

  it('keeps the newest `depth` frames of each stream while behind, and counts what it drops', () => {
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 10 });
    q.send('x'.repeat(10), 'pose'); // fills the sink to the mark
    q.setDepth('pose', 2);
    for (let i = 0; i < 5; i++) q.send(`pose${i}`, 'pose');
    for (let i = 0; i < 3; i++) q.send(`img${i}`, 'image'); // default depth 1
    q.send('status', CONTROL_STREAM);
    expect(q.stats.queuedFrames).toBe(4);
    expect(q.stats.dropped).toBe(5);
    expect(q.stats.droppedByStream.get('pose')).toBe(3);
    expect(q.stats.droppedByStream.get('image')).toBe(2);
    expect(q.pending).toBe(true);
    sink.drain(); // the write callback flushes what waits, round robin over the streams
    sink.drain();
    expect(sink.written).toEqual(['x'.repeat(10), 'pose3', 'img2', 'status', 'pose4']);
    expect(q.stats).toMatchObject({ queuedFrames: 0, queuedBytes: 0 });
  });

  it('keeps many control frames (responses) but not without bound', () => {
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 1, maxQueuedBytes: 1 << 30 });
    q.send('fill');
    for (let i = 0; i < CONTROL_DEPTH + 5; i++) q.send(`r${i}`);
    expect(q.stats.queuedFrames).toBe(CONTROL_DEPTH);
    expect(q.stats.droppedByStream.get(CONTROL_STREAM)).toBe(5);
  });

  it('never holds more than maxQueuedBytes: the stream holding most loses its oldest first', () => {
    const sink = new FakeSink();
    const maxQueuedBytes = 1000;
    const q = new SendQueue(sink, { highWaterBytes: 1, maxQueuedBytes, defaultDepth: 100 });
    q.send('fill');
    const big = 'B'.repeat(100); // 200 bytes as UTF-16
    for (let i = 0; i < 20; i++) {
      q.send(big, 'image');
      q.send(`p${i}`, 'pose');
      expect(q.stats.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
    }
    // The small stream kept all of its frames; the large one paid for the bound.
    expect(q.stats.droppedByStream.get('pose')).toBeUndefined();
    expect(q.stats.droppedByStream.get('image')).toBeGreaterThan(10);
  });

  it('forgets a dropped stream, and sends nothing once closed', () => {
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 1, defaultDepth: 10 });
    q.send('fill');
    q.send('a1', 'a');
    q.send('a2', 'a');
    q.send('b1', 'b');
    q.dropStream('a');
    expect(q.stats.queuedFrames).toBe(1);
    sink.drain();
    sink.drain();
    expect(sink.written).toEqual(['fill', 'b1']);
    q.close();
    q.send('late');
    sink.drain();
    expect(sink.written).toEqual(['fill', 'b1']);
  });

  it('keeps, drops and hands over the pieces of one message together', () => {
    // rosbridge fragments: a client that gets some pieces of a message can use none of them.
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 10 });
    q.send('x'.repeat(10), 'image');
    for (let i = 0; i < 3; i++) q.send([`m${i}a`, `m${i}b`, `m${i}c`], 'image'); // depth 1
    expect(q.stats).toMatchObject({ queuedFrames: 1, dropped: 2 });
    sink.drain();
    sink.drain();
    expect(sink.written).toEqual(['x'.repeat(10), 'm2a', 'm2b', 'm2c']);
  });

  it('flush retries waiting frames once the sink drained without calling back', () => {
    // A sink's buffer can shrink without a callback of ours (another writer's completed).
    const sink = new FakeSink();
    const q = new SendQueue(sink, { highWaterBytes: 5 });
    sink.bufferedAmount = 50;
    q.send('w', 's');
    expect(sink.written).toEqual([]);
    expect(q.pending).toBe(true);
    sink.bufferedAmount = 0;
    q.flush();
    sink.drain();
    expect(sink.written).toEqual(['w']);
    expect(q.pending).toBe(false);
  });
});

/**
 * A sink whose buffer never fills, as a socket whose kernel buffers take every frame: only the
 * client's confirmations of its probes tell what it read.
 */
class ProbingSink implements FrameSink {
  readonly bufferedAmount = 0;
  readonly written: string[] = [];
  readonly probes: number[] = [];

  send(frame: string | Uint8Array, done: () => void): void {
    this.written.push(typeof frame === 'string' ? frame : Buffer.from(frame).toString());
    done();
  }

  probe(id: number): void {
    this.probes.push(id);
  }
}

describe('SendQueue over a sink that can probe', () => {
  const frame = (i: number) => `${i}`.padEnd(300, '.');

  it('hands a client that reads nothing no more than maxUnreadBytes (and one frame), newest waiting', () => {
    const sink = new ProbingSink();
    const q = new SendQueue(sink, { maxUnreadBytes: 1000 });
    for (let i = 0; i < 100; i++) q.send(frame(i), 'image');
    // 0, 300, 600 and 900 bytes unread when the four went; the fifth waits, newest kept.
    expect(sink.written).toEqual([0, 1, 2, 3].map(frame));
    expect(q.stats).toMatchObject({ unreadBytes: 1200, queuedFrames: 1, dropped: 95 });
    expect(sink.probes.length).toBeGreaterThan(0);

    // The client reads it all and answers the latest probe: the newest frame goes.
    q.confirmed(sink.probes.at(-1)!);
    expect(sink.written.at(-1)).toBe(frame(99));
    expect(q.stats).toMatchObject({ unreadBytes: 300, queuedFrames: 0 });
  });

  it('drops nothing while the client keeps up: its confirmations come before the bound is reached', () => {
    const sink = new ProbingSink();
    const q = new SendQueue(sink, { maxUnreadBytes: 1000 });
    for (let i = 0; i < 100; i++) {
      q.send(frame(i), 'image');
      for (const id of sink.probes.splice(0)) q.confirmed(id);
    }
    expect(sink.written.length).toBe(100);
    expect(q.stats.dropped).toBe(0);
  });

  it('ignores confirmations of probes it did not send', () => {
    const sink = new ProbingSink();
    const q = new SendQueue(sink, { maxUnreadBytes: 1000 });
    for (let i = 0; i < 5; i++) q.send(frame(i), 'image');
    const before = q.stats.unreadBytes;
    q.confirmed(123_456);
    q.confirmed(-1);
    expect(q.stats.unreadBytes).toBe(before);
    expect(q.stats.queuedFrames).toBe(1);
  });
});
