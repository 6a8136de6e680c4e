/**
 * Which parameters `ros2 param load <node> <file>` sends, read with the rcl params-file parser
 * (src/nodes/arguments/params-file.ts, the one `--params-file` uses, so that a file a node starts
 * with and a file loaded into it later are typed alike).
 *
 * The selection is ros2param's (ros2cli `ros2param/api/__init__.py` load_parameter_file, rclpy
 * `parameter.py` parameter_dict_from_yaml_file): the `/**` entry first unless `useWildcard` is
 * false, then the node's own entry, so that the node's values win while the order of first
 * appearance is kept (Python's dict.update). Only the literal `/**` is a wildcard there; `/*` and
 * patterns are not (unlike `--params-file`).
 *
 * Where this differs from Jazzy on purpose: Jazzy's ros2param passes no target node to rclpy and so
 * loads every node's entry of the file into the named node (ros2/ros2cli#863, fixed after Jazzy by
 * ros2/ros2cli#864 and ros2/rclpy#1193); here only the named node's entry is taken, and a file
 * with only `/**` for it loads that (as Humble's ros2param did). Values are typed as rcl types
 * them (a quoted `'7'` stays a string), where ros2param re-reads `str(value)` as YAML; nested maps
 * of `/**` and of the node merge key by key, where Python's dict.update replaces a whole map.
 */
import { type NodeParameterEntry, ParameterOverrideSet, parseParamsFile } from '../nodes/arguments/index.js';
import type { Parameter, ParameterValue } from '../nodes/parameters/index.js';
import { pyStrRepr } from './python-repr.js';

const WILDCARD = '/**';

/** A file that has nothing for the node; the message is rclpy's (parameter_dict_from_yaml_file). */
export class ParameterFileSelectionError extends Error {
  override name = 'ParameterFileSelectionError';
}

/** An entry's node name as a fully qualified one: rcl reads `robot/camera` as `/robot/camera`. */
function entryFqn(e: NodeParameterEntry): string {
  return e.node.startsWith('/') ? e.node : `/${e.node}`;
}

/**
 * The parameters to set on `nodeFqn` from the params file `text`, in the order they are sent.
 * Throws ParamsFileError (rcl's message) for a file rcl would not read, ParameterFileSelectionError
 * when it has no entry for the node.
 */
export function parametersToLoad(text: string, nodeFqn: string, useWildcard: boolean): Parameter[] {
  const set = parseParamsFile(text, new ParameterOverrideSet());
  const selected: NodeParameterEntry[] = [];
  const wildcard = set.entries.find((e) => e.node === WILDCARD);
  if (useWildcard && wildcard) selected.push(wildcard);
  const own = set.entries.filter((e) => e.node !== WILDCARD && entryFqn(e) === nodeFqn);
  selected.push(...own);
  if (selected.length === 0) {
    const others = set.entries.filter((e) => e.node !== WILDCARD);
    // Jazzy's words when the file names no node but `/**` (ros2param test_verb_load.py expects
    // them); rclpy's with a target node for a file written for other nodes.
    if (others.length === 0)
      throw new ParameterFileSelectionError('Param file does not contain selected parameters');
    const names = set.entries.map((e) => pyStrRepr(e.node)).join(', ');
    throw new ParameterFileSelectionError(
      `Param file does not contain parameters for ${nodeFqn},only for nodes: [${names}] `,
    );
  }
  const values = new Map<string, ParameterValue>();
  for (const e of selected) for (const [name, value] of e.parameters) values.set(name, value);
  return [...values].map(([name, value]) => ({ name, value }));
}
