/**
 * `ros2ts param dump <node>`, as ros2param's verb/dump.py (Jazzy): all of a node's parameters as
 * the YAML a params file (`param load`, `--params-file`) reads back.
 */
import type { Command } from 'commander';
import { absoluteName } from '../common.js';
import { CliError, print } from '../errors.js';
import { cmp, type NodeOptions, nodeCommand, ParameterClient, requireNode } from '../parameter-node.js';
import { type ParameterValueMsg, parameterValueToYaml } from '../parameter-values.js';
import { dumpYaml, type YamlValue } from '../python-yaml.js';
import { withSession } from '../session.js';

export function registerParamDump(param: Command): void {
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
