/**
 * `ros2ts run <package> <executable> [args...]` for the executables ros2ts ships:
 * `turtlesim turtlesim_node` (ros2ts's turtlesim, in this process) and `ros2ts_examples
 * my_service_server|my_service_client|spawn_turtle|fibonacci_action_server|fibonacci_action_client`
 * (the tutorials' examples, as child processes, from a checkout where `dist/examples` is built).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../errors.js';

const EXECUTABLES: Readonly<Record<string, readonly string[]>> = {
  turtlesim: ['turtlesim_node'],
  ros2ts_examples: [
    'my_service_server',
    'my_service_client',
    'spawn_turtle',
    'fibonacci_action_server',
    'fibonacci_action_client',
  ],
};

/** `dist/src/cli/verbs` → the package root (the folder with package.json). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return dir;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a package specific executable')
    .argument('<package_name>', 'Name of the ROS package (turtlesim, ros2ts_examples)')
    .argument('<executable_name>', 'Name of the executable')
    .argument('[argv...]', 'Pass arbitrary arguments to the executable')
    .allowUnknownOption()
    .helpOption(false)
    .passThroughOptions()
    .action(async (pkg: string, executable: string, argv: string[]) => {
      const executables = EXECUTABLES[pkg];
      if (!executables) {
        throw new CliError(
          `Package '${pkg}' not found (ros2ts runs: ${Object.keys(EXECUTABLES).join(', ')})`,
        );
      }
      if (!executables.includes(executable)) throw new CliError('No executable found');
      process.exitCode = pkg === 'turtlesim' ? await runTurtlesim(argv) : await runExample(executable, argv);
    });
}

async function runTurtlesim(argv: string[]): Promise<number> {
  // Imported by a computed name: turtlesim is an optional part of the build.
  const specifier = '../../turtlesim/main.js';
  let mod: { runTurtlesimNode?: (argv: readonly string[]) => Promise<number> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('turtlesim/main.js')) {
      throw new CliError('turtlesim is not part of this build of ros2ts (src/turtlesim/main.ts is missing)');
    }
    throw error;
  }
  if (typeof mod.runTurtlesimNode !== 'function') {
    throw new CliError("turtlesim's module does not export runTurtlesimNode(argv)");
  }
  return mod.runTurtlesimNode(argv);
}

function runExample(name: string, argv: string[]): Promise<number> {
  const file = join(packageRoot(), 'dist', 'examples', `${name}.js`);
  if (!existsSync(file)) {
    throw new CliError(
      `${file} does not exist: the examples are built in a checkout of ros2ts (npm run build), not installed with the package`,
    );
  }
  return new Promise((resolve, reject) => {
    // Its own process group, so that a terminal's Ctrl-C reaches it once: through us.
    const child = spawn(process.execPath, [file, ...argv], { stdio: 'inherit', detached: true });
    const onInt = () => child.kill('SIGINT');
    const onTerm = () => child.kill('SIGTERM');
    const onExit = () => child.kill('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('exit', onExit);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('exit', onExit);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
