/**
 * The node a `ros2ts param` verb talks to: waiting for it in the graph (ros2node's wait_for_node)
 * and calling its parameter services as rclpy's AsyncParameterClient does; shared by the param verbs.
 */
import type { Command } from 'commander';
import { type Client, nodeFqn } from '../index.js';
import { addGraphOptions, int } from './common.js';
import { CliError } from './errors.js';
import type { Session } from './session.js';

const SERVICE_WAIT_MS = 5_000;
const CALL_TIMEOUT_MS = 10_000;

/** One node's parameter services, called with raw rcl_interfaces messages as ros2param does. */
export class ParameterClient {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly session: Session,
    readonly nodeName: string,
  ) {}

  /** Calls `<node>/<service>`; undefined when the service is not there within 5 s. */
  async call(service: string, type: string, request: unknown): Promise<Record<string, unknown> | undefined> {
    let client = this.clients.get(service);
    if (!client) {
      client = this.session.node.createClient(type, `${this.nodeName}/${service}`);
      this.clients.set(service, client);
    }
    try {
      await client.waitForService({ timeout: SERVICE_WAIT_MS });
    } catch {
      return undefined;
    }
    try {
      return (await client.call(request as never, { timeout: CALL_TIMEOUT_MS })) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(
        `Exception while calling service of node '${this.nodeName}': ${(error as Error).message}`,
      );
    }
  }

  async required(service: string, type: string, request: unknown): Promise<Record<string, unknown>> {
    const r = await this.call(service, type, request);
    if (!r) {
      throw new CliError(
        `Wait for service timed out waiting for parameter services for node ${this.nodeName}`,
      );
    }
    return r;
  }
}

export interface SetResult {
  readonly successful: boolean;
  readonly reason: string;
}

/** `<prefix>[: reason]`, as ros2param words every set result. */
export function withReason(prefix: string, r: SetResult): string {
  return r.reason ? `${prefix}: ${r.reason}` : prefix;
}

export interface NodeOptions {
  includeHiddenNodes?: boolean;
  timeout: number;
  spinTime?: number;
}

/** ros2node's wait_for_node: the node is in the graph within `timeout` seconds (after discovery). */
export async function requireNode(s: Session, nodeName: string, o: NodeOptions): Promise<void> {
  const present = () =>
    s.node
      .getNodeNames({ includeHidden: o.includeHiddenNodes === true })
      .some((n) => nodeFqn(n.namespace, n.name) === nodeName);
  await s.waitForDiscovery({
    spinTime: o.spinTime,
    until: present,
    maxMs: Math.max(2_000, o.timeout * 1000),
  });
  if (!present()) throw new CliError('Node not found');
}

/** `param <verb> <node_name>` with the options every per-node verb takes. */
export function nodeCommand(param: Command, name: string): Command {
  return addGraphOptions(
    param
      .command(name)
      .argument('<node_name>', 'Name of the ROS node')
      .option('--include-hidden-nodes', 'Consider hidden nodes as well')
      .option('--timeout <N>', 'Wait for N seconds until node becomes available (default 1 sec)', int, 1),
  );
}

/** String order for sort(), as ros2param's sorted() orders node and parameter names. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
