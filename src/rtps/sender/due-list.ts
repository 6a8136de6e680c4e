/**
 * What has something to send this turn of the event loop (a writer's per-reader queues, the
 * batcher's destinations), in the order each first got it. An item leaves by `sent` (early,
 * when full, or at the flush); one that fills again takes a new slot and its old one is skipped,
 * so nothing is sent twice or out of turn. Kept in a ReusableList: the storage stays from turn to
 * turn.
 */
import { ReusableList } from './reusable-list.js';

export interface DueItem {
  /** Its slot in the due list while it is due, else -1. */
  dueAt: number;
}

export class DueList<T extends DueItem> {
  private readonly list = new ReusableList<T>();

  /** Slots taken this turn (skipped ones included): 0 when nothing was due. */
  get length(): number {
    return this.list.length;
  }

  /** Marks `item` due, unless it already is. */
  mark(item: T): void {
    if (item.dueAt >= 0) return;
    item.dueAt = this.list.length;
    this.list.push(item);
  }

  /**
   * Calls `send` (which must call `sent`) with each item still due, by slot: one made due during
   * the pass (a send that comes back to its sender) is sent in it too. Then empties the list.
   */
  flush(send: (item: T) => void): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const item = list.items[i]!;
      if (item.dueAt === i) send(item);
    }
    list.clear();
  }
}

/** `item` was sent: not due until it is marked again. */
export function sent(item: DueItem): void {
  item.dueAt = -1;
}
