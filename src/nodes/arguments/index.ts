/** ROS command-line arguments: parsing as rcl does, remapping, parameter overrides, log levels. */
export { logLevelFor } from './log-levels.js';
export {
  type NodeParameterEntry,
  nodeEntryMatches,
  overridesForNode,
  ParameterOverrideSet,
  ParamsFileError,
  parseParamsFile,
} from './params-file.js';
export {
  assertNoUnknownRosArguments,
  type LogLevels,
  type ParseRosArgumentsOptions,
  parseRosArguments,
  ROS_ARGS_END,
  ROS_ARGS_FLAG,
  type RosArguments,
  RosArgumentsError,
  removeRosArgs,
  UnknownRosArgumentsError,
} from './parse.js';
export { type RemapSources, remapNamespace, remapNodeName, remapTopicName } from './remap.js';
export type { RemapRule } from './rules.js';
