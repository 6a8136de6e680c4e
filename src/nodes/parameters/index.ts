/**
 * A node's parameters: values and their types (values.ts), descriptors and rclcpp's checks
 * (descriptors.ts), typed errors (errors.ts), the store (store.ts) and its services on the ROS
 * graph (services.ts). Imports run one way: errors ← values ← descriptors ← store ← services.
 */
export {
  descriptorFromMsg,
  descriptorToMsg,
  type FloatingPointRange,
  type IntegerRange,
  type ParameterDescriptor,
  type ParameterDescriptorInput,
  type SetParametersResult,
} from './descriptors.js';
export {
  InvalidParameterNameError,
  InvalidParameterTypeError,
  InvalidParameterValueError,
  ParameterAlreadyDeclaredError,
  ParameterError,
  ParameterImmutableError,
  ParameterModifiedInCallbackError,
  ParameterNotDeclaredError,
  ParameterUninitializedError,
  UnknownParameterTypeError,
} from './errors.js';
export {
  declareUseSimTime,
  type ParameterServices,
  type ParameterServicesNode,
  type ParameterServicesOptions,
  startParameterServices,
} from './services.js';
export {
  DEPTH_RECURSIVE,
  type DeclareOptions,
  type ListParametersResult,
  type OnSetParametersCallback,
  type ParameterChangeEvent,
  type ParameterChangeListener,
  ParameterStore,
  type ParameterStoreOptions,
  type SetParametersResultInput,
} from './store.js';
export {
  PARAMETER_NOT_SET,
  PARAMETER_TYPES,
  type Parameter,
  type ParameterInput,
  ParameterType,
  type ParameterTypeName,
  type ParameterValue,
  type ParameterValueInput,
  type PlainParameterValue,
  parameterFromMsg,
  parameterToMsg,
  parameterTypeId,
  parameterTypeOf,
  parameterTypeToString,
  parameterValueFromMsg,
  parameterValuesEqual,
  parameterValueToMsg,
  plainParameterValue,
  toParameterValue,
} from './values.js';
