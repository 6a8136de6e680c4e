/**
 * The Foxglove WebSocket protocol's `parameters` and `parametersSubscribe` capabilities over the
 * ROS graph, as foxglove_bridge serves them (ros2_foxglove_bridge/src/parameter_interface.cpp):
 *
 * - getParameters: the names grouped by node, each node asked through its parameter services
 *   (one ParameterClient a node, made on first use); an empty list asks every node that offers
 *   list_parameters and get_parameters (the bridge's own node aside) for all it has.
 * - setParameters: each node's share set one by one (not atomically); with an `id`, the values
 *   are read back and answered as parameterValues with that `id`.
 * - subscribeParameterUpdates: new and changed values from `/parameter_events` (one
 *   ParameterEventHandler, alive while some client subscribes), sent to each client that asked
 *   for them; an empty list subscribes to every parameter (the spec's "all currently known"),
 *   an empty unsubscribe list ends them all.
 *
 * Every node's calls share one deadline, and nodes are asked side by side, so a node that does
 * not answer costs its own parameters only. What fails is told to the client as a status message.
 */
import type { Parameter as FoxgloveParameter } from '@foxglove/ws-protocol';
import {
  type Node,
  type Parameter,
  ParameterClient,
  type ParameterEvent,
  ParameterEventHandler,
  type ParameterValue,
  parametersFromEvent,
} from '../../index.js';
import { nodeFqn } from '../../rmw/names.js';
import { BridgeInputError } from '../errors.js';
import {
  foxgloveOfParameter,
  joinParameterName,
  parameterOfFoxglove,
  splitParameterName,
} from './parameter-json.js';

/** The protocol's status levels. */
export const STATUS_WARNING = 1;
export const STATUS_ERROR = 2;

/** Where answers go: one client connection `C`. */
export interface ParameterSink<C> {
  values(connection: C, parameters: FoxgloveParameter[], id?: string): void;
  status(connection: C, level: typeof STATUS_WARNING | typeof STATUS_ERROR, message: string): void;
}

interface UpdateSubscription {
  all: boolean;
  readonly names: Set<string>;
}

export class FoxgloveParameters<C> {
  private readonly clients = new Map<string, ParameterClient>();
  private readonly subscriptions = new Map<C, UpdateSubscription>();
  private events: ParameterEventHandler | undefined;

  constructor(
    private readonly node: Node,
    private readonly sink: ParameterSink<C>,
    /** Each node's deadline for one request (foxglove_bridge waits 5 s). */
    private readonly timeoutMs = 5_000,
  ) {}

  async get(connection: C, names: unknown, id: unknown): Promise<void> {
    const list = this.stringList(connection, names, 'parameterNames');
    if (!list) return;
    const byNode = list.length === 0 ? this.allNodes() : this.groupByNode(connection, list);
    const values = await this.fetch(connection, byNode);
    this.sink.values(connection, values, requestId(id));
  }

  async set(connection: C, parameters: unknown, id: unknown): Promise<void> {
    if (!Array.isArray(parameters)) {
      this.sink.status(connection, STATUS_ERROR, "setParameters: 'parameters' must be a list");
      return;
    }
    const byNode = new Map<string, { name: string; value: ParameterValue }[]>();
    const names: string[] = [];
    for (const p of parameters as unknown[]) {
      try {
        const { name, value, type } = (p ?? {}) as Record<string, unknown>;
        const { node, param } = splitParameterName(name);
        const parsed = parameterOfFoxglove({ value, type });
        byNode.set(node, [...(byNode.get(node) ?? []), { name: param, value: parsed }]);
        names.push(name as string);
      } catch (error) {
        this.sink.status(connection, STATUS_ERROR, `setParameters: ${message(error)}`);
      }
    }
    await Promise.all(
      [...byNode].map(async ([node, params]) => {
        try {
          const results = await this.client(node).setParameters(params, { timeout: this.timeoutMs });
          results.forEach((r, i) => {
            if (!r.successful)
              this.sink.status(
                connection,
                STATUS_WARNING,
                `failed to set ${joinParameterName(node, params[i]?.name ?? '?')}: ${r.reason}`,
              );
          });
        } catch (error) {
          this.sink.status(
            connection,
            STATUS_ERROR,
            `failed to set parameters of ${node}: ${message(error)}`,
          );
        }
      }),
    );
    // As foxglove_bridge: only a request with an id is answered, with the values as they are now.
    const answerId = requestId(id);
    if (answerId === undefined) return;
    const values = names.length > 0 ? await this.fetch(connection, this.groupByNode(connection, names)) : [];
    this.sink.values(connection, values, answerId);
  }

  subscribe(connection: C, names: unknown): void {
    const list = this.stringList(connection, names, 'parameterNames');
    if (!list) return;
    let sub = this.subscriptions.get(connection);
    if (!sub) {
      sub = { all: false, names: new Set() };
      this.subscriptions.set(connection, sub);
    }
    if (list.length === 0) sub.all = true;
    for (const name of list) {
      try {
        splitParameterName(name);
        sub.names.add(name);
      } catch (error) {
        this.sink.status(connection, STATUS_ERROR, `subscribeParameterUpdates: ${message(error)}`);
      }
    }
    if (!sub.all && sub.names.size === 0) this.subscriptions.delete(connection);
    this.followEvents();
  }

  unsubscribe(connection: C, names: unknown): void {
    const list = this.stringList(connection, names, 'parameterNames');
    if (!list) return;
    const sub = this.subscriptions.get(connection);
    if (sub && list.length > 0) for (const name of list) sub.names.delete(name);
    if (sub && (list.length === 0 || (!sub.all && sub.names.size === 0)))
      this.subscriptions.delete(connection);
    this.followEvents();
  }

  /** The connection closed. */
  drop(connection: C): void {
    this.subscriptions.delete(connection);
    this.followEvents();
  }

  close(): void {
    this.subscriptions.clear();
    this.followEvents();
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  /** `/parameter_events` is listened to while some client wants updates, and only then. */
  private followEvents(): void {
    if (this.subscriptions.size > 0 && !this.events) {
      this.events = new ParameterEventHandler(this.node);
      this.events.addParameterEventCallback(this.onEvent);
    } else if (this.subscriptions.size === 0 && this.events) {
      this.events.destroy();
      this.events = undefined;
    }
  }

  private readonly onEvent = (event: ParameterEvent): void => {
    const updates = parametersFromEvent(event).flatMap((p) => {
      const f = foxgloveOfParameter(joinParameterName(event.node, p.name), p.value);
      return f ? [f] : [];
    });
    if (updates.length === 0) return;
    for (const [connection, sub] of this.subscriptions) {
      const wanted = sub.all ? updates : updates.filter((u) => sub.names.has(u.name));
      if (wanted.length > 0) this.sink.values(connection, wanted);
    }
  };

  /** Every node that serves its parameters, for "all parameters"; undefined names: all of the node's. */
  private allNodes(): Map<string, string[] | undefined> {
    const own = this.node.fullyQualifiedName;
    const offered = new Set(this.node.getServiceNamesAndTypes().map((s) => s.name));
    const out = new Map<string, string[] | undefined>();
    for (const n of this.node.getNodeNames({ includeHidden: true })) {
      const fqn = nodeFqn(n.namespace, n.name);
      if (fqn !== own && offered.has(`${fqn}/list_parameters`) && offered.has(`${fqn}/get_parameters`))
        out.set(fqn, undefined);
    }
    return out;
  }

  private groupByNode(connection: C, names: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const name of names) {
      try {
        const { node, param } = splitParameterName(name);
        out.set(node, [...(out.get(node) ?? []), param]);
      } catch (error) {
        this.sink.status(connection, STATUS_ERROR, message(error));
      }
    }
    return out;
  }

  /** Each node asked side by side; a node that fails is reported and left out. */
  private async fetch(
    connection: C,
    byNode: ReadonlyMap<string, string[] | undefined>,
  ): Promise<FoxgloveParameter[]> {
    const perNode = await Promise.all(
      [...byNode].map(([node, names]) =>
        this.fetchNode(node, names).catch((error: unknown) => {
          this.sink.status(
            connection,
            STATUS_ERROR,
            `failed to get parameters of ${node}: ${message(error)}`,
          );
          return [];
        }),
      ),
    );
    return perNode.flat();
  }

  private async fetchNode(node: string, names: readonly string[] | undefined): Promise<FoxgloveParameter[]> {
    const client = this.client(node);
    const deadline = Date.now() + this.timeoutMs;
    const options = () => ({ timeout: Math.max(1, deadline - Date.now()) });
    const wanted = names ?? (await client.listParameters([], 0, options())).names;
    if (wanted.length === 0) return [];
    let params = await client.getParameters(wanted, options());
    // rclcpp answers nothing at all when one name is unknown: ask one by one to keep the others.
    if (params.length === 0 && wanted.length > 1) {
      const each = await Promise.all(wanted.map((n) => client.getParameters([n], options())));
      params = each.flat();
    }
    return params.flatMap((p: Parameter) => {
      const f = foxgloveOfParameter(joinParameterName(node, p.name), p.value);
      return f ? [f] : [];
    });
  }

  private client(node: string): ParameterClient {
    let c = this.clients.get(node);
    if (!c) {
      // Clients only for nodes the graph has: names a web client makes up cost nothing.
      if (!this.node.getNodeNames({ includeHidden: true }).some((n) => nodeFqn(n.namespace, n.name) === node))
        throw new BridgeInputError(`node ${node} is not in the graph`);
      c = new ParameterClient(this.node, node);
      this.clients.set(node, c);
    }
    return c;
  }

  private stringList(connection: C, value: unknown, field: string): string[] | undefined {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    this.sink.status(connection, STATUS_ERROR, `'${field}' must be a list of strings`);
    return undefined;
  }
}

function requestId(id: unknown): string | undefined {
  return typeof id === 'string' ? id : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
