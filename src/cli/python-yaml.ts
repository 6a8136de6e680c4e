/**
 * YAML text as PyYAML's `yaml.dump` writes it (PyYAML 6 `emitter.py`, `representer.py`,
 * `resolver.py`), for the outputs ros2cli produces with it: `ros2 topic echo` (message_to_yaml:
 * `width=sys.maxsize`, `allow_unicode=True`, block or flow style) and `ros2 param dump`.
 *
 * Values: `null`, booleans, `bigint` for Python ints, `number` for Python floats, strings, arrays
 * and `YamlMap`s (ordered). Scalars take the style PyYAML would choose: plain when the text reads
 * back as the same string, else single-quoted, else double-quoted.
 */
import { pyFloatRepr } from './python-repr.js';

export type YamlValue = null | boolean | bigint | number | string | readonly YamlValue[] | YamlMap;
/** An ordered mapping (Python's OrderedDict / dict in insertion order). */
export type YamlMap = ReadonlyMap<string, YamlValue>;

export interface DumpOptions {
  /**
   * `default_flow_style=True` as message_to_yaml uses it: sequences in flow style (`[1, 2]`), and
   * everything inside them; messages (OrderedDicts, whose representer sets no style) stay in
   * block style.
   */
  readonly flowStyle?: boolean;
  /** Sort mapping keys (PyYAML's `sort_keys`, on by default in `yaml.dump`, off for OrderedDicts). */
  readonly sortKeys?: boolean;
}

/** `yaml.dump(value)`: the whole document, ending in a newline. */
export function dumpYaml(value: YamlValue, options: DumpOptions = {}): string {
  const d = new Dumper(options);
  if (isEmptyCollection(value) || (options.flowStyle && Array.isArray(value))) return `${d.flow(value, 0)}\n`;
  if (isCollection(value)) return d.block(value, 0);
  // A lone scalar: PyYAML ends the document explicitly after an open-ended plain scalar.
  const text = d.scalar(value, 2, false);
  return isPlainScalar(value, false) ? `${text}\n...\n` : `${text}\n`;
}

function isCollection(v: YamlValue): v is readonly YamlValue[] | YamlMap {
  return Array.isArray(v) || v instanceof Map;
}

function isEmptyCollection(v: YamlValue): boolean {
  return (Array.isArray(v) && v.length === 0) || (v instanceof Map && v.size === 0);
}

class Dumper {
  constructor(private readonly options: DumpOptions) {}

  entries(m: YamlMap): [string, YamlValue][] {
    const e = [...m.entries()];
    if (this.options.sortKeys) e.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return e;
  }

  /** A non-empty collection in block style at `indent`; each line ends in '\n'. */
  block(v: readonly YamlValue[] | YamlMap, indent: number): string {
    return Array.isArray(v) ? this.blockSequence(v, indent) : this.blockMapping(v as YamlMap, indent, true);
  }

  blockMapping(m: YamlMap, indent: number, firstIndented: boolean): string {
    let out = '';
    let first = true;
    for (const [k, v] of this.entries(m)) {
      const pad = first && !firstIndented ? '' : ' '.repeat(indent);
      first = false;
      out += `${pad}${this.scalar(k, indent + 2, false, true)}:`;
      if (isCollection(v) && !isEmptyCollection(v) && !(this.options.flowStyle && Array.isArray(v))) {
        out += '\n';
        // A sequence in a mapping is not indented ("indentless"); a mapping is.
        out += Array.isArray(v)
          ? this.blockSequence(v, indent)
          : this.blockMapping(v as YamlMap, indent + 2, true);
      } else {
        out += ` ${this.inline(v, indent + 2)}\n`;
      }
    }
    return out;
  }

  blockSequence(items: readonly YamlValue[], indent: number): string {
    let out = '';
    for (const v of items) {
      out += `${' '.repeat(indent)}-`;
      if (isCollection(v) && !isEmptyCollection(v) && !(this.options.flowStyle && Array.isArray(v))) {
        out += ' ';
        out += Array.isArray(v)
          ? this.blockSequence(v, indent + 2).slice(indent + 2)
          : this.blockMapping(v as YamlMap, indent + 2, false);
      } else {
        out += ` ${this.inline(v, indent + 2)}\n`;
      }
    }
    return out;
  }

  /** A scalar or empty collection written after `key: ` or `- `. */
  inline(v: YamlValue, indent: number): string {
    return isCollection(v) ? this.flow(v, indent) : this.scalar(v, indent, false);
  }

  flow(v: YamlValue, indent: number): string {
    if (Array.isArray(v)) return `[${v.map((x) => this.flow(x, indent + 2)).join(', ')}]`;
    if (v instanceof Map) {
      const items = this.entries(v).map(
        ([k, x]) => `${this.scalar(k, indent + 2, true, true)}: ${this.flow(x, indent + 2)}`,
      );
      return `{${items.join(', ')}}`;
    }
    return this.scalar(v as YamlValue, indent + 2, true);
  }

  scalar(v: YamlValue, indent: number, flowContext: boolean, simpleKey = false): string {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return yamlFloat(v);
    if (typeof v !== 'string') throw new TypeError('not a scalar');
    return quoteString(v, indent, flowContext, simpleKey);
  }
}

/** PyYAML's represent_float. */
export function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  const r = pyFloatRepr(x).toLowerCase();
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

function isPlainScalar(v: YamlValue, flowContext: boolean): boolean {
  if (typeof v !== 'string') return true;
  return chooseStyle(v, flowContext, false) === '';
}

// --- strings ---

/** The YAML 1.1 implicit resolvers PyYAML's Resolver registers (a plain scalar matching one is not a str). */
const IMPLICIT: readonly [string, RegExp][] = [
  ['yYnNtTfFoO', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  [
    '-+0123456789.',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ],
  [
    '-+0123456789',
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  ],
  ['<', /^(?:<<)$/],
  ['~nN', /^(?:~|null|Null|NULL|)$/],
  [
    '0123456789',
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  ],
  ['=', /^(?:=)$/],
];

/** Whether the plain scalar `s` would read back as a string (PyYAML's `resolve(..., (True, False))`). */
function resolvesToStr(s: string): boolean {
  if (s === '') return false; // the null resolver is registered for ''
  // Python's `$` also matches before a final newline.
  const text = s.endsWith('\n') ? s.slice(0, -1) : s;
  for (const [first, re] of IMPLICIT) {
    if (first.includes(s[0]!) && re.test(text)) return false;
  }
  return true;
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029';

/** PyYAML's Emitter.analyze_scalar (allow_unicode=True). */
function analyze(scalar: string): Analysis {
  if (scalar === '') {
    return {
      empty: true,
      multiline: false,
      allowFlowPlain: false,
      allowBlockPlain: true,
      allowSingleQuoted: true,
    };
  }
  const chars = [...scalar];
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (scalar.startsWith('---') || scalar.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || SPACE_OR_BREAK.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      const unicode =
        (cp === 0x85 ||
          (cp >= 0xa0 && cp <= 0xd7ff) ||
          (cp >= 0xe000 && cp <= 0xfffd) ||
          (cp >= 0x10000 && cp < 0x10ffff)) &&
        cp !== 0xfeff;
      if (!unicode) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = i + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[i + 2]!);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    allowFlowPlain = false;
    allowBlockPlain = false;
  }
  if (breakSpace) {
    allowFlowPlain = false;
    allowBlockPlain = false;
    allowSingleQuoted = false;
  }
  if (spaceBreak || special) {
    allowFlowPlain = false;
    allowBlockPlain = false;
    allowSingleQuoted = false;
  }
  if (lineBreaks) {
    allowFlowPlain = false;
    allowBlockPlain = false;
  }
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

/** PyYAML's choose_scalar_style for a str: '' (plain), "'" or '"'. */
function chooseStyle(s: string, flowContext: boolean, simpleKey: boolean): '' | "'" | '"' {
  const a = analyze(s);
  if (resolvesToStr(s)) {
    if (
      !(simpleKey && (a.empty || a.multiline)) &&
      ((flowContext && a.allowFlowPlain) || (!flowContext && a.allowBlockPlain))
    ) {
      return '';
    }
  }
  if (a.allowSingleQuoted && !(simpleKey && a.multiline)) return "'";
  return '"';
}

function quoteString(s: string, indent: number, flowContext: boolean, simpleKey: boolean): string {
  const style = chooseStyle(s, flowContext, simpleKey);
  if (style === '') return s;
  if (style === "'") return singleQuoted(s, indent);
  return doubleQuoted(s);
}

/** PyYAML's write_single_quoted with an unlimited width: line breaks become blank lines. */
function singleQuoted(text: string, indent: number): string {
  let out = "'";
  const chars = [...text];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (BREAKS.includes(ch)) {
      let j = i;
      while (j < chars.length && BREAKS.includes(chars[j]!)) j++;
      const run = chars.slice(i, j);
      if (run[0] === '\n') out += '\n';
      for (const br of run) out += br === '\n' ? '\n' : br;
      out += ' '.repeat(indent);
      i = j;
      continue;
    }
    out += ch === "'" ? "''" : ch;
    i++;
  }
  return `${out}'`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** PyYAML's write_double_quoted (allow_unicode=True, unlimited width). */
function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const plain =
      !'"\\\x85\u2028\u2029\uFEFF'.includes(ch) &&
      ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd));
    if (plain) out += ch;
    else if (ESCAPES[ch] !== undefined) out += `\\${ESCAPES[ch]}`;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}
