/**
 * `ros2ts interface list|packages|package|show|proto`, as ros2interface (Jazzy) prints them,
 * over the interface registry: AMENT_PREFIX_PATH's `share/` folders, then the definitions bundled
 * with ros2ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readStdin } from '../common.js';
import { CliError, print } from '../errors.js';
import { showInterface } from '../interface-text.js';
import { registry } from '../interfaces.js';
import { defaultMessage } from '../message-defaults.js';
import { messageToYamlValue } from '../message-yaml.js';
import { dumpYaml } from '../python-yaml.js';

type Kind = 'msg' | 'srv' | 'action';

interface KindOptions {
  onlyMsgs?: boolean;
  onlySrvs?: boolean;
  onlyActions?: boolean;
}

/** Every interface, by package, as rosidl_runtime_py lists them (names with '_' are hidden). */
function interfaces(): Map<string, { kind: Kind; name: string }[]> {
  const byPackage = new Map<string, { kind: Kind; name: string }[]>();
  for (const full of registry().list()) {
    const [pkg, kind, name] = full.split('/') as [string, Kind, string];
    if (name.includes('_')) continue;
    const list = byPackage.get(pkg) ?? [];
    list.push({ kind, name });
    byPackage.set(pkg, list);
  }
  return byPackage;
}

/** Whether any source has a folder for the package (rosidl's "packages" resource). */
function packageExists(pkg: string): boolean {
  return registry().sources.some((s) => {
    try {
      return readdirSync(s.root).includes(pkg);
    } catch {
      return false;
    }
  });
}

function sortedKeys<V>(m: Map<string, V>): string[] {
  return [...m.keys()].sort();
}

function selectedKinds(o: KindOptions): Kind[] {
  const kinds: Kind[] = [];
  if (o.onlyMsgs) kinds.push('msg');
  if (o.onlySrvs) kinds.push('srv');
  if (o.onlyActions) kinds.push('action');
  return kinds.length === 0 ? ['msg', 'srv', 'action'] : kinds;
}

const TITLES: Record<Kind, string> = { msg: 'Messages:', srv: 'Services:', action: 'Actions:' };

export function registerInterface(program: Command): void {
  const cmd = program.command('interface').description('Show information about ROS interfaces');
  const kindOptions = (c: Command) =>
    c
      .option('-m, --only-msgs', 'Print out only the message types')
      .option('-s, --only-srvs', 'Print out only the service types')
      .option('-a, --only-actions', 'Print out only the action types');

  kindOptions(cmd.command('list').description('List all interface types available')).action(
    (o: KindOptions) => {
      const all = interfaces();
      for (const kind of selectedKinds(o)) {
        print(TITLES[kind]);
        for (const pkg of sortedKeys(all)) {
          const names = all
            .get(pkg)!
            .filter((i) => i.kind === kind)
            .map((i) => i.name)
            .sort();
          for (const n of names) print(`    ${pkg}/${kind}/${n}`);
        }
      }
    },
  );

  kindOptions(
    cmd.command('packages').description('Output a list of packages that provide interfaces'),
  ).action((o: KindOptions) => {
    const all = interfaces();
    const kinds = o.onlyMsgs ? ['msg'] : o.onlySrvs ? ['srv'] : o.onlyActions ? ['action'] : undefined;
    for (const pkg of sortedKeys(all)) {
      if (!kinds || all.get(pkg)!.some((i) => kinds.includes(i.kind))) print(pkg);
    }
  });

  kindOptions(
    cmd
      .command('package')
      .description('Output a list of available interface types within one package')
      .argument('<package_name>', "Name of the ROS package (e.g. 'example_interfaces')"),
  ).action((pkg: string, o: KindOptions) => {
    if (!packageExists(pkg)) throw new CliError(`Unknown package '${pkg}'`);
    const kinds = selectedKinds(o);
    const list = (interfaces().get(pkg) ?? []).filter((i) => kinds.includes(i.kind));
    // rosidl_runtime_py returns these in no particular order; sorted here, by kind then name.
    for (const kind of kinds) {
      for (const i of list.filter((x) => x.kind === kind).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        print(`${pkg}/${kind}/${i.name}`);
      }
    }
  });

  cmd
    .command('show')
    .description('Output the interface definition')
    .argument(
      '<type>',
      "Show an interface definition (e.g. 'example_interfaces/msg/String'). Passing '-' reads the argument from stdin (e.g. 'ros2 topic type /chatter | ros2 interface show -').",
    )
    .option('--all-comments', 'Show all comments, including for nested interface definitions')
    .option('--no-comments', 'Show no comments or whitespace')
    .action(async (typeArg: string, o: { allComments?: boolean; comments?: boolean }) => {
      if (o.allComments && o.comments === false) {
        throw new CliError('argument --no-comments: not allowed with argument --all-comments');
      }
      let type = typeArg;
      if (type === '-') {
        if (process.stdin.isTTY) throw new CliError('expected stdin pipe');
        type = (await readStdin()).split('\n')[0]!.trim();
      }
      if (type === '') throw new CliError('the passed value is empty');
      const full = checkInterfaceName(type);
      const lines = showInterface(registry(), full, {
        comments: o.comments !== false,
        allComments: o.allComments === true,
      });
      if (lines.length > 0) print(...lines);
    });

  cmd
    .command('proto')
    .description('Output an interface prototype')
    .argument('<type>', "Show an interface definition (e.g. 'example_interfaces/msg/String')")
    .option('--no-quotes', 'if true output has no outer quotes.')
    .action((typeArg: string, o: { quotes?: boolean }) => {
      const parts = typeArg.split('/');
      const full = parts.length === 2 ? `${parts[0]}/msg/${parts[1]}` : typeArg;
      const kind = full.split('/')[1];
      const part = kind === 'srv' ? `${full}_Request` : kind === 'action' ? `${full}_Goal` : full;
      const reg = registry();
      if (!hasType(part)) throw new CliError(`The passed interface type is invalid: '${typeArg}'`);
      const yaml = dumpYaml(messageToYamlValue(reg, part, defaultMessage(reg, part)));
      print(o.quotes === false ? yaml : `"${yaml}"`);
    });
}

/** ros2interface's checks: three parts, a known package, a definition file. */
function checkInterfaceName(type: string): string {
  const parts = type.split('/');
  if (parts.length !== 3) {
    throw new CliError(`Invalid name '${type}'. Expected three parts separated by '/'`);
  }
  if (!parts.every((p) => p !== ''))
    throw new CliError(`Invalid name '${type}'. Must not contain empty parts`);
  if (parts.includes('..')) throw new CliError(`Invalid name '${type}'. Must not contain '..'`);
  const [pkg, kind, name] = parts as [string, string, string];
  if (!packageExists(pkg)) throw new CliError(`Unknown package '${pkg}'`);
  const part = kind === 'srv' ? `${type}_Request` : kind === 'action' ? `${type}_Goal` : type;
  if (!['msg', 'srv', 'action'].includes(kind) || !hasType(part)) {
    throw new CliError(`Could not find the interface '${join(pkg, kind, `${name}.${kind}`)}'`);
  }
  return type;
}

function hasType(name: string): boolean {
  try {
    return registry().has(name);
  } catch {
    return false; // not a well-formed name
  }
}
