/**
 * A logger's level from `--log-level` rules, as rcutils finds a logger's effective level
 * (`rcutils_logging_get_logger_effective_level`): its own setting, else its nearest ancestor's
 * (`a.b` for `a.b.c`), else the default level; UNSET counts as not set.
 */
import type { LogLevelValue } from '../logger.js';
import type { LogLevels } from './parse.js';

/** The level `--log-level` rules give `loggerName`, or undefined when they say nothing about it. */
export function logLevelFor(levels: LogLevels, loggerName: string): LogLevelValue | undefined {
  let name = loggerName;
  for (;;) {
    const level = levels.loggers.get(name);
    if (level) return level;
    const cut = name.lastIndexOf('.');
    if (cut < 0) break;
    name = name.slice(0, cut);
  }
  return levels.default || undefined;
}
