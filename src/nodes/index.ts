/** The ROS 2 node API: contexts, nodes and what nodes make. */
export {
  ParamsFileError,
  parseRosArguments,
  type RemapRule,
  ROS_ARGS_FLAG,
  type RosArguments,
  RosArgumentsError,
  removeRosArgs,
  UnknownRosArgumentsError,
} from './arguments/index.js';
export { BACKGROUND_NICE, lowerBackgroundThreadPriority } from './background-priority.js';
export { type CallOptions, Client, DEFAULT_CALL_TIMEOUT_MS } from './client.js';
export { Context, type ContextOptions } from './context.js';
export {
  AbortError,
  DestroyedError,
  MessageDecodeError,
  ServiceCallTimeoutError,
  ServiceNotAvailableError,
  ServiceUnavailableError,
  TimeoutError,
} from './errors.js';
export {
  consoleSink,
  DEFAULT_OUTPUT_FORMAT,
  formatRecord,
  Logger,
  LogLevel,
  type LogLevelName,
  type LogLevelValue,
  type LogRecord,
  type LogSink,
} from './logger.js';
export {
  Node,
  type NodeOptions,
  type PublisherOptions,
  type RawSubscriptionOptions,
  type SubscriptionOptions,
} from './node.js';
export { ParameterClient, type ParameterClientOptions, type ParametersToSet } from './parameter-client.js';
export {
  type ParameterCallbackHandle,
  type ParameterEvent,
  type ParameterEventCallbackHandle,
  ParameterEventHandler,
  type ParameterEventHandlerOptions,
  parameterFromEvent,
  parametersFromEvent,
  UnknownCallbackHandleError,
} from './parameter-event-handler.js';
export {
  DEPTH_RECURSIVE,
  InvalidParameterNameError,
  InvalidParameterTypeError,
  InvalidParameterValueError,
  type Parameter,
  ParameterAlreadyDeclaredError,
  type ParameterChangeEvent,
  type ParameterDescriptor,
  type ParameterDescriptorInput,
  ParameterError,
  ParameterImmutableError,
  ParameterModifiedInCallbackError,
  ParameterNotDeclaredError,
  ParameterStore,
  ParameterType,
  ParameterUninitializedError,
  type ParameterValue,
  type ParameterValueInput,
  type SetParametersResult,
  UnknownParameterTypeError,
} from './parameters/index.js';
export { Publisher } from './publisher.js';
export type { QosInput } from './qos.js';
export type {
  IncompatibleTypeStatus,
  LivelinessChangedStatus,
  LivelinessLostStatus,
  MatchedStatus,
  MessageLostStatus,
  OfferedDeadlineMissedStatus,
  OfferedQosIncompatibleStatus,
  PublisherEventCallbacks,
  QosEventCallback,
  QosIncompatibleStatus,
  QosPolicyKind,
  RequestedDeadlineMissedStatus,
  RequestedQosIncompatibleStatus,
  SubscriptionEventCallbacks,
} from './qos-events.js';
export { type RequestInfo, Service, type ServiceHandler } from './service.js';
export { type MessageCallback, type MessageInfo, type PayloadDecoder, Subscription } from './subscription.js';
export { Timer } from './timer.js';
export type { WaitOptions } from './wait.js';
export type { WaitForMessageOptions } from './wait-for-message.js';
