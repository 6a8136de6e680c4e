/**
 * Values by a number that goes up (a request's sequence number, a call counter), for a client's
 * pending calls: a Map's job, without a Map's cost per call. A Map that goes from empty to one
 * entry and back on every call, as a client making one call at a time does, allocates a new hash
 * table each time (V8's OrderedHashMap rehashes on insert once its deleted entries fill it, and
 * shrinks when it empties): about 150 bytes per call.
 *
 * A number goes to the slot its low bits name; when that slot is taken (more calls in flight than
 * slots, or an old call still waiting), to an overflow Map. Any mix of numbers works; the common
 * one, a few calls in flight with close numbers, allocates nothing.
 */

const SLOTS = 32;
const MASK = SLOTS - 1;
const EMPTY = -1;

export class ByNumber<T> {
  /** The number each slot holds, or EMPTY (numbers are never negative). */
  private readonly keys: number[] = Array.from({ length: SLOTS }, () => EMPTY);
  private readonly slots: (T | undefined)[] = Array.from({ length: SLOTS }, () => undefined);
  private overflow: Map<number, T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Sets `value` for `n`, a number >= 0 (replacing the value `n` had). */
  set(n: number, value: T): void {
    if (!(n >= 0)) throw new RangeError(`ByNumber keys are numbers >= 0, got ${n}`);
    const i = n & MASK;
    const k = this.keys[i];
    if (k === n) {
      this.slots[i] = value;
      return;
    }
    if (k === EMPTY && !this.overflow?.has(n)) {
      this.keys[i] = n;
      this.slots[i] = value;
      this.count++;
      return;
    }
    this.overflow ??= new Map();
    const before = this.overflow.size;
    this.overflow.set(n, value);
    this.count += this.overflow.size - before;
  }

  get(n: number): T | undefined {
    const i = n & MASK;
    if (this.keys[i] === n && n !== EMPTY) return this.slots[i];
    return this.overflow?.get(n);
  }

  delete(n: number): boolean {
    const i = n & MASK;
    if (this.keys[i] === n && n !== EMPTY) {
      this.keys[i] = EMPTY;
      this.slots[i] = undefined;
      this.count--;
      return true;
    }
    if (this.overflow?.delete(n) !== true) return false;
    this.count--;
    return true;
  }

  /**
   * The values by increasing number, which is the order they were set in when numbers go up, as
   * a Map would give them (a copy: deleting while going through it is fine). Not for hot paths.
   */
  list(): T[] {
    const entries: [number, T][] = [];
    for (let i = 0; i < SLOTS; i++) if (this.keys[i] !== EMPTY) entries.push([this.keys[i]!, this.slots[i]!]);
    if (this.overflow) entries.push(...this.overflow);
    return entries.sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
}
