/** Actions derived from topic names and types, as rcl_action's graph.c derives them. */
import { describe, expect, it } from 'vitest';
import { actionNamesAndTypes } from '../../../src/rmw/graph/action-graph.js';

const topic = (name: string, ...types: string[]) => ({ name, types, hidden: name.includes('/_') });

describe('actionNamesAndTypes', () => {
  it('takes `<action>/_action/feedback` topics and cuts _FeedbackMessage from their types', () => {
    const got = actionNamesAndTypes([
      topic('/turtle1/rotate_absolute/_action/status', 'action_msgs/msg/GoalStatusArray'),
      topic('/turtle1/rotate_absolute/_action/feedback', 'turtlesim/action/RotateAbsolute_FeedbackMessage'),
      topic('/fibonacci/_action/feedback', 'example_interfaces/action/Fibonacci_FeedbackMessage'),
      topic('/chatter', 'std_msgs/msg/String'),
      topic('/not_an_action/_action/feedback_extra', 'x/action/Y_FeedbackMessage'),
    ]);
    expect(got).toEqual([
      { name: '/fibonacci', types: ['example_interfaces/action/Fibonacci'], hidden: false },
      { name: '/turtle1/rotate_absolute', types: ['turtlesim/action/RotateAbsolute'], hidden: false },
    ]);
  });

  it('keeps a type without the suffix as it is, and flags hidden actions', () => {
    expect(actionNamesAndTypes([topic('/_private/_action/feedback', 'odd::Type')])).toEqual([
      { name: '/_private', types: ['odd::Type'], hidden: true },
    ]);
  });
});
