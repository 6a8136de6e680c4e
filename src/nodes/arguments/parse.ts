/**
 * ROS command-line arguments as rcl parses them (ros2/rcl `arguments.c` rcl_parse_arguments, flags
 * from `rcl/arguments.h`): only what stands between `--ros-args` and `--` (or the end) is ROS's;
 * several sections may appear. Inside one:
 *
 *   -r/--remap [node:]from:=to | __node:=name | __ns:=/ns     -p/--param [node:]name:=yaml
 *   --params-file FILE     --log-level [logger:=]level     -e/--enclave PATH
 *   --log-file-name PREFIX     --log-config-file FILE
 *   --enable-/--disable-stdout-logs, -rosout-logs, -external-lib-logs
 *
 * Anything else there is an unknown ROS argument (rclcpp's UnknownROSArgsError names them); a flag
 * whose value does not parse is a RosArgumentsError worded as rcl's ("Couldn't parse remap rule:
 * '-r foo'. Error: ..."). Deliberate difference: rcl still takes a `from:=to` outside `--ros-args`
 * as a remap rule (deprecated, with a warning); here arguments outside are never ROS's, so that a
 * program's own `a:=b` arguments stay its own.
 */
import { readFileSync } from 'node:fs';
import type { LogLevelValue } from '../logger.js';
import { ParameterOverrideSet, ParamsFileError, parseParamsFile } from './params-file.js';
import { parseLogLevelRule, parseParamRule, parseRemapRule, type RemapRule } from './rules.js';

export const ROS_ARGS_FLAG = '--ros-args';
export const ROS_ARGS_END = '--';

export interface LogLevels {
  /** `--log-level LEVEL`: every logger's level unless set by name (0: UNSET, i.e. INFO). */
  readonly default?: LogLevelValue | 0;
  /** `--log-level name:=LEVEL`, last one per name. */
  readonly loggers: ReadonlyMap<string, LogLevelValue | 0>;
}

/** What rcl keeps of an argument list (its `rcl_arguments_t`). */
export interface RosArguments {
  readonly remapRules: readonly RemapRule[];
  /** `--params-file` and `-p`, in argument order (see params-file.ts for precedence). */
  readonly parameterOverrides: ParameterOverrideSet;
  readonly parameterFiles: readonly string[];
  readonly logLevels: LogLevels;
  readonly enclave?: string;
  readonly logFileName?: string;
  readonly logConfigFile?: string;
  readonly stdoutLogsDisabled: boolean;
  readonly rosoutLogsDisabled: boolean;
  readonly externalLibLogsDisabled: boolean;
  /** Arguments inside a ROS section that are no ROS argument. */
  readonly unknownRosArguments: readonly string[];
  /** Every argument outside the ROS sections, in order (rclpy's `remove_ros_args`). */
  readonly nonRosArguments: readonly string[];
}

/** A ROS argument rcl refuses; the message is rcl's. */
export class RosArgumentsError extends Error {
  override name = 'RosArgumentsError';
  constructor(
    message: string,
    /** What rcl logs as a warning before failing ("Namespace not remapped to a fully qualified name..."). */
    readonly warnings: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Arguments in a ROS section that are no ROS argument; the message is rclcpp's. */
export class UnknownRosArgumentsError extends Error {
  override name = 'UnknownRosArgumentsError';
  constructor(readonly unknownRosArguments: readonly string[]) {
    super(`found unknown ROS arguments: '${unknownRosArguments.join("', '")}'`);
  }
}

export interface ParseRosArgumentsOptions {
  /** Reads a `--params-file`; default the file system (UTF-8). */
  readonly readFile?: (path: string) => string;
}

const NOT_SET = 'error not set';

interface Flag {
  /** How rcl names the value in "Couldn't parse <what>: '<flag> <value>'". */
  readonly what: string;
  /** rcl's message when the flag ends the argument list. */
  readonly trailing: (flag: string) => string;
}

const PARAM: Flag = {
  what: 'parameter override rule',
  trailing: (f) => `Couldn't parse trailing ${f} flag. No parameter override rule found.`,
};
const REMAP: Flag = {
  what: 'remap rule',
  trailing: (f) => `Couldn't parse trailing ${f} flag. No remap rule found.`,
};
const ENCLAVE: Flag = {
  what: 'enclave name',
  trailing: (f) => `Couldn't parse trailing ${f} flag. No enclave path provided.`,
};

/** The flags that take a value, in rcl's words. */
const FLAGS: ReadonlyMap<string, Flag> = new Map(
  Object.entries({
    '--param': PARAM,
    '-p': PARAM,
    '--remap': REMAP,
    '-r': REMAP,
    '--params-file': {
      what: 'params file',
      trailing: (f) => `Couldn't parse trailing ${f} flag. No file path provided.`,
    },
    '--log-level': {
      what: 'log level',
      trailing: (f) => `Couldn't parse trailing log level flag: '${f}'. No log level provided.`,
    },
    '--log-file-name': {
      what: 'log file name prefix',
      trailing: (f) => `Couldn't parse trailing ${f} flag. No string prefix provided.`,
    },
    '--log-config-file': {
      what: 'log configuration file',
      trailing: (f) => `Couldn't parse trailing ${f} flag. No file path provided.`,
    },
    '--enclave': ENCLAVE,
    '-e': ENCLAVE,
  }),
);

function disablingFlag(arg: string, suffix: string): boolean | undefined {
  if (arg === `--enable-${suffix}`) return false;
  if (arg === `--disable-${suffix}`) return true;
  return undefined;
}

/** Parses `argv` (without the program's path) as rcl_parse_arguments; throws RosArgumentsError. */
export function parseRosArguments(
  argv: readonly string[],
  options: ParseRosArgumentsOptions = {},
): RosArguments {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const remapRules: RemapRule[] = [];
  const parameterOverrides = new ParameterOverrideSet();
  const parameterFiles: string[] = [];
  const loggers = new Map<string, LogLevelValue | 0>();
  let defaultLevel: LogLevelValue | 0 | undefined;
  let enclave: string | undefined;
  let logFileName: string | undefined;
  let logConfigFile: string | undefined;
  let stdoutLogsDisabled = false;
  let rosoutLogsDisabled = false;
  let externalLibLogsDisabled = false;
  const unknownRosArguments: string[] = [];
  const nonRosArguments: string[] = [];
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  let inRosArgs = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!inRosArgs) {
      if (arg === ROS_ARGS_FLAG) inRosArgs = true;
      else nonRosArguments.push(arg);
      continue;
    }
    if (arg === ROS_ARGS_FLAG) continue;
    if (arg === ROS_ARGS_END) {
      inRosArgs = false;
      continue;
    }
    const value = argv[i + 1];
    const flag = FLAGS.get(arg);
    if (flag) {
      if (value === undefined) throw new RosArgumentsError(flag.trailing(arg));
      const refuse = (error: string | undefined): never => {
        throw new RosArgumentsError(
          `Couldn't parse ${flag.what}: '${arg} ${value}'. Error: ${error ?? NOT_SET}`,
          warnings,
        );
      };
      i++;
      switch (flag.what) {
        case 'parameter override rule': {
          const r = parseParamRule(value, parameterOverrides);
          if (!r.ok) refuse(r.error);
          break;
        }
        case 'remap rule': {
          const r = parseRemapRule(value, warn);
          if (!r.ok) return refuse(r.error);
          remapRules.push(r.value);
          break;
        }
        case 'params file': {
          let text: string;
          try {
            text = readFile(value);
          } catch {
            return refuse('Error opening YAML file');
          }
          try {
            parseParamsFile(text, parameterOverrides);
          } catch (e) {
            if (!(e instanceof ParamsFileError)) throw e;
            refuse(e.message);
          }
          parameterFiles.push(value);
          break;
        }
        case 'log level': {
          const r = parseLogLevelRule(value);
          if (!r.ok) return refuse(r.error);
          if (r.value.logger === undefined) defaultLevel = r.value.level;
          else loggers.set(r.value.logger, r.value.level);
          break;
        }
        case 'log file name prefix':
          logFileName = value;
          break;
        case 'log configuration file':
          logConfigFile = value;
          break;
        case 'enclave name':
          enclave = value;
          break;
      }
      continue;
    }
    const stdout = disablingFlag(arg, 'stdout-logs');
    if (stdout !== undefined) {
      stdoutLogsDisabled = stdout;
      continue;
    }
    const rosout = disablingFlag(arg, 'rosout-logs');
    if (rosout !== undefined) {
      rosoutLogsDisabled = rosout;
      continue;
    }
    const external = disablingFlag(arg, 'external-lib-logs');
    if (external !== undefined) {
      externalLibLogsDisabled = external;
      continue;
    }
    unknownRosArguments.push(arg);
  }

  return {
    remapRules,
    parameterOverrides,
    parameterFiles,
    logLevels: { ...(defaultLevel !== undefined ? { default: defaultLevel } : {}), loggers },
    ...(enclave !== undefined ? { enclave } : {}),
    ...(logFileName !== undefined ? { logFileName } : {}),
    ...(logConfigFile !== undefined ? { logConfigFile } : {}),
    stdoutLogsDisabled,
    rosoutLogsDisabled,
    externalLibLogsDisabled,
    unknownRosArguments,
    nonRosArguments,
  };
}

/** Throws UnknownRosArgumentsError if `args` has any (as rclcpp's init and NodeOptions do). */
export function assertNoUnknownRosArguments(args: RosArguments): void {
  if (args.unknownRosArguments.length > 0) throw new UnknownRosArgumentsError(args.unknownRosArguments);
}

/**
 * `argv` without its ROS arguments (rclpy's `remove_ros_args`): what a program parses as its own.
 * Throws RosArgumentsError for a ROS argument rcl refuses, as rclpy does.
 */
export function removeRosArgs(argv: readonly string[], options: ParseRosArgumentsOptions = {}): string[] {
  return [...parseRosArguments(argv, options).nonRosArguments];
}
