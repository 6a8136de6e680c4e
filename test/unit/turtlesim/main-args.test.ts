import { describe, expect, it } from 'vitest';
import { rosArgsParameters } from '../../../src/turtlesim/main.js';

describe('turtlesim_node --ros-args', () => {
  it('takes -p name:=value as YAML scalars and skips other ROS arguments', () => {
    expect(
      rosArgsParameters([
        '-p',
        'background_r:=0',
        '--param',
        'holonomic:=true',
        '-r',
        '__node:=other',
        '-p',
        'scale:=1.5',
        '-p',
        'label:=hi',
      ]),
    ).toEqual({
      background_r: { type: 'integer', value: 0n },
      holonomic: true,
      scale: 1.5,
      label: 'hi',
    });
  });

  it('refuses -p without name:=value', () => {
    expect(() => rosArgsParameters(['-p', 'background_r'])).toThrow(/name:=value/);
  });
});
