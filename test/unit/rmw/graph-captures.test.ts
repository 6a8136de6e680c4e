/**
 * The graph of the real Jazzy captures, replayed through GraphCache: SPDP and SEDP samples (through
 * the RTPS adapters) and every ros_discovery_info sample, in capture order.
 */
import { describe, expect, it } from 'vitest';
import { GraphCache } from '../../../src/rmw/graph/graph-cache.js';
import { decodeParticipantEntities } from '../../../src/rmw/graph/participant-entities.js';
import { graphEndpointOf, graphParticipantOf } from '../../../src/rmw/graph/rtps-inputs.js';
import {
  decodeEndpointSample,
  decodeParticipantSample,
  endpointQos,
  sampleFromData,
} from '../../../src/rtps/discovery-data/index.js';
import type { RemoteParticipant } from '../../../src/rtps/participant/spdp.js';
import { DropCounter } from '../../../src/rtps/wire/errors.js';
import { parseMessage } from '../../../src/rtps/wire/message.js';
import { guidKey, prefixKey } from '../../../src/rtps/wire/types.js';
import { sharedFile } from '../../shared.js';
import { readPcapUdp } from '../../support/pcap.js';

const SPDP_WRITER = 0x000100c2;
const SEDP_WRITERS = { 962: 'writer', 1218: 'reader' } as const;

/** Replays the capture up to and including frame `last` into a fresh cache. */
function replay(file: string, last = Number.POSITIVE_INFINITY): GraphCache {
  const graph = new GraphCache();
  const participants = new Map<string, RemoteParticipant>();
  const discoveryInfoWriters = new Set<string>();
  for (const d of readPcapUdp(sharedFile(file))) {
    if (d.frame > last) break;
    const m = parseMessage(d.payload, new DropCounter());
    if (!m) continue;
    const vendor = (m.header.vendorId[0] << 8) | m.header.vendorId[1];
    for (const s of m.submessages) {
      if (s.kind !== 'DATA') continue;
      const writer = { prefix: m.header.guidPrefix, entityId: s.writerId };
      if (s.writerId === SPDP_WRITER) {
        const change = decodeParticipantSample(sampleFromData(s), vendor);
        if (change.kind === 'gone') {
          participants.delete(prefixKey(change.guid.prefix));
          graph.removeParticipant(change.guid.prefix);
        } else {
          const p: RemoteParticipant = {
            data: change.data,
            vendorId: vendor,
            metatraffic: [],
            defaultUnicast: [],
            expiresAt: 0,
          };
          participants.set(prefixKey(change.data.guid.prefix), p);
          graph.addParticipant(graphParticipantOf(p));
        }
      } else if (s.writerId in SEDP_WRITERS) {
        const kind = SEDP_WRITERS[s.writerId as keyof typeof SEDP_WRITERS];
        const change = decodeEndpointSample(kind, sampleFromData(s), vendor);
        if (change.kind === 'gone') {
          graph.removeEndpoint(change.guid);
          continue;
        }
        const participant = participants.get(prefixKey(change.data.guid.prefix))!;
        graph.addEndpoint(
          graphEndpointOf({ data: change.data, participant, locators: [], qos: endpointQos(change.data) }),
        );
        if (kind === 'writer' && change.data.topicName === 'ros_discovery_info')
          discoveryInfoWriters.add(guidKey(change.data.guid));
      } else if (discoveryInfoWriters.has(guidKey(writer)) && s.payload) {
        graph.updateParticipantEntities(decodeParticipantEntities(s.payload));
      }
    }
  }
  return graph;
}

const visible = (list: readonly { name: string; types: readonly string[]; hidden: boolean }[]) =>
  list.filter((x) => !x.hidden).map((x) => `${x.name} ${x.types.join(',')}`);

const TURTLE_SERVICES = (t: string) => [
  `/${t}/set_pen turtlesim/srv/SetPen`,
  `/${t}/teleport_absolute turtlesim/srv/TeleportAbsolute`,
  `/${t}/teleport_relative turtlesim/srv/TeleportRelative`,
];
const PARAMETER_SERVICES = (node: string) => [
  `/${node}/describe_parameters rcl_interfaces/srv/DescribeParameters`,
  `/${node}/get_parameter_types rcl_interfaces/srv/GetParameterTypes`,
  `/${node}/get_parameters rcl_interfaces/srv/GetParameters`,
  `/${node}/get_type_description type_description_interfaces/srv/GetTypeDescription`,
  `/${node}/list_parameters rcl_interfaces/srv/ListParameters`,
  `/${node}/set_parameters rcl_interfaces/srv/SetParameters`,
  `/${node}/set_parameters_atomically rcl_interfaces/srv/SetParametersAtomically`,
];

describe.each([
  { rmw: 'cyclonedds', file: 'captures/jazzy-cyclonedds-tutorial.pcap', callReply: 470, drawing: 523 },
  { rmw: 'fastrtps', file: 'captures/jazzy-fastrtps-tutorial.pcap', callReply: 682, drawing: 770 },
])('golden: the $rmw capture', ({ file, callReply, drawing }) => {
  const during = replay(file, callReply);

  it('lists turtlesim, draw_circle and the hidden Trigger caller while /draw_circle is called', () => {
    const nodes = during.nodeNames().map((n) => `${n.namespace}|${n.name}|${n.enclave}|${n.hidden}`);
    expect(nodes.sort()).toEqual([
      '/|_ros2cli_requester_std_srvs_Trigger|/|true',
      '/|draw_circle|/|false',
      '/|turtlesim|/|false',
    ]);
  });

  it('node info of /turtlesim is what ros2 node info shows (turtle1 and the spawned foxy_turtle)', () => {
    const info = during.nodeInfo('/', 'turtlesim')!;
    expect(visible(info.publishers)).toEqual([
      '/foxy_turtle/color_sensor turtlesim/msg/Color',
      '/foxy_turtle/pose turtlesim/msg/Pose',
      '/parameter_events rcl_interfaces/msg/ParameterEvent',
      '/rosout rcl_interfaces/msg/Log',
      '/turtle1/color_sensor turtlesim/msg/Color',
      '/turtle1/pose turtlesim/msg/Pose',
    ]);
    expect(visible(info.subscribers)).toEqual([
      '/foxy_turtle/cmd_vel geometry_msgs/msg/Twist',
      '/parameter_events rcl_interfaces/msg/ParameterEvent',
      '/turtle1/cmd_vel geometry_msgs/msg/Twist',
    ]);
    expect(visible(info.serviceServers)).toEqual([
      '/clear std_srvs/srv/Empty',
      ...TURTLE_SERVICES('foxy_turtle'),
      '/kill turtlesim/srv/Kill',
      '/reset std_srvs/srv/Empty',
      '/spawn turtlesim/srv/Spawn',
      ...TURTLE_SERVICES('turtle1'),
      ...PARAMETER_SERVICES('turtlesim'),
    ]);
    expect(info.serviceClients).toEqual([]);
    expect(info.serviceServers.filter((s) => s.hidden).map((s) => `${s.name} ${s.types[0]}`)).toContain(
      '/turtle1/rotate_absolute/_action/send_goal turtlesim/action/RotateAbsolute_SendGoal',
    );
    expect(info.publishers.filter((s) => s.hidden).map((s) => `${s.name} ${s.types[0]}`)).toContain(
      '/turtle1/rotate_absolute/_action/status action_msgs/msg/GoalStatusArray',
    );
  });

  it('node info of /draw_circle: its Trigger server and cmd_vel publisher; the caller is a client', () => {
    const info = during.nodeInfo('/', 'draw_circle')!;
    expect(visible(info.serviceServers)).toEqual([
      '/draw_circle std_srvs/srv/Trigger',
      ...PARAMETER_SERVICES('draw_circle'),
    ]);
    expect(visible(info.publishers)).toContain('/turtle1/cmd_vel geometry_msgs/msg/Twist');
    expect(visible(during.nodeInfo('/', '_ros2cli_requester_std_srvs_Trigger')!.serviceClients)).toEqual([
      '/draw_circle std_srvs/srv/Trigger',
    ]);
  });

  it('topic and service lists come from SEDP alone, rt/ topics only', () => {
    const topics = visible(during.topicNamesAndTypes());
    expect(topics).toContain('/turtle1/cmd_vel geometry_msgs/msg/Twist');
    expect(
      topics.some((t) => t.startsWith('ros_discovery_info') || t.startsWith('/ros_discovery_info')),
    ).toBe(false);
    const services = visible(during.serviceNamesAndTypes());
    expect(services).toContain('/spawn turtlesim/srv/Spawn');
    expect(services).toContain('/draw_circle std_srvs/srv/Trigger');
  });

  it('counts draw_circle publishing to turtlesim on /turtle1/cmd_vel', () => {
    const g = replay(file, drawing);
    expect(g.countPublishers('/turtle1/cmd_vel')).toBe(1);
    expect(g.countSubscribers('/turtle1/cmd_vel')).toBe(1);
  });

  it('is empty after every participant, turtlesim last, said goodbye', () => {
    const end = replay(file);
    expect(end.nodeNames()).toEqual([]);
    expect(end.topicNamesAndTypes()).toEqual([]);
  });
});
