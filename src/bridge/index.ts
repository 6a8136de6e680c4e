/** The WebSocket bridge: rosbridge v2 and Foxglove WebSocket clients on the ROS 2 graph. */
export {
  type BridgeHandle,
  type BridgeOptions,
  type BridgeProtocol,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_PORT,
  startBridge,
} from './bridge.js';
export type { SendQueueOptions, SendQueueStats } from './send-queue.js';
