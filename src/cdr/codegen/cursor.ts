/**
 * The generators' view of "where are we in the payload". Offsets are relative to the first byte
 * after the encapsulation header (CDR aligns from there). While everything so far had a fixed
 * size, the offset is a number known at generation time and alignment padding is resolved then;
 * after the first variable-size item it is `o + d`, where the runtime variable `o` is known to be
 * a multiple of `align` and `d` is still a generation-time constant.
 */
export class Cursor {
  dynamic = false;
  /** What `o` is known to be a multiple of (meaningful when dynamic). */
  align = 8;
  /** The generation-time part of the offset. */
  d = 0;

  /** The offset as a JavaScript expression, plus `extra` bytes. */
  at(extra = 0): string {
    const k = this.d + extra;
    if (!this.dynamic) return String(k);
    return k === 0 ? 'o' : `o + ${k}`;
  }

  /**
   * Aligns to `size` (1, 2, 4 or 8). Returns the statement that realigns `o` at run time when
   * generation-time knowledge is not enough, or undefined when padding was resolved statically.
   * `padBytes` receives the generation-time padding range [from, to) so encoders can zero it.
   */
  alignTo(size: number, padBytes?: (from: string, count: number) => void): string | undefined {
    if (size <= 1) return undefined;
    if (!this.dynamic || size <= this.align) {
      const aligned = (this.d + size - 1) & -size;
      if (aligned !== this.d && padBytes) padBytes(this.at(), aligned - this.d);
      this.d = aligned;
      return undefined;
    }
    const stmt = `o = (${this.at()} + ${size - 1}) & ${-size};`;
    this.d = 0;
    this.align = size;
    return stmt;
  }

  /** The largest power of two (up to 8) the current offset is known to be a multiple of. */
  knownAlign(): number {
    const fromD = this.d === 0 ? 8 : Math.min(8, this.d & -this.d);
    return this.dynamic ? Math.min(this.align, fromD) : fromD;
  }

  /**
   * Makes `o` hold the exact current offset (before a loop, or to let the offset vary at run
   * time). Returns the statement that does it, or undefined when `o` already does.
   */
  materialize(): string | undefined {
    if (this.dynamic && this.d === 0) return undefined;
    const known = this.knownAlign();
    const stmt = `o = ${this.at()};`;
    this.becameDynamic();
    this.align = known;
    return stmt;
  }

  /** After a variable-size item: the offset is now whatever `o` was set to. */
  becameDynamic(): void {
    this.dynamic = true;
    this.d = 0;
    this.align = 1;
  }
}

/** Collects generated source with indentation and unique local names. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 1;
  private counter = 0;

  line(text: string): void {
    this.lines.push('  '.repeat(this.depth) + text);
  }

  open(text: string): void {
    this.line(text);
    this.depth++;
  }

  close(text = '}'): void {
    this.depth--;
    this.line(text);
  }

  /** A fresh local variable name: `${prefix}${n}`. */
  local(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
