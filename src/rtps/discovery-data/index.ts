/**
 * The codec of RTPS discovery data: SPDP participant data and SEDP endpoint data as PL_CDR
 * payloads, their QoS policies and defaults, the parameter ids per vendor, and the dispose /
 * unregister forms. Decoders throw only DiscoveryDataError.
 */
export * from './duration.js';
export * from './endpoint-data.js';
export * from './errors.js';
export * from './participant-data.js';
export * from './pids.js';
export * from './qos.js';
export * from './sample.js';
export {
  ENCAPSULATION_PL_CDR_BE,
  ENCAPSULATION_PL_CDR_LE,
  encodeParameterListPayload,
  openParameterListPayload,
} from './schema.js';
export type { BinaryProperty, Property, PropertyList } from './values.js';
export type * from './vendor-parameters.js';
