/**
 * The Foxglove connection graph from a ROS graph: publishers, subscribers and service providers by
 * node name, the whole graph for a new follower, only what changed (and what went) afterwards.
 */
import type { ConnectionGraphUpdate } from '@foxglove/ws-protocol';
import { describe, expect, it } from 'vitest';
import {
  ConnectionGraphFeed,
  changedGraphUpdate,
  connectionGraphOf,
  fullGraphUpdate,
  type GraphSource,
} from '../../../src/bridge/foxglove/connection-graph.js';

interface FakeNode {
  namespace: string;
  name: string;
  publishers?: string[];
  subscribers?: string[];
  services?: string[];
}

function source(nodes: FakeNode[], extraTopics: string[] = []): GraphSource {
  const named = (names: string[] | undefined) => (names ?? []).map((name) => ({ name }));
  return {
    nodeNames: () => nodes,
    topicNamesAndTypes: () =>
      [
        ...new Set([
          ...extraTopics,
          ...nodes.flatMap((n) => [...(n.publishers ?? []), ...(n.subscribers ?? [])]),
        ]),
      ]
        .sort()
        .map((name) => ({ name })),
    nodeInfo: (namespace, name) => {
      const n = nodes.find((x) => x.namespace === namespace && x.name === name);
      return (
        n && {
          publishers: named(n.publishers),
          subscribers: named(n.subscribers),
          serviceServers: named(n.services),
        }
      );
    },
  };
}

const sim: FakeNode = {
  namespace: '/',
  name: 'turtlesim',
  publishers: ['/turtle1/pose'],
  subscribers: ['/turtle1/cmd_vel'],
  services: ['/spawn'],
};

describe('connectionGraphOf and its updates', () => {
  it('lists every topic with both lists and every service with its providers', () => {
    const teleop: FakeNode = { namespace: '/robot', name: 'teleop', publishers: ['/turtle1/cmd_vel'] };
    const update = fullGraphUpdate(connectionGraphOf(source([sim, teleop], ['/orphan'])));
    expect(update).toEqual({
      op: 'connectionGraphUpdate',
      publishedTopics: [
        { name: '/orphan', publisherIds: [] },
        { name: '/turtle1/cmd_vel', publisherIds: ['/robot/teleop'] },
        { name: '/turtle1/pose', publisherIds: ['/turtlesim'] },
      ],
      subscribedTopics: [
        { name: '/orphan', subscriberIds: [] },
        { name: '/turtle1/cmd_vel', subscriberIds: ['/turtlesim'] },
        { name: '/turtle1/pose', subscriberIds: [] },
      ],
      advertisedServices: [{ name: '/spawn', providerIds: ['/turtlesim'] }],
      removedTopics: [],
      removedServices: [],
    });
  });

  it('sends only changed lists and the names that went away', () => {
    const before = connectionGraphOf(source([sim]));
    expect(changedGraphUpdate(before, connectionGraphOf(source([sim])))).toBeUndefined();
    const echo: FakeNode = {
      namespace: '/',
      name: 'echo',
      publishers: ['/turtle1/pose'],
      subscribers: ['/chatter'],
    };
    const after = connectionGraphOf(source([{ ...sim, services: [] }, echo]));
    expect(changedGraphUpdate(before, after)).toEqual({
      op: 'connectionGraphUpdate',
      publishedTopics: [
        { name: '/chatter', publisherIds: [] },
        { name: '/turtle1/pose', publisherIds: ['/echo', '/turtlesim'] },
      ],
      subscribedTopics: [{ name: '/chatter', subscriberIds: ['/echo'] }],
      advertisedServices: [],
      removedTopics: [],
      removedServices: ['/spawn'],
    });
    expect(changedGraphUpdate(after, connectionGraphOf(source([])))?.removedTopics).toEqual([
      '/chatter',
      '/turtle1/cmd_vel',
      '/turtle1/pose',
    ]);
  });
});

describe('ConnectionGraphFeed', () => {
  it('gives a new follower the whole graph, followers the changes, and reads nothing unfollowed', () => {
    let nodes: FakeNode[] = [sim];
    let reads = 0;
    const sent: [string, ConnectionGraphUpdate][] = [];
    const feed = new ConnectionGraphFeed<string>(
      () => {
        reads++;
        return connectionGraphOf(source(nodes));
      },
      (c, u) => sent.push([c, u]),
    );
    feed.graphChanged();
    expect(reads).toBe(0);

    feed.subscribe('a');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.[1].publishedTopics).toContainEqual({
      name: '/turtle1/pose',
      publisherIds: ['/turtlesim'],
    });

    nodes = [sim, { namespace: '/', name: 'pub', publishers: ['/turtle1/pose'] }];
    feed.subscribe('b');
    // 'a' hears the change, 'b' the whole graph with it.
    expect(sent.slice(1).map(([c, u]) => [c, u.publishedTopics])).toEqual([
      ['a', [{ name: '/turtle1/pose', publisherIds: ['/pub', '/turtlesim'] }]],
      [
        'b',
        [
          { name: '/turtle1/cmd_vel', publisherIds: [] },
          { name: '/turtle1/pose', publisherIds: ['/pub', '/turtlesim'] },
        ],
      ],
    ]);

    feed.graphChanged();
    expect(sent).toHaveLength(3);
    expect(feed.unsubscribe('a')).toBe(true);
    expect(feed.unsubscribe('a')).toBe(false);
    nodes = [sim];
    feed.graphChanged();
    expect(sent.slice(3).map(([c]) => c)).toEqual(['b']);
  });
});
