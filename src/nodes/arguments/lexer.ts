/**
 * The lexer rcl reads remap rules, parameter rules and logger names with (ros2/rcl `lexer.c`,
 * `lexer_lookahead.c`), and its two-lexeme lookahead. Its quirks are kept because they decide
 * what a rule may contain: a token starts with a letter or `_` and never holds two `_` in a row
 * (`foo__bar` is the two tokens `foo_` and `_bar`), `__ns` / `__node` / `__name` are lexemes of
 * their own, `rostopic://` and `rosservice://` too, and any other character is a NONE lexeme
 * one character long. The numbers of the lexemes are rcl's (`rcl/lexer.h`): rcl's error
 * messages print them, and so do ours.
 */
export const Lexeme = {
  NONE: 0,
  EOF: 1,
  TILDE_SLASH: 2,
  URL_SERVICE: 3,
  URL_TOPIC: 4,
  COLON: 5,
  NODE: 6,
  NS: 7,
  SEPARATOR: 8,
  BR1: 9,
  BR9: 17,
  TOKEN: 18,
  FORWARD_SLASH: 19,
  WILD_ONE: 20,
  WILD_MULTI: 21,
  DOT: 22,
} as const;
export type LexemeType = number;

const isLetter = (c: string | undefined) => c !== undefined && /^[a-zA-Z]$/.test(c);
const isAlnum = (c: string | undefined) => c !== undefined && /^[a-zA-Z0-9]$/.test(c);

/** The length of the token starting at `i` (a letter or `_`), as rcl's states S9/S10 scan it. */
function tokenLength(text: string, i: number): number {
  let j = i;
  // After a `_` only an alphanumeric continues the token; the `_` itself stays in it.
  let afterUnderscore = text[j] === '_';
  j++;
  for (;;) {
    const c = text[j];
    if (isAlnum(c)) {
      afterUnderscore = false;
      j++;
    } else if (c === '_' && !afterUnderscore) {
      afterUnderscore = true;
      j++;
    } else {
      return j - i;
    }
  }
}

/** One lexeme at `i`: its type and length (EOF has length 0). */
export function analyze(text: string, i: number): { type: LexemeType; length: number } {
  const c = text[i];
  if (c === undefined) return { type: Lexeme.EOF, length: 0 };
  const none = { type: Lexeme.NONE, length: 1 };
  switch (c) {
    case '/':
      return { type: Lexeme.FORWARD_SLASH, length: 1 };
    case '.':
      return { type: Lexeme.DOT, length: 1 };
    case '\\': {
      const d = text[i + 1];
      return d !== undefined && d >= '1' && d <= '9'
        ? { type: Lexeme.BR1 + Number(d) - 1, length: 2 }
        : { type: Lexeme.NONE, length: d === undefined ? 1 : 2 };
    }
    case '~':
      return text[i + 1] === '/'
        ? { type: Lexeme.TILDE_SLASH, length: 2 }
        : { type: Lexeme.NONE, length: text[i + 1] === undefined ? 1 : 2 };
    case '*':
      return text[i + 1] === '*'
        ? { type: Lexeme.WILD_MULTI, length: 2 }
        : { type: Lexeme.WILD_ONE, length: 1 };
    case ':':
      return text[i + 1] === '=' ? { type: Lexeme.SEPARATOR, length: 2 } : { type: Lexeme.COLON, length: 1 };
    case '_':
      if (text[i + 1] === '_') return dunder(text, i);
      return { type: Lexeme.TOKEN, length: tokenLength(text, i) };
  }
  if (c === 'r') {
    if (text.startsWith('rostopic://', i)) return { type: Lexeme.URL_TOPIC, length: 11 };
    if (text.startsWith('rosservice://', i)) return { type: Lexeme.URL_SERVICE, length: 13 };
  }
  if (isLetter(c)) return { type: Lexeme.TOKEN, length: tokenLength(text, i) };
  return none;
}

/** `__ns`, `__node`, `__name`; anything else after `__` is NONE up to the character that failed. */
function dunder(text: string, i: number): { type: LexemeType; length: number } {
  const rest = text.slice(i + 2);
  if (rest.startsWith('ns')) return { type: Lexeme.NS, length: 4 };
  if (rest.startsWith('node') || rest.startsWith('name')) return { type: Lexeme.NODE, length: 6 };
  // rcl's automaton consumes the characters it accepted, then the one that failed.
  let matched = 0;
  const paths = ['ns', 'node', 'name'];
  while (paths.some((p) => p.startsWith(rest.slice(0, matched + 1)) && rest.length > matched)) matched++;
  return { type: Lexeme.NONE, length: Math.min(2 + matched + 1, text.length - i) };
}

/** The outcome of `expect`: ok, or the message rcl sets when the lexeme is not the one wanted. */
export type Expected =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: string };

/** rcl's lookahead buffer over one argument. */
export class Lookahead {
  private index = 0;

  constructor(readonly text: string) {}

  /** The text not consumed yet. */
  get rest(): string {
    return this.text.slice(this.index);
  }

  get position(): number {
    return this.index;
  }

  peek(): LexemeType {
    return analyze(this.text, this.index).type;
  }

  peek2(): [LexemeType, LexemeType] {
    const first = analyze(this.text, this.index);
    if (first.type === Lexeme.NONE || first.type === Lexeme.EOF) return [first.type, first.type];
    return [first.type, analyze(this.text, this.index + first.length).type];
  }

  accept(): string {
    const { length } = analyze(this.text, this.index);
    const text = this.text.slice(this.index, this.index + length);
    this.index += length;
    return text;
  }

  expect(type: LexemeType): Expected {
    const found = this.peek();
    if (found !== type) {
      const error =
        found === Lexeme.NONE || found === Lexeme.EOF
          ? `Expected lexeme type (${type}) not found, search ended at index ${this.index}`
          : `Expected lexeme type ${type}, got ${found} at index ${this.index}`;
      return { ok: false, error };
    }
    return { ok: true, text: this.accept() };
  }
}
