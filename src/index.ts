/**
 * ros2ts: ROS 2 in plain Node.js. The node API (Context, Node, publishers, subscriptions,
 * services, clients, timers, logging), actions (ActionServer, ActionClient), the ROS QoS
 * profiles, the CDR layer, and bags (MCAP as rosbag2 writes it: BagWriter, BagReader, Recorder, Player).
 */
export * from './actions/index.js';
export * from './bag/index.js';
export * from './cdr/index.js';
export * from './lifecycle/index.js';
export * from './nodes/index.js';
export { KNOWN_DISTROS, type RosDistro } from './rmw/distro.js';
export { InvalidNameError, InvalidQosError, InvalidTypeNameError } from './rmw/errors.js';
export type {
  GraphEndpoint,
  GraphNode,
  GraphParticipant,
  NameAndTypes,
  NodeInfo,
} from './rmw/graph/graph-cache.js';
export { isHiddenName, isHiddenNodeName, nodeFqn, splitNodeFqn } from './rmw/names.js';
export { QOS_PROFILES, type QosProfileName, qosProfile, type RosQos } from './rmw/qos-profiles.js';
