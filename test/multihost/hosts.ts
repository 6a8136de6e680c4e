/**
 * ros2ts nodes on the hosts of a Topology: each one a process of its own (fixtures/agent.mjs on
 * the compiled library), started in its host's namespace with the ROS environment a user would
 * set, driven over stdin and heard over stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { root } from '../support/cli.js';
import type { Topology } from '../support/topology.js';
import { until } from '../support/until.js';

const AGENT = join(import.meta.dirname, 'fixtures', 'agent.mjs');

/** The compiled library the agents import, and its CLI (`ros2ts`), relative to the repository. */
export const CLI = 'test-artifacts/multihost-lib/src/cli/main.js';

/** Compiles src into test-artifacts/multihost-lib (tsconfig.lib.json says why not dist/). */
export function buildLib(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(import.meta.dirname, 'tsconfig.lib.json')],
      { cwd: root, stdio: 'inherit' },
    );
    // tsc emits even with type errors elsewhere in the tree (other work in progress); only a
    // failure to run at all counts, and the agents' imports tell the rest.
    tsc.on('exit', (code) =>
      code === 0 || code === 2 ? resolve() : reject(new Error(`tsc exited with ${code}`)),
    );
  });
}

export interface AgentQos {
  readonly history?: 'KEEP_LAST' | 'KEEP_ALL';
  readonly depth?: number;
  readonly reliability?: 'RELIABLE' | 'BEST_EFFORT';
  readonly durability?: 'VOLATILE' | 'TRANSIENT_LOCAL';
}

export interface GraphView {
  readonly nodes: readonly string[];
  readonly participants: number;
  readonly publishers: Readonly<Record<string, number>>;
  readonly subscribers: Readonly<Record<string, number>>;
}

/** The ROS environment of one agent; anything unset is unset (no ROS_* leaks in from our shell). */
export interface RosEnv {
  readonly domainId: number;
  readonly range?: 'LOCALHOST' | 'SUBNET' | 'OFF';
  readonly staticPeers?: readonly string[];
  /** Cap on the leases this agent honours (ms): how soon it sees a silent peer leave. */
  readonly maxLeaseMs?: number;
}

export function rosEnv(ros: RosEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROS_')) env[k] = v;
  env['ROS_DOMAIN_ID'] = String(ros.domainId);
  if (ros.range !== undefined) env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = ros.range;
  if (ros.staticPeers !== undefined) env['ROS_STATIC_PEERS'] = ros.staticPeers.join(';');
  if (ros.maxLeaseMs !== undefined) env['MULTIHOST_MAX_LEASE_MS'] = String(ros.maxLeaseMs);
  return env;
}

export class Agent {
  /** Data received per subscription id, in arrival order. */
  private readonly received = new Map<string, number[]>();
  private readonly graphs = new Map<number, GraphView>();
  private readonly halted = new Map<string, number>();
  /** Why remote participants left, in order ('lease expired' or 'goodbye'). */
  readonly departures: string[] = [];
  private asks = 0;
  private ready = false;
  private stderr = '';
  readonly errors: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly host: number,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
  }

  /** Starts `node agent.mjs <name>` on a host and waits until its node exists. */
  static async start(topology: Topology, host: number, name: string, ros: RosEnv): Promise<Agent> {
    const child = topology.spawn(host, process.execPath, [AGENT, name], { env: rosEnv(ros), cwd: root });
    const agent = new Agent(name, host, child);
    let code: number | null | undefined;
    void agent.exited.then((c) => (code = c));
    await until(
      () => agent.ready || code !== undefined,
      20_000,
      () => `agent ${name} on host ${host} to start (${agent.stderr.trim()})`,
    );
    if (!agent.ready) throw new Error(`agent ${name} exited with ${code}: ${agent.stderr.trim()}`);
    return agent;
  }

  get pid(): number {
    return this.child.pid!;
  }

  publisher(id: string, topic: string, qos: AgentQos = {}): void {
    this.send({ cmd: 'pub', id, topic, qos });
  }

  subscription(id: string, topic: string, qos: AgentQos = {}): void {
    this.received.set(id, []);
    this.send({ cmd: 'sub', id, topic, qos });
  }

  /** Publishes the integers from..from+count-1 on publisher `id`. */
  publish(id: string, from: number, count = 1): void {
    this.send({ cmd: 'publish', id, from, count });
  }

  /** Publishes from, from+1, ... every periodMs on publisher `id` until `halt`. */
  stream(id: string, from: number, periodMs: number): void {
    this.send({ cmd: 'stream', id, from, periodMs });
  }

  /** Stops a stream; resolves with the last number it published. */
  async halt(id: string): Promise<number> {
    this.send({ cmd: 'halt', id });
    await until(() => this.halted.has(id), 5_000, `agent ${this.name} to halt stream ${id}`);
    const last = this.halted.get(id)!;
    this.halted.delete(id);
    return last;
  }

  messages(id: string): readonly number[] {
    return this.received.get(id) ?? [];
  }

  /** This agent's view of the ROS graph now. */
  async graph(topics: readonly string[] = []): Promise<GraphView> {
    const ask = ++this.asks;
    this.send({ cmd: 'graph', ask, topics });
    await until(() => this.graphs.has(ask), 5_000, `agent ${this.name} to describe its graph`);
    const view = this.graphs.get(ask)!;
    this.graphs.delete(ask);
    return view;
  }

  /** Until this agent's graph satisfies `test`; the last view is in the failure message. */
  async waitForGraph(
    test: (g: GraphView) => boolean,
    timeoutMs: number,
    what: string,
    topics: readonly string[] = [],
  ): Promise<GraphView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.graph(topics);
      if (test(view)) return view;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${this.name} (host ${this.host}) ${what}; it sees ${JSON.stringify(view)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** kill -9: no goodbye, no socket closed politely. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Ends it as a user would: its stdin closes, it shuts its context down (SPDP goodbye). */
  async stop(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }

  private send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  private onLine(line: string): void {
    let event: { event: string; [k: string]: unknown };
    try {
      event = JSON.parse(line);
    } catch {
      this.errors.push(`not JSON: ${line}`);
      return;
    }
    if (event.event === 'ready') this.ready = true;
    else if (event.event === 'left') this.departures.push(String(event['why']));
    else if (event.event === 'halted') this.halted.set(String(event['id']), Number(event['last']));
    else if (event.event === 'msg') this.received.get(String(event['id']))?.push(Number(event['data']));
    else if (event.event === 'graph') this.graphs.set(Number(event['ask']), event as unknown as GraphView);
    else if (event.event === 'error') this.errors.push(String(event['message']));
  }
}

/** The integers from..to, for comparing what arrived with what was sent. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
