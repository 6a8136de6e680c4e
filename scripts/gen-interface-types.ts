/**
 * Build step: writes src/cdr/generated/interfaces.ts, the TypeScript declarations of every
 * bundled interface type (run by `npm run build`; the output is not committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageType } from '../src/cdr/model.js';
import { InterfaceRegistry } from '../src/cdr/registry.js';
import { declareModule } from '../src/cdr/ts-declarations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const registry = new InterfaceRegistry({ amentPrefixPath: false });
const types = new Map<string, MessageType>();
for (const name of registry.list()) {
  const [pkg, kind, base] = name.split('/') as [string, string, string];
  // Loading a .srv or .action file defines all of its parts; take every one of them.
  const parts = kind === 'msg' ? [name] : registry.partsOf(`${pkg}/${kind}/${base}`);
  for (const part of parts) for (const t of registry.closure(part)) types.set(t.name, t);
}
const out = join(root, 'src', 'cdr', 'generated', 'interfaces.ts');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, declareModule([...types.values()]));
console.log(`wrote ${types.size} interface types to ${out}`);
