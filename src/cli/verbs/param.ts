/**
 * `ros2ts param list|get|set|delete|describe|dump|load`, as ros2param (Jazzy) does them: through a
 * node's parameter services (`<node>/list_parameters`, `get_parameters`, `set_parameters`,
 * `describe_parameters`, rcl_interfaces/srv/*), waiting 5 s for them as rclpy's
 * AsyncParameterClient does. ros2cli `ros2param/verb/*.py` and `ros2param/api/__init__.py`.
 *
 * Where ros2param prints a refusal of the node (set, delete, load) and still exits 0, the refusal
 * exits 1 here, so that scripts can tell.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Client, nodeFqn } from '../../index.js';
import { ParamsFileError } from '../../nodes/arguments/index.js';
import { parameterToMsg } from '../../nodes/parameters/index.js';
import { absoluteName, addGraphOptions, int } from '../common.js';
import { CliError, print, printError, SilentFailure } from '../errors.js';
import { describeDescriptorLines, type ParameterDescriptorMsg } from '../parameter-descriptor-text.js';
import { ParameterFileSelectionError, parametersToLoad } from '../parameter-file.js';
import {
  describeParameterValue,
  PARAMETER_TYPE,
  type ParameterValueMsg,
  parameterTypeString,
  parameterValueFromString,
  parameterValueToYaml,
} from '../parameter-values.js';
import { pyStrRepr } from '../python-repr.js';
import { dumpYaml, type YamlValue } from '../python-yaml.js';
import type { Session } from '../session.js';
import { withSession } from '../session.js';

const SERVICE_WAIT_MS = 5_000;
const CALL_TIMEOUT_MS = 10_000;

class ParameterClient {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly session: Session,
    readonly nodeName: string,
  ) {}

  /** Calls `<node>/<service>`; undefined when the service is not there within 5 s. */
  async call(service: string, type: string, request: unknown): Promise<Record<string, unknown> | undefined> {
    let client = this.clients.get(service);
    if (!client) {
      client = this.session.node.createClient(type, `${this.nodeName}/${service}`);
      this.clients.set(service, client);
    }
    try {
      await client.waitForService({ timeout: SERVICE_WAIT_MS });
    } catch {
      return undefined;
    }
    try {
      return (await client.call(request as never, { timeout: CALL_TIMEOUT_MS })) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(
        `Exception while calling service of node '${this.nodeName}': ${(error as Error).message}`,
      );
    }
  }

  async required(service: string, type: string, request: unknown): Promise<Record<string, unknown>> {
    const r = await this.call(service, type, request);
    if (!r) {
      throw new CliError(
        `Wait for service timed out waiting for parameter services for node ${this.nodeName}`,
      );
    }
    return r;
  }
}

interface SetResult {
  readonly successful: boolean;
  readonly reason: string;
}

/** `<prefix>[: reason]`, as ros2param words every set result. */
function withReason(prefix: string, r: SetResult): string {
  return r.reason ? `${prefix}: ${r.reason}` : prefix;
}

/** The OSError open() raises, as its traceback's last line names it (ros2param lets it escape). */
function fileErrorText(path: string, error: NodeJS.ErrnoException): string {
  const known: Record<string, [number, string]> = {
    ENOENT: [2, 'No such file or directory'],
    EACCES: [13, 'Permission denied'],
    EISDIR: [21, 'Is a directory'],
  };
  const k = error.code === undefined ? undefined : known[error.code];
  return k ? `[Errno ${k[0]}] ${k[1]}: ${pyStrRepr(path)}` : error.message;
}

/** The parameters `param load` sends, or a CliError saying why there are none. */
function readParameterFile(path: string, nodeName: string, useWildcard: boolean) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(fileErrorText(path, error as NodeJS.ErrnoException));
  }
  try {
    return parametersToLoad(text, nodeName, useWildcard);
  } catch (error) {
    if (error instanceof ParamsFileError) {
      throw new CliError(`Failed to parse parameter file '${path}': ${error.message.trimEnd()}`);
    }
    if (error instanceof ParameterFileSelectionError) throw new CliError(error.message);
    throw error;
  }
}

interface NodeOptions {
  includeHiddenNodes?: boolean;
  timeout: number;
  spinTime?: number;
}

/** ros2node's wait_for_node: the node is in the graph within `timeout` seconds (after discovery). */
async function requireNode(s: Session, nodeName: string, o: NodeOptions): Promise<void> {
  const present = () =>
    s.node
      .getNodeNames({ includeHidden: o.includeHiddenNodes === true })
      .some((n) => nodeFqn(n.namespace, n.name) === nodeName);
  await s.waitForDiscovery({
    spinTime: o.spinTime,
    until: present,
    maxMs: Math.max(2_000, o.timeout * 1000),
  });
  if (!present()) throw new CliError('Node not found');
}

function nodeCommand(param: Command, name: string): Command {
  return addGraphOptions(
    param
      .command(name)
      .argument('<node_name>', 'Name of the ROS node')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well')
      .option('--timeout <N>', 'Wait for N seconds until node becomes available (default 1 sec)', int, 1),
  );
}

export function registerParam(program: Command): void {
  const param = program.command('param').description('Various param related sub-commands');

  addGraphOptions(
    param
      .command('list')
      .description('Output a list of available parameters')
      .argument('[node_name]', 'Name of the ROS node')
      .option('--filter <regex>', 'Only parameters matching the regex expression will be showed.')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well')
      .option('--param-prefixes <prefixes...>', 'Only list parameters with the provided prefixes', [])
      .option('--param-type', 'Print parameter types with parameter names'),
  ).action(
    async (
      nodeArg: string | undefined,
      o: {
        filter?: string;
        includeHiddenNodes?: boolean;
        paramPrefixes: string[];
        paramType?: boolean;
        spinTime?: number;
      },
    ) => {
      let filter: RegExp | undefined;
      try {
        filter = o.filter === undefined ? undefined : new RegExp(`^(?:${o.filter})`);
      } catch (error) {
        throw new CliError(`invalid --filter: ${(error as Error).message}`);
      }
      await withSession(undefined, async (s) => {
        await s.waitForDiscovery({ spinTime: o.spinTime });
        let nodes = s.node
          .getNodeNames({ includeHidden: o.includeHiddenNodes === true })
          .map((n) => ({ name: n.name, namespace: n.namespace, full: nodeFqn(n.namespace, n.name) }));
        if (nodeArg !== undefined) {
          const wanted = absoluteName(nodeArg);
          if (!nodes.some((n) => n.full === wanted)) throw new CliError('Node not found');
          nodes = nodes.filter((n) => n.full === wanted);
        }
        // Sorted as ros2param sorts its NodeName tuples: by name, then namespace.
        nodes.sort((a, b) => cmp(a.name, b.name) || cmp(a.namespace, b.namespace));
        const unique = [...new Map(nodes.map((n) => [n.full, n])).values()];
        // Every node is asked at once (ros2param asks them one after the other).
        const answers = await Promise.all(
          unique.map(async (n) => {
            const client = new ParameterClient(s, n.full);
            try {
              const r = await client.call('list_parameters', 'rcl_interfaces/srv/ListParameters', {
                prefixes: o.paramPrefixes,
                depth: 0n,
              });
              return {
                node: n,
                client,
                names: r ? ((r['result'] as { names: string[] }).names ?? []) : undefined,
              };
            } catch (error) {
              return { node: n, client, error: error as Error };
            }
          }),
        );
        for (const a of answers) {
          if ('error' in a && a.error) {
            printError(a.error.message);
            continue;
          }
          if (!('names' in a) || a.names === undefined) {
            print(`Wait for service timed out waiting for parameter services for node ${a.node.full}`);
            continue;
          }
          let names = [...a.names].sort(cmp);
          if (filter) names = names.filter((n) => filter.test(n));
          if (nodeArg === undefined && names.length > 0) print(`${a.node.full}:`);
          let types = new Map<string, string>();
          if (o.paramType) {
            const r = await a.client.required(
              'describe_parameters',
              'rcl_interfaces/srv/DescribeParameters',
              {
                names,
              },
            );
            const descriptors = r['descriptors'] as { name: string; type: number }[];
            types = new Map(descriptors.map((d) => [d.name, parameterTypeString(d.type)]));
          }
          for (const n of names) print(o.paramType ? `  ${n} (type: ${types.get(n)})` : `  ${n}`);
        }
      });
    },
  );

  nodeCommand(param, 'get')
    .description('Get parameter')
    .argument('<parameter_name>', 'Name of the parameter')
    .option('--hide-type', 'Hide the type information')
    .action(async (nodeArg: string, parameterName: string, o: NodeOptions & { hideType?: boolean }) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        await requireNode(s, nodeName, o);
        const r = await new ParameterClient(s, nodeName).required(
          'get_parameters',
          'rcl_interfaces/srv/GetParameters',
          { names: [parameterName] },
        );
        const values = r['values'] as ParameterValueMsg[];
        if (values.length === 0) throw new CliError('Parameter not set');
        let shown: { label: string; value: string | undefined };
        try {
          shown = describeParameterValue(values[0]!);
        } catch (error) {
          throw new CliError((error as Error).message);
        }
        if (o.hideType) print(shown.value ?? 'None');
        else print(shown.value === undefined ? shown.label : `${shown.label} ${shown.value}`);
      });
    });

  nodeCommand(param, 'set')
    .description('Set parameter')
    .argument('<parameter_name>', 'Name of the parameter')
    .argument('<value>', 'Value of the parameter')
    .action(async (nodeArg: string, parameterName: string, valueText: string, o: NodeOptions) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        await requireNode(s, nodeName, o);
        const r = await new ParameterClient(s, nodeName).required(
          'set_parameters',
          'rcl_interfaces/srv/SetParameters',
          { parameters: [{ name: parameterName, value: parameterValueFromString(valueText) }] },
        );
        const result = (r['results'] as { successful: boolean; reason: string }[])[0];
        if (!result) throw new CliError('Setting parameter failed: the node sent no result');
        if (result.successful) {
          print(`Set parameter successful${result.reason ? `: ${result.reason}` : ''}`);
        } else {
          // ros2param prints this and exits 0; a failure exits 1 here.
          throw new CliError(`Setting parameter failed${result.reason ? `: ${result.reason}` : ''}`);
        }
      });
    });

  nodeCommand(param, 'delete')
    .description('Delete parameter')
    .argument('<parameter_name>', 'Name of the parameter')
    .action(async (nodeArg: string, parameterName: string, o: NodeOptions) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        await requireNode(s, nodeName, o);
        // A parameter set to NOT_SET is undeclared (rclcpp and rclpy alike); the node decides.
        const r = await new ParameterClient(s, nodeName).required(
          'set_parameters',
          'rcl_interfaces/srv/SetParameters',
          { parameters: [{ name: parameterName, value: { type: PARAMETER_TYPE.NOT_SET } }] },
        );
        const results = r['results'] as SetResult[];
        const result = results[0];
        if (results.length !== 1 || !result) {
          throw new CliError(`Deleting parameter failed: the node sent ${results.length} results for 1`);
        }
        if (!result.successful) throw new CliError(withReason('Deleting parameter failed', result));
        print(withReason('Deleted parameter successfully', result));
      });
    });

  nodeCommand(param, 'describe')
    .description('Show descriptive information about declared parameters')
    .argument('<parameter_names...>', 'Names of the parameters')
    .action(async (nodeArg: string, names: string[], o: NodeOptions) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        await requireNode(s, nodeName, o);
        const r = await new ParameterClient(s, nodeName).required(
          'describe_parameters',
          'rcl_interfaces/srv/DescribeParameters',
          { names },
        );
        // An unknown name empties the whole answer (rclcpp's and rclpy's servers): nothing is
        // printed then, and ros2param exits 0.
        for (const d of r['descriptors'] as ParameterDescriptorMsg[]) print(...describeDescriptorLines(d));
      });
    });

  nodeCommand(param, 'dump')
    .description('Show all of the parameters of a node in a YAML file format')
    .action(async (nodeArg: string, o: NodeOptions) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        await requireNode(s, nodeName, o);
        const client = new ParameterClient(s, nodeName);
        const listed = await client.call('list_parameters', 'rcl_interfaces/srv/ListParameters', {
          prefixes: [],
          depth: 0n,
        });
        if (!listed) {
          throw new CliError(
            `Wait for service timed out waiting for parameter services for node ${nodeName}`,
          );
        }
        const names = [...(listed['result'] as { names: string[] }).names].sort(cmp);
        const got = await client.required('get_parameters', 'rcl_interfaces/srv/GetParameters', { names });
        const values = got['values'] as ParameterValueMsg[];
        const params = new Map<string, YamlValue>();
        names.forEach((name, i) => {
          const v = values[i];
          insertDotted(params, name, v ? parameterValueToYaml(v) : null);
        });
        const doc = new Map<string, YamlValue>([[nodeName, new Map([['ros__parameters', params]])]]);
        print(dumpYaml(doc, { sortKeys: true }));
      });
    });

  nodeCommand(param, 'load')
    .description('Load parameter file for a node')
    .argument('<parameter_file>', 'Parameter file')
    .option('--no-use-wildcard', "Do not load parameters in the '/**' namespace into the node")
    .action(async (nodeArg: string, file: string, o: NodeOptions & { useWildcard: boolean }) => {
      const nodeName = absoluteName(nodeArg);
      await withSession(undefined, async (s) => {
        // The node first, then the file, as ros2param (an absent node is named as such).
        await requireNode(s, nodeName, o);
        const parameters = readParameterFile(file, nodeName, o.useWildcard);
        const r = await new ParameterClient(s, nodeName).required(
          'set_parameters',
          'rcl_interfaces/srv/SetParameters',
          { parameters: parameters.map(parameterToMsg) },
        );
        const results = r['results'] as SetResult[];
        if (results.length !== parameters.length) {
          throw new CliError(
            `Not all parameters set: the node sent ${results.length} results for ${parameters.length}`,
          );
        }
        let failed = false;
        results.forEach((result, i) => {
          const name = parameters[i]!.name;
          if (result.successful) print(withReason(`Set parameter ${name} successful`, result));
          else {
            failed = true;
            printError(withReason(`Set parameter ${name} failed`, result));
          }
        });
        if (failed) throw new SilentFailure();
      });
    });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ros2param dump's insert_dict: `a.b.c` nests as {a: {b: {c: value}}}. */
function insertDotted(target: Map<string, YamlValue>, key: string, value: YamlValue): void {
  const i = key.indexOf('.');
  if (i < 0) {
    target.set(key, value);
    return;
  }
  const head = key.slice(0, i);
  let child = target.get(head);
  if (!(child instanceof Map)) {
    child = new Map<string, YamlValue>();
    target.set(head, child);
  }
  insertDotted(child as Map<string, YamlValue>, key.slice(i + 1), value);
}
