/**
 * Fast DDS Discovery Server: who the servers are, as rmw_fastrtps users name them.
 *
 * `ROS_DISCOVERY_SERVER` is read by Fast DDS itself (2.9.1 `load_environment_server_info`,
 * PDPClient.cpp), with these rules:
 * - a ';'-separated list; the position of an entry is the server's id (0, 1, ...); an empty entry
 *   only skips an id (";127.0.0.1" is server 1); one trailing ';' adds nothing;
 * - an entry is `address[:port]`, the port 11811 by default (DEFAULT_ROS2_SERVER_PORT); 0.0.0.0
 *   means 127.0.0.1 ("a server cannot be reached on all interfaces"); a host name is resolved;
 *   ids stop at 255;
 * - any bad entry makes the whole list void (Fast DDS logs an error and clears it).
 * We follow them, except that a bad list is an error (DiscoveryConfigError) rather than a client
 * with no server at all, and entries are trimmed. IPv6 servers are refused: our transport is UDPv4.
 *
 * A server's GUID prefix follows from its id: 44.53.<id>.5f.45.50.52.4f.53.49.4d.41
 * (DEFAULT_ROS2_SERVER_GUIDPREFIX in ServerAttributes.h, third octet = id;
 * `get_server_client_default_guidPrefix`), which is what `fastdds discovery -i <id>` takes. A
 * client needs it: it talks to the server's builtin endpoints before the server has answered.
 *
 * `ROS_SUPER_CLIENT` (read by Fast DDS 2.13 and later, `ros_super_client_env`): TRUE, true, True
 * or 1 make the client a SUPER_CLIENT (the server sends it every participant's and endpoint's
 * discovery data, not only what its own topics need); FALSE, false, False, 0 or unset do not;
 * anything else is an error Fast DDS logs before going on as a plain client.
 */

import type { Environment } from '../transport/discovery-options.js';
import { DiscoveryConfigError } from '../transport/errors.js';
import type { GuidPrefix } from '../wire/types.js';

export const DISCOVERY_SERVER_VARIABLE = 'ROS_DISCOVERY_SERVER';
export const SUPER_CLIENT_VARIABLE = 'ROS_SUPER_CLIENT';
/** DEFAULT_ROS2_SERVER_PORT. */
export const DEFAULT_DISCOVERY_SERVER_PORT = 11811;
/** Ids are one octet of the GUID prefix. */
export const MAX_DISCOVERY_SERVER_ID = 255;

/** One server as the list names it. `host` may be a name still to resolve. */
export interface DiscoveryServerAddress {
  /** Its position in the list: the third octet of its GUID prefix. */
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

/** How this participant uses Discovery Servers. */
export interface DiscoveryServerOptions {
  readonly servers: readonly DiscoveryServerAddress[];
  /** Ask the servers for everything (SUPER_CLIENT), as a command-line tool needs; default false. */
  readonly superClient?: boolean;
  /**
   * Also discover as without a server (multicast SPDP, static peers); default false, as a Fast DDS
   * client does neither.
   */
  readonly alsoMulticast?: boolean;
}

/** The participant type a server reads from PID_PROPERTY_LIST (PDPServerListener.cpp). */
export const PARTICIPANT_TYPE_PROPERTY = 'PARTICIPANT_TYPE';
/** The Discovery Server protocol version property, and the one Fast DDS 2.9.1 clients send. */
export const DS_VERSION_PROPERTY = 'DS_VERSION';
export const DS_VERSION = '2.0';

const SERVER_PREFIX = [0x44, 0x53, 0x00, 0x5f, 0x45, 0x50, 0x52, 0x4f, 0x53, 0x49, 0x4d, 0x41];

/** The GUID prefix of the server with this id. */
export function serverGuidPrefix(id: number): GuidPrefix {
  if (!Number.isInteger(id) || id < 0 || id > MAX_DISCOVERY_SERVER_ID)
    throw new RangeError(`discovery server id ${id} is not an integer from 0 to ${MAX_DISCOVERY_SERVER_ID}`);
  const prefix = Uint8Array.from(SERVER_PREFIX);
  prefix[2] = id;
  return prefix;
}

/** The server id a GUID prefix belongs to, or undefined if it is not one of the default prefixes. */
export function serverIdOf(prefix: GuidPrefix): number | undefined {
  if (prefix.length !== 12) return undefined;
  for (let i = 0; i < 12; i++) if (i !== 2 && prefix[i] !== SERVER_PREFIX[i]) return undefined;
  return prefix[2];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// Fast DDS's ROS2_DNS_DOMAINPORT_PATTERN: word characters, dots and dashes, at most 63.
const NAME = /^[\w.-]{1,63}$/;

/**
 * The servers of a ROS_DISCOVERY_SERVER value; an empty value gives none. Throws
 * DiscoveryConfigError naming the variable when an entry is not an address Fast DDS would take.
 */
export function parseDiscoveryServers(value: string): DiscoveryServerAddress[] {
  if (value.trim() === '') return [];
  const entries = value.split(';');
  // Fast DDS matches `([^;]*);?` repeatedly, never empty: a last ';' closes the list.
  if (entries.length > 1 && entries[entries.length - 1] === '') entries.pop();
  const fail = (detail: string): never => {
    throw new DiscoveryConfigError(DISCOVERY_SERVER_VARIABLE, value, detail);
  };
  const servers: DiscoveryServerAddress[] = [];
  entries.forEach((raw, id) => {
    const entry = raw.trim();
    if (entry === '') return;
    if (id > MAX_DISCOVERY_SERVER_ID)
      fail(`entry ${id} ('${entry}'): server ids stop at ${MAX_DISCOVERY_SERVER_ID}`);
    const { host, port } = splitEntry(entry, fail);
    servers.push({ id, host, port });
  });
  if (servers.length === 0) fail('no server address in the list');
  return servers;
}

function splitEntry(entry: string, fail: (detail: string) => never): { host: string; port: number } {
  if (entry.includes('[') || entry.split(':').length > 2) {
    // Fast DDS also takes `UDPv4:[host]:port`; keep that, refuse IPv6.
    const formal = /^UDPv4:\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (!formal) fail(`'${entry}': IPv6 and other transports are not supported (UDPv4 only)`);
    return { host: checkHost(formal![1]!, entry, fail), port: checkPort(formal![2], entry, fail) };
  }
  const colon = entry.indexOf(':');
  const host = colon < 0 ? entry : entry.slice(0, colon);
  const port = colon < 0 ? undefined : entry.slice(colon + 1);
  return { host: checkHost(host, entry, fail), port: checkPort(port, entry, fail) };
}

function checkHost(host: string, entry: string, fail: (detail: string) => never): string {
  const v4 = IPV4.exec(host);
  if (v4) {
    if (v4.slice(1).some((octet) => Number(octet) > 255)) fail(`'${entry}': not an IPv4 address`);
    return host === '0.0.0.0' ? '127.0.0.1' : host;
  }
  if (/^[\d.]+$/.test(host) || !NAME.test(host)) fail(`'${entry}': not an IPv4 address or host name`);
  return host;
}

function checkPort(port: string | undefined, entry: string, fail: (detail: string) => never): number {
  if (port === undefined) return DEFAULT_DISCOVERY_SERVER_PORT;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    fail(`'${entry}': the port must be a number from 1 to 65535`);
  return Number(port);
}

const TRUE_VALUES = new Set(['TRUE', 'true', 'True', '1']);
const FALSE_VALUES = new Set(['FALSE', 'false', 'False', '0']);

/** ROS_SUPER_CLIENT as Fast DDS reads it; what it would log goes to `warnings`. */
export function superClientFromEnv(env: Environment, warnings: string[]): boolean | undefined {
  const value = env[SUPER_CLIENT_VARIABLE] ?? '';
  if (value === '') return undefined;
  if (TRUE_VALUES.has(value)) return true;
  if (FALSE_VALUES.has(value)) return false;
  warnings.push(
    `invalid ${SUPER_CLIENT_VARIABLE}=${JSON.stringify(value)}: expected TRUE, true, True, 1, FALSE, false, False or 0; not a super client`,
  );
  return undefined;
}

export interface ResolvedDiscoveryServer {
  /** Undefined when ROS_DISCOVERY_SERVER is unset or empty: discovery is as without a server. */
  readonly options?: DiscoveryServerOptions;
  readonly warnings: readonly string[];
}

/**
 * The Discovery Server setup from the environment. `superClientByDefault` is for command-line
 * tools: they need the whole graph, so they are super clients unless ROS_SUPER_CLIENT says no.
 */
export function discoveryServerFromEnv(
  env: Environment = process.env,
  superClientByDefault = false,
): ResolvedDiscoveryServer {
  const warnings: string[] = [];
  const servers = parseDiscoveryServers(env[DISCOVERY_SERVER_VARIABLE] ?? '');
  const superClient = superClientFromEnv(env, warnings) ?? superClientByDefault;
  if (servers.length === 0) return { warnings };
  return { options: { servers, superClient }, warnings };
}

/** A server with its address resolved to IPv4. */
export interface DiscoveryServerEndpoint {
  readonly id: number;
  readonly prefix: GuidPrefix;
  readonly address: string;
  readonly port: number;
}

/** Looks a host name up (IPv4); the default is node:dns. */
export type HostLookup = (host: string) => Promise<string>;

/** The servers with their host names resolved and their GUID prefixes. */
export async function resolveDiscoveryServers(
  servers: readonly DiscoveryServerAddress[],
  lookup: HostLookup,
): Promise<DiscoveryServerEndpoint[]> {
  return Promise.all(
    servers.map(async (s) => ({
      id: s.id,
      prefix: serverGuidPrefix(s.id),
      address: IPV4.test(s.host) ? s.host : await lookup(s.host),
      port: s.port,
    })),
  );
}
