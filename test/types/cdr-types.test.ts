/**
 * Compile-time checks of the typed API: `npm test` type-checks this file, so every
 * `@ts-expect-error` below fails the build if the mistake it marks stops being an error.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, type Message } from '../../src/cdr/index.js';

describe('typed encode/decode', () => {
  it('accepts partial values and returns full ones', () => {
    const bytes = encode('geometry_msgs/msg/Twist', { linear: { x: 0.5 }, angular: { z: 0.5 } });
    const twist: Message<'geometry_msgs/msg/Twist'> = decode('geometry_msgs/msg/Twist', bytes);
    expect(twist.linear.x).toBe(0.5);
    const req = decode(
      'turtlesim/srv/Spawn_Request',
      encode('turtlesim/srv/Spawn_Request', { x: 2, name: 'a' }),
    );
    expect(req.name).toBe('a');
  });

  it('rejects wrongly typed values at compile time', () => {
    const bad = () => {
      // @ts-expect-error a string is not a float64
      encode('geometry_msgs/msg/Twist', { linear: { x: 'fast' } });
      // @ts-expect-error no such field in turtlesim/srv/Spawn_Request
      encode('turtlesim/srv/Spawn_Request', { nme: 'typo' });
      const img = decode('sensor_msgs/msg/Image', new Uint8Array());
      // @ts-expect-error Image.data decodes to a Uint8Array, not a string
      const s: string = img.data;
      return s;
    };
    expect(bad).toThrow();
  });
});
