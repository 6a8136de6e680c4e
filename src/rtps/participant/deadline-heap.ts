/**
 * Deadlines by key in a binary min-heap, so that the earliest of many (participant leases) is
 * found and expired without looking at the others. A key's deadline may be moved any number of
 * times: older entries stay in the heap and are skipped when they surface (the current deadline
 * is kept beside it), and the heap is rebuilt when those outnumber the live ones.
 */
import { MinHeap } from '../min-heap.js';

interface Entry {
  readonly at: number;
  readonly key: string;
}

const earlier = (a: Entry, b: Entry) => a.at < b.at;

export class DeadlineHeap {
  private readonly heap = new MinHeap<Entry>(earlier);
  private readonly current = new Map<string, number>();

  get size(): number {
    return this.current.size;
  }

  /** Sets (or moves) the deadline of `key`. */
  set(key: string, at: number): void {
    if (this.current.get(key) === at) return;
    this.current.set(key, at);
    if (at === Number.POSITIVE_INFINITY) return;
    this.heap.push({ at, key });
    if (this.heap.size > 64 && this.heap.size > 4 * this.current.size) this.rebuild();
  }

  delete(key: string): void {
    this.current.delete(key);
  }

  /** The earliest live deadline, or undefined. */
  peek(): number | undefined {
    this.skipStale();
    return this.heap.peek()?.at;
  }

  /** Removes and returns the keys whose deadline is at or before `now`. */
  popDue(now: number): string[] {
    const out: string[] = [];
    for (;;) {
      this.skipStale();
      const top = this.heap.peek();
      if (!top || top.at > now) return out;
      this.heap.pop();
      this.current.delete(top.key);
      out.push(top.key);
    }
  }

  private skipStale(): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || this.current.get(top.key) === top.at) return;
      this.heap.pop();
    }
  }

  private rebuild(): void {
    this.heap.clear();
    for (const [key, at] of this.current) if (at !== Number.POSITIVE_INFINITY) this.heap.push({ at, key });
  }
}
