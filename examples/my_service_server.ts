/**
 * The services tutorial's server: `draw_circle` (std_srvs/srv/Trigger). A call answers at once
 * and starts (once) a timer that publishes a geometry_msgs/msg/Twist on `turtle1/cmd_vel` every
 * 0.5 s, so a turtlesim turtle drives in a circle. Ctrl+C shuts down cleanly.
 *
 *   node dist/examples/my_service_server.js
 */
import { Context } from 'ros2ts';

const context = await Context.create();
const node = context.createNode('my_service_server');
const cmdVel = node.createPublisher('geometry_msgs/msg/Twist', 'turtle1/cmd_vel', 10);
let drawing = false;

node.createService('std_srvs/srv/Trigger', 'draw_circle', () => {
  node.logger.info('Received request to draw a circle!');
  if (!drawing) {
    drawing = true;
    node.createTimer(500, () => {
      cmdVel.publish({ linear: { x: 0.5 }, angular: { z: 0.5 } });
      node.logger.info('Publishing velocity command: linear.x=0.5, angular.z=0.5');
    });
  }
  return { success: true, message: 'Started drawing a circle!' };
});
node.logger.info('draw_circle service ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void context.shutdown());
}
