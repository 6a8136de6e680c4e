/**
 * turtlesim's parameters (turtle_frame.cpp), declared as it declares them and read where it reads
 * them: `background_r/g/b` (integers 0..255 step 1, default 69, 86, 255) whenever the window is
 * painted, `holonomic` (bool, default false) on each cmd_vel.
 */
import type { Node } from '../index.js';
import { DEFAULT_BACKGROUND, type Rgb } from './world.js';

export interface TurtlesimParameters {
  background(): Rgb;
  holonomic(): boolean;
}

const CHANNELS = [
  ['background_r', 'Red', DEFAULT_BACKGROUND.r],
  ['background_g', 'Green', DEFAULT_BACKGROUND.g],
  ['background_b', 'Blue', DEFAULT_BACKGROUND.b],
] as const;

/** Declares turtlesim's parameters on `node` and returns how to read them. */
export function declareTurtlesimParameters(node: Node): TurtlesimParameters {
  for (const [name, channel, value] of CHANNELS) {
    node.declareParameter(
      name,
      { type: 'integer', value },
      {
        description: `${channel} channel of the background color`,
        integerRange: { fromValue: 0, toValue: 255, step: 1 },
      },
    );
  }
  node.declareParameter('holonomic', false, { description: 'If true, then turtles will be holonomic' });

  const integer = (name: string, fallback: number): number => {
    const v = node.parameters.get(name);
    return v.type === 'integer' ? Number(v.value) : fallback;
  };
  return {
    background: () => ({
      r: integer('background_r', DEFAULT_BACKGROUND.r),
      g: integer('background_g', DEFAULT_BACKGROUND.g),
      b: integer('background_b', DEFAULT_BACKGROUND.b),
    }),
    holonomic: () => {
      const v = node.parameters.get('holonomic');
      return v.type === 'bool' && v.value;
    },
  };
}
