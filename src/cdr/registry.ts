/**
 * The interface registry: finds ROS 2 interface definitions by their ROS names and parses them
 * once. Sources are searched in a fixed order, first match wins: folders the user passes, then
 * every `share/` of `AMENT_PREFIX_PATH` (a real ROS 2 installation), then the definitions bundled
 * with ros2ts (`interfaces/`), so a machine with no ROS installed has the common set.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InterfaceDefinitionError, InterfaceNotFoundError } from './errors.js';
import { type InterfaceKind, type MessageType, parseInterfaceName } from './model.js';
import { parseInterfaceText } from './parse-interface.js';

/** One place definitions are looked up: `<root>/<pkg>/<msg|srv|action>/<Name>.<ext>`. */
export interface InterfaceSource {
  readonly root: string;
  readonly origin: 'user' | 'ament' | 'bundled';
}

export interface RegistryOptions {
  /** Extra folders laid out as `<folder>/<pkg>/<msg|srv|action>/<Name>.<ext>`; searched first. */
  readonly paths?: readonly string[];
  /** The `AMENT_PREFIX_PATH` to search (default: the environment's); `false` to ignore it. */
  readonly amentPrefixPath?: string | false;
  /** Whether the definitions bundled with ros2ts are searched last (default true). */
  readonly bundled?: boolean;
}

/** The folder of definitions shipped in this package (`<package>/interfaces`). */
export function bundledInterfacesDir(): string {
  // Works both from src/cdr (tests) and dist/src/cdr (the built package).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'interfaces');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../interfaces');
}

/** Suffixes by which a part name (`Spawn_Request`) maps back to its file (`Spawn.srv`). */
const PART_SUFFIXES: Record<InterfaceKind, readonly string[]> = {
  msg: [],
  srv: ['_Request', '_Response', '_Event'],
  action: [
    '_SendGoal_Request',
    '_SendGoal_Response',
    '_SendGoal_Event',
    '_SendGoal',
    '_GetResult_Request',
    '_GetResult_Response',
    '_GetResult_Event',
    '_GetResult',
    '_FeedbackMessage',
    '_Goal',
    '_Result',
    '_Feedback',
  ],
};

export class InterfaceRegistry {
  readonly sources: readonly InterfaceSource[];
  private readonly types = new Map<string, MessageType>();
  /** Files already parsed (by `pkg/kind/Name`), so a missing part is not looked up twice. */
  private readonly loadedFiles = new Set<string>();

  constructor(options: RegistryOptions = {}) {
    const sources: InterfaceSource[] = [];
    for (const p of options.paths ?? []) sources.push({ root: resolve(p), origin: 'user' });
    const ament =
      options.amentPrefixPath === undefined ? process.env['AMENT_PREFIX_PATH'] : options.amentPrefixPath;
    if (ament) {
      for (const prefix of ament.split(delimiter)) {
        if (prefix !== '') sources.push({ root: join(resolve(prefix), 'share'), origin: 'ament' });
      }
    }
    if (options.bundled !== false) sources.push({ root: bundledInterfacesDir(), origin: 'bundled' });
    this.sources = sources;
  }

  /**
   * Adds definitions given as text, e.g. `define('my_pkg/msg/Point2', 'float64 x\nfloat64 y')`.
   * They take precedence over every source.
   */
  define(interfaceName: string, text: string): MessageType[] {
    const iface = parseInterfaceName(interfaceName);
    if (!iface)
      throw new InterfaceDefinitionError(interfaceName, 'not a valid interface name (pkg/msg/Name)');
    const parsed = parseInterfaceText(iface, text, '<inline>');
    for (const t of parsed) this.types.set(t.name, t);
    this.loadedFiles.add(`${iface.pkg}/${iface.kind}/${iface.name}`);
    return parsed;
  }

  /**
   * The message type with this full name (`pkg/msg/X`, `pkg/srv/X_Request`, `pkg/action/X_Goal`,
   * also `pkg/X` for a message), loading its file on first use. Nested types are not loaded;
   * use `closure` for a type and everything it needs.
   */
  get(typeName: string, requiredBy?: string): MessageType {
    const iface = parseInterfaceName(typeName);
    if (!iface) {
      throw new InterfaceDefinitionError(
        typeName,
        "not a valid interface name: expected 'package/msg/Name', 'package/srv/Name_Request' or the like",
      );
    }
    const full = `${iface.pkg}/${iface.kind}/${iface.name}`;
    const known = this.types.get(full);
    if (known) return known;
    const searched: string[] = [];
    for (const base of this.fileCandidates(iface.kind, iface.name)) {
      const fileKey = `${iface.pkg}/${iface.kind}/${base}`;
      if (this.loadedFiles.has(fileKey)) continue;
      for (const src of this.sources) {
        const file = join(src.root, iface.pkg, iface.kind, `${base}.${iface.kind}`);
        searched.push(`${file} (${src.origin})`);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        const parsed = parseInterfaceText({ ...iface, name: base }, text, file);
        this.loadedFiles.add(fileKey);
        for (const t of parsed) this.types.set(t.name, t);
        break;
      }
      const found = this.types.get(full);
      if (found) return found;
    }
    throw new InterfaceNotFoundError(full, searched, requiredBy);
  }

  /** The type and every type it needs, transitively; the first entry is the type itself. */
  closure(typeName: string): MessageType[] {
    const root = this.get(typeName);
    const out = new Map<string, MessageType>([[root.name, root]]);
    const queue = [root];
    for (let t = queue.shift(); t; t = queue.shift()) {
      for (const f of t.fields) {
        if (typeof f.type === 'string' || out.has(f.type.nested)) continue;
        const dep = this.get(f.type.nested, t.name);
        out.set(dep.name, dep);
        queue.push(dep);
      }
    }
    return [...out.values()];
  }

  /**
   * The full names of every type an interface file defines: a message itself; for a service its
   * request, response, event and the service type; for an action its goal, result, feedback and
   * what ROS 2 derives from them.
   */
  partsOf(interfaceName: string): string[] {
    const iface = parseInterfaceName(interfaceName);
    if (!iface)
      throw new InterfaceDefinitionError(interfaceName, 'not a valid interface name (pkg/msg/Name)');
    const base = `${iface.pkg}/${iface.kind}/${iface.name}`;
    return [...PART_SUFFIXES[iface.kind].map((s) => base + s), base].filter((n) => this.has(n));
  }

  /** Whether a type can be resolved (loading its file if needed). */
  has(typeName: string): boolean {
    try {
      this.get(typeName);
      return true;
    } catch (err) {
      if (err instanceof InterfaceNotFoundError) return false;
      throw err;
    }
  }

  /** Every interface (`pkg/kind/Name`) found in the sources, sorted; for listing, not for lookups. */
  list(): string[] {
    const names = new Set<string>();
    for (const src of this.sources) {
      for (const pkg of safeReaddir(src.root)) {
        for (const kind of ['msg', 'srv', 'action'] as const) {
          for (const file of safeReaddir(join(src.root, pkg, kind))) {
            if (file.endsWith(`.${kind}`)) {
              const name = `${pkg}/${kind}/${file.slice(0, -kind.length - 1)}`;
              if (parseInterfaceName(name)) names.add(name);
            }
          }
        }
      }
    }
    return [...names].sort();
  }

  private *fileCandidates(kind: InterfaceKind, name: string): Generator<string> {
    for (const suffix of PART_SUFFIXES[kind]) {
      if (name.endsWith(suffix) && name.length > suffix.length) yield name.slice(0, -suffix.length);
    }
    yield name;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
