/**
 * IDL for the independent CDR peers (Fast-CDR via fastddsgen, Cyclone DDS via idlc), generated
 * from our own model so the peers serialize exactly the types our codec does. The output follows
 * rosidl's IDL (`module pkg { module msg { struct Name { ... }; }; };`, `int8`/`uint8`, `octet`
 * for byte, `string<N>`, `sequence<T, N>`, `T name[N]`) with three deliberate differences, none
 * of which changes a byte on the wire of plain CDR:
 *  - constants and `@default` annotations are left out;
 *  - a struct whose name is an IDL keyword (`std_msgs/msg/String`) is declared escaped
 *    (`_String`); fastddsgen 2.3.0 then wants references unescaped, idlc 0.10.2 escaped, hence
 *    the dialect;
 *  - a member whose name is a keyword, or equals a type or module name case-insensitively
 *    (fastddsgen rejects `std_msgs::msg::Header header`), gets a trailing underscore, which no
 *    ROS field name can have, so the renamed member never collides with another.
 */
import type { FieldDef, MessageType, PrimitiveType } from '../../src/cdr/model.js';

export type IdlDialect = 'fastddsgen' | 'idlc';

/** IDL 4.2 keywords (identifiers clash with them case-insensitively). */
const IDL_KEYWORDS = new Set(
  (
    'abstract any alias attribute bitfield bitmask bitset boolean case char component connector const ' +
    'consumes context custom default double emits enum eventtype exception factory false finder fixed ' +
    'float getraises home import in inout interface local long manages map mirrorport module multiple ' +
    'native object octet oneway out primarykey private port porttype provides public publishes raises ' +
    'readonly setraises sequence short string struct supports switch true truncatable typedef typeid ' +
    'typename typeprefix unsigned union uses valuebase valuetype void wchar wstring int8 uint8 int16 ' +
    'int32 int64 uint16 uint32 uint64'
  ).split(' '),
);

/**
 * C and C++ keywords and the members fastddsgen adds to every class: a field with one of these
 * names would compile in IDL but not in the generated C/C++.
 */
const CXX_RESERVED = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t ' +
    'char32_t class compl concept const consteval constexpr constinit const_cast continue co_await ' +
    'co_return co_yield decltype default delete do double dynamic_cast else enum explicit export extern ' +
    'false float for friend goto if inline int long mutable namespace new noexcept not not_eq nullptr ' +
    'operator or or_eq private protected public register reinterpret_cast requires restrict return ' +
    'short signed sizeof static static_assert static_cast struct switch template this thread_local ' +
    'throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while ' +
    'xor xor_eq serialize deserialize swap'
  ).split(' '),
);

const IDL_PRIMITIVES: Readonly<Record<Exclude<PrimitiveType, 'string' | 'wstring'>, string>> = {
  bool: 'boolean',
  byte: 'octet',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  float32: 'float',
  float64: 'double',
};

export interface TypeNameParts {
  /** `['geometry_msgs', 'msg']` */
  readonly modules: readonly string[];
  /** `Twist` */
  readonly base: string;
}

export function splitTypeName(name: string): TypeNameParts {
  const parts = name.split('/');
  const base = parts.pop();
  if (base === undefined || parts.length !== 2) throw new Error(`not a full type name: ${name}`);
  return { modules: parts, base };
}

function isIdlKeyword(id: string): boolean {
  return IDL_KEYWORDS.has(id.toLowerCase());
}

/**
 * The set of types the peers compile, in dependency order, and the identifiers every generator
 * (IDL, C++, C) must agree on.
 */
export class IdlModel {
  /** Every type once, each after the types it nests. */
  readonly types: readonly MessageType[];
  private readonly byName: ReadonlyMap<string, MessageType>;
  /** Lower-cased type and module names, which members must not spell (case-insensitively). */
  private readonly scopeNames: ReadonlySet<string>;

  constructor(closures: readonly (readonly MessageType[])[]) {
    const byName = new Map<string, MessageType>();
    for (const closure of closures) {
      for (const t of closure) {
        const known = byName.get(t.name);
        if (known && known !== t && known.source !== t.source) {
          throw new Error(`type ${t.name} defined twice (${known.source}, ${t.source})`);
        }
        byName.set(t.name, t);
      }
    }
    this.byName = byName;
    const ordered: MessageType[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (t: MessageType): void => {
      const s = state.get(t.name);
      if (s === 'done') return;
      if (s === 'visiting') throw new Error(`recursive type ${t.name}`);
      state.set(t.name, 'visiting');
      for (const f of t.fields) if (typeof f.type !== 'string') visit(this.type(f.type.nested));
      state.set(t.name, 'done');
      ordered.push(t);
    };
    for (const t of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) visit(t);
    this.types = ordered;
    const scope = new Set<string>();
    for (const t of ordered) {
      const { modules, base } = splitTypeName(t.name);
      scope.add(base.toLowerCase());
      for (const m of modules) scope.add(m.toLowerCase());
    }
    this.scopeNames = scope;
  }

  type(name: string): MessageType {
    const t = this.byName.get(name);
    if (!t) throw new Error(`type ${name} is not in the closures given`);
    return t;
  }

  /** The member name used in the IDL and so in the generated C and C++ (see the file comment). */
  member(field: FieldDef): string {
    const n = field.name;
    const lower = n.toLowerCase();
    return isIdlKeyword(n) || CXX_RESERVED.has(lower) || this.scopeNames.has(lower) ? `${n}_` : n;
  }

  /** `geometry_msgs::msg::Twist`: the fastddsgen C++ class. */
  cxxType(name: string): string {
    const { modules, base } = splitTypeName(name);
    return [...modules, base].join('::');
  }

  /** `geometry_msgs_msg_Twist`: the idlc C struct; its descriptor is `<this>_desc`. */
  cType(name: string): string {
    const { modules, base } = splitTypeName(name);
    return [...modules, base].join('_');
  }

  /** The IDL for every type, each in its own `module pkg { module kind { ... }; };` block. */
  generate(dialect: IdlDialect): string {
    const out: string[] = ['// Generated by test/golden/idl.ts from the ros2ts interface model.', ''];
    for (const t of this.types) {
      const { modules, base } = splitTypeName(t.name);
      for (const m of modules) {
        if (isIdlKeyword(m)) throw new Error(`package or kind name ${m} is an IDL keyword`);
      }
      const [pkg, kind] = modules;
      out.push(`module ${pkg} { module ${kind} {`);
      out.push(`  struct ${isIdlKeyword(base) ? `_${base}` : base} {`);
      for (const f of t.fields) out.push(`    ${this.declaration(f, dialect)};`);
      out.push('  };', '}; };', '');
    }
    return out.join('\n');
  }

  private declaration(f: FieldDef, dialect: IdlDialect): string {
    const element = this.elementType(f, dialect);
    const name = this.member(f);
    switch (f.array.kind) {
      case 'none':
        return `${element} ${name}`;
      case 'fixed':
        return `${element} ${name}[${f.array.length}]`;
      // The space before `>` matters: both compilers lex `>>` as a shift operator.
      case 'bounded':
        return `sequence<${element}, ${f.array.bound} > ${name}`;
      case 'unbounded':
        return `sequence<${element} > ${name}`;
    }
  }

  private elementType(f: FieldDef, dialect: IdlDialect): string {
    if (typeof f.type !== 'string') {
      const { modules, base } = splitTypeName(f.type.nested);
      // fastddsgen 2.3.0 only resolves a keyword-named struct unescaped, idlc only escaped.
      const ref = isIdlKeyword(base) && dialect === 'idlc' ? `_${base}` : base;
      return [...modules, ref].join('::');
    }
    if (f.type === 'string' || f.type === 'wstring') {
      return f.stringBound === undefined ? f.type : `${f.type}<${f.stringBound}>`;
    }
    return IDL_PRIMITIVES[f.type];
  }
}

/** Whether every type can be compiled by idlc 0.10.2, which has no `wstring` at all. */
export function idlcSupports(types: readonly MessageType[]): boolean {
  return types.every((t) => t.fields.every((f) => f.type !== 'wstring'));
}
