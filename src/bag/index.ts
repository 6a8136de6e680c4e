/** Bags: MCAP files as rosbag2 writes them, recorded from and played into a ROS graph. */
export { adaptOfferToRecordedOffers, adaptRequestToOffers } from './adapt-qos.js';
export { type BagMessage, BagReader, type BagReaderOptions } from './bag-reader.js';
export { BagWriter, type BagWriterOptions, type TopicSpec, type WriteTimes } from './bag-writer.js';
export { BagError, BagFormatError } from './errors.js';
export { formatBagInfo } from './info.js';
export { messageDefinitionText } from './message-definition.js';
export type { BagFileInfo, BagMetadata, BagTopic, BagTopicInfo } from './metadata.js';
export { Player, type PlayerOptions } from './player.js';
export { parseQosOverrides, QosOverrideError, readQosOverrides } from './qos-overrides.js';
export { parseQosProfiles, serializeQosProfiles } from './qos-yaml.js';
export { Recorder, type RecorderOptions } from './recorder.js';
