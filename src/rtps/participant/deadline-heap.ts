/**
 * Deadlines by key in a binary min-heap, so that the earliest of many (participant leases) is
 * found and expired without looking at the others. A key's deadline may be moved any number of
 * times: older entries stay in the heap and are skipped when they surface (the current deadline
 * is kept beside it), and the heap is rebuilt when those outnumber the live ones.
 */
interface Entry {
  readonly at: number;
  readonly key: string;
}

export class DeadlineHeap {
  private heap: Entry[] = [];
  private readonly current = new Map<string, number>();

  get size(): number {
    return this.current.size;
  }

  /** Sets (or moves) the deadline of `key`. */
  set(key: string, at: number): void {
    if (this.current.get(key) === at) return;
    this.current.set(key, at);
    if (at === Number.POSITIVE_INFINITY) return;
    this.push({ at, key });
    if (this.heap.length > 64 && this.heap.length > 4 * this.current.size) this.rebuild();
  }

  delete(key: string): void {
    this.current.delete(key);
  }

  /** The earliest live deadline, or undefined. */
  peek(): number | undefined {
    this.skipStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns the keys whose deadline is at or before `now`. */
  popDue(now: number): string[] {
    const out: string[] = [];
    for (;;) {
      this.skipStale();
      const top = this.heap[0];
      if (!top || top.at > now) return out;
      this.pop();
      this.current.delete(top.key);
      out.push(top.key);
    }
  }

  private skipStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.current.get(top.key) === top.at) return;
      this.pop();
    }
  }

  private rebuild(): void {
    this.heap = [];
    for (const [key, at] of this.current) if (at !== Number.POSITIVE_INFINITY) this.push({ at, key });
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= e.at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
