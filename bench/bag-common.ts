/** What both processes of the bag benchmark agree on. */
/** A domain of its own, discovery on loopback only. */
export const BAG_DISCOVERY = { domainId: 43, range: 'localhost' as const, staticPeers: [] };
export const BAG_TOPIC = '/bench_bag';
