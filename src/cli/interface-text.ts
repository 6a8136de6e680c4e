/**
 * `ros2 interface show`'s text (ros2interface Jazzy `verb/show.py`): the definition file as it
 * is, line by line (comments and blank lines included when the file has them; the definitions
 * bundled with ros2ts have none), with each nested type's definition after the field that uses
 * it, indented by one tab per level and, unless asked, without its comments and blank lines.
 *
 * Each line is judged as ros2interface judges it: parsed alone by rosidl_adapter's
 * `parse_message_string` (Jazzy `parser.py`), whose rules are reproduced here.
 */
import { readFileSync } from 'node:fs';
import { PRIMITIVE_TYPES } from '../cdr/model.js';
import type { InterfaceRegistry } from '../index.js';
import { CliError } from './errors.js';

/** The primitive types, and `char` (the .msg files' alias of uint8). */
const PRIMITIVES: ReadonlySet<string> = new Set([...PRIMITIVE_TYPES, 'char']);

export interface ShowOptions {
  /** Comments of the top-level definition (default true; `--no-comments` turns it off). */
  readonly comments?: boolean;
  /** Comments of nested definitions too (`--all-comments`). */
  readonly allComments?: boolean;
}

/** A line of a definition, as ros2interface's InterfaceTextLine sees it. */
export interface DefinitionLine {
  /** The line without trailing whitespace, as printed. */
  readonly text: string;
  /** A comment line (rosidl_adapter: a file-level comment with some text). */
  readonly isComment: boolean;
  /** The comment of a field or constant, as rosidl_adapter keeps it (unit taken out, dedented). */
  readonly trailingComment: string | undefined;
  /** `pkg/msg/Name` of a field of message type. */
  readonly nestedType: string | undefined;
}

/**
 * rosidl_adapter's process_comments on one line of comment: a lone `[unit]` is taken out, an
 * empty comment is dropped (undefined), the rest is dedented.
 */
function processComment(comment: string): string | undefined {
  const units = [...comment.matchAll(/(\s*\[([^,\]]+)\])/g)];
  let c = comment;
  if (units.length === 1) c = c.split(units[0]![1]!).join('');
  if (c === '') return undefined;
  return c.trim() === '' ? '' : c.replace(/^[ \t]+/, '');
}

/** One line parsed as ros2interface does it: `parse_message_string` of the line alone. */
export function classifyLine(pkg: string, raw: string): DefinitionLine {
  const text = raw.trimEnd();
  const plain = { text, isComment: false, trailingComment: undefined, nestedType: undefined };
  if (text === '---') return plain;
  const line = text.replace(/\t/g, ' ');
  if (line.startsWith('#'))
    return { ...plain, isComment: processComment(line.replace(/^#+/, '')) !== undefined };
  let code = line;
  let comment: string | undefined;
  const hash = line.indexOf('#');
  if (hash >= 0) {
    comment = line.slice(hash).replace(/^#+/, '');
    code = line.slice(0, hash);
    if (code.trim() === '') return plain; // an indented comment: neither a comment line nor a field
    code = code.trimEnd();
  }
  if (code === '') return plain;
  const space = code.indexOf(' ');
  const typeString = space < 0 ? code : code.slice(0, space);
  const rest = space < 0 ? '' : code.slice(space + 1).trimStart();
  if (rest === '') return plain; // not a field: rosidl would reject the file
  const trailingComment = comment === undefined ? undefined : processComment(comment);
  let nestedType: string | undefined;
  const base = typeString.replace(/\[.*$/, '').replace(/<=.*$/, '');
  // Constants are of primitive types, so a type that is not primitive is always a field's.
  if (!rest.includes('=') && !PRIMITIVES.has(base)) {
    const parts = base.split('/');
    nestedType = parts.length === 2 ? `${parts[0]}/msg/${parts[1]}` : `${pkg}/msg/${base}`;
  }
  return { text, isComment: false, trailingComment, nestedType };
}

/** How ros2interface prints a line without comments (undefined: not at all). */
export function withoutComments(line: DefinitionLine): string | undefined {
  if (line.text === '' || line.isComment) return undefined;
  if (line.trailingComment === undefined) return line.text;
  // Python's `text[:text.find(comment) - 1].strip()`: it cuts one character before the comment's
  // text, so `x  # the x` keeps its '#' (`x  #`); only `x #the x` loses it.
  const i = line.text.indexOf(line.trailingComment);
  return line.text.slice(0, i - 1).trim();
}

/** The file a type's definition was read from (`pkg/srv/Name` → its `.srv`). */
export function definitionFile(registry: InterfaceRegistry, fullName: string): string {
  const [, kind] = fullName.split('/');
  const part = kind === 'srv' ? `${fullName}_Request` : kind === 'action' ? `${fullName}_Goal` : fullName;
  const source = registry.get(part).source;
  if (source === '<inline>') throw new CliError(`the definition of '${fullName}' has no file to show`);
  return source;
}

/** The lines `ros2 interface show <type>` prints. */
export function showInterface(
  registry: InterfaceRegistry,
  fullName: string,
  options: ShowOptions = {},
): string[] {
  const out: string[] = [];
  render(registry, fullName, options.comments !== false, options.allComments === true, 0, out);
  return out;
}

function render(
  registry: InterfaceRegistry,
  fullName: string,
  comments: boolean,
  nestedComments: boolean,
  level: number,
  out: string[],
): void {
  const [pkg] = fullName.split('/') as [string];
  const lines = readFileSync(definitionFile(registry, fullName), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = classifyLine(pkg, raw);
    const shown = comments ? line.text : withoutComments(line);
    if (shown !== undefined) out.push(shown === '' ? '' : '\t'.repeat(level) + shown);
    if (line.nestedType) render(registry, line.nestedType, nestedComments, nestedComments, level + 1, out);
  }
}
