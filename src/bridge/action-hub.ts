/**
 * The DDS side of the bridge's action goals: one ros2ts ActionClient per action and type, shared
 * by every web client sending goals to it, made on first goal.
 */
import { ActionClient } from '../actions/index.js';
import type { Node } from '../index.js';

export class ActionHub {
  private readonly clients = new Map<string, ActionClient>();

  constructor(private readonly node: Node) {}

  /** The client of `action` (an absolute name) with `type`; throws for a type with no definition. */
  client(action: string, type: string): ActionClient {
    const key = `${action}\0${type}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new ActionClient(this.node, type, action);
      this.clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
