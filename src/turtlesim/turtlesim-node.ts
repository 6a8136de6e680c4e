/**
 * turtlesim_node on the ROS graph: a node `turtlesim` with the names, types, QoS and behaviour of
 * ROS 2 Jazzy's turtlesim (`turtle_frame.cpp`, `turtle.cpp`), driving a TurtleWorld.
 *
 * - Services `clear`, `reset` (std_srvs/srv/Empty), `spawn`, `kill`.
 * - Per turtle `<t>/cmd_vel` (sub), `<t>/pose` and `<t>/color_sensor` (pub, every tick), all
 *   KeepLast(7) reliable; services `<t>/set_pen`, `<t>/teleport_absolute`, `<t>/teleport_relative`;
 *   the action `<t>/rotate_absolute` (turtlesim/action/RotateAbsolute), which accepts every goal
 *   and every cancel request, as turtlesim does (the rotation itself is the world's). They come
 *   with the turtle and go with it: a killed turtle's goal ends with its action server.
 * - A 16 ms timer steps the world by 0.016 s (the first tick only starts the clock, as turtlesim's
 *   updateTurtles does) and publishes each turtle's pose and colour.
 * - A refused spawn or kill is answered (rclcpp discards the callbacks' `false`), with turtlesim's
 *   error logged: the spawn response's name is then empty.
 */
import {
  ActionServer,
  type Context,
  type Node,
  type NodeOptions,
  type Publisher,
  type ServerGoalHandle,
} from '../index.js';
import { declareTurtlesimParameters, type TurtlesimParameters } from './parameters.js';
import {
  type Rgb,
  type RotationGoal,
  TurtlesimError,
  type TurtleUpdate,
  TurtleWorld,
  UPDATE_DT,
  UPDATE_PERIOD_MS,
  type WorldLogLevel,
} from './world.js';

/** turtlesim's `topic_qos()`: `QoS(KeepLast(7)).reliable()`. */
export const TURTLESIM_TOPIC_QOS = { history: 'KEEP_LAST', depth: 7, reliability: 'RELIABLE' } as const;

export interface TurtlesimOptions {
  /** Default `turtlesim`. */
  readonly nodeName?: string;
  /** Namespace, log sink and level of the node. */
  readonly nodeOptions?: NodeOptions;
  /** The clock for cmd_vel expiry (ms); default Date.now, as turtlesim's `now()` is system time. */
  readonly now?: () => number;
  /** Picks the turtle images; default Math.random. */
  readonly random?: () => number;
}

export interface TurtlesimHandle {
  readonly node: Node;
  readonly world: TurtleWorld;
  /** The background colour (the background_r/g/b parameters). */
  getBackground(): Rgb;
  /** Calls `listener` after every step with what it published; returns a function that stops it. */
  onUpdate(listener: (updates: readonly TurtleUpdate[]) => void): () => void;
  /** Destroys the node (its turtles' topics and services with it); the context stays open. */
  stop(): Promise<void>;
}

interface TurtleEndpoints {
  readonly pose: Publisher<'turtlesim/msg/Pose'>;
  readonly color: Publisher<'turtlesim/msg/Color'>;
  readonly all: readonly { destroy(): void }[];
}

/** Starts turtlesim on `context`: the node, its services, turtle1 at the centre, the update timer. */
export function startTurtlesim(context: Context, options: TurtlesimOptions = {}): TurtlesimHandle {
  const now = options.now ?? Date.now;
  const node = context.createNode(options.nodeName ?? 'turtlesim', options.nodeOptions ?? {});
  const params: TurtlesimParameters = declareTurtlesimParameters(node);
  const endpoints = new Map<string, TurtleEndpoints>();
  const listeners = new Set<(updates: readonly TurtleUpdate[]) => void>();

  const log = (level: WorldLogLevel, message: string) => {
    if (level === 'info') node.logger.info(message);
    else if (level === 'warn') node.logger.warn(message);
    else node.logger.error(message);
  };

  const addTurtle = (name: string) => {
    const made: { destroy(): void }[] = [];
    try {
      made.push(
        node.createSubscription(
          'geometry_msgs/msg/Twist',
          `${name}/cmd_vel`,
          (m) => {
            if (!world.has(name)) return;
            world.command(
              name,
              { linear: m.linear.x, lateral: m.linear.y, angular: m.angular.z },
              now(),
              params.holonomic(),
            );
          },
          TURTLESIM_TOPIC_QOS,
        ),
      );
      const pose = node.createPublisher('turtlesim/msg/Pose', `${name}/pose`, TURTLESIM_TOPIC_QOS);
      made.push(pose);
      const color = node.createPublisher('turtlesim/msg/Color', `${name}/color_sensor`, TURTLESIM_TOPIC_QOS);
      made.push(color);
      made.push(
        node.createService('turtlesim/srv/SetPen', `${name}/set_pen`, (req) => {
          world.setPen(name, req);
          return {};
        }),
        node.createService('turtlesim/srv/TeleportRelative', `${name}/teleport_relative`, (req) => {
          world.teleportRelative(name, req.linear, req.angular);
          return {};
        }),
        node.createService('turtlesim/srv/TeleportAbsolute', `${name}/teleport_absolute`, (req) => {
          world.teleportAbsolute(name, req.x, req.y, req.theta);
          return {};
        }),
        new ActionServer(node, 'turtlesim/action/RotateAbsolute', `${name}/rotate_absolute`, {
          onCancel: () => 'accept',
          execute: (goal) => rotate(name, goal),
        }),
      );
      endpoints.set(name, { pose, color, all: made });
    } catch (error) {
      for (const m of made) m.destroy();
      throw error;
    }
  };

  /** Runs one rotate_absolute goal in the world; resolves when it ended or its server went away. */
  const rotate = (name: string, goal: ServerGoalHandle<'turtlesim/action/RotateAbsolute'>): Promise<void> =>
    new Promise((resolve) => {
      const listener: RotationGoal = {
        feedback: (remaining) => goal.publishFeedback({ remaining }),
        ended: (outcome, delta) => {
          goal.signal.removeEventListener('abort', onAbort);
          if (outcome === 'succeeded') goal.succeed({ delta });
          else if (outcome === 'canceled') goal.canceled({ delta });
          else goal.abort({ delta });
          resolve();
        },
      };
      // A cancel was accepted (the world ends the goal at its next update), or the server is gone.
      const onAbort = () => {
        if (goal.isCancelRequested && world.isRotating(name)) return world.cancelRotation(name, listener);
        world.forgetRotation(name, listener);
        resolve();
      };
      if (!world.has(name)) {
        goal.abort({ delta: 0 });
        return resolve();
      }
      goal.signal.addEventListener('abort', onAbort, { once: true });
      world.rotateAbsolute(name, goal.goal.theta, listener);
    });

  const removeTurtle = (name: string) => {
    const e = endpoints.get(name);
    endpoints.delete(name);
    for (const m of e?.all ?? []) m.destroy();
  };

  node.logger.info(`Starting turtlesim with node name ${node.fullyQualifiedName}`);
  const world: TurtleWorld = new TurtleWorld({
    random: options.random ?? Math.random,
    nowMs: now(),
    log,
    turtleAdded: addTurtle,
    turtleRemoved: removeTurtle,
  });

  node.createService('std_srvs/srv/Empty', 'clear', () => {
    world.clear();
    return {};
  });
  node.createService('std_srvs/srv/Empty', 'reset', () => {
    world.reset(now());
    return {};
  });
  node.createService('turtlesim/srv/Spawn', 'spawn', (req) => {
    if (req.name !== '') checkTurtleName(node, req.name);
    try {
      return { name: world.spawn(req.name, req.x, req.y, req.theta, now()) };
    } catch (error) {
      if (!(error instanceof TurtlesimError)) throw error;
      node.logger.error(error.message);
      return { name: '' };
    }
  });
  node.createService('turtlesim/srv/Kill', 'kill', (req) => {
    try {
      world.kill(req.name);
    } catch (error) {
      if (!(error instanceof TurtlesimError)) throw error;
      node.logger.error(error.message);
    }
    return {};
  });

  let started = false;
  const timer = node.createTimer(UPDATE_PERIOD_MS, () => {
    if (!started) {
      started = true;
      return;
    }
    const updates = world.step(UPDATE_DT, now());
    for (const u of updates) {
      const e = endpoints.get(u.name);
      if (!e) continue;
      e.pose.publish({
        x: u.pose.x,
        y: u.pose.y,
        theta: u.pose.theta,
        linear_velocity: u.pose.linearVelocity,
        angular_velocity: u.pose.angularVelocity,
      });
      e.color.publish(u.color);
    }
    for (const l of listeners) {
      try {
        l(updates);
      } catch (error) {
        node.logger.error(`turtlesim update listener threw: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
  });

  return {
    node,
    world,
    getBackground: () => params.background(),
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      timer.cancel();
      listeners.clear();
      endpoints.clear();
      await node.destroy();
    },
  };
}

/**
 * A spawn name must make valid topic and service names (`<name>/cmd_vel`, ...). rclcpp would throw
 * out of the Turtle constructor; here the request is refused with turtlesim's log and no response.
 */
function checkTurtleName(node: Node, name: string): void {
  try {
    node.resolveName(`${name}/cmd_vel`);
    node.resolveName(`${name}/teleport_absolute`, 'service name');
  } catch (error) {
    node.logger.error(`Cannot spawn turtle [${name}]: ${(error as Error).message}`);
    throw error;
  }
}
