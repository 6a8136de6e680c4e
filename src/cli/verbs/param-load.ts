/**
 * `ros2ts param load <node> <file>`, as ros2param's verb/load.py (Jazzy): the file's parameters
 * for that node (and `/**` unless `--no-use-wildcard`) set in one call, one line per result.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ParamsFileError } from '../../nodes/arguments/index.js';
import { parameterToMsg } from '../../nodes/parameters/index.js';
import { absoluteName } from '../common.js';
import { CliError, print, printError, SilentFailure } from '../errors.js';
import { ParameterFileSelectionError, parametersToLoad } from '../parameter-file.js';
import {
  type NodeOptions,
  nodeCommand,
  ParameterClient,
  requireNode,
  type SetResult,
  withReason,
} from '../parameter-node.js';
import { pyStrRepr } from '../python-repr.js';
import { withSession } from '../session.js';

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

export function registerParamLoad(param: Command): void {
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
