/**
 * Node logging as rcutils does it: severities DEBUG..FATAL with rcl_interfaces/msg/Log's numbers,
 * a minimum level per logger (INFO unless told otherwise), console lines in
 * RCUTILS_CONSOLE_OUTPUT_FORMAT (default `[{severity}] [{time}] [{name}]: {message}`) on stderr
 * (stdout with RCUTILS_LOGGING_USE_STDOUT=1), colored on a terminal as RCUTILS_COLORIZED_OUTPUT
 * says, and each record handed to the node's /rosout publisher.
 */
export const LogLevel = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 } as const;
export type LogLevelName = keyof typeof LogLevel;
export type LogLevelValue = (typeof LogLevel)[LogLevelName];

export interface LogRecord {
  readonly level: LogLevelValue;
  readonly name: string;
  readonly message: string;
  /** Wall-clock time in nanoseconds since the epoch. */
  readonly timeNs: bigint;
}

export type LogSink = (record: LogRecord) => void;

const NAMES = new Map<number, LogLevelName>(Object.entries(LogLevel).map(([k, v]) => [v, k as LogLevelName]));
const COLORS: Record<LogLevelName, string> = {
  DEBUG: '\x1b[32m',
  INFO: '',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  FATAL: '\x1b[31m',
};

/** Nanoseconds since the epoch: the wall clock at start plus the monotonic clock since. */
export function nowNs(): bigint {
  const origin = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  return origin;
}

function formatTime(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${s}.${frac}`;
}

/** Renders a record with an rcutils output format (the tokens ros2ts knows; others stay as typed). */
export function formatRecord(format: string, r: LogRecord): string {
  const severity = NAMES.get(r.level) ?? String(r.level);
  return format.replace(/\{(\w+)\}/g, (token, key: string) => {
    switch (key) {
      case 'severity':
        return severity;
      case 'name':
        return r.name;
      case 'message':
        return r.message;
      case 'time':
        return formatTime(r.timeNs);
      case 'time_as_nanoseconds':
        return r.timeNs.toString();
      case 'date_time_with_ms':
        return new Date(Number(r.timeNs / 1_000_000n)).toISOString().replace('T', ' ').replace('Z', '');
      case 'function_name':
      case 'file_name':
        return '';
      case 'line_number':
        return '0';
      default:
        return token;
    }
  });
}

export const DEFAULT_OUTPUT_FORMAT = '[{severity}] [{time}] [{name}]: {message}';

/** The console sink rcutils would give this process, from its environment. */
export function consoleSink(env: NodeJS.ProcessEnv = process.env): LogSink {
  const format = env['RCUTILS_CONSOLE_OUTPUT_FORMAT'] || DEFAULT_OUTPUT_FORMAT;
  const stream = env['RCUTILS_LOGGING_USE_STDOUT'] === '1' ? process.stdout : process.stderr;
  const colorSetting = env['RCUTILS_COLORIZED_OUTPUT'];
  const color = colorSetting === '1' || (colorSetting !== '0' && stream.isTTY === true);
  return (r) => {
    const line = formatRecord(format, r);
    const c = color ? COLORS[NAMES.get(r.level) ?? 'INFO'] : '';
    stream.write(c ? `${c}${line}\x1b[0m\n` : `${line}\n`);
  };
}

export class Logger {
  private minLevel: LogLevelValue;

  constructor(
    readonly name: string,
    private readonly sinks: readonly LogSink[],
    level: LogLevelValue = LogLevel.INFO,
  ) {
    this.minLevel = level;
  }

  get level(): LogLevelValue {
    return this.minLevel;
  }

  setLevel(level: LogLevelValue | LogLevelName): void {
    this.minLevel = typeof level === 'number' ? level : LogLevel[level];
  }

  isEnabledFor(level: LogLevelValue): boolean {
    return level >= this.minLevel;
  }

  /** A logger named `<this>.<suffix>`, writing to the same places. */
  child(suffix: string): Logger {
    return new Logger(`${this.name}.${suffix}`, this.sinks, this.minLevel);
  }

  debug(message: string): void {
    this.log(LogLevel.DEBUG, message);
  }
  info(message: string): void {
    this.log(LogLevel.INFO, message);
  }
  warn(message: string): void {
    this.log(LogLevel.WARN, message);
  }
  error(message: string): void {
    this.log(LogLevel.ERROR, message);
  }
  fatal(message: string): void {
    this.log(LogLevel.FATAL, message);
  }

  log(level: LogLevelValue, message: string): void {
    if (level < this.minLevel) return;
    const record: LogRecord = { level, name: this.name, message, timeNs: nowNs() };
    for (const sink of this.sinks) {
      try {
        sink(record);
      } catch {
        // A failing sink (a closed stream, a destroyed publisher) must not break the caller.
      }
    }
  }
}

/** rcl's logger name for a node: the namespace's segments and the name, joined by dots. */
export function nodeLoggerName(namespace: string, name: string): string {
  const segments = namespace.split('/').filter(Boolean);
  return [...segments, name].join('.');
}
