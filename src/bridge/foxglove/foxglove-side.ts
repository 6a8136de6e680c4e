/**
 * The Foxglove WebSocket protocol (`foxglove.websocket.v1`) side of the bridge, on
 * `@foxglove/ws-protocol`'s FoxgloveServer (which does the protocol's framing and bookkeeping):
 * channels follow the graph's topics (encoding `cdr`, schemas `ros2msg` with their dependencies),
 * a subscribed channel gets each sample's CDR as the bridge received it (no decode, no re-encode),
 * clients publish CDR on channels they advertise, and call the graph's services; parameters
 * (foxglove-parameters.ts) and the connection graph (connection-graph.ts) are served beside it,
 * their ops taken before FoxgloveServer sees them (it has no connection graph, and keeps
 * parameter subscriptions without the spec's "empty list: all" or a per-client filter).
 *
 * FoxgloveServer writes to what it thinks is a WebSocket; here that is an adapter over the
 * client's bounded send queue, with each subscription's message frames in a stream of their own.
 */
import wsProtocol, {
  type ChannelId,
  type ClientChannel,
  type IWebSocket,
  type ServiceCallRequest,
  type ServiceId,
} from '@foxglove/ws-protocol';
import { type Context, defaultCodecs, type Node, type Publisher, QOS_PROFILES } from '../../index.js';
import type { ClientConnection } from '../connection.js';
import type { ServiceHub } from '../service-hub.js';
import type { TopicHub } from '../topic-hub.js';
import { ConnectionGraphFeed, connectionGraphOf } from './connection-graph.js';
import { FoxgloveParameters, STATUS_ERROR } from './foxglove-parameters.js';
import { ros2msgSchema } from './schema-text.js';

export const FOXGLOVE_SUBPROTOCOL = 'foxglove.websocket.v1';
/** The binary opcode of a server's message data frame (opcode, subscription id u32 LE, ...). */
const MESSAGE_DATA = 0x01;
/** Graph changes come in bursts (a node's endpoints one by one): channels are synced after this. */
const GRAPH_SETTLE_MS = 50;
/** The client ops served here rather than by FoxgloveServer. */
const OWN_OPS = new Set([
  'getParameters',
  'setParameters',
  'subscribeParameterUpdates',
  'unsubscribeParameterUpdates',
  'subscribeConnectionGraph',
  'unsubscribeConnectionGraph',
]);

const { FoxgloveServer } = wsProtocol;

interface ClientPublisher {
  readonly publisher: Publisher<string>;
  readonly release: () => void;
}
type Server = InstanceType<typeof FoxgloveServer>;

export class FoxgloveSide {
  private readonly server: Server;
  private readonly channels = new Map<string, { id: ChannelId; type: string }>();
  private readonly channelTopics = new Map<ChannelId, { topic: string; type: string }>();
  private readonly taps = new Map<ChannelId, () => void>();
  private readonly services = new Map<string, { id: ServiceId; type: string }>();
  private readonly serviceNames = new Map<ServiceId, { name: string; type: string }>();
  /** Each client's advertised channels and the shared publishers they publish with. */
  private readonly clientPublishers = new Map<IWebSocket, Map<number, ClientPublisher>>();
  private readonly parameters: FoxgloveParameters<IWebSocket>;
  private readonly connectionGraph: ConnectionGraphFeed<IWebSocket>;
  private readonly offGraph: () => void;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  /** The connection whose frame FoxgloveServer is handling now (its errors are reported to it). */
  private receiving: IWebSocket | undefined;

  constructor(
    context: Context,
    private readonly node: Node,
    private readonly topics: TopicHub,
    private readonly serviceHub: ServiceHub,
    /** Each remote node's deadline for a parameter request. */
    parameterTimeoutMs = 5_000,
  ) {
    this.server = new FoxgloveServer({
      name: 'ros2ts bridge',
      capabilities: ['clientPublish', 'services', 'parameters', 'parametersSubscribe', 'connectionGraph'],
      supportedEncodings: ['cdr'],
      metadata: { ROS_DISTRO: context.distro },
    });
    this.server.on('subscribe', (id) => this.tap(id));
    this.server.on('unsubscribe', (id) => {
      this.taps.get(id)?.();
      this.taps.delete(id);
    });
    this.server.on('advertise', (channel) => this.clientAdvertise(channel.client.connection, channel));
    this.server.on('unadvertise', ({ channelId, client }) => {
      this.clientPublishers.get(client.connection)?.get(channelId)?.release();
      this.clientPublishers.get(client.connection)?.delete(channelId);
    });
    this.server.on('message', ({ channel, data, client }) =>
      this.clientPublish(client.connection, channel, data),
    );
    this.server.on('serviceCallRequest', (request, connection) => this.serviceCall(request, connection));
    this.server.on('error', (error: Error) => {
      // A client message FoxgloveServer could not take (bad JSON, wrong field types, an unknown
      // op, opcode, channel or service): it emits this without the connection, from inside the
      // onmessage that `accept` is calling, so the sender is `receiving`. It gets an error
      // status and stays connected, as foxglove_bridge's websocket_server.hpp handleMessage does.
      if (this.receiving)
        this.server.sendStatus(
          { level: STATUS_ERROR, message: `Error parsing message: ${error.message}` },
          this.receiving,
        );
    });
    this.parameters = new FoxgloveParameters(
      node,
      {
        values: (connection, parameters, id) =>
          this.server.publishParameterValues(parameters, id, connection),
        status: (connection, level, message) => this.server.sendStatus({ level, message }, connection),
      },
      parameterTimeoutMs,
    );
    this.connectionGraph = new ConnectionGraphFeed(
      () => connectionGraphOf(context.graph),
      (connection, update) => connection.send(JSON.stringify(update)),
    );
    this.offGraph = context.graph.onChange(() => {
      this.syncTimer ??= setTimeout(() => {
        this.syncTimer = undefined;
        this.sync();
      }, GRAPH_SETTLE_MS);
    });
    this.sync();
  }

  /** Serves a connection; returns what to call when it closes. */
  accept(conn: ClientConnection): () => void {
    const adapter = new QueueSocket(conn);
    this.server.handleConnection(adapter, 'client');
    conn.socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.receiving = adapter;
      try {
        if (isBinary) {
          adapter.onmessage?.({ data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
          return;
        }
        const text = bytes.toString('utf8');
        if (!this.ownOp(adapter, text)) adapter.onmessage?.({ data: text });
      } finally {
        this.receiving = undefined;
      }
    });
    return () => {
      adapter.onclose?.({ code: 1000, reason: '', wasClean: true });
      this.parameters.drop(adapter);
      this.connectionGraph.unsubscribe(adapter);
      for (const p of this.clientPublishers.get(adapter)?.values() ?? []) p.release();
      this.clientPublishers.delete(adapter);
    };
  }

  close(): void {
    this.offGraph();
    this.parameters.close();
    if (this.syncTimer) clearTimeout(this.syncTimer);
    for (const stop of this.taps.values()) stop();
    this.taps.clear();
    for (const pubs of this.clientPublishers.values()) for (const p of pubs.values()) p.release();
    this.clientPublishers.clear();
  }

  /** Channels and services for what the graph has now (types the registry knows). */
  private sync(): void {
    const registry = defaultCodecs().registry;
    const seen = new Set<string>();
    for (const t of this.node.getTopicNamesAndTypes()) {
      const type = t.types[0];
      if (type === undefined) continue;
      const key = `${t.name}\0${type}`;
      seen.add(key);
      if (this.channels.has(key)) continue;
      let schema: string;
      try {
        schema = ros2msgSchema(registry, type);
      } catch {
        continue; // a type this process has no definition of cannot be described to Foxglove
      }
      const id = this.server.addChannel({
        topic: t.name,
        encoding: 'cdr',
        schemaName: type,
        schema,
        schemaEncoding: 'ros2msg',
      });
      this.channels.set(key, { id, type });
      this.channelTopics.set(id, { topic: t.name, type });
    }
    for (const [key, { id }] of this.channels) {
      if (seen.has(key)) continue;
      this.channels.delete(key);
      this.channelTopics.delete(id);
      this.taps.get(id)?.();
      this.taps.delete(id);
      this.server.removeChannel(id);
    }

    const seenServices = new Set<string>();
    for (const s of this.node.getServiceNamesAndTypes()) {
      const type = s.types[0];
      if (type === undefined) continue;
      const key = `${s.name}\0${type}`;
      seenServices.add(key);
      if (this.services.has(key)) continue;
      let request: string;
      let response: string;
      try {
        request = ros2msgSchema(registry, `${type}_Request`);
        response = ros2msgSchema(registry, `${type}_Response`);
      } catch {
        continue;
      }
      const def = (schemaName: string, schema: string) => ({
        encoding: 'cdr',
        schemaName,
        schemaEncoding: 'ros2msg',
        schema,
      });
      const id = this.server.addService({
        name: s.name,
        type,
        request: def(`${type}_Request`, request),
        response: def(`${type}_Response`, response),
        requestSchema: request,
        responseSchema: response,
      });
      this.services.set(key, { id, type });
      this.serviceNames.set(id, { name: s.name, type });
    }
    for (const [key, { id }] of this.services) {
      if (seenServices.has(key)) continue;
      this.services.delete(key);
      this.serviceNames.delete(id);
      this.server.removeService(id);
    }
    this.connectionGraph.graphChanged();
  }

  /** Serves an op of OWN_OPS; false for anything else (FoxgloveServer's to handle). */
  private ownOp(connection: IWebSocket, text: string): boolean {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof message !== 'object' || message === null) return false;
    const m = message as Record<string, unknown>;
    const op = m['op'];
    if (typeof op !== 'string' || !OWN_OPS.has(op)) return false;
    const failed = (error: unknown) =>
      this.server.sendStatus(
        { level: STATUS_ERROR, message: `${op}: ${(error as Error).message}` },
        connection,
      );
    try {
      this.serveOwnOp(connection, op, m, failed);
    } catch (error) {
      failed(error);
    }
    return true;
  }

  private serveOwnOp(
    connection: IWebSocket,
    op: string,
    m: Record<string, unknown>,
    failed: (error: unknown) => void,
  ): void {
    switch (op) {
      case 'getParameters':
        this.parameters.get(connection, m['parameterNames'], m['id']).catch(failed);
        break;
      case 'setParameters':
        this.parameters.set(connection, m['parameters'], m['id']).catch(failed);
        break;
      case 'subscribeParameterUpdates':
        this.parameters.subscribe(connection, m['parameterNames']);
        break;
      case 'unsubscribeParameterUpdates':
        this.parameters.unsubscribe(connection, m['parameterNames']);
        break;
      case 'subscribeConnectionGraph':
        this.connectionGraph.subscribe(connection);
        break;
      default:
        if (!this.connectionGraph.unsubscribe(connection))
          failed(new Error('the client was not subscribed to connection graph updates'));
    }
  }

  private tap(id: ChannelId): void {
    const ch = this.channelTopics.get(id);
    if (!ch || this.taps.has(id)) return;
    try {
      const stop = this.topics.listen(ch.topic, ch.type, (sample) => {
        this.server.sendMessage(id, sample.receivedNs, sample.bytes);
      });
      this.taps.set(id, stop);
    } catch {
      // The topic is tapped with another type by a rosbridge client: nothing to send on this one.
    }
  }

  private clientAdvertise(connection: IWebSocket, channel: ClientChannel): void {
    if (channel.encoding !== 'cdr') {
      this.server.sendStatus(
        { level: 2, message: `channel ${channel.topic}: only the 'cdr' encoding can be published` },
        connection,
      );
      return;
    }
    try {
      const { publisher, release } = this.topics.acquirePublisher(
        channel.topic,
        channel.schemaName,
        QOS_PROFILES.default,
      );
      let pubs = this.clientPublishers.get(connection);
      if (!pubs) {
        pubs = new Map();
        this.clientPublishers.set(connection, pubs);
      }
      pubs.get(channel.id)?.release();
      pubs.set(channel.id, { publisher, release });
    } catch (error) {
      this.server.sendStatus(
        { level: 2, message: `channel ${channel.topic}: ${(error as Error).message}` },
        connection,
      );
    }
  }

  private clientPublish(connection: IWebSocket, channel: ClientChannel, data: ArrayBufferView): void {
    const pub = this.clientPublishers.get(connection)?.get(channel.id);
    if (!pub) return;
    pub.publisher.publishSerialized(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  }

  private serviceCall(request: ServiceCallRequest, connection: IWebSocket): void {
    const fail = (message: string) =>
      this.server.sendServiceCallFailure(
        { op: 'serviceCallFailure', serviceId: request.serviceId, callId: request.callId, message },
        connection,
      );
    const svc = this.serviceNames.get(request.serviceId);
    if (!svc) {
      fail(`no service with id ${request.serviceId}`);
      return;
    }
    if (request.encoding !== 'cdr') {
      fail(`encoding '${request.encoding}' is not supported; use cdr`);
      return;
    }
    const codecs = defaultCodecs();
    let decoded: unknown;
    try {
      const d = request.data;
      // Stop-gap: ros2ts clients take decoded requests, so the CDR is decoded here and the
      // response encoded again.
      decoded = codecs
        .get(`${svc.type}_Request`)
        .decode(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    } catch (error) {
      fail(`the request does not decode as ${svc.type}_Request: ${(error as Error).message}`);
      return;
    }
    this.serviceHub.call(svc.name, svc.type, decoded, 5_000).then(
      (response) => {
        const data = codecs.get(`${svc.type}_Response`).encode(response as never);
        this.server.sendServiceCallResponse(
          { serviceId: request.serviceId, callId: request.callId, encoding: 'cdr', data },
          connection,
        );
      },
      (error: Error) => fail(error.message),
    );
  }
}

/** What FoxgloveServer sees as a client's WebSocket: sends go through the bounded queue. */
class QueueSocket implements IWebSocket {
  binaryType = 'arraybuffer';
  onerror: ((event: unknown) => void) | null | undefined;
  onopen: ((event: unknown) => void) | null | undefined;
  onclose: ((event: unknown) => void) | null | undefined;
  onmessage: ((event: { data: unknown }) => void) | null | undefined;

  constructor(private readonly conn: ClientConnection) {}

  get protocol(): string {
    return this.conn.socket.protocol;
  }

  close(): void {
    this.conn.socket.close();
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof data === 'string') {
      this.conn.send(data);
      return;
    }
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // A message data frame goes in its subscription's stream: a slow client drops its oldest
    // samples of that subscription, never its control frames or another subscription's.
    if (bytes[0] === MESSAGE_DATA && bytes.byteLength >= 5) {
      const sub = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0, true);
      this.conn.send(bytes, `sub:${sub}`);
    } else {
      this.conn.send(bytes);
    }
  }
}
