import { describe, expect, it } from 'vitest';
import { parseTurtlesimArgs } from '../../../src/turtlesim/main.js';

describe('turtlesim_node arguments', () => {
  it('takes its own options outside --ros-args sections and leaves the ROS arguments to the context', () => {
    expect(
      parseTurtlesimArgs([
        '--png',
        'a.png',
        '--ros-args',
        '-p',
        'port:=3',
        '-r',
        '__ns:=/sim',
        '--',
        '--port',
        '7',
      ]),
    ).toEqual({ port: 7, png: 'a.png', web: true, help: false });
    expect(parseTurtlesimArgs(['--ros-args', '--no-web'])).toEqual({ port: 0, web: true, help: false });
  });

  it('refuses its unknown options, and ROS arguments as rcl does', () => {
    expect(parseTurtlesimArgs(['--bogus'])).toMatch(/^turtlesim_node: .*--bogus/);
    expect(parseTurtlesimArgs(['--ros-args', '-p', 'background_r'])).toMatch(
      /^turtlesim_node: Couldn't parse parameter override rule: '-p background_r'\. Error: Expected lexeme type \(22\) not found, search ended at index 12/,
    );
  });
});
