/**
 * ros2ts/rtps: the RTPS layer on its own (participants, writers, readers, discovery), for tools
 * and tests; the ROS 2 node API is built on it. Not yet a stable API.
 */
export type { Clock } from './clock.js';
export { FakeClock, realClock } from './clock.js';
export * from './discovery-data/index.js';
export { ROS2TS_VENDOR_ID } from './identity.js';
export type {
  DeadlineMissedStatus,
  IncompatibleQosStatus,
  IncompatibleTypeStatus,
  LivelinessChangedStatus,
  LivelinessLostStatus,
  MatchedStatus,
  MessageLostStatus,
  ReaderStatusListeners,
  WriterStatusListeners,
} from './participant/endpoint-status.js';
export {
  type EndpointOptions,
  type IncompatibleQosEvent,
  type ParticipantListeners,
  type ParticipantOptions,
  RtpsParticipant,
  RtpsReader,
  RtpsWriter,
} from './participant/participant.js';
export type { RemoteEndpointInfo } from './participant/sedp.js';
export type { RemoteParticipant } from './participant/spdp.js';
export { checkCompatibility, type QosCheck } from './qos-compatibility.js';
export * from './transport/index.js';
