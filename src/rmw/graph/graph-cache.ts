/**
 * The ROS graph as rmw_dds_common's GraphCache keeps it (WIRE.md 4): participants from SPDP,
 * endpoints from SEDP, and each participant's nodes from the last `ros_discovery_info` sample it
 * sent. Pure: it only changes through the methods below, and tells listeners when it did.
 *
 * A participant's nodes are replaced by each snapshot it sends and dropped only when the participant
 * is removed (SPDP goodbye or lease expiry), never on their own, as rmw does. Snapshots are keyed by
 * the gid's prefix rather than the whole gid, so a peer that sends a gid other than its participant
 * GUID still has its nodes dropped with it.
 */
import type { DurabilityKind } from '../../rtps/discovery-data/qos.js';
import { type Guid, type GuidPrefix, guidKey, prefixKey } from '../../rtps/wire/types.js';
import { ddsToRos, isHiddenName, isHiddenNodeName, type RosNameOfDdsTopic, topicToDds } from '../names.js';
import { ddsServiceTypeToRos, ddsTypeToRos } from '../type-names.js';
import type { NodeEntities, ParticipantEntities } from './participant-entities.js';

export interface GraphParticipant {
  readonly prefix: GuidPrefix;
  /** First octet << 8 | second, e.g. 0x010f Fast DDS, 0x0110 Cyclone. */
  readonly vendorId: number;
  /** From SPDP USER_DATA `enclave=`, when the key is there. */
  readonly enclave?: string;
}

export interface GraphEndpoint {
  readonly guid: Guid;
  /** Defaults to the GUID's prefix. */
  readonly participantPrefix?: GuidPrefix;
  readonly kind: 'writer' | 'reader';
  /** As on the wire, e.g. `rt/turtle1/cmd_vel`. */
  readonly topicName: string;
  /** As on the wire, e.g. `geometry_msgs::msg::dds_::Twist_`. */
  readonly typeName: string;
  readonly reliable?: boolean;
  readonly durability?: DurabilityKind;
  /** From endpoint USER_DATA `typehash=`. */
  readonly typeHash?: string;
}

export interface GraphNode {
  readonly name: string;
  readonly namespace: string;
  /** '' when the participant's SPDP has not been seen or carries no enclave (rmw's empty string). */
  readonly enclave: string;
  /** The name starts with `_`: `ros2 node list` shows it only with `-a`. */
  readonly hidden: boolean;
}

export interface NameAndTypes {
  /** The ROS name, e.g. `/turtle1/cmd_vel`. */
  readonly name: string;
  /** ROS types, e.g. `geometry_msgs/msg/Twist`, sorted. */
  readonly types: readonly string[];
  readonly hidden: boolean;
}

export interface NodeInfo {
  readonly publishers: readonly NameAndTypes[];
  readonly subscribers: readonly NameAndTypes[];
  readonly serviceServers: readonly NameAndTypes[];
  readonly serviceClients: readonly NameAndTypes[];
}

/** Which DDS topics a list takes, and how their type names read in ROS. */
interface Demangler {
  readonly kind: RosNameOfDdsTopic['kind'];
  readonly type: (ddsType: string) => string | undefined;
}

// A type outside the ROS convention is shown as its DDS name, as rmw_fastrtps shows topic types.
const TOPICS: Demangler = { kind: 'topic', type: ddsTypeToRos };
const REQUESTS: Demangler = { kind: 'serviceRequest', type: ddsServiceTypeToRos };
const REPLIES: Demangler = { kind: 'serviceReply', type: ddsServiceTypeToRos };

export class GraphCache {
  private readonly participants = new Map<string, GraphParticipant>();
  private readonly endpoints = new Map<string, GraphEndpoint>();
  private readonly nodes = new Map<string, { info: ParticipantEntities; signature: string }>();
  private readonly listeners = new Set<(version: number) => void>();
  private versionCounter = 0;

  /** Goes up by one on every change; compare it to wait for "something changed since". */
  get version(): number {
    return this.versionCounter;
  }

  /** Calls `listener(version)` after each change; returns the unsubscribe function. */
  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addParticipant(p: GraphParticipant): void {
    const key = prefixKey(p.prefix);
    const old = this.participants.get(key);
    if (old && old.vendorId === p.vendorId && old.enclave === p.enclave) return;
    this.participants.set(key, { ...p, prefix: p.prefix.slice() });
    this.changed();
  }

  /** The participant, its nodes, and any endpoints of it SEDP has not removed yet. */
  removeParticipant(prefix: GuidPrefix): void {
    const key = prefixKey(prefix);
    let changed = this.participants.delete(key);
    changed = this.nodes.delete(key) || changed;
    for (const [k, e] of this.endpoints) {
      if (prefixKey(e.participantPrefix ?? e.guid.prefix) === key)
        changed = this.endpoints.delete(k) || changed;
    }
    if (changed) this.changed();
  }

  addEndpoint(e: GraphEndpoint): void {
    const key = guidKey(e.guid);
    const old = this.endpoints.get(key);
    if (old && sameEndpoint(old, e)) return;
    this.endpoints.set(key, e);
    this.changed();
  }

  removeEndpoint(guid: Guid): void {
    if (this.endpoints.delete(guidKey(guid))) this.changed();
  }

  /** A `ros_discovery_info` snapshot: it replaces everything the sender said before. */
  updateParticipantEntities(info: ParticipantEntities): void {
    const key = prefixKey(info.gid.prefix);
    const signature = signatureOf(info);
    if (this.nodes.get(key)?.signature === signature) return;
    this.nodes.set(key, { info, signature });
    this.changed();
  }

  participant(prefix: GuidPrefix): GraphParticipant | undefined {
    return this.participants.get(prefixKey(prefix));
  }

  /** Every node of every participant, hidden ones included (flagged), by participant then as sent. */
  nodeNames(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const [key, { info }] of sortedByKey(this.nodes)) {
      const enclave = this.participants.get(key)?.enclave ?? '';
      for (const n of info.nodes) {
        out.push({ name: n.name, namespace: n.namespace, enclave, hidden: isHiddenNodeName(n.name) });
      }
    }
    return out;
  }

  /** `rt/` topics only, as `ros2 topic list` shows them, sorted. */
  topicNamesAndTypes(): NameAndTypes[] {
    return namesAndTypes(this.endpoints.values(), [TOPICS]);
  }

  /** Services from request readers/writers and reply readers/writers alike, sorted. */
  serviceNamesAndTypes(): NameAndTypes[] {
    return namesAndTypes(this.endpoints.values(), [REQUESTS, REPLIES]);
  }

  /**
   * What `ros2 node info` lists (rmw_fastrtps `rmw_node_info_and_types.cpp`): publishers from the
   * node's writers on `rt/`, subscribers from its readers on `rt/`, servers from its request
   * readers, clients from its reply readers. Undefined when no participant announced the node.
   */
  nodeInfo(namespace: string, name: string): NodeInfo | undefined {
    const node = this.findNode(namespace, name);
    if (!node) return undefined;
    const writers = this.lookup(node.writers, 'writer');
    const readers = this.lookup(node.readers, 'reader');
    return {
      publishers: namesAndTypes(writers, [TOPICS]),
      subscribers: namesAndTypes(readers, [TOPICS]),
      serviceServers: namesAndTypes(readers, [REQUESTS]),
      serviceClients: namesAndTypes(readers, [REPLIES]),
    };
  }

  /** The node that announced this endpoint GUID, if any (for `ros2 topic info -v`). */
  nodeOfEndpoint(guid: Guid): { namespace: string; name: string } | undefined {
    const key = guidKey(guid);
    for (const { info } of this.nodes.values()) {
      for (const n of info.nodes) {
        if ([...n.readers, ...n.writers].some((g) => guidKey(g) === key)) {
          return { namespace: n.namespace, name: n.name };
        }
      }
    }
    return undefined;
  }

  /** The endpoints on a DDS topic, e.g. `rq/spawnRequest` readers for service availability. */
  endpointsOn(ddsTopic: string, kind: 'writer' | 'reader'): GraphEndpoint[] {
    return [...this.endpoints.values()].filter((e) => e.kind === kind && e.topicName === ddsTopic);
  }

  /** Writers on a ROS topic (`/chatter` → `rt/chatter`); InvalidNameError unless it is a full name. */
  countPublishers(rosTopic: string): number {
    return this.endpointsOn(topicToDds(rosTopic), 'writer').length;
  }

  countSubscribers(rosTopic: string): number {
    return this.endpointsOn(topicToDds(rosTopic), 'reader').length;
  }

  private findNode(namespace: string, name: string): NodeEntities | undefined {
    for (const [, { info }] of sortedByKey(this.nodes)) {
      const node = info.nodes.find((n) => n.namespace === namespace && n.name === name);
      if (node) return node;
    }
    return undefined;
  }

  private lookup(gids: readonly Guid[], kind: 'writer' | 'reader'): GraphEndpoint[] {
    const out: GraphEndpoint[] = [];
    for (const g of gids) {
      const e = this.endpoints.get(guidKey(g));
      if (e?.kind === kind) out.push(e);
    }
    return out;
  }

  private changed(): void {
    this.versionCounter++;
    let failure: { error: unknown } | undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.versionCounter);
      } catch (error) {
        // One failing listener must not keep the change from the others.
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

function namesAndTypes(endpoints: Iterable<GraphEndpoint>, demanglers: readonly Demangler[]): NameAndTypes[] {
  const byName = new Map<string, Set<string>>();
  for (const e of endpoints) {
    const ros = ddsToRos(e.topicName);
    for (const d of demanglers) {
      if (ros?.kind !== d.kind) continue;
      const name = ros.name;
      const type = d.type(e.typeName) ?? e.typeName;
      const types = byName.get(name) ?? new Set<string>();
      types.add(type);
      byName.set(name, types);
    }
  }
  return [...byName.keys()]
    .sort()
    .map((name) => ({ name, types: [...byName.get(name)!].sort(), hidden: isHiddenName(name) }));
}

function sortedByKey<V>(map: Map<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sameEndpoint(a: GraphEndpoint, b: GraphEndpoint): boolean {
  return (
    a.kind === b.kind &&
    a.topicName === b.topicName &&
    a.typeName === b.typeName &&
    a.reliable === b.reliable &&
    a.durability === b.durability &&
    a.typeHash === b.typeHash &&
    prefixKey(a.participantPrefix ?? a.guid.prefix) === prefixKey(b.participantPrefix ?? b.guid.prefix)
  );
}

function signatureOf(info: ParticipantEntities): string {
  return JSON.stringify([
    guidKey(info.gid),
    info.nodes.map((n) => [n.namespace, n.name, n.readers.map(guidKey), n.writers.map(guidKey)]),
  ]);
}
