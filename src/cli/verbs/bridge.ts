/**
 * `ros2ts bridge`: the ROS graph for web clients on one WebSocket port, rosbridge v2 (roslibjs)
 * and Foxglove WebSocket (Foxglove, Lichtblick), until SIGINT or SIGTERM.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import {
  type BridgeProtocol,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_PORT,
  startBridge,
} from '../../bridge/index.js';
import { Context } from '../../index.js';
import { positiveInt } from '../common.js';
import { CliError, print } from '../errors.js';
import { interrupted } from '../session.js';

interface BridgeArgs {
  port: number;
  address: string;
  protocol: BridgeProtocol;
  token?: string;
  allowOrigin?: string[];
  maxPayload: number;
}

export function registerBridge(program: Command): void {
  program
    .command('bridge')
    .description('Serve the ROS graph to web clients: rosbridge v2 (roslibjs) and Foxglove WebSocket')
    .option(
      '--port <port>',
      `TCP port to listen on (0: any free port) (default: ${DEFAULT_PORT})`,
      port,
      DEFAULT_PORT,
    )
    .option('--address <address>', 'Address to bind; another than loopback exposes the graph', '127.0.0.1')
    .addOption(
      new Option('--protocol <protocol>', 'Protocols to speak')
        .choices(['rosbridge', 'foxglove', 'both'])
        .default('both'),
    )
    .option(
      '--token <token>',
      'Require this token from clients (?token= in the URL, or Authorization: Bearer)',
    )
    .option(
      '--allow-origin <origin...>',
      'Accept browsers only from these origins (e.g. http://localhost:8080)',
    )
    .option(
      '--max-payload <bytes>',
      'Largest frame a client may send',
      positiveInt,
      DEFAULT_MAX_PAYLOAD_BYTES,
    )
    .action(async (o: BridgeArgs) => {
      let context: Context;
      try {
        context = await Context.create();
      } catch (error) {
        throw new CliError(`cannot join the ROS graph: ${(error as Error).message}`);
      }
      const stop = interrupted();
      try {
        const bridge = await startBridge(context, {
          port: o.port,
          address: o.address,
          protocol: o.protocol,
          maxPayloadBytes: o.maxPayload,
          ...(o.token !== undefined ? { token: o.token } : {}),
          ...(o.allowOrigin !== undefined ? { allowedOrigins: o.allowOrigin } : {}),
        }).catch((error: Error) => {
          throw new CliError(`cannot listen on ${o.address}:${o.port}: ${error.message}`);
        });
        const host = bridge.address.includes(':') ? `[${bridge.address}]` : bridge.address;
        print(
          `ros2ts bridge on ws://${host}:${bridge.port} (${o.protocol === 'both' ? 'rosbridge v2 and foxglove.websocket.v1' : o.protocol})`,
        );
        if (o.protocol !== 'foxglove') print(`the graph, live: http://${host}:${bridge.port}/`);
        await stop.promise;
        await bridge.close();
      } finally {
        stop.dispose();
        await context.shutdown();
      }
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError('a port is an integer 0..65535');
  return n;
}
