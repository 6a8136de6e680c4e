#!/usr/bin/env node
/**
 * `ros2ts`: the `ros2` command line for ros2ts and real ROS 2 nodes alike, without a daemon.
 *
 *   ros2ts service list|type|find|call ...    ros2ts topic list|info|type|find|echo|pub|hz|delay|bw ...
 *   ros2ts node list|info ...                 ros2ts interface list|packages|package|show|proto ...
 *   ros2ts param list|get|set|delete|describe|dump|load ...
 *   ros2ts run <package> <executable> ...
 *   ros2ts action list|info|type|send_goal ... ros2ts doctor
 *   ros2ts lifecycle nodes|get|list|set ...
 *
 * Output follows ros2cli's (Jazzy) line for line. Errors go to stderr, with exit code 1 (2 for
 * a command line that does not parse).
 */
import { Command, CommanderError } from 'commander';
import { CliError, printError } from './errors.js';
import { registerAction } from './verbs/action.js';
import { registerBag } from './verbs/bag.js';
import { registerBridge } from './verbs/bridge.js';
import { registerDoctor } from './verbs/doctor.js';
import { registerInterface } from './verbs/interface.js';
import { registerLifecycle } from './verbs/lifecycle.js';
import { registerNode } from './verbs/node.js';
import { registerParam } from './verbs/param.js';
import { registerRun } from './verbs/run.js';
import { registerService } from './verbs/service.js';
import { registerTopic } from './verbs/topic.js';

export function buildProgram(): Command {
  const program = new Command('ros2ts')
    .description('ros2ts is a command-line tool for ROS 2 graphs, in the manner of ros2, without a daemon.')
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerAction(program);
  registerService(program);
  registerTopic(program);
  registerNode(program);
  registerInterface(program);
  registerLifecycle(program);
  registerParam(program);
  registerRun(program);
  registerDoctor(program);
  registerBag(program);
  registerBridge(program);
  // Every subcommand reports errors through the handler below, with the same exit codes.
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; a command line that does not parse is (argparse: 2).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return 0;
      if (error.code === 'commander.version') return 0;
      if (error.code === 'commander.executeSubCommandAsync') return 0;
      return 2;
    }
    if (error instanceof CliError) {
      if (error.message !== '') printError(error.message);
      return error.exitCode;
    }
    printError(`ros2ts: ${(error as Error)?.message ?? String(error)}`);
    if (process.env['ROS2TS_DEBUG']) printError((error as Error)?.stack ?? '');
    return 1;
  }
}

// `ros2ts topic echo /x | head -1`: the reader went away; that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main();
