/**
 * The grammar of one ROS argument value, as rcl's recursive-descent parser has it (ros2/rcl
 * `arguments.c`): remap rules (`-r`), parameter rules (`-p`) and log level rules (`--log-level`).
 * A failure carries the message rcl leaves set (an `expect` that found another lexeme, "Wildcard
 * '*' is not implemented"...; `undefined` where rcl sets none, printed as rcl prints it: "error not
 * set"), so that the argument parser can word its error as rcl does.
 */
import type { LogLevelValue } from '../logger.js';
import { Lexeme, Lookahead } from './lexer.js';
import { type ParameterOverrideSet, ParamsFileError, parseParamValue } from './params-file.js';

/** What a remap rule renames. */
export type RemapKind = 'name' | 'nodeName' | 'namespace';

export interface RemapRule {
  readonly kind: RemapKind;
  /** For names: topics, services, or both (`rostopic://`, `rosservice://`, or neither). */
  readonly topic: boolean;
  readonly service: boolean;
  /** `node:` before the rule: it applies to that node only. */
  readonly nodeName?: string;
  /** For names: the name matched (`chatter`, `/a/b`, `~/x`), expanded for each node. */
  readonly match?: string;
  /** The new name, node name or namespace. */
  readonly replacement: string;
}

export type RuleResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string | undefined };

/** Shared by the rule parsers: the lookahead, rcl's "last error message", and warnings rcl logs. */
class RuleParser {
  readonly lex: Lookahead;
  error: string | undefined;

  constructor(
    text: string,
    private readonly warn: (message: string) => void,
  ) {
    this.lex = new Lookahead(text);
  }

  expect(type: number): string | undefined {
    const r = this.lex.expect(type);
    if (r.ok) return r.text;
    this.error = r.error;
    return undefined;
  }

  fail<T>(): RuleResult<T> {
    return { ok: false, error: this.error };
  }

  warning(message: string): void {
    this.warn(message);
  }
}

class Failed extends Error {}

/** `token ( '/' token )*` up to `end`, after an optional `~/` or `/` (match and replacement sides). */
function nameSide(p: RuleParser, end: number, side: 'match' | 'replacement'): string {
  const start = p.lex.position;
  const first = p.lex.peek();
  if (first === Lexeme.TILDE_SLASH || first === Lexeme.FORWARD_SLASH) p.lex.accept();
  const token = () => {
    const t = p.lex.peek();
    if (t === Lexeme.TOKEN) {
      p.lex.accept();
      return;
    }
    if (side === 'replacement') {
      if (t >= Lexeme.BR1 && t <= Lexeme.BR9) p.error = 'Backreferences are not implemented';
      throw new Failed();
    }
    if (t === Lexeme.WILD_ONE) p.error = "Wildcard '*' is not implemented";
    else if (t === Lexeme.WILD_MULTI) p.error = "Wildcard '**' is not implemented";
    else p.error = 'Expecting token or wildcard';
    throw new Failed();
  };
  token();
  while (p.lex.peek() !== end) {
    if (p.expect(Lexeme.FORWARD_SLASH) === undefined) throw new Failed();
    token();
  }
  return p.lex.text.slice(start, p.lex.position);
}

/** `[node:](__node:=name | __ns:=/ns | [rostopic://|rosservice://]match:=replacement)`. */
export function parseRemapRule(
  text: string,
  warn: (message: string) => void = () => {},
): RuleResult<RemapRule> {
  const p = new RuleParser(text, warn);
  try {
    let nodeName: string | undefined;
    const [a, b] = p.lex.peek2();
    if (a === Lexeme.TOKEN && b === Lexeme.COLON) {
      nodeName = p.lex.accept();
      p.lex.accept();
    }
    const node = nodeName === undefined ? {} : { nodeName };
    let rule: RemapRule;
    const kind = p.lex.peek();
    if (kind === Lexeme.NODE) {
      p.lex.accept();
      if (p.expect(Lexeme.SEPARATOR) === undefined) throw new Failed();
      const name = p.expect(Lexeme.TOKEN);
      if (name === undefined) {
        p.warning(`Node name not remapped to invalid name: '${p.lex.rest}'`);
        throw new Failed();
      }
      rule = { kind: 'nodeName', topic: false, service: false, replacement: name, ...node };
    } else if (kind === Lexeme.NS) {
      p.lex.accept();
      if (p.expect(Lexeme.SEPARATOR) === undefined) throw new Failed();
      const start = p.lex.position;
      const found = p.lex.rest;
      if (p.expect(Lexeme.FORWARD_SLASH) === undefined) {
        p.warning(`Namespace not remapped to a fully qualified name (found: ${found})`);
        throw new Failed();
      }
      // Tokens and slashes; a trailing slash is allowed. rcl clears the error that ends the loop.
      while (p.lex.peek() === Lexeme.TOKEN) {
        p.lex.accept();
        if (p.lex.peek() !== Lexeme.FORWARD_SLASH) break;
        p.lex.accept();
      }
      if (p.expect(Lexeme.EOF) === undefined) {
        p.warning(`Namespace not remapped to a fully qualified name (found: ${found})`);
        throw new Failed();
      }
      const replacement = p.lex.text.slice(start, p.lex.position);
      rule = { kind: 'namespace', topic: false, service: false, replacement, ...node };
    } else {
      let topic = true;
      let service = true;
      if (kind === Lexeme.URL_SERVICE) {
        topic = false;
        p.lex.accept();
      } else if (kind === Lexeme.URL_TOPIC) {
        service = false;
        p.lex.accept();
      }
      const match = nameSide(p, Lexeme.SEPARATOR, 'match');
      if (p.expect(Lexeme.SEPARATOR) === undefined) throw new Failed();
      const replacement = nameSide(p, Lexeme.EOF, 'replacement');
      rule = { kind: 'name', topic, service, match, replacement, ...node };
    }
    if (p.expect(Lexeme.EOF) === undefined) throw new Failed();
    return { ok: true, value: rule };
  } catch (e) {
    if (e instanceof Failed) return p.fail();
    throw e;
  }
}

/**
 * `[node:]name:=yaml` into `set` (under `/**` without a node prefix). Parameter names are tokens
 * and `/` joined by dots.
 */
export function parseParamRule(text: string, set: ParameterOverrideSet): RuleResult<void> {
  const p = new RuleParser(text, () => {});
  try {
    let node = '/**';
    const [a, b] = p.lex.peek2();
    if (a === Lexeme.TOKEN && b === Lexeme.COLON) {
      node = p.lex.accept();
      p.lex.accept();
    }
    const start = p.lex.position;
    const nameToken = () => {
      const t = p.lex.peek();
      if (t !== Lexeme.TOKEN && t !== Lexeme.FORWARD_SLASH) {
        if (t === Lexeme.WILD_ONE) p.error = "Wildcard '*' is not implemented";
        else if (t === Lexeme.WILD_MULTI) p.error = "Wildcard '**' is not implemented";
        else p.error = 'Expecting token or wildcard';
        throw new Failed();
      }
      do p.lex.accept();
      while (p.lex.peek() === Lexeme.TOKEN || p.lex.peek() === Lexeme.FORWARD_SLASH);
    };
    nameToken();
    while (p.lex.peek() !== Lexeme.SEPARATOR) {
      if (p.expect(Lexeme.DOT) === undefined) throw new Failed();
      nameToken();
    }
    const name = p.lex.text.slice(start, p.lex.position);
    p.lex.accept();
    try {
      if (!parseParamValue(node, name, p.lex.rest, set)) throw new Failed();
    } catch (e) {
      if (!(e instanceof ParamsFileError)) throw e;
      p.error = e.message;
      throw new Failed();
    }
    return { ok: true, value: undefined };
  } catch (e) {
    if (e instanceof Failed) return p.fail();
    throw e;
  }
}

/** rcutils's severity names (`rcutils_logging_severity_level_from_string`, any case); UNSET is 0. */
export function severityFromString(text: string): LogLevelValue | 0 | undefined {
  const levels: Record<string, LogLevelValue | 0> = {
    UNSET: 0,
    DEBUG: 10,
    INFO: 20,
    WARN: 30,
    ERROR: 40,
    FATAL: 50,
  };
  return levels[text.toUpperCase()];
}

export interface LogLevelRule {
  /** Undefined: the default level of every logger. */
  readonly logger?: string;
  readonly level: LogLevelValue | 0;
}

/** `level` or `logger.name:=level` (logger names may hold any character but `:=`). */
export function parseLogLevelRule(text: string): RuleResult<LogLevelRule> {
  const p = new RuleParser(text, () => {});
  const invalidSeverity = { ok: false, error: 'Argument does not use a valid severity level' } as const;
  let namedRule = true;
  while (p.lex.peek() !== Lexeme.SEPARATOR) {
    p.lex.accept();
    if (p.lex.peek() === Lexeme.EOF) {
      namedRule = false;
      break;
    }
  }
  if (!namedRule) {
    const level = severityFromString(text);
    return level === undefined ? invalidSeverity : { ok: true, value: { level } };
  }
  const logger = p.lex.text.slice(0, p.lex.position);
  if (logger === '') return { ok: false, error: 'Argument has an invalid logger item that name is empty' };
  p.lex.accept();
  const levelText = p.expect(Lexeme.TOKEN);
  if (levelText === undefined || p.expect(Lexeme.EOF) === undefined) return p.fail();
  const level = severityFromString(levelText);
  return level === undefined ? invalidSeverity : { ok: true, value: { logger, level } };
}
