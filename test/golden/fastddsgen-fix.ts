/**
 * A workaround for a fastddsgen 2.3.0 bug: for a fixed array of strings (`string name[3]`) the
 * generated `serialize` writes every element, but the generated `deserialize` skips the member
 * entirely, so Fast-CDR misreads everything after it (test_msgs/Arrays fails with "Unexpected
 * byte value in Cdr::deserialize(bool)"). Serialization is unaffected, so the golden bytes do not
 * depend on this; only the round trip of our bytes through Fast-CDR does. We insert the missing
 * reads into the generated `.cxx`, in member order.
 */
import type { IdlModel } from './idl.js';

export function patchStringArrayDeserialization(cxx: string, model: IdlModel): string {
  let out = cxx;
  for (const t of model.types) {
    const missing = t.fields.filter((f) => f.type === 'string' && f.array.kind === 'fixed');
    if (missing.length === 0) continue;
    const head = `void ${model.cxxType(t.name)}::deserialize(`;
    const start = out.indexOf(head);
    if (start < 0) throw new Error(`fastddsgen output has no ${head}`);
    const open = out.indexOf('{', start);
    const close = out.indexOf('\n}', open);
    let body = out.slice(open, close);
    for (const f of missing) {
      const member = `m_${model.member(f)}`;
      const mentions = (name: string): number => body.search(new RegExp(`\\b${name}\\b`));
      if (mentions(member) >= 0) continue; // fastddsgen did read it: nothing to fix
      const read = `    for (auto &str : ${member}) { std::string aux; dcdr >> aux; str = aux.c_str(); }\n`;
      // Insert before the line that reads the next member fastddsgen does read, else at the end.
      const later = t.fields.slice(t.fields.indexOf(f) + 1).map((g) => mentions(`m_${model.member(g)}`));
      const at = later.find((i) => i >= 0);
      if (at === undefined) body = `${body}\n${read.trimEnd()}`;
      else {
        const lineStart = body.lastIndexOf('\n', at) + 1;
        body = `${body.slice(0, lineStart)}${read}${body.slice(lineStart)}`;
      }
    }
    out = `${out.slice(0, open)}${body}${out.slice(close)}`;
  }
  return out;
}
