/**
 * The DDS side of the bridge's service calls: one ros2ts client per service and type, shared by
 * every web client calling it, made on first call.
 */
import type { Client, Node } from '../index.js';
import { UnknownTypeError } from './errors.js';

export class ServiceHub {
  private readonly clients = new Map<string, Client<string>>();

  constructor(private readonly node: Node) {}

  /** The type of a service as the graph knows it. */
  serviceType(service: string): string | undefined {
    return this.node.getServiceNamesAndTypes().find((s) => s.name === service)?.types[0];
  }

  /** Calls `service` (its type from the graph when `type` is undefined); rejects as Client.call does. */
  call(service: string, type: string | undefined, request: unknown, timeoutMs: number): Promise<unknown> {
    const t = type ?? this.serviceType(service);
    if (t === undefined) {
      return Promise.reject(
        new UnknownTypeError(`cannot infer the type of service ${service}: it is not in the graph`),
      );
    }
    const key = `${service}\0${t}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.node.createClient(t, service);
      this.clients.set(key, client);
    }
    // A timeout of 0 or less means none, as rosbridge reads it; the client wants a number.
    const timeout = timeoutMs > 0 ? timeoutMs : 2 ** 31 - 1;
    return client.call(request as never, { timeout });
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
