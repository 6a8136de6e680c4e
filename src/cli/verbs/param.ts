/**
 * `ros2ts param list|get|set|delete|describe|dump|load`, as ros2param (Jazzy) does them: through a
 * node's parameter services (`<node>/list_parameters`, `get_parameters`, `set_parameters`,
 * `describe_parameters`, rcl_interfaces/srv/*), waiting 5 s for them as rclpy's
 * AsyncParameterClient does. ros2cli `ros2param/verb/*.py` and `ros2param/api/__init__.py`.
 * get, set, delete and describe are here; list, dump and load are in param-<verb>.ts, and the
 * parameter-service client they share in ../parameter-node.ts.
 *
 * Where ros2param prints a refusal of the node (set, delete, load) and still exits 0, the refusal
 * exits 1 here, so that scripts can tell.
 */
import type { Command } from 'commander';
import { absoluteName } from '../common.js';
import { CliError, print } from '../errors.js';
import { describeDescriptorLines, type ParameterDescriptorMsg } from '../parameter-descriptor-text.js';
import {
  type NodeOptions,
  nodeCommand,
  ParameterClient,
  requireNode,
  type SetResult,
  withReason,
} from '../parameter-node.js';
import {
  describeParameterValue,
  PARAMETER_TYPE,
  type ParameterValueMsg,
  parameterValueFromString,
} from '../parameter-values.js';
import { withSession } from '../session.js';
import { registerParamDump } from './param-dump.js';
import { registerParamList } from './param-list.js';
import { registerParamLoad } from './param-load.js';

export function registerParam(program: Command): void {
  const param = program.command('param').description('Various param related sub-commands');

  registerParamList(param);

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

  registerParamDump(param);
  registerParamLoad(param);
}
