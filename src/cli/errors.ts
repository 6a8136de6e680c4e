/**
 * What a verb reports when it cannot do what was asked: the message goes to stderr and the
 * process exits with `exitCode` (1 unless said otherwise), as ros2cli does with the string a verb
 * returns or the RuntimeError it raises.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A verb that found nothing to print and says so only with its exit code (`ros2 service type`). */
export class SilentFailure extends CliError {
  constructor(exitCode = 1) {
    super('', exitCode);
  }
}

/** Writes lines to stdout. */
export function print(...lines: string[]): void {
  if (lines.length === 0) process.stdout.write('\n');
  else process.stdout.write(`${lines.join('\n')}\n`);
}

/** Writes lines to stderr. */
export function printError(...lines: string[]): void {
  process.stderr.write(`${lines.join('\n')}\n`);
}
