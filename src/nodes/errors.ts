/**
 * Typed errors of the node API. Each message says what happened and what to do about it, and
 * names the service, topic or node concerned.
 */

/** A wait (for a service, a response, a graph change) ran out of time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/** `waitForService` gave up: no server of the service became available in time. */
export class ServiceNotAvailableError extends TimeoutError {
  override name = 'ServiceNotAvailableError';
  constructor(
    readonly service: string,
    timeoutMs: number,
  ) {
    super(
      `service ${service} is not available after ${timeoutMs} ms: is a server running, in the same ROS_DOMAIN_ID and discovery range?`,
      timeoutMs,
    );
  }
}

/** A call got no response in time (no server, or the server never answered). */
export class ServiceCallTimeoutError extends TimeoutError {
  override name = 'ServiceCallTimeoutError';
  constructor(
    readonly service: string,
    timeoutMs: number,
    readonly serverSeen: boolean,
  ) {
    super(
      serverSeen
        ? `call to ${service} got no response within ${timeoutMs} ms (the server received it but did not answer in time)`
        : `call to ${service} timed out after ${timeoutMs} ms: no server for ${service} was available`,
      timeoutMs,
    );
  }
}

/** Every server of the service went away while a call was waiting for its response. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(readonly service: string) {
    super(`the server of ${service} went away before it answered`);
  }
}

/** The caller's AbortSignal fired. */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(
    what: string,
    override readonly cause?: unknown,
  ) {
    super(`${what} was aborted`);
  }
}

/** The node or context was destroyed while something waited on it, or is used after that. */
export class DestroyedError extends Error {
  override name = 'DestroyedError';
  constructor(what: string) {
    super(`${what} has been destroyed`);
  }
}

/** Subscriptions and servers: a payload that did not decode as the type announced. */
export class MessageDecodeError extends Error {
  override name = 'MessageDecodeError';
}
