/**
 * `ros2ts bridge`: one WebSocket server, on a node of a ros2ts context, speaking the rosbridge v2
 * protocol (clients that ask for no subprotocol: roslibjs) and the Foxglove WebSocket protocol
 * (clients that ask for `foxglove.websocket.v1`). Safe by default: it binds 127.0.0.1, refuses
 * frames over maxPayloadBytes (ws closes such a connection with 1009, as the RFC wants), can
 * require a token and an allowed Origin, and bounds what it queues for each client. A plain HTTP
 * GET of `/` gets the bridge page (page/bridge-page.ts), a live view of the graph.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode as cborDecode } from 'cbor-x';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Context, Node } from '../index.js';
import { ActionHub } from './action-hub.js';
import { refuse } from './admission.js';
import { ClientConnection } from './connection.js';
import { FOXGLOVE_SUBPROTOCOL, FoxgloveSide } from './foxglove/foxglove-side.js';
import { servePage } from './page/bridge-page.js';
import { Rosapi } from './rosbridge/rosapi.js';
import { RosapiParams } from './rosbridge/rosapi-params.js';
import { RosbridgeSession } from './rosbridge/session.js';
import type { SendQueueOptions, SendQueueStats } from './send-queue.js';
import { ServiceHub } from './service-hub.js';
import { TopicHub } from './topic-hub.js';

export type BridgeProtocol = 'rosbridge' | 'foxglove' | 'both';

export interface BridgeOptions {
  /** Default 9090 (rosbridge's); 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: reachable from this machine only. */
  readonly address?: string;
  readonly protocol?: BridgeProtocol;
  /** When set, a client must give it (`?token=` in the URL, or `Authorization: Bearer`). */
  readonly token?: string;
  /** When set, a browser's Origin header must be one of these. */
  readonly allowedOrigins?: readonly string[];
  /** Larger incoming frames close the connection (1009). Default 16 MiB. */
  readonly maxPayloadBytes?: number;
  readonly sendQueue?: SendQueueOptions;
  /** rosbridge's default call_service timeout, in seconds; also bounds each node's parameter requests. Default 5. */
  readonly defaultCallTimeoutS?: number;
  /** The bridge node's name. Default `ros2ts_bridge`. */
  readonly nodeName?: string;
}

export const DEFAULT_PORT = 9090;
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 << 20;

export interface BridgeHandle {
  readonly port: number;
  readonly address: string;
  readonly node: Node;
  /** Clients connected now. */
  readonly clients: number;
  /** Frames dropped so far for clients that could not keep up, over all clients (past and present). */
  readonly dropped: number;
  /** Each connected client's send queue, now. */
  queueStats(): SendQueueStats[];
  close(): Promise<void>;
}

export async function startBridge(context: Context, options: BridgeOptions = {}): Promise<BridgeHandle> {
  const protocol = options.protocol ?? 'both';
  const node = context.createNode(options.nodeName ?? 'ros2ts_bridge', {
    startParameterServices: false,
    enableRosout: false,
  });
  const topics = new TopicHub(context, node);
  const services = new ServiceHub(node);
  const actions = new ActionHub(node);
  const callTimeoutS = options.defaultCallTimeoutS ?? 5;
  // Parameter calls always have a timeout (rosapi's DEFAULT_PARAM_TIMEOUT_SEC and foxglove_bridge's
  // are 5 s).
  const paramTimeoutMs = (callTimeoutS > 0 ? callTimeoutS : 5) * 1000;
  const rosapiParams = new RosapiParams(node, paramTimeoutMs);
  const rosapi = new Rosapi(context, node, rosapiParams.handlers);
  const foxglove =
    protocol === 'rosbridge' ? undefined : new FoxgloveSide(context, node, topics, services, paramTimeoutMs);
  const rosbridgeCtx = {
    node,
    topics,
    services,
    actions,
    rosapi,
    defaultCallTimeoutS: callTimeoutS,
    maxFragmentBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  };
  const sendQueue = options.sendQueue ?? {};
  const connections = new Set<ClientConnection>();
  let droppedBefore = 0;

  let boundPort = 0;
  const http: Server = createServer((req, res) => {
    // The page speaks rosbridge: a Foxglove-only bridge has no page to offer.
    if (protocol !== 'foxglove') return servePage(req, res, boundPort);
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end(`ros2ts bridge: connect with a WebSocket (${FOXGLOVE_SUBPROTOCOL})\n`);
  });
  const wss = new WebSocketServer({
    server: http,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => {
      if (foxglove && offered.has(FOXGLOVE_SUBPROTOCOL)) return FOXGLOVE_SUBPROTOCOL;
      return false;
    },
    verifyClient: (info, done) => {
      const refusal = refuse(info.req, options);
      if (refusal) done(false, refusal[0], refusal[1]);
      else done(true);
    },
  });

  wss.on('connection', (socket: WebSocket) => {
    const isFoxglove = socket.protocol === FOXGLOVE_SUBPROTOCOL;
    if (!isFoxglove && protocol === 'foxglove') {
      socket.close(1002, `this bridge speaks ${FOXGLOVE_SUBPROTOCOL} only`);
      return;
    }
    const conn = new ClientConnection(socket, sendQueue);
    connections.add(conn);
    let onClose: () => void;
    if (isFoxglove && foxglove) {
      onClose = foxglove.accept(conn);
    } else {
      const session = new RosbridgeSession(rosbridgeCtx, conn);
      socket.on('message', (data, isBinary) => {
        const bytes = toBytes(data);
        if (isBinary) session.handleBinary(bytes, (b) => cborDecode(b));
        else session.handleText(Buffer.from(bytes).toString('utf8'));
      });
      onClose = () => session.close();
    }
    socket.on('error', () => {
      // A protocol error (an oversized frame, a bad frame) ends in 'close' right after.
    });
    socket.on('close', () => {
      droppedBefore += conn.queue.stats.dropped;
      connections.delete(conn);
      conn.close();
      onClose();
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_PORT, options.address ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const bound = http.address() as AddressInfo;
  boundPort = bound.port;

  return {
    port: bound.port,
    address: bound.address,
    node,
    get clients() {
      return connections.size;
    },
    get dropped() {
      let n = droppedBefore;
      for (const c of connections) n += c.queue.stats.dropped;
      return n;
    },
    queueStats: () => [...connections].map((c) => c.queue.stats),
    async close() {
      for (const c of connections) c.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      foxglove?.close();
      topics.close();
      services.close();
      actions.close();
      rosapiParams.close();
      await node.destroy();
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
