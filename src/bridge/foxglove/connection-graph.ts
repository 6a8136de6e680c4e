/**
 * The Foxglove WebSocket protocol's `connectionGraph` capability (ws-protocol docs/spec.md,
 * "Connection graph update"), built as foxglove_bridge builds it
 * (ros2_foxglove_bridge/src/ros2_foxglove_bridge.cpp updateConnectionGraph, and the diff in
 * foxglove_bridge_base websocket_server.hpp): for every topic the nodes that publish and subscribe
 * to it, for every service the nodes that serve it, each node by its fully qualified name. A new
 * subscriber gets the whole graph; later updates carry only the topics and services whose lists
 * changed, and the names of those that went away.
 */
import type { ConnectionGraphUpdate } from '@foxglove/ws-protocol';
import { nodeFqn } from '../../rmw/names.js';

type Ids = ReadonlyMap<string, readonly string[]>;

export interface ConnectionGraph {
  readonly published: Ids;
  readonly subscribed: Ids;
  readonly services: Ids;
}

/** What the graph is read from (the context's GraphCache has these). */
export interface GraphSource {
  nodeNames(): readonly { readonly name: string; readonly namespace: string }[];
  topicNamesAndTypes(): readonly { readonly name: string }[];
  nodeInfo(
    namespace: string,
    name: string,
  ):
    | {
        readonly publishers: readonly { readonly name: string }[];
        readonly subscribers: readonly { readonly name: string }[];
        readonly serviceServers: readonly { readonly name: string }[];
      }
    | undefined;
}

export function connectionGraphOf(source: GraphSource): ConnectionGraph {
  const published = new Map<string, Set<string>>();
  const subscribed = new Map<string, Set<string>>();
  const services = new Map<string, Set<string>>();
  // Every topic has both lists, empty ones too, as foxglove_bridge sends them.
  for (const t of source.topicNamesAndTypes()) {
    published.set(t.name, new Set());
    subscribed.set(t.name, new Set());
  }
  const add = (map: Map<string, Set<string>>, name: string, id: string) => {
    let ids = map.get(name);
    if (!ids) {
      ids = new Set();
      map.set(name, ids);
    }
    ids.add(id);
  };
  for (const n of source.nodeNames()) {
    const info = source.nodeInfo(n.namespace, n.name);
    if (!info) continue;
    const id = nodeFqn(n.namespace, n.name);
    for (const p of info.publishers) add(published, p.name, id);
    for (const s of info.subscribers) add(subscribed, s.name, id);
    for (const s of info.serviceServers) add(services, s.name, id);
  }
  const sorted = (m: Map<string, Set<string>>): Ids =>
    new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
  return { published: sorted(published), subscribed: sorted(subscribed), services: sorted(services) };
}

const EMPTY: ConnectionGraph = { published: new Map(), subscribed: new Map(), services: new Map() };

/** The whole graph, for a client that just subscribed. */
export function fullGraphUpdate(graph: ConnectionGraph): ConnectionGraphUpdate {
  return graphUpdate(EMPTY, graph);
}

/** What changed from `before` to `after`; undefined when nothing did. */
export function changedGraphUpdate(
  before: ConnectionGraph,
  after: ConnectionGraph,
): ConnectionGraphUpdate | undefined {
  const u = graphUpdate(before, after);
  const empty =
    u.publishedTopics.length +
      u.subscribedTopics.length +
      u.advertisedServices.length +
      u.removedTopics.length +
      u.removedServices.length ===
    0;
  return empty ? undefined : u;
}

function graphUpdate(before: ConnectionGraph, after: ConnectionGraph): ConnectionGraphUpdate {
  const changed = (b: Ids, a: Ids) => [...a].filter(([name, ids]) => !sameIds(b.get(name), ids));
  const gone = (b: readonly Ids[], a: readonly Ids[]) => {
    const names = new Set(b.flatMap((m) => [...m.keys()]));
    for (const m of a) for (const k of m.keys()) names.delete(k);
    return [...names].sort();
  };
  return {
    op: 'connectionGraphUpdate',
    publishedTopics: changed(before.published, after.published).map(([name, ids]) => ({
      name,
      publisherIds: [...ids],
    })),
    subscribedTopics: changed(before.subscribed, after.subscribed).map(([name, ids]) => ({
      name,
      subscriberIds: [...ids],
    })),
    advertisedServices: changed(before.services, after.services).map(([name, ids]) => ({
      name,
      providerIds: [...ids],
    })),
    removedTopics: gone([before.published, before.subscribed], [after.published, after.subscribed]),
    removedServices: gone([before.services], [after.services]),
  };
}

function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The clients that follow the graph, and the graph they were last told: the graph is read only
 * while someone follows it.
 */
export class ConnectionGraphFeed<C> {
  private readonly followers = new Set<C>();
  private last: ConnectionGraph = EMPTY;

  constructor(
    private readonly read: () => ConnectionGraph,
    private readonly send: (connection: C, update: ConnectionGraphUpdate) => void,
  ) {}

  /** Sends the whole graph to `connection` (again, if it already follows it). */
  subscribe(connection: C): void {
    this.graphChanged();
    if (this.followers.size === 0) this.last = this.read();
    this.followers.add(connection);
    this.send(connection, fullGraphUpdate(this.last));
  }

  /** False when `connection` did not follow the graph. */
  unsubscribe(connection: C): boolean {
    return this.followers.delete(connection);
  }

  /** The graph may have changed: followers get what did. */
  graphChanged(): void {
    if (this.followers.size === 0) return;
    const now = this.read();
    const update = changedGraphUpdate(this.last, now);
    this.last = now;
    if (update) for (const c of this.followers) this.send(c, update);
  }
}
