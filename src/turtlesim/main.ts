/**
 * `turtlesim_node` as a command: a context (discovery from the environment, as rcl reads it),
 * turtlesim, and its window as a web page on 127.0.0.1. Runs until SIGINT or SIGTERM (or the
 * given AbortSignal), then writes the picture if `--png` was given and shuts down.
 *
 *   turtlesim_node [--port <n>] [--png <file>] [--no-web]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Context, type ContextOptions, type LogSink, type NodeOptions } from '../index.js';
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

After --ros-args, \`-p name:=value\` sets a parameter (e.g. -p background_r:=0); other ROS
arguments are ignored.`;

/** A parameter value as NodeOptions.parameterOverrides takes it. */
type ParameterValueInput = NonNullable<NodeOptions['parameterOverrides']>[string];

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
  const cut = argv.indexOf('--ros-args');
  let values: { port?: string; png?: string; 'no-web'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: cut >= 0 ? argv.slice(0, cut) : [...argv],
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
    print(`turtlesim_node: ${(error as Error).message}\n\n${TURTLESIM_USAGE}`);
    return 2;
  }
  if (values.help) {
    print(TURTLESIM_USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    print(`turtlesim_node: --port must be an integer 0..65535, got '${values.port}'`);
    return 2;
  }

  let overrides: Record<string, ParameterValueInput>;
  try {
    overrides = rosArgsParameters(cut >= 0 ? argv.slice(cut + 1) : []);
  } catch (error) {
    print(`turtlesim_node: ${(error as Error).message}`);
    return 2;
  }

  const context = await Context.create(options.context ?? {});
  let web: TurtlesimWeb | undefined;
  try {
    const sim = startTurtlesim(context, {
      nodeOptions: {
        parameterOverrides: overrides,
        ...(options.logSink ? { logSink: options.logSink } : {}),
      },
    });
    if (!values['no-web']) {
      web = await startTurtlesimWeb(sim, { port });
      print(`turtlesim window: ${web.url}`);
    }
    options.onStarted?.({ url: web?.url });
    await untilStopped(options.signal);
    if (values.png) {
      await writeFile(values.png, encodePng(renderWorld(sim.world, sim.getBackground())));
      print(`turtlesim picture written to ${values.png}`);
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

/**
 * The `-p name:=value` / `--param name:=value` of a `--ros-args` section, typed as a YAML scalar
 * would be: integer, double, true/false, else string. Other ROS arguments are skipped.
 */
export function rosArgsParameters(args: readonly string[]): Record<string, ParameterValueInput> {
  const out: Record<string, ParameterValueInput> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '-p' && args[i] !== '--param') continue;
    const assignment = args[++i] ?? '';
    const at = assignment.indexOf(':=');
    if (at <= 0) throw new Error(`-p needs name:=value, got '${assignment}'`);
    const text = assignment.slice(at + 2);
    let value: ParameterValueInput = text;
    if (/^[-+]?\d+$/.test(text)) value = { type: 'integer', value: BigInt(text) };
    else if (/^(true|false)$/i.test(text)) value = text.toLowerCase() === 'true';
    else if (text.trim() !== '' && Number.isFinite(Number(text))) value = Number(text);
    out[assignment.slice(0, at)] = value;
  }
  return out;
}
