/**
 * The `rosapi` services roslibjs calls for the graph (Ros.getTopics, getServices, getNodes,
 * getNodeDetails, getTopicType, ...), answered by the bridge itself from the ros2ts graph cache
 * rather than by a separate rosapi node: the request and response fields are those of
 * rosapi_msgs' srv files (rosbridge_suite, ROS 2 branch), so the answers read the same.
 */
import type { Context, Node } from '../../index.js';
import { nodeFqn, splitNodeFqn, topicToDds } from '../../rmw/names.js';
import { BridgeInputError } from '../errors.js';
import type { JsonValue } from '../json-message.js';
import { normalizeTypeName } from '../type-names.js';

export type RosapiHandler = (args: Record<string, unknown>) => Promise<JsonValue> | JsonValue;

/** Whether a service name (`rosapi/topics`, `/rosapi/topics`) is one of rosapi's. */
export function rosapiOperation(service: string): string | undefined {
  const m = /^\/?rosapi\/([a-z_]+)$/.exec(service);
  return m?.[1];
}

export class Rosapi {
  private readonly handlers: Record<string, RosapiHandler>;

  constructor(
    private readonly context: Context,
    private readonly node: Node,
    /** The rosapi parameter calls, which need service clients (see rosapi-params.ts). */
    params: Record<string, RosapiHandler> = {},
  ) {
    const topics = () => this.node.getTopicNamesAndTypes();
    const services = () => this.node.getServiceNamesAndTypes();
    const str = (args: Record<string, unknown>, key: string): string => {
      const v = args[key];
      if (typeof v !== 'string') throw new BridgeInputError(`rosapi: '${key}' must be a string`);
      return v;
    };
    const endpointNodes = (topic: string, kind: 'writer' | 'reader'): string[] => {
      const names = new Set<string>();
      for (const e of this.context.graph.endpointsOn(topicToDds(topic), kind)) {
        const n = this.context.graph.nodeOfEndpoint(e.guid);
        if (n) names.add(nodeFqn(n.namespace, n.name));
      }
      return [...names].sort();
    };
    this.handlers = {
      topics: () => {
        const t = topics();
        return { topics: t.map((x) => x.name), types: t.map((x) => x.types[0] ?? '') };
      },
      topics_for_type: (a) => {
        const type = normalizeTypeName(str(a, 'type'), 'msg');
        return {
          topics: topics()
            .filter((t) => t.types.includes(type))
            .map((t) => t.name),
        };
      },
      topic_type: (a) => {
        const topic = str(a, 'topic');
        return { type: topics().find((t) => t.name === topic)?.types[0] ?? '' };
      },
      services: () => ({ services: services().map((s) => s.name) }),
      services_for_type: (a) => {
        const type = normalizeTypeName(str(a, 'type'), 'srv');
        return {
          services: services()
            .filter((s) => s.types.includes(type))
            .map((s) => s.name),
        };
      },
      service_type: (a) => {
        const service = str(a, 'service');
        return { type: services().find((s) => s.name === service)?.types[0] ?? '' };
      },
      nodes: () => ({ nodes: this.node.getNodeNames().map((n) => nodeFqn(n.namespace, n.name)) }),
      node_details: (a) => {
        const { namespace, name } = splitNodeFqn(str(a, 'node'));
        const info = this.context.graph.nodeInfo(namespace, name);
        return {
          subscribing: info?.subscribers.map((t) => t.name) ?? [],
          publishing: info?.publishers.map((t) => t.name) ?? [],
          services: info?.serviceServers.map((s) => s.name) ?? [],
        };
      },
      publishers: (a) => ({ publishers: endpointNodes(str(a, 'topic'), 'writer') }),
      subscribers: (a) => ({ subscribers: endpointNodes(str(a, 'topic'), 'reader') }),
      action_servers: () => ({ action_servers: this.node.getActionNamesAndTypes().map((x) => x.name) }),
      ...params,
    };
  }

  /** Answers a call to `rosapi/<operation>`; BridgeInputError for one it does not know. */
  async call(operation: string, args: Record<string, unknown>): Promise<JsonValue> {
    const handler = Object.hasOwn(this.handlers, operation) ? this.handlers[operation] : undefined;
    if (!handler)
      throw new BridgeInputError(`rosapi/${operation} is not a rosapi service this bridge answers`);
    return handler(args);
  }
}
