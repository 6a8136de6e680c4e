/** GraphCache on hand-made inputs: the rules the captures cannot isolate. */
import { describe, expect, it, vi } from 'vitest';
import { InvalidNameError } from '../../../src/rmw/errors.js';
import { GraphCache, type GraphEndpoint } from '../../../src/rmw/graph/graph-cache.js';
import type { ParticipantEntities } from '../../../src/rmw/graph/participant-entities.js';
import { type Guid, guidKey } from '../../../src/rtps/wire/types.js';

const prefix = (n: number) => Uint8Array.from({ length: 12 }, (_, i) => (i === 11 ? n : 0x10 + i));
const guid = (p: number, entityId: number): Guid => ({ prefix: prefix(p), entityId });

function endpoint(p: number, entityId: number, topicName: string, typeName: string): GraphEndpoint {
  return {
    guid: guid(p, entityId),
    kind: (entityId & 0xff) === 0x03 ? 'writer' : 'reader',
    topicName,
    typeName,
  };
}

/** Participant 1, node /ns/talker: a chatter publisher, a cmd subscriber, an add service and a get client. */
const TALKER = {
  pub: endpoint(1, 0x103, 'rt/ns/chatter', 'std_msgs::msg::dds_::String_'),
  sub: endpoint(1, 0x204, 'rt/cmd', 'geometry_msgs::msg::dds_::Twist_'),
  serviceRequestReader: endpoint(
    1,
    0x304,
    'rq/ns/addRequest',
    'example_interfaces::srv::dds_::AddTwoInts_Request_',
  ),
  serviceReplyWriter: endpoint(
    1,
    0x403,
    'rr/ns/addReply',
    'example_interfaces::srv::dds_::AddTwoInts_Response_',
  ),
  clientRequestWriter: endpoint(1, 0x503, 'rq/getRequest', 'std_srvs::srv::dds_::Trigger_Request_'),
  clientReplyReader: endpoint(1, 0x604, 'rr/getReply', 'std_srvs::srv::dds_::Trigger_Response_'),
};

function talkerEntities(nodes?: ParticipantEntities['nodes']): ParticipantEntities {
  const t = TALKER;
  return {
    gid: guid(1, 0x1c1),
    nodes: nodes ?? [
      {
        namespace: '/ns',
        name: 'talker',
        readers: [t.sub.guid, t.serviceRequestReader.guid, t.clientReplyReader.guid, guid(1, 0x999904)],
        writers: [t.pub.guid, t.serviceReplyWriter.guid, t.clientRequestWriter.guid],
      },
      { namespace: '/', name: '_hidden_helper', readers: [], writers: [] },
    ],
  };
}

function populated(): GraphCache {
  const g = new GraphCache();
  g.addParticipant({ prefix: prefix(1), vendorId: 0x010f, enclave: '/secure' });
  for (const e of Object.values(TALKER)) g.addEndpoint(e);
  g.updateParticipantEntities(talkerEntities());
  return g;
}

describe('nodeNames', () => {
  it('lists every node with its participant enclave, hidden ones flagged', () => {
    expect(populated().nodeNames()).toEqual([
      { name: 'talker', namespace: '/ns', enclave: '/secure', hidden: false },
      { name: '_hidden_helper', namespace: '/', enclave: '/secure', hidden: true },
    ]);
  });

  it('lists nodes of a participant SPDP has not reported yet, with an empty enclave', () => {
    const g = new GraphCache();
    g.updateParticipantEntities({
      gid: guid(2, 0x1c1),
      nodes: [{ namespace: '/', name: 'early', readers: [], writers: [] }],
    });
    expect(g.nodeNames()).toEqual([{ name: 'early', namespace: '/', enclave: '', hidden: false }]);
  });

  it('orders participants by GUID prefix, nodes as sent', () => {
    const g = new GraphCache();
    const node = (name: string) => ({ namespace: '/', name, readers: [], writers: [] });
    g.updateParticipantEntities({ gid: guid(9, 0x1c1), nodes: [node('z'), node('a')] });
    g.updateParticipantEntities({ gid: guid(3, 0x1c1), nodes: [node('m')] });
    expect(g.nodeNames().map((n) => n.name)).toEqual(['m', 'z', 'a']);
  });
});

describe('stale entries', () => {
  it('a snapshot replaces the previous one of the same participant', () => {
    const g = populated();
    g.updateParticipantEntities(
      talkerEntities([{ namespace: '/', name: 'renamed', readers: [], writers: [] }]),
    );
    expect(g.nodeNames().map((n) => n.name)).toEqual(['renamed']);
  });

  it('nodes outlive their endpoints; they go only with the participant, endpoints included', () => {
    const g = populated();
    for (const e of Object.values(TALKER)) g.removeEndpoint(e.guid);
    expect(g.nodeNames().map((n) => n.name)).toEqual(['talker', '_hidden_helper']);
    expect(g.nodeInfo('/ns', 'talker')).toEqual({
      publishers: [],
      subscribers: [],
      serviceServers: [],
      serviceClients: [],
    });
    g.addEndpoint(TALKER.pub);
    g.removeParticipant(prefix(1));
    expect(g.nodeNames()).toEqual([]);
    expect(g.topicNamesAndTypes()).toEqual([]);
    expect(g.participant(prefix(1))).toBeUndefined();
  });

  it('removing another participant leaves these nodes alone', () => {
    const g = populated();
    g.removeParticipant(prefix(2));
    expect(g.nodeNames()).toHaveLength(2);
  });
});

describe('names and types', () => {
  it('topics: rt/ only, demangled, sorted, types merged per name', () => {
    const g = populated();
    g.addEndpoint(endpoint(2, 0x103, 'rt/cmd', 'my_pkg::msg::dds_::Cmd_'));
    g.addEndpoint(
      endpoint(2, 0x203, 'ros_discovery_info', 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_'),
    );
    g.addEndpoint(endpoint(2, 0x303, 'rt/x/_action/status', 'action_msgs::msg::dds_::GoalStatusArray_'));
    g.addEndpoint(endpoint(2, 0x403, 'rt/plain', 'NotARosType'));
    expect(g.topicNamesAndTypes()).toEqual([
      { name: '/cmd', types: ['geometry_msgs/msg/Twist', 'my_pkg/msg/Cmd'], hidden: false },
      { name: '/ns/chatter', types: ['std_msgs/msg/String'], hidden: false },
      { name: '/plain', types: ['NotARosType'], hidden: false },
      { name: '/x/_action/status', types: ['action_msgs/msg/GoalStatusArray'], hidden: true },
    ]);
  });

  it('services: from request and reply topics alike (a lone client makes its service show)', () => {
    expect(populated().serviceNamesAndTypes()).toEqual([
      { name: '/get', types: ['std_srvs/srv/Trigger'], hidden: false },
      { name: '/ns/add', types: ['example_interfaces/srv/AddTwoInts'], hidden: false },
    ]);
  });

  it('a service type outside the ROS convention is shown as its DDS name; rq/ without Request is not one', () => {
    const g = new GraphCache();
    g.addEndpoint(endpoint(2, 0x103, 'rq/rawRequest', 'RawRequestType'));
    g.addEndpoint(endpoint(2, 0x203, 'rq/noSuffix', 'std_srvs::srv::dds_::Trigger_Request_'));
    expect(g.serviceNamesAndTypes()).toEqual([{ name: '/raw', types: ['RawRequestType'], hidden: false }]);
  });
});

describe('nodeInfo', () => {
  it('follows the CLI table: writers → publishers, readers → subscribers, servers, clients', () => {
    expect(populated().nodeInfo('/ns', 'talker')).toEqual({
      publishers: [{ name: '/ns/chatter', types: ['std_msgs/msg/String'], hidden: false }],
      subscribers: [{ name: '/cmd', types: ['geometry_msgs/msg/Twist'], hidden: false }],
      serviceServers: [{ name: '/ns/add', types: ['example_interfaces/srv/AddTwoInts'], hidden: false }],
      serviceClients: [{ name: '/get', types: ['std_srvs/srv/Trigger'], hidden: false }],
    });
  });

  it('ignores a gid listed under the wrong kind', () => {
    const g = populated();
    g.updateParticipantEntities(
      talkerEntities([
        { namespace: '/', name: 'confused', readers: [TALKER.pub.guid], writers: [TALKER.sub.guid] },
      ]),
    );
    expect(g.nodeInfo('/', 'confused')).toEqual({
      publishers: [],
      subscribers: [],
      serviceServers: [],
      serviceClients: [],
    });
  });

  it('is undefined for a node nobody announced', () => {
    expect(populated().nodeInfo('/', 'talker')).toBeUndefined();
  });

  it('finds the node of an endpoint', () => {
    const g = populated();
    expect(g.nodeOfEndpoint(TALKER.clientReplyReader.guid)).toEqual({ namespace: '/ns', name: 'talker' });
    expect(g.nodeOfEndpoint(guid(7, 0x103))).toBeUndefined();
  });
});

describe('counts', () => {
  it('counts writers and readers on the mangled topic', () => {
    const g = populated();
    g.addEndpoint(endpoint(2, 0x103, 'rt/ns/chatter', 'std_msgs::msg::dds_::String_'));
    g.addEndpoint(endpoint(2, 0x204, 'rt/ns/chatter', 'std_msgs::msg::dds_::String_'));
    expect(g.countPublishers('/ns/chatter')).toBe(2);
    expect(g.countSubscribers('/ns/chatter')).toBe(1);
    expect(g.countSubscribers('/cmd')).toBe(1);
    expect(g.countPublishers('/nothing')).toBe(0);
    expect(() => g.countPublishers('relative')).toThrow(InvalidNameError);
    expect(g.endpointsOn('rq/ns/addRequest', 'reader').map((e) => guidKey(e.guid))).toEqual([
      guidKey(TALKER.serviceRequestReader.guid),
    ]);
  });
});

describe('change notification', () => {
  it('bumps the version and calls listeners on each real change only', () => {
    const g = new GraphCache();
    const seen: number[] = [];
    const off = g.onChange((v) => seen.push(v));
    g.addParticipant({ prefix: prefix(1), vendorId: 0x0110 });
    g.addParticipant({ prefix: prefix(1), vendorId: 0x0110 }); // SPDP re-announcement
    g.addEndpoint(TALKER.pub);
    g.addEndpoint({ ...TALKER.pub }); // SEDP repeat
    g.updateParticipantEntities(talkerEntities());
    g.updateParticipantEntities(talkerEntities()); // same snapshot again
    g.removeEndpoint(guid(5, 0x103)); // unknown
    g.removeParticipant(prefix(5)); // unknown
    expect(seen).toEqual([1, 2, 3]);
    expect(g.version).toBe(3);
    off();
    g.removeParticipant(prefix(1));
    expect(seen).toEqual([1, 2, 3]);
    expect(g.version).toBe(4);
  });

  it('an enclave or QoS change is a change', () => {
    const g = new GraphCache();
    g.addParticipant({ prefix: prefix(1), vendorId: 0x0110 });
    g.addParticipant({ prefix: prefix(1), vendorId: 0x0110, enclave: '/' });
    g.addEndpoint(TALKER.pub);
    g.addEndpoint({ ...TALKER.pub, reliable: true });
    expect(g.version).toBe(4);
  });

  it('a throwing listener does not keep the change from the others, and its error surfaces', () => {
    const g = new GraphCache();
    const other = vi.fn();
    g.onChange(() => {
      throw new Error('listener bug');
    });
    g.onChange(other);
    expect(() => g.addParticipant({ prefix: prefix(1), vendorId: 1 })).toThrow('listener bug');
    expect(other).toHaveBeenCalledWith(1);
    expect(g.participant(prefix(1))?.vendorId).toBe(1);
  });
});
