/**
 * Typed errors of the ROS naming and QoS layer. They are thrown for what a user passed (a topic
 * name, a type name, a QoS profile), never for network input: names a peer announces are mapped
 * with functions that return `undefined` instead.
 */

/** What kind of name was refused; it starts the message, as rclpy's exceptions do. */
export type NameKind = 'node name' | 'namespace' | 'topic name' | 'service name' | 'action name';

/** Why a name was refused; one per rmw/rcl validation result code, plus expansion failures. */
export type NameProblemCode =
  | 'empty'
  | 'not-absolute'
  | 'ends-with-slash'
  | 'unallowed-characters'
  | 'repeated-slash'
  | 'token-starts-with-number'
  | 'starts-with-number'
  | 'too-long'
  | 'misplaced-tilde'
  | 'tilde-not-followed-by-slash'
  | 'unmatched-curly-brace'
  | 'substitution-unallowed-characters'
  | 'substitution-starts-with-number'
  | 'unknown-substitution';

/** A refused name, the rmw/rcl wording of the reason, and where in the name it was found. */
export interface NameProblem {
  readonly code: NameProblemCode;
  /** In ROS's words (rmw `*_validation_result_string`, rcl `rcl_topic_name_validation_result_string`). */
  readonly reason: string;
  /** Index (UTF-16 code unit) of the offending character. */
  readonly index: number;
}

/**
 * An invalid node name, namespace, topic, service or action name. The message has rclpy's shape
 * (`Invalid topic name: <reason>:` then the name with a caret under the offending character), with
 * the index spelled out as well. `input` holds the refused name: `name` stays the class name, as
 * for every other error of ros2ts.
 */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
  readonly code: NameProblemCode;
  readonly reason: string;
  readonly index: number;

  constructor(
    readonly kind: NameKind,
    readonly input: string,
    problem: NameProblem,
  ) {
    super(
      `Invalid ${kind}: ${problem.reason} (at index ${problem.index}):\n  '${input}'\n   ${' '.repeat(problem.index)}^`,
    );
    this.code = problem.code;
    this.reason = problem.reason;
    this.index = problem.index;
  }
}

/** A ROS interface type name that is malformed, or of the wrong kind for its use. */
export class InvalidTypeNameError extends Error {
  override name = 'InvalidTypeNameError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid type name '${input}': ${reason}`);
  }
}

/** A QoS profile value outside what ROS 2 (and DDS) accept. */
export class InvalidQosError extends Error {
  override name = 'InvalidQosError';
  constructor(
    readonly policy: string,
    reason: string,
  ) {
    super(`invalid QoS ${policy}: ${reason}`);
  }
}
