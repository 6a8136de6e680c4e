/**
 * Typed errors of the CDR layer. Every failure a caller can act on has its own class, so that a
 * receive path can tell "the peer sent garbage" (CdrDecodeError) from "the user passed a bad value"
 * (CdrEncodeError) from "this interface does not exist here" (InterfaceNotFoundError).
 */

/** Base class of every error thrown by `src/cdr`. */
export class CdrLayerError extends Error {
  override name = 'CdrLayerError';
}

/** An interface name that no source could resolve; lists every place searched. */
export class InterfaceNotFoundError extends CdrLayerError {
  override name = 'InterfaceNotFoundError';
  constructor(
    readonly interfaceName: string,
    readonly searched: readonly string[],
    readonly requiredBy?: string,
  ) {
    super(
      `unknown interface '${interfaceName}'${requiredBy ? ` (needed by '${requiredBy}')` : ''}; searched:` +
        (searched.length === 0 ? ' nothing (no sources configured)' : `\n  ${searched.join('\n  ')}`),
    );
  }
}

/** A malformed interface name or definition text (user input, not network input). */
export class InterfaceDefinitionError extends CdrLayerError {
  override name = 'InterfaceDefinitionError';
  constructor(
    readonly interfaceName: string,
    message: string,
    readonly source?: string,
  ) {
    super(`${interfaceName}: ${message}${source ? ` (in ${source})` : ''}`);
  }
}

/** A value that cannot be encoded as the named type; `path` names the field (e.g. `linear.x`). */
export class CdrEncodeError extends CdrLayerError {
  override name = 'CdrEncodeError';
  constructor(
    readonly typeName: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot encode ${typeName}${path ? ` field '${path}'` : ''}: ${reason}`);
  }
}

/** Bytes that are not a valid serialization of the type (truncated, over a bound, bad header...). */
export class CdrDecodeError extends CdrLayerError {
  override name = 'CdrDecodeError';
  constructor(
    readonly typeName: string,
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(`cannot decode ${typeName}: ${reason}${offset === undefined ? '' : ` at byte ${offset}`}`);
  }
}
