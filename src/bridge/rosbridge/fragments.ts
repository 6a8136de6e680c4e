/**
 * rosbridge's `fragment` op: a message too large for one frame sent as pieces of its JSON text,
 * `{op: "fragment", id, data, num, total}`. Incoming pieces are held per id, bounded in count and
 * bytes (a client cannot make the bridge hold more than `maxBytes` of pieces), and joined once all
 * are there; outgoing text longer than a subscription's fragment_size is cut the same way. The
 * count of pieces held is bounded too: empty pieces, under distinct ids or numbers, weigh nothing
 * in bytes but each costs an entry.
 */
import { BridgeInputError } from '../errors.js';

export interface Fragment {
  readonly id: string;
  readonly data: string;
  readonly num: number;
  readonly total: number;
}

export function parseFragment(msg: Record<string, unknown>): Fragment {
  const { id, data, num, total } = msg;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new BridgeInputError('fragment: id is required');
  if (typeof data !== 'string') throw new BridgeInputError('fragment: data must be a string');
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(total) || (total as number) < 1)
    throw new BridgeInputError('fragment: num and total must be integers, total at least 1');
  if ((num as number) < 0 || (num as number) >= (total as number))
    throw new BridgeInputError(`fragment: num ${num} is outside 0..${(total as number) - 1}`);
  return { id: String(id), data, num: num as number, total: total as number };
}

/** Pieces a client may have pending, whatever their size. */
export const DEFAULT_MAX_PENDING_PIECES = 10_000;

export class Defragmenter {
  private readonly pending = new Map<string, { total: number; parts: Map<number, string>; bytes: number }>();
  private bytes = 0;
  private pieces = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxPieces = DEFAULT_MAX_PENDING_PIECES,
  ) {}

  /** Adds a piece; the whole text once every piece of its id has come. */
  add(f: Fragment): string | undefined {
    let p = this.pending.get(f.id);
    if (!p) {
      p = { total: f.total, parts: new Map(), bytes: 0 };
      this.pending.set(f.id, p);
    }
    if (p.total !== f.total)
      throw new BridgeInputError(`fragment ${f.id}: total changed from ${p.total} to ${f.total}`);
    const previous = p.parts.get(f.num);
    const before = previous?.length ?? 0;
    if (this.bytes - before + f.data.length > this.maxBytes) {
      this.drop(f.id);
      throw new BridgeInputError(`fragment ${f.id}: more than ${this.maxBytes} bytes of fragments pending`);
    }
    if (previous === undefined && this.pieces >= this.maxPieces) {
      this.drop(f.id);
      throw new BridgeInputError(`fragment ${f.id}: more than ${this.maxPieces} fragments pending`);
    }
    if (previous === undefined) this.pieces++;
    p.parts.set(f.num, f.data);
    p.bytes += f.data.length - before;
    this.bytes += f.data.length - before;
    if (p.parts.size < p.total) return undefined;
    this.drop(f.id);
    let text = '';
    for (let i = 0; i < p.total; i++) text += p.parts.get(i);
    return text;
  }

  private drop(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.bytes -= p.bytes;
    this.pieces -= p.parts.size;
    this.pending.delete(id);
  }
}

/**
 * Pieces one outgoing message may be cut into. A client's fragment_size of a few characters on an
 * image topic would otherwise cost the bridge a frame per few characters of every message (a
 * million for a 640x480 rgb8 image in JSON), in the event loop every client shares.
 */
export const MAX_OUTGOING_FRAGMENTS = 10_000;

/**
 * Cuts `text` into fragment ops of at most `size` (at least 1) characters of data each; refuses
 * to cut it into more than MAX_OUTGOING_FRAGMENTS.
 */
export function fragmentText(id: string, text: string, size: number): Fragment[] {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new BridgeInputError(`fragment_size must be an integer of at least 1, not ${size}`);
  const total = Math.ceil(text.length / size);
  if (total > MAX_OUTGOING_FRAGMENTS)
    throw new BridgeInputError(
      `a message of ${text.length} characters would take ${total} fragments of ${size}, ` +
        `more than ${MAX_OUTGOING_FRAGMENTS}: not sent`,
    );
  const out: Fragment[] = [];
  for (let num = 0; num < total; num++)
    out.push({ id, data: text.slice(num * size, (num + 1) * size), num, total });
  return out;
}
