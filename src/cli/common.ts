/** Options and small helpers shared by the verbs. */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { isHiddenName } from '../index.js';

/** ros2cli's strategy options: `--spin-time`, and the daemon options, accepted and ignored. */
export function addGraphOptions(cmd: Command): Command {
  return cmd
    .option(
      '--spin-time <seconds>',
      'wait this long for discovery instead of until the graph settles (at most 2 s)',
      positiveFloatOrZero,
    )
    .addOption(new Option('--no-daemon', 'accepted for compatibility: ros2ts never uses a daemon'))
    .addOption(new Option('-s, --use-sim-time', 'accepted for compatibility (no effect)'));
}

export function positiveFloatOrZero(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new InvalidArgumentError('expects a number >= 0');
  return v;
}

/** ros2topic's positive_float. */
export function positiveFloat(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v))
    throw new InvalidArgumentError('Expects a floating point number');
  if (v <= 0) throw new InvalidArgumentError('Value must be positive');
  return v;
}

/** ros2topic's positive_int. */
export function positiveInt(text: string): number {
  const v = /^[-+]?\d+$/.test(text.trim()) ? Number(text) : -1;
  if (v <= 0) throw new InvalidArgumentError('value must be a positive integer');
  return v;
}

export function nonNegativeInt(text: string): number {
  const v = /^[-+]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(v >= 0)) throw new InvalidArgumentError('Value must be positive or zero');
  return v;
}

export function int(text: string): number {
  if (!/^[-+]?\d+$/.test(text.trim())) throw new InvalidArgumentError('expects an integer');
  return Number(text);
}

export interface NameAndTypes {
  readonly name: string;
  readonly types: readonly string[];
}

export function visible<T extends NameAndTypes>(list: readonly T[], includeHidden: boolean): T[] {
  return list.filter((n) => includeHidden || !isHiddenName(n.name));
}

/** Reads all of stdin (ros2cli's collect_stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `/ns/name` from what the user typed (`name` → `/name`), as ros2node's get_absolute_node_name. */
export function absoluteName(text: string): string {
  return text.startsWith('/') ? text : `/${text}`;
}
