/**
 * Endpoint details for `ros2 topic info -v`, printed as rclpy's TopicEndpointInfo.__str__
 * (Jazzy `topic_endpoint_info.py`) prints what rmw reports: the node that announced the
 * endpoint, the ROS type and its RIHS01 hash, the GID (the 16-byte GUID), and the QoS.
 *
 * With a humble context, as Humble's rclpy prints it (humble `topic_endpoint_info.py`): no type
 * hash line (type hashes came with Iron) and the GID in Humble's 24 bytes (`RMW_GID_STORAGE_SIZE`).
 *
 * The QoS of a remote endpoint is what its SEDP announcement carries. History is printed
 * `UNKNOWN` as rmw_fastrtps reports it for discovered endpoints: DDS does not announce it.
 */
import type { Context } from '../index.js';
import { distroWire } from '../rmw/distro.js';

export type EndpointKind = 'writer' | 'reader';

type GraphEndpoint = ReturnType<Context['graph']['endpointsOn']>[number];
type RtpsDuration = { readonly seconds: number; readonly fraction: number };

const INFINITE_SECONDS = 0x7fffffff;

/** `pkg::msg::dds_::Name_` → `pkg/msg/Name`; anything else is shown as it is. */
export function rosTypeOfDds(ddsType: string): string {
  const m = /^([A-Za-z0-9_]+)::(msg|srv|action)::dds_::([A-Za-z0-9_]+)_$/.exec(ddsType);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : ddsType;
}

function guidKeyOf(g: { readonly prefix: Uint8Array; readonly entityId: number }): string {
  return `${Buffer.from(g.prefix).toString('hex')}.${g.entityId.toString(16)}`;
}

/**
 * The GID as rclpy prints it: `gidSize` bytes (16; Humble's 24 end in 8 zero bytes), two hex
 * digits each, separated by dots.
 */
export function formatGid(
  g: { readonly prefix: Uint8Array; readonly entityId: number },
  gidSize: 16 | 24 = 16,
): string {
  const bytes = [...g.prefix];
  bytes.push(
    (g.entityId >>> 24) & 0xff,
    (g.entityId >>> 16) & 0xff,
    (g.entityId >>> 8) & 0xff,
    g.entityId & 0xff,
  );
  while (bytes.length < gidSize) bytes.push(0);
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('.');
}

/** rclpy's Duration.__str__: `Infinite` or `<n> nanoseconds`. */
export function formatDuration(d: RtpsDuration | undefined): string {
  if (!d || d.seconds >= INFINITE_SECONDS) return 'Infinite';
  const ns = BigInt(d.seconds) * 1_000_000_000n + (BigInt(d.fraction) * 1_000_000_000n) / 0x1_0000_0000n;
  return `${ns} nanoseconds`;
}

export function describeEndpoint(context: Context, e: GraphEndpoint): string {
  const node = context.graph.nodeOfEndpoint(e.guid);
  const remote = (
    e.kind === 'writer' ? context.participant.remoteWriters : context.participant.remoteReaders
  ).find((r) => guidKeyOf(r.data.guid) === guidKeyOf(e.guid));
  const qos = remote?.qos;
  const reliability = qos ? qos.reliability.kind : e.reliable === false ? 'BEST_EFFORT' : 'RELIABLE';
  const durability = qos ? qos.durability : (e.durability ?? 'VOLATILE');
  const wire = distroWire(context.distro);
  return [
    `Node name: ${node?.name ?? '_NODE_NAME_UNKNOWN_'}`,
    `Node namespace: ${node?.namespace ?? '_NODE_NAMESPACE_UNKNOWN_'}`,
    `Topic type: ${rosTypeOfDds(e.typeName)}`,
    ...(wire.typeHashInUserData ? [`Topic type hash: ${e.typeHash ?? 'INVALID'}`] : []),
    `Endpoint type: ${e.kind === 'writer' ? 'PUBLISHER' : 'SUBSCRIPTION'}`,
    `GID: ${formatGid(e.guid, wire.gidSize)}`,
    'QoS profile:',
    `  Reliability: ${reliability}`,
    '  History (Depth): UNKNOWN',
    `  Durability: ${durability}`,
    `  Lifespan: ${formatDuration(qos?.lifespan)}`,
    `  Deadline: ${formatDuration(qos?.deadline)}`,
    `  Liveliness: ${qos ? qos.liveliness.kind : 'AUTOMATIC'}`,
    `  Liveliness lease duration: ${formatDuration(qos?.liveliness.leaseDuration)}`,
  ].join('\n');
}
