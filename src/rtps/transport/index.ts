/** The transports the RTPS participant sends and receives through, and their configuration. */
export { isIPv4, isLoopbackIPv4, isMulticastIPv4, MAX_UDP_PAYLOAD } from './address.js';
export type { TransportEvent, TransportEventKind } from './diagnostics.js';
export {
  type DiscoveryOptions,
  type DiscoveryOverrides,
  type DiscoveryRange,
  discoveryOptionsFromEnv,
  type Environment,
  type ResolvedDiscoveryOptions,
  resolveDiscoveryOptions,
} from './discovery-options.js';
export {
  DiscoveryConfigError,
  DomainIdError,
  InvalidAddressError,
  MulticastUnavailableError,
  ParticipantIdError,
  PortInUseError,
  SocketSetupError,
  TransportClosedError,
  TransportError,
} from './errors.js';
export {
  type DirectionFaults,
  decideFate,
  type FaultCounts,
  type FaultDirection,
  type FaultFate,
  type FaultKind,
  type FaultRates,
  FaultTransport,
  type FaultTransportOptions,
  type FaultTransportStats,
} from './fault-transport.js';
export {
  MemoryBus,
  type MemoryBusOptions,
  type MemoryBusStats,
  MemoryTransport,
} from './memory-transport.js';
export { MAX_DOMAIN_ID, maxParticipantId, type RtpsPorts, rtpsPorts, SPDP_MULTICAST_GROUP } from './ports.js';
export { mulberry32 } from './prng.js';
export type { DatagramHandler, ReceiveChannel, Transport, TransportStats, UdpLocator } from './transport.js';
export { ipv4InterfaceAddresses, UdpTransport, type UdpTransportOptions } from './udp-transport.js';
