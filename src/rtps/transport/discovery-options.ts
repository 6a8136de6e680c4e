/**
 * Domain id, discovery range and static peers, from code and from the environment variables
 * rclcpp reads, with rcl's rules (rcl 9.2 `discovery_options.c`, `localhost.c`, `domain_id.c`,
 * `init.c`), so a ros2ts node in a shell finds the same peers a C++ node would:
 *
 * - ROS_AUTOMATIC_DISCOVERY_RANGE: unset or empty → SUBNET; OFF, LOCALHOST, SUBNET,
 *   SYSTEM_DEFAULT (exact, upper case); anything else → LOCALHOST with a warning, as rcl does.
 *   SYSTEM_DEFAULT means "the middleware's own default", which for ros2ts (as for Fast DDS and
 *   Cyclone DDS) is SUBNET.
 * - ROS_LOCALHOST_ONLY (deprecated): a value starting with '1' forces LOCALHOST and clears static
 *   peers, over everything else, even a range given in code (rcl reads it unless the deprecated
 *   `localhostOnly` option is set in code).
 * - ROS_STATIC_PEERS: ';'-separated; empty entries dropped; read only when no peers are given in
 *   code and the range is not OFF (OFF ignores static peers).
 * - ROS_DOMAIN_ID: unset or empty → 0; otherwise a decimal integer 0..232, or a
 *   DiscoveryConfigError naming the variable.
 *
 * What rcl only logs is returned in `warnings`, for the caller's logger.
 */
import { DiscoveryConfigError } from './errors.js';
import { MAX_DOMAIN_ID, validateDomainId } from './ports.js';

/** How far automatic discovery reaches: nowhere, this host, or the attached subnets (multicast). */
export type DiscoveryRange = 'off' | 'localhost' | 'subnet';

export interface DiscoveryOptions {
  readonly domainId: number;
  readonly range: DiscoveryRange;
  /** Hosts or addresses to contact by unicast in addition to automatic discovery, as given. */
  readonly staticPeers: readonly string[];
}

export interface ResolvedDiscoveryOptions extends DiscoveryOptions {
  /** Things rcl would log: deprecated variables, ignored values, fallbacks taken. */
  readonly warnings: readonly string[];
}

/** What code can set; each one given here wins over its environment variable. */
export interface DiscoveryOverrides {
  readonly domainId?: number;
  /** 'system-default' is accepted for symmetry with ROS_AUTOMATIC_DISCOVERY_RANGE; it means 'subnet'. */
  readonly range?: DiscoveryRange | 'system-default';
  readonly staticPeers?: readonly string[];
  /**
   * Deprecated, as in rcl: true forces 'localhost' and no static peers; false (or true) stops
   * ROS_LOCALHOST_ONLY from being read.
   */
  readonly localhostOnly?: boolean;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** rmw's RMW_DISCOVERY_OPTIONS_STATIC_PEERS_MAX_LENGTH (256, with the terminator); longer entries are skipped. */
export const MAX_STATIC_PEER_LENGTH = 255;

const RANGES: Readonly<Record<string, DiscoveryRange>> = {
  OFF: 'off',
  LOCALHOST: 'localhost',
  SUBNET: 'subnet',
  SYSTEM_DEFAULT: 'subnet',
};

/** The discovery options from the environment alone (the usual case). */
export function discoveryOptionsFromEnv(env: Environment = process.env): ResolvedDiscoveryOptions {
  return resolveDiscoveryOptions({}, env);
}

/** The discovery options from code, falling back to the environment for anything not given. */
export function resolveDiscoveryOptions(
  overrides: DiscoveryOverrides,
  env: Environment = process.env,
): ResolvedDiscoveryOptions {
  const warnings: string[] = [];
  if (overrides.domainId !== undefined) validateDomainId(overrides.domainId);
  const domainId = overrides.domainId ?? domainIdFromEnv(env);

  if (localhostOnly(overrides, env, warnings)) {
    if ((overrides.range ?? env['ROS_AUTOMATIC_DISCOVERY_RANGE'] ?? '') !== '') {
      warnings.push('localhost-only is enabled: the automatic discovery range is ignored');
    }
    if ((overrides.staticPeers?.length ?? 0) > 0 || (env['ROS_STATIC_PEERS'] ?? '') !== '') {
      warnings.push('localhost-only is enabled: static peers are ignored');
    }
    return { domainId, range: 'localhost', staticPeers: [], warnings };
  }

  const range =
    overrides.range === undefined
      ? rangeFromEnv(env, warnings)
      : overrides.range === 'system-default'
        ? 'subnet'
        : overrides.range;

  let staticPeers: readonly string[] = overrides.staticPeers ?? [];
  if (staticPeers.length === 0 && range !== 'off') {
    staticPeers = staticPeersFromEnv(env, warnings);
  } else if (staticPeers.length > 0 && range === 'off') {
    warnings.push('the automatic discovery range is OFF: static peers are ignored');
    staticPeers = [];
  }
  return { domainId, range, staticPeers: [...staticPeers], warnings };
}

function localhostOnly(overrides: DiscoveryOverrides, env: Environment, warnings: string[]): boolean {
  if (overrides.localhostOnly !== undefined) {
    if (overrides.localhostOnly) {
      warnings.push("the 'localhostOnly' option is deprecated; use range: 'localhost' instead");
    }
    return overrides.localhostOnly;
  }
  const value = env['ROS_LOCALHOST_ONLY'] ?? '';
  if (value === '') return false;
  // rcl compares only the first character (strncmp(value, "1", 1)), so "1", "10", "1 " enable it.
  if (value.startsWith('1')) {
    warnings.push(
      'ROS_LOCALHOST_ONLY is deprecated but still honored: use ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST instead',
    );
    return true;
  }
  if (value !== '0') {
    warnings.push(
      `ROS_LOCALHOST_ONLY=${JSON.stringify(value)} does not start with 1: localhost-only stays off`,
    );
  }
  return false;
}

function rangeFromEnv(env: Environment, warnings: string[]): DiscoveryRange {
  const value = env['ROS_AUTOMATIC_DISCOVERY_RANGE'] ?? '';
  if (value === '') return 'subnet';
  const range = RANGES[value];
  if (range !== undefined) return range;
  // rcl falls back to LOCALHOST, the safe choice: a typo must not widen discovery.
  const hint = RANGES[value.toUpperCase()] !== undefined ? ` (write ${value.toUpperCase()}: upper case)` : '';
  warnings.push(
    `invalid ROS_AUTOMATIC_DISCOVERY_RANGE=${JSON.stringify(value)}${hint}: expected OFF, LOCALHOST, SUBNET ` +
      'or SYSTEM_DEFAULT; assuming LOCALHOST, as rcl does',
  );
  return 'localhost';
}

function staticPeersFromEnv(env: Environment, warnings: string[]): string[] {
  const peers: string[] = [];
  // rcl splits on ';' and drops empty entries; trimming spaces is ours ("a; b" means "a" and "b").
  for (const raw of (env['ROS_STATIC_PEERS'] ?? '').split(';')) {
    const peer = raw.trim();
    if (peer === '') continue;
    if (peer.length > MAX_STATIC_PEER_LENGTH) {
      warnings.push(
        `static peer '${peer.slice(0, 40)}...' in ROS_STATIC_PEERS is longer than ${MAX_STATIC_PEER_LENGTH} characters; skipped`,
      );
      continue;
    }
    peers.push(peer);
  }
  return peers;
}

function domainIdFromEnv(env: Environment): number {
  const raw = env['ROS_DOMAIN_ID'] ?? '';
  const value = raw.trim();
  if (value === '') return 0;
  // Decimal only: rcl's strtoul(…, 0) would read "010" as octal 8 and "0x10" as 16; refusing them
  // beats silently joining another domain than the one the user meant.
  if (!/^(0|[1-9]\d*)$/.test(value)) {
    throw new DiscoveryConfigError(
      'ROS_DOMAIN_ID',
      raw,
      `expected a decimal integer from 0 to ${MAX_DOMAIN_ID} (or unset for 0)`,
    );
  }
  const domainId = Number(value);
  if (domainId > MAX_DOMAIN_ID) {
    throw new DiscoveryConfigError(
      'ROS_DOMAIN_ID',
      raw,
      `must be from 0 to ${MAX_DOMAIN_ID}: larger domains put RTPS ports beyond 65535`,
    );
  }
  return domainId;
}
