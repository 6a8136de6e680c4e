/**
 * ROS interface type names, and the DDS type names rmw gives them (WIRE.md section 1):
 * `pkg/msg/Name` ↔ `pkg::msg::dds_::Name_`, the same in rmw_fastrtps and rmw_cyclonedds.
 *
 * Names accepted:
 * - `pkg/msg/Name`, `pkg/srv/Name`, `pkg/action/Name`, with rosidl's rules: the package as REP 144
 *   (lower case, digits, single inner underscores), the name `[A-Z][A-Za-z0-9]*`;
 * - the short `pkg/Name` wherever the use says which kind is meant, read as that kind, as
 *   rosidl_runtime_py (`get_message`, `get_service`, `get_action`), and so `ros2 topic pub /x
 *   std_msgs/String`, does; it is normalised to the three-part name;
 * - as a message, also the messages rosidl derives from a service or an action
 *   (`pkg/srv/Name_Request`, `pkg/action/Name_SendGoal_Request`, `..._FeedbackMessage`), which is
 *   what travels on their DDS topics.
 */
import { type InterfaceKind, isValidPackageName, isValidTypeBaseName } from '../cdr/model.js';
import { InvalidTypeNameError } from './errors.js';

export type { InterfaceKind };

export interface RosTypeName {
  readonly pkg: string;
  readonly kind: InterfaceKind;
  readonly name: string;
}

const KIND_WORD: Readonly<Record<InterfaceKind, string>> = {
  msg: 'message',
  srv: 'service',
  action: 'action',
};

/** The messages rosidl generates for a service (`_Event` since Iron, for service introspection). */
const SERVICE_MESSAGE_SUFFIXES = ['_Request', '_Response', '_Event'];

/** The messages and service messages rosidl generates for an action. */
const ACTION_MESSAGE_SUFFIXES = [
  '_Goal',
  '_Result',
  '_Feedback',
  '_SendGoal_Request',
  '_SendGoal_Response',
  '_SendGoal_Event',
  '_GetResult_Request',
  '_GetResult_Response',
  '_GetResult_Event',
  '_FeedbackMessage',
];

export function formatRosTypeName(t: RosTypeName): string {
  return `${t.pkg}/${t.kind}/${t.name}`;
}

/** Splits and checks the parts; `short` is the kind a two-part name stands for. */
function split(text: string, short: InterfaceKind): RosTypeName {
  const parts = text.split('/');
  let pkg: string;
  let kind: string;
  let name: string;
  if (parts.length === 3) [pkg, kind, name] = parts as [string, string, string];
  else if (parts.length === 2) [pkg, kind, name] = [parts[0] as string, short, parts[1] as string];
  else {
    throw new InvalidTypeNameError(text, `expected '<package>/${short}/<Name>' (or '<package>/<Name>')`);
  }
  if (!isValidPackageName(pkg)) {
    throw new InvalidTypeNameError(
      text,
      `package name '${pkg}' must start with a lower-case letter and contain only lower-case letters, ` +
        "digits and single underscores, not ending with '_'",
    );
  }
  if (kind !== 'msg' && kind !== 'srv' && kind !== 'action') {
    throw new InvalidTypeNameError(
      text,
      `'${kind}' is not an interface kind: expected 'msg', 'srv' or 'action'`,
    );
  }
  return { pkg, kind, name };
}

function requireBaseName(text: string, name: string): void {
  if (!isValidTypeBaseName(name)) {
    throw new InvalidTypeNameError(
      text,
      `'${name}' must start with an upper-case letter and contain only letters and digits`,
    );
  }
}

/** The base of a derived name (`Trigger` of `Trigger_Request`), or undefined when it is not one. */
function derivedBase(name: string, suffixes: readonly string[]): string | undefined {
  const suffix = suffixes.find((s) => name.endsWith(s));
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

/**
 * A type that can travel on a topic: `pkg/msg/Name` (or `pkg/Name`), or a message derived from a
 * service or action. Throws InvalidTypeNameError, naming the fix for a bare service or action.
 */
export function parseMessageType(text: string): RosTypeName {
  const t = split(text, 'msg');
  if (t.kind === 'msg') {
    requireBaseName(text, t.name);
    return t;
  }
  const base = derivedBase(t.name, t.kind === 'srv' ? SERVICE_MESSAGE_SUFFIXES : ACTION_MESSAGE_SUFFIXES);
  if (base === undefined) {
    requireBaseName(text, t.name);
    const example = t.kind === 'srv' ? '_Request' : '_SendGoal_Request';
    throw new InvalidTypeNameError(
      text,
      `expected a message type, not ${t.kind === 'srv' ? 'a service' : 'an action'}: its messages are ` +
        `named like '${formatRosTypeName(t)}${example}'`,
    );
  }
  requireBaseName(text, base);
  return t;
}

function parseOfKind(text: string, kind: 'srv' | 'action'): RosTypeName {
  const t = split(text, kind);
  if (t.kind !== kind) {
    throw new InvalidTypeNameError(text, `expected ${article(kind)} type, not ${article(t.kind)} type`);
  }
  requireBaseName(text, t.name);
  return t;
}

function article(kind: InterfaceKind): string {
  return `${kind === 'action' ? 'an' : 'a'} ${KIND_WORD[kind]}`;
}

/** `pkg/srv/Name` (or `pkg/Name`). */
export function parseServiceType(text: string): RosTypeName {
  return parseOfKind(text, 'srv');
}

/** `pkg/action/Name` (or `pkg/Name`). */
export function parseActionType(text: string): RosTypeName {
  return parseOfKind(text, 'action');
}

function toDds(t: RosTypeName, name = t.name): string {
  return `${t.pkg}::${t.kind}::dds_::${name}_`;
}

/** `geometry_msgs/msg/Twist` → `geometry_msgs::msg::dds_::Twist_`; any type `parseMessageType` takes. */
export function rosTypeToDds(messageType: string): string {
  return toDds(parseMessageType(messageType));
}

export interface ServiceTypes {
  readonly request: string;
  readonly response: string;
}

/** A service rosidl derives for an action: `pkg/action/Name_SendGoal` or `..._GetResult`. */
const ACTION_SERVICE = /^[^/]+\/action\/[^/]+_(SendGoal|GetResult)$/;

/**
 * The ROS names of a service's two messages: `std_srvs/srv/Trigger_Request`, `..._Response`; also
 * for the services rosidl derives for an action (`pkg/action/Name_SendGoal`, `..._GetResult`).
 */
export function serviceMessageTypes(serviceType: string): ServiceTypes {
  if (ACTION_SERVICE.test(serviceType)) {
    parseMessageType(`${serviceType}_Request`);
    return { request: `${serviceType}_Request`, response: `${serviceType}_Response` };
  }
  const name = formatRosTypeName(parseServiceType(serviceType));
  return { request: `${name}_Request`, response: `${name}_Response` };
}

/** `std_srvs/srv/Trigger` → `std_srvs::srv::dds_::Trigger_Request_` and `..._Response_`. */
export function serviceTypesToDds(serviceType: string): ServiceTypes {
  const t = parseServiceType(serviceType);
  return { request: toDds(t, `${t.name}_Request`), response: toDds(t, `${t.name}_Response`) };
}

/** The types on an action's services and topics, keyed like `ActionNames` (src/rmw/names.ts). */
export interface ActionTypes {
  readonly sendGoal: ServiceTypes;
  readonly cancelGoal: ServiceTypes;
  readonly getResult: ServiceTypes;
  readonly feedback: string;
  readonly status: string;
}

/**
 * The ROS names of every message an action uses: its own `_SendGoal_*`, `_GetResult_*` and
 * `_FeedbackMessage`, and the shared `action_msgs` cancel service and status message.
 */
export function actionMessageTypes(actionType: string): ActionTypes {
  const name = formatRosTypeName(parseActionType(actionType));
  return {
    sendGoal: { request: `${name}_SendGoal_Request`, response: `${name}_SendGoal_Response` },
    cancelGoal: {
      request: 'action_msgs/srv/CancelGoal_Request',
      response: 'action_msgs/srv/CancelGoal_Response',
    },
    getResult: { request: `${name}_GetResult_Request`, response: `${name}_GetResult_Response` },
    feedback: `${name}_FeedbackMessage`,
    status: 'action_msgs/msg/GoalStatusArray',
  };
}

/** `actionMessageTypes` as DDS type names (`turtlesim::action::dds_::RotateAbsolute_SendGoal_Request_`...). */
export function actionTypesToDds(actionType: string): ActionTypes {
  const ros = actionMessageTypes(actionType);
  const pair = (s: ServiceTypes): ServiceTypes => ({
    request: rosTypeToDds(s.request),
    response: rosTypeToDds(s.response),
  });
  return {
    sendGoal: pair(ros.sendGoal),
    cancelGoal: pair(ros.cancelGoal),
    getResult: pair(ros.getResult),
    feedback: rosTypeToDds(ros.feedback),
    status: rosTypeToDds(ros.status),
  };
}

const DDS_NS = 'dds_::';

/** Splits `a::b::dds_::T<suffix>` at the first `dds_::`, as rmw_fastrtps's demangling does. */
function demangle(ddsType: string, suffix: string): string | undefined {
  const at = ddsType.indexOf(DDS_NS);
  if (at < 0 || !ddsType.endsWith(suffix)) return undefined;
  const namespace = ddsType.slice(0, at).replaceAll('::', '/');
  return namespace + ddsType.slice(at + DDS_NS.length, ddsType.length - suffix.length);
}

/**
 * `a::b::dds_::T_` → `a/b/T`; undefined for a type outside the ROS convention (no `dds_::`, or no
 * trailing `_`), where rmw_fastrtps would show the DDS name unchanged.
 */
export function ddsTypeToRos(ddsType: string): string | undefined {
  return demangle(ddsType, '_');
}

/**
 * The service type behind a request or reply topic's type: `std_srvs::srv::dds_::Trigger_Request_`
 * (or `_Response_`) → `std_srvs/srv/Trigger`; undefined without `dds_::` or either suffix.
 */
export function ddsServiceTypeToRos(ddsType: string): string | undefined {
  return demangle(ddsType, '_Response_') ?? demangle(ddsType, '_Request_');
}
