/**
 * The type names web clients send, in the form ROS 2 uses. roslibjs apps written for ROS 1 say
 * `turtlesim/Pose`; rosbridge on ROS 2 reads that as `turtlesim/msg/Pose` (and `pkg/Name` of a
 * service as `pkg/srv/Name`), so the bridge does too.
 */
import { BridgeInputError } from './errors.js';

export type InterfaceKindName = 'msg' | 'srv' | 'action';

export function normalizeTypeName(type: string, kind: InterfaceKindName): string {
  const parts = type.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return `${parts[0]}/${kind}/${parts[1]}`;
  if (parts.length === 3 && parts[0] && parts[1] === kind && parts[2]) return type;
  throw new BridgeInputError(`'${type}' is not a ${kind} type name (pkg/${kind}/Name or pkg/Name)`);
}
