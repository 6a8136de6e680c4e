/**
 * Interface names as the CLI takes them (`turtlesim/srv/Spawn`, or `turtlesim/Spawn` with the
 * kind implied by the verb, as rosidl_runtime_py's get_message/get_service accept), and the
 * registry the codecs use: AMENT_PREFIX_PATH first, then the definitions bundled with ros2ts.
 */
import { defaultCodecs, InterfaceNotFoundError, type InterfaceRegistry } from '../index.js';
import { CliError } from './errors.js';

export type InterfaceKind = 'msg' | 'srv' | 'action';

export function registry(): InterfaceRegistry {
  return defaultCodecs().registry;
}

/** `pkg/Name` → `pkg/<kind>/Name`; a full name is kept. Undefined when the text is no type name. */
export function fullTypeName(text: string, kind: InterfaceKind): string | undefined {
  const parts = text.split('/');
  if (parts.length === 2 && parts.every((p) => p !== '')) return `${parts[0]}/${kind}/${parts[1]}`;
  if (parts.length === 3 && parts.every((p) => p !== '')) return text;
  return undefined;
}

function explain(error: unknown): string {
  if (error instanceof InterfaceNotFoundError) {
    return `no definition of '${error.interfaceName}' in ${searchPathsText()}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

/** The full name of a message type the registry knows, or a CliError in ros2's words plus why. */
export function messageType(text: string): string {
  const full = fullTypeName(text, 'msg');
  if (full?.split('/')[1] !== 'msg') {
    throw new CliError(`The passed message type is invalid: '${text}' is not of the form 'package/msg/Name'`);
  }
  try {
    registry().get(full);
  } catch (error) {
    throw new CliError(`The passed message type is invalid: ${explain(error)}`);
  }
  return full;
}

/** The full name of a service type the registry knows (`pkg/srv/Name`). */
export function serviceType(text: string): string {
  const full = fullTypeName(text, 'srv');
  if (!full) {
    throw new CliError(`The passed service type is invalid: '${text}' is not of the form 'package/srv/Name'`);
  }
  if (full.split('/')[1] !== 'srv') throw new CliError('The passed type is not a service');
  try {
    registry().get(`${full}_Request`);
    registry().get(`${full}_Response`);
  } catch (error) {
    throw new CliError(`The passed service type is invalid: ${explain(error)}`);
  }
  return full;
}

/** Where definitions are looked up, for messages: `AMENT_PREFIX_PATH (2 prefixes) and the bundled definitions`. */
export function searchPathsText(): string {
  const sources = registry().sources;
  const ament = sources.filter((s) => s.origin === 'ament').length;
  const user = sources.filter((s) => s.origin === 'user').length;
  const parts: string[] = [];
  if (user > 0) parts.push(`${user} user folder(s)`);
  if (ament > 0) parts.push(`AMENT_PREFIX_PATH (${ament} prefix${ament === 1 ? '' : 'es'})`);
  if (sources.some((s) => s.origin === 'bundled')) parts.push('the definitions bundled with ros2ts');
  return parts.length === 0 ? 'no source' : parts.join(', ');
}
