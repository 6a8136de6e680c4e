/**
 * `turtlesim_node` as a command: a context (discovery from the environment, as rcl reads it),
 * turtlesim, and its window as a web page on 127.0.0.1. Runs until SIGINT or SIGTERM (or the
 * given AbortSignal), then writes the picture if `--png` was given and shuts down.
 *
 *   turtlesim_node [--port <n>] [--png <file>] [--no-web] [--ros-args ...]
 *
 * ROS arguments are the context's (as every ros2ts program's): `-r __ns:=/sim`, `-p background_r:=0`,
 * `--params-file`, `--log-level`...
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  Context,
  type ContextOptions,
  type LogSink,
  RosArgumentsError,
  removeRosArgs,
  UnknownRosArgumentsError,
} from '../index.js';
import { encodePng } from './png.js';
import { renderWorld } from './render.js';
import { startTurtlesim } from './turtlesim-node.js';
import { startTurtlesimWeb, type TurtlesimWeb } from './web.js';

export const TURTLESIM_USAGE = `Usage: turtlesim_node [options]

Options:
  --port <n>     port of the web page on 127.0.0.1 (default: an ephemeral one)
  --png <file>   write the picture to <file> (PNG) on exit
  --no-web       no web page
  -h, --help     this help

After --ros-args, the ROS arguments of every ROS 2 program: -r __ns:=/sim, -r __node:=name,
-r from:=to, -p background_r:=0, --params-file FILE, --log-level LEVEL, ...`;

export interface TurtlesimArgs {
  readonly port: number;
  readonly png?: string;
  readonly web: boolean;
  readonly help: boolean;
}

/**
 * turtlesim_node's own options, from the arguments outside `--ros-args` sections; a string is the
 * message to print (with the usage, exit code 2). ROS arguments rcl refuses are refused here too.
 */
export function parseTurtlesimArgs(argv: readonly string[]): TurtlesimArgs | string {
  let values: { port?: string; png?: string; 'no-web'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: removeRosArgs(argv),
      options: {
        port: { type: 'string' },
        png: { type: 'string' },
        'no-web': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return `turtlesim_node: ${(error as Error).message}\n\n${TURTLESIM_USAGE}`;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return `turtlesim_node: --port must be an integer 0..65535, got '${values.port}'`;
  }
  return {
    port,
    ...(values.png !== undefined ? { png: values.png } : {}),
    web: values['no-web'] !== true,
    help: values.help === true,
  };
}

export interface RunTurtlesimOptions {
  /** Stops the node instead of (besides) SIGINT/SIGTERM. */
  readonly signal?: AbortSignal;
  /** Where the URL and messages go; default stdout. */
  readonly print?: (line: string) => void;
  /** Discovery etc.; default from the environment. */
  readonly context?: ContextOptions;
  /** Where the node's console log lines go; default rcutils's format on stderr. */
  readonly logSink?: LogSink;
  /** Called once turtlesim runs (tests). */
  readonly onStarted?: (info: { url: string | undefined }) => void;
}

/** Runs turtlesim until a signal; resolves with the process exit code. */
export async function runTurtlesimNode(
  argv: readonly string[],
  options: RunTurtlesimOptions = {},
): Promise<number> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const args = parseTurtlesimArgs(argv);
  if (typeof args === 'string') {
    print(args);
    return 2;
  }
  if (args.help) {
    print(TURTLESIM_USAGE);
    return 0;
  }
  let context: Context;
  try {
    context = await Context.create({ ...options.context, argv });
  } catch (error) {
    // In rcl's and rclcpp's words.
    if (!(error instanceof RosArgumentsError || error instanceof UnknownRosArgumentsError)) throw error;
    print(`turtlesim_node: ${error.message}`);
    return 2;
  }
  let web: TurtlesimWeb | undefined;
  try {
    const sim = startTurtlesim(context, {
      nodeOptions: options.logSink ? { logSink: options.logSink } : {},
    });
    if (args.web) {
      web = await startTurtlesimWeb(sim, { port: args.port });
      print(`turtlesim window: ${web.url}`);
    }
    options.onStarted?.({ url: web?.url });
    await untilStopped(options.signal);
    if (args.png) {
      await writeFile(args.png, encodePng(renderWorld(sim.world, sim.getBackground())));
      print(`turtlesim picture written to ${args.png}`);
    }
    await sim.stop();
    return 0;
  } finally {
    await web?.close();
    await context.shutdown();
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
