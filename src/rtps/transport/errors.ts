/**
 * Typed errors of the transport layer. These are thrown only where a caller must decide what to
 * do (which port to try next, which configuration to fix); failures on the data path are counted
 * instead (see TransportStats).
 */

/** Base class of every error thrown by `src/rtps/transport`. */
export class TransportError extends Error {
  override name = 'TransportError';
}

/** The port is bound by someone else; the participant tries the next participant id. */
export class PortInUseError extends TransportError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly address: string,
    options?: ErrorOptions,
  ) {
    super(`UDP port ${port} on ${address} is already in use`, options);
  }
}

/** A bind or join that failed for another reason than the port being taken (e.g. EACCES). */
export class SocketSetupError extends TransportError {
  override name = 'SocketSetupError';
}

/** The transport was closed; it opens no more channels. */
export class TransportClosedError extends TransportError {
  override name = 'TransportClosedError';
  constructor(what: string) {
    super(`${what}: the transport is closed`);
  }
}

/** A multicast channel was asked of a transport configured without multicast (range OFF). */
export class MulticastUnavailableError extends TransportError {
  override name = 'MulticastUnavailableError';
}

/** An argument that is not a valid address, group or port. */
export class InvalidAddressError extends TransportError {
  override name = 'InvalidAddressError';
}

/** A domain id outside 0..232, where the RTPS port formula leaves the UDP port range. */
export class DomainIdError extends TransportError {
  override name = 'DomainIdError';
  constructor(
    readonly domainId: unknown,
    detail: string,
  ) {
    super(`invalid ROS domain id ${JSON.stringify(domainId)}: ${detail}`);
  }
}

/** A participant id whose RTPS ports would not fit in 16 bits for this domain. */
export class ParticipantIdError extends TransportError {
  override name = 'ParticipantIdError';
  constructor(
    readonly participantId: unknown,
    detail: string,
  ) {
    super(`invalid RTPS participant id ${JSON.stringify(participantId)}: ${detail}`);
  }
}

/** An environment variable with a value ros2ts cannot use; names the variable and what to write. */
export class DiscoveryConfigError extends TransportError {
  override name = 'DiscoveryConfigError';
  constructor(
    readonly variable: string,
    readonly value: string,
    detail: string,
  ) {
    super(`${variable}=${JSON.stringify(value)}: ${detail}`);
  }
}
