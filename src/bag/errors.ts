/** The bag room's errors: each says what is wrong and, for a bad file, where. */
export class BagError extends Error {
  override name = 'BagError';
}

/** A file that is not valid MCAP (bad magic, a truncated or corrupt record), at a byte offset. */
export class BagFormatError extends BagError {
  override name = 'BagFormatError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: ${reason} at byte offset ${offset}`);
  }
}
