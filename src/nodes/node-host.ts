/**
 * What a node needs of its context. Context is the one; it is named here so that node.ts does not
 * import context.ts, which creates the nodes: imports run context → node → node-host.
 */
import type { GraphCache } from '../rmw/graph/graph-cache.js';
import type { RosQos } from '../rmw/qos-profiles.js';
import type { DeliveredSample } from '../rtps/endpoints/local-reader.js';
import type { EndpointStatusListeners } from '../rtps/participant/endpoint-status.js';
import type {
  IncompatibleQosEvent,
  RtpsParticipant,
  RtpsReader,
  RtpsWriter,
} from '../rtps/participant/participant.js';
import type { Guid } from '../rtps/wire/types.js';
import type { RosArguments } from './arguments/parse.js';
import type { WaitHost } from './wait.js';

/** What a node asks of its context to make a DDS endpoint with ROS conventions. */
export interface EndpointSpec {
  readonly ddsTopic: string;
  /** The ROS type whose DDS name and hash the endpoint announces, e.g. `std_srvs/srv/Trigger_Request`. */
  readonly rosType: string;
  readonly qos: RosQos;
  /** Extra USER_DATA before the type hash (Cyclone's clientid/serviceid). */
  readonly clientId?: Uint8Array;
  readonly serviceId?: Uint8Array;
  /**
   * The RIHS01 hash to announce when the caller has it (raw endpoints: the one given, the
   * registry's, or a peer's for a type the registry does not know); null announces none, undefined
   * the registry's.
   */
  readonly typeHash?: string | null;
  /** Who hears of the endpoint's matches, incompatible peers, missed deadlines and liveliness. */
  readonly events?: EndpointStatusListeners;
}

/** The context of nodes of type `N` (the type parameter keeps node.ts out of this module's imports). */
export interface NodeHost<N> extends WaitHost {
  readonly graph: GraphCache;
  readonly participant: RtpsParticipant;
  /** The command line's ROS arguments (rcl's global arguments). */
  readonly rosArguments: RosArguments;
  readonly isShutdown: boolean;
  onIncompatibleQos(listener: (e: IncompatibleQosEvent) => void): () => void;
  createWriter(spec: EndpointSpec): RtpsWriter;
  createReader(spec: EndpointSpec, onSample: (s: DeliveredSample) => void): RtpsReader;
  deleteEndpoint(guid: Guid): void;
  /** A fresh Cyclone client/service id. */
  nextServiceEndpointId(): Uint8Array;
  /** A node's endpoints changed: republish the graph snapshot. */
  graphChanged(): void;
  nodeDestroyed(node: N): void;
}
