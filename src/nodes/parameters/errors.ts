/** The parameter store's typed errors (rclcpp's parameter exceptions, its messages kept). */

/** Base of the store's typed errors; `parameter` is the name concerned ('' if none). */
export class ParameterError extends Error {
  override name = 'ParameterError';
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
  }
}

/** An empty name (rclcpp's only name check: InvalidParametersException). */
export class InvalidParameterNameError extends ParameterError {
  override name = 'InvalidParameterNameError';
  constructor(parameter: string) {
    super('parameter name must not be empty', parameter);
  }
}

export class ParameterAlreadyDeclaredError extends ParameterError {
  override name = 'ParameterAlreadyDeclaredError';
  constructor(parameter: string) {
    super(`parameter '${parameter}' has already been declared`, parameter);
  }
}

export class ParameterNotDeclaredError extends ParameterError {
  override name = 'ParameterNotDeclaredError';
  constructor(parameter: string, message = `parameter '${parameter}' has not been declared`) {
    super(message, parameter);
  }
}

/** rclcpp's InvalidParameterTypeException: `parameter 'x' has invalid type: <detail>`. */
export class InvalidParameterTypeError extends ParameterError {
  override name = 'InvalidParameterTypeError';
  constructor(
    parameter: string,
    readonly detail: string,
  ) {
    super(`parameter '${parameter}' has invalid type: ${detail}`, parameter);
  }
}

/** A declaration whose initial value was rejected (range or on-set callback). */
export class InvalidParameterValueError extends ParameterError {
  override name = 'InvalidParameterValueError';
  constructor(
    parameter: string,
    readonly reason: string,
  ) {
    super(`parameter '${parameter}' could not be set: ${reason}`, parameter);
  }
}

/** Undeclaring a read-only parameter. */
export class ParameterImmutableError extends ParameterError {
  override name = 'ParameterImmutableError';
}

/** Reading a statically typed parameter that was declared without a value and never set. */
export class ParameterUninitializedError extends ParameterError {
  override name = 'ParameterUninitializedError';
  constructor(parameter: string) {
    super(`parameter '${parameter}' is not initialized`, parameter);
  }
}

/** Declaring, setting, undeclaring or adding a callback from inside an on-set callback or listener. */
export class ParameterModifiedInCallbackError extends ParameterError {
  override name = 'ParameterModifiedInCallbackError';
  constructor() {
    super('cannot set or declare a parameter, or change the callback from within set callback', '');
  }
}

/** A ParameterValue message whose type is none of the ten ParameterType constants. */
export class UnknownParameterTypeError extends ParameterError {
  override name = 'UnknownParameterTypeError';
  constructor(readonly type: number) {
    super(`unknown parameter type ${type}: expected a ParameterType constant from 0 to 9`, '');
  }
}
