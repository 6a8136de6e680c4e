import { describe, expect, it } from 'vitest';
import { InvalidTypeNameError } from '../../../src/rmw/errors.js';
import {
  actionMessageTypes,
  actionTypesToDds,
  ddsServiceTypeToRos,
  ddsTypeToRos,
  parseActionType,
  parseMessageType,
  parseServiceType,
  rosTypeToDds,
  serviceMessageTypes,
  serviceTypesToDds,
} from '../../../src/rmw/type-names.js';

function thrown(fn: () => unknown): InvalidTypeNameError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTypeNameError);
    return e as InvalidTypeNameError;
  }
  throw new Error('expected an InvalidTypeNameError, nothing was thrown');
}

describe('DDS type names (WIRE.md 1, the table)', () => {
  it('maps a message', () => {
    expect(rosTypeToDds('geometry_msgs/msg/Twist')).toBe('geometry_msgs::msg::dds_::Twist_');
    expect(rosTypeToDds('rmw_dds_common/msg/ParticipantEntitiesInfo')).toBe(
      'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_',
    );
  });

  it('maps a service to its request and response types (suffix _Response_, unlike the Reply topic)', () => {
    expect(serviceTypesToDds('std_srvs/srv/Trigger')).toEqual({
      request: 'std_srvs::srv::dds_::Trigger_Request_',
      response: 'std_srvs::srv::dds_::Trigger_Response_',
    });
  });

  it('maps every type an action uses', () => {
    expect(actionTypesToDds('turtlesim/action/RotateAbsolute')).toEqual({
      sendGoal: {
        request: 'turtlesim::action::dds_::RotateAbsolute_SendGoal_Request_',
        response: 'turtlesim::action::dds_::RotateAbsolute_SendGoal_Response_',
      },
      cancelGoal: {
        request: 'action_msgs::srv::dds_::CancelGoal_Request_',
        response: 'action_msgs::srv::dds_::CancelGoal_Response_',
      },
      getResult: {
        request: 'turtlesim::action::dds_::RotateAbsolute_GetResult_Request_',
        response: 'turtlesim::action::dds_::RotateAbsolute_GetResult_Response_',
      },
      feedback: 'turtlesim::action::dds_::RotateAbsolute_FeedbackMessage_',
      status: 'action_msgs::msg::dds_::GoalStatusArray_',
    });
  });

  it('gives the ROS names of the messages of a service and an action (as src/cdr names them)', () => {
    expect(serviceMessageTypes('example_interfaces/action/Fibonacci_SendGoal')).toEqual({
      request: 'example_interfaces/action/Fibonacci_SendGoal_Request',
      response: 'example_interfaces/action/Fibonacci_SendGoal_Response',
    });
    expect(serviceMessageTypes('std_srvs/srv/Trigger')).toEqual({
      request: 'std_srvs/srv/Trigger_Request',
      response: 'std_srvs/srv/Trigger_Response',
    });
    const a = actionMessageTypes('turtlesim/action/RotateAbsolute');
    expect(a.sendGoal.request).toBe('turtlesim/action/RotateAbsolute_SendGoal_Request');
    expect(a.getResult.response).toBe('turtlesim/action/RotateAbsolute_GetResult_Response');
    expect(a.feedback).toBe('turtlesim/action/RotateAbsolute_FeedbackMessage');
    expect(a.cancelGoal.request).toBe('action_msgs/srv/CancelGoal_Request');
    expect(a.status).toBe('action_msgs/msg/GoalStatusArray');
  });

  it('maps the messages derived from services and actions, which travel on their topics', () => {
    expect(rosTypeToDds('std_srvs/srv/Trigger_Request')).toBe('std_srvs::srv::dds_::Trigger_Request_');
    expect(rosTypeToDds('std_srvs/srv/Trigger_Event')).toBe('std_srvs::srv::dds_::Trigger_Event_');
    expect(rosTypeToDds('turtlesim/action/RotateAbsolute_Goal')).toBe(
      'turtlesim::action::dds_::RotateAbsolute_Goal_',
    );
    expect(rosTypeToDds('turtlesim/action/RotateAbsolute_FeedbackMessage')).toBe(
      'turtlesim::action::dds_::RotateAbsolute_FeedbackMessage_',
    );
  });
});

describe('short names (pkg/Name), read by use as rosidl_runtime_py does', () => {
  it('reads pkg/Name as the kind the use expects', () => {
    expect(rosTypeToDds('std_msgs/String')).toBe('std_msgs::msg::dds_::String_');
    expect(serviceTypesToDds('std_srvs/Trigger').request).toBe('std_srvs::srv::dds_::Trigger_Request_');
    expect(actionTypesToDds('turtlesim/RotateAbsolute').feedback).toBe(
      'turtlesim::action::dds_::RotateAbsolute_FeedbackMessage_',
    );
  });

  it('normalizes to the three-part name', () => {
    expect(parseMessageType('std_msgs/String')).toEqual({ pkg: 'std_msgs', kind: 'msg', name: 'String' });
    expect(parseServiceType('std_srvs/Trigger')).toEqual({ pkg: 'std_srvs', kind: 'srv', name: 'Trigger' });
    expect(parseActionType('turtlesim/RotateAbsolute')).toEqual({
      pkg: 'turtlesim',
      kind: 'action',
      name: 'RotateAbsolute',
    });
  });
});

describe('invalid type names', () => {
  it.each([
    ['std_msgs', "expected '<package>/msg/<Name>' (or '<package>/<Name>')"],
    ['a/msg/B/C', "expected '<package>/msg/<Name>' (or '<package>/<Name>')"],
    ['', "expected '<package>/msg/<Name>' (or '<package>/<Name>')"],
    ['Std_msgs/msg/Twist', "package name 'Std_msgs' must start with a lower-case letter"],
    ['std__msgs/msg/Twist', "package name 'std__msgs'"],
    ['std_msgs_/msg/Twist', "package name 'std_msgs_'"],
    ['/msg/Twist', "package name ''"],
    ['std_msgs/foo/Twist', "'foo' is not an interface kind: expected 'msg', 'srv' or 'action'"],
    [
      'std_msgs/msg/twist',
      "'twist' must start with an upper-case letter and contain only letters and digits",
    ],
    ['std_msgs/msg/Twist_Stamped', "'Twist_Stamped' must start with an upper-case letter"],
    ['std_msgs/msg/', "'' must start with an upper-case letter"],
    ['std_srvs/srv/trigger_Request', "'trigger' must start with an upper-case letter"],
    [
      'std_srvs/srv/Trigger',
      "expected a message type, not a service: its messages are named like 'std_srvs/srv/Trigger_Request'",
    ],
    [
      'turtlesim/action/RotateAbsolute',
      "expected a message type, not an action: its messages are named like 'turtlesim/action/RotateAbsolute_SendGoal_Request'",
    ],
  ])('refuses %j as a message type', (input, reason) => {
    const e = thrown(() => rosTypeToDds(input));
    expect(e.input).toBe(input);
    expect(e.reason).toContain(reason);
    expect(e.message).toBe(`invalid type name '${input}': ${e.reason}`);
  });

  it('refuses a type of the wrong kind where a service or an action is expected', () => {
    expect(thrown(() => serviceTypesToDds('std_msgs/msg/String')).reason).toBe(
      'expected a service type, not a message type',
    );
    expect(thrown(() => serviceTypesToDds('std_srvs/srv/Trigger_Request')).reason).toContain(
      "'Trigger_Request'",
    );
    expect(thrown(() => actionTypesToDds('std_srvs/srv/Trigger')).reason).toBe(
      'expected an action type, not a service type',
    );
  });
});

describe('DDS type names back to ROS (rmw_fastrtps demangle.cpp)', () => {
  it.each([
    ['a::b::dds_::T_', 'a/b/T'],
    ['geometry_msgs::msg::dds_::Twist_', 'geometry_msgs/msg/Twist'],
    ['std_srvs::srv::dds_::Trigger_Request_', 'std_srvs/srv/Trigger_Request'],
    [
      'turtlesim::action::dds_::RotateAbsolute_FeedbackMessage_',
      'turtlesim/action/RotateAbsolute_FeedbackMessage',
    ],
  ])('%s is %s', (dds, ros) => {
    expect(ddsTypeToRos(dds)).toBe(ros);
  });

  it.each(['DDS::ParticipantBuiltinTopicData', 'a::b::T_', 'a::b::dds_::T', ''])(
    '%j is not a ROS type',
    (dds) => {
      expect(ddsTypeToRos(dds)).toBeUndefined();
    },
  );

  it('strips _Request_ and _Response_ for the service type', () => {
    expect(ddsServiceTypeToRos('std_srvs::srv::dds_::Trigger_Request_')).toBe('std_srvs/srv/Trigger');
    expect(ddsServiceTypeToRos('std_srvs::srv::dds_::Trigger_Response_')).toBe('std_srvs/srv/Trigger');
    expect(ddsServiceTypeToRos('turtlesim::action::dds_::RotateAbsolute_SendGoal_Request_')).toBe(
      'turtlesim/action/RotateAbsolute_SendGoal',
    );
    expect(ddsServiceTypeToRos('std_msgs::msg::dds_::String_')).toBeUndefined();
    expect(ddsServiceTypeToRos('std_srvs::srv::Trigger_Request_')).toBeUndefined();
    expect(ddsServiceTypeToRos('std_srvs::srv::dds_::Trigger_Request_X')).toBeUndefined();
  });

  it('round-trips every name it maps', () => {
    for (const t of ['geometry_msgs/msg/Twist', 'std_srvs/srv/Trigger_Response', 'a/action/B_Feedback']) {
      expect(ddsTypeToRos(rosTypeToDds(t))).toBe(t);
    }
    const s = serviceTypesToDds('example_interfaces/srv/AddTwoInts');
    expect(ddsServiceTypeToRos(s.request)).toBe('example_interfaces/srv/AddTwoInts');
    expect(ddsServiceTypeToRos(s.response)).toBe('example_interfaces/srv/AddTwoInts');
  });
});
