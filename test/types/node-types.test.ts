/**
 * Compile-time checks of the node API's typing: `npm test` type-checks this file, so each
 * `@ts-expect-error` fails the build if the mistake it marks stops being an error. Nothing here
 * opens a socket: the functions are only type-checked, never called.
 */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/nodes/node.js';

function typedUses(node: Node) {
  const pub = node.createPublisher('geometry_msgs/msg/Twist', 'turtle1/cmd_vel', 10);
  pub.publish({ linear: { x: 0.5 }, angular: { z: 0.5 } });
  // @ts-expect-error a string is not a float64
  pub.publish({ linear: { x: 'fast' } });

  node.createSubscription('turtlesim/msg/Pose', 'turtle1/pose', (pose) => {
    const x: number = pose.x;
    // @ts-expect-error Pose has no field z
    return x + pose.z;
  });

  node.createService('turtlesim/srv/Spawn', 'spawn', (req) => {
    const name: string = req.name;
    return { name };
  });
  // @ts-expect-error the Spawn response has a string name, not a number
  node.createService('turtlesim/srv/Spawn', 'spawn', () => ({ name: 1 }));

  const client = node.createClient('example_interfaces/srv/AddTwoInts', 'add');
  const sum: Promise<bigint> = client.call({ a: 1n, b: 2n }).then((r) => r.sum);
  // @ts-expect-error AddTwoInts requests have no field c
  void client.call({ c: 1n });
  return sum;
}

describe('typed node API', () => {
  it('type-checks (see the file comment)', () => {
    expect(typeof typedUses).toBe('function');
  });
});
