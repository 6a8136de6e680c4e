/**
 * A list that is filled and emptied turn after turn and keeps its storage. In V8, emptying an array
 * (length = 0, pop, clear) drops its storage, and the first push after reserves 16 slots again
 * (~150 bytes): the send path paid that per queue on every turn that sent anything (issue 14).
 * Emptied slots are cleared, so nothing sent stays reachable through the list.
 */

/** Storage slots kept across a clear; a list that held more (a burst) gives its storage back. */
const KEPT_SLOTS = 256;

export class ReusableList<T> {
  /** The entries are the first `length` slots; an owner may leave holes (undefined). */
  items: (T | undefined)[] = [];
  length = 0;

  push(item: T): void {
    this.items[this.length++] = item;
  }

  clear(): void {
    if (this.items.length > KEPT_SLOTS) this.items = [];
    else for (let i = 0; i < this.length; i++) this.items[i] = undefined;
    this.length = 0;
  }
}
