/** What the processes of the bridge benchmark agree on. */
/** A domain of its own, discovery on loopback only. */
export const BRIDGE_BENCH_DISCOVERY = { domainId: 45, range: 'localhost' as const, staticPeers: [] };

export type Kind = 'image' | 'small';

export const TOPICS: Record<Kind, { topic: string; type: string; hz: number }> = {
  image: { topic: '/bench_bridge/image', type: 'sensor_msgs/msg/Image', hz: 30 },
  small: { topic: '/bench_bridge/small', type: 'std_msgs/msg/String', hz: 1000 },
};
