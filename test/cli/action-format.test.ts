/**
 * `ros2ts action`'s text, without sockets: what ros2action (Jazzy `verb/send_goal.py`,
 * `verb/info.py`) prints, built from rosidl_runtime_py's message_to_yaml as PyYAML writes it.
 */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { registry } from '../../src/cli/interfaces.js';
import {
  actionType,
  feedbackText,
  formatActionInfo,
  goalAcceptedText,
  goalStatusText,
  messageYaml,
  resultText,
  sendGoalNodeName,
  sendingGoalText,
} from '../../src/cli/verbs/action.js';
import { GoalStatus } from '../../src/index.js';

describe('action send_goal text', () => {
  it('indents only the first line of each YAML block, as print("...\\n    {}".format(yaml)) does', () => {
    const reg = registry();
    expect(sendingGoalText(messageYaml(reg, 'example_interfaces/action/Fibonacci_Goal', { order: 10 }))).toBe(
      'Sending goal:\n     order: 10\n\n',
    );
    expect(
      feedbackText(messageYaml(reg, 'example_interfaces/action/Fibonacci_Feedback', { sequence: [0, 1, 1] })),
    ).toBe('Feedback:\n    sequence:\n- 0\n- 1\n- 1\n\n');
    expect(
      resultText(
        messageYaml(reg, 'turtlesim/action/RotateAbsolute_Result', { delta: Math.fround(-1.552) }),
        GoalStatus.SUCCEEDED,
      ),
    ).toBe('Result:\n    delta: -1.5520000457763672\n\nGoal finished with status: SUCCEEDED\n');
    // An empty sequence is a flow-style [] on the key's line.
    expect(resultText(messageYaml(reg, 'example_interfaces/action/Fibonacci_Result', {}), 5)).toBe(
      'Result:\n    sequence: []\n\nGoal finished with status: CANCELED\n',
    );
  });

  it('prints the goal id as bytes(uuid).hex(): 32 digits, no dashes', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(goalAcceptedText(id)).toBe('Goal accepted with ID: 00112233445566778899aabbccddeeff\n\n');
  });

  it('names statuses as _goal_status_to_string, UNKNOWN for anything else', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(goalStatusText)).toEqual([
      'UNKNOWN',
      'ACCEPTED',
      'EXECUTING',
      'CANCELING',
      'SUCCEEDED',
      'CANCELED',
      'ABORTED',
      'UNKNOWN',
    ]);
  });

  it("names its node from the type as typed, every '/' replaced", () => {
    expect(sendGoalNodeName('example_interfaces/action/Fibonacci')).toBe(
      '_ros2cli_send_goal_example_interfaces_action_Fibonacci',
    );
    expect(sendGoalNodeName('turtlesim/RotateAbsolute')).toBe('_ros2cli_send_goal_turtlesim_RotateAbsolute');
  });

  it('takes pkg/action/Name or pkg/Name, and refuses anything that is not an action it knows', () => {
    expect(actionType('turtlesim/RotateAbsolute')).toBe('turtlesim/action/RotateAbsolute');
    expect(actionType('example_interfaces/action/Fibonacci')).toBe('example_interfaces/action/Fibonacci');
    expect(() => actionType('turtlesim/srv/Spawn')).toThrow(
      new CliError(
        "The passed action type is invalid: 'turtlesim/srv/Spawn' is not of the form 'package/action/Name'",
      ),
    );
    expect(() => actionType('Fibonacci')).toThrow(CliError);
    expect(() => actionType('example_interfaces/action/Nope')).toThrow(
      /^The passed action type is invalid: no definition of 'example_interfaces\/action\/Nope_Goal' in /,
    );
  });
});

describe('action info text', () => {
  const clients = [{ node: '/demo/watcher', types: ['example_interfaces/action/Fibonacci'] }];
  const servers = [
    { node: '/fib_server', types: ['example_interfaces/action/Fibonacci'] },
    { node: '/other', types: ['example_interfaces/action/Fibonacci'] },
  ];

  it('lists clients then servers under their counts, the name as typed', () => {
    expect(formatActionInfo('fibonacci', clients, servers)).toEqual([
      'Action: fibonacci',
      'Action clients: 1',
      '    /demo/watcher',
      'Action servers: 2',
      '    /fib_server',
      '    /other',
    ]);
  });

  it('-t adds the types, -c only counts', () => {
    expect(formatActionInfo('/fibonacci', clients, [], { showTypes: true })).toEqual([
      'Action: /fibonacci',
      'Action clients: 1',
      '    /demo/watcher [example_interfaces/action/Fibonacci]',
      'Action servers: 0',
    ]);
    expect(formatActionInfo('/fibonacci', clients, servers, { count: true, showTypes: true })).toEqual([
      'Action: /fibonacci',
      'Action clients: 1',
      'Action servers: 2',
    ]);
  });
});
