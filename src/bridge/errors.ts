/** The bridge's typed errors: what a client sent wrong, apart from what failed on the ROS side. */

/** A client's request that cannot be served as sent: answered with an error status, never fatal. */
export class BridgeInputError extends Error {
  override readonly name = 'BridgeInputError';
}

/** A type that neither the interface registry nor the graph can tell the bridge about. */
export class UnknownTypeError extends BridgeInputError {
  override readonly name = 'UnknownTypeError' as 'BridgeInputError';
}
