/**
 * One CLI command's view of the ROS graph: a context (domain and discovery range from the
 * environment, as rcl reads them), a hidden node named as ros2cli names its own
 * (`_ros2cli_<pid>`), and the wait for discovery that replaces ros2cli's daemon.
 *
 * There is no daemon: each command discovers the graph itself. It waits as long as discovery
 * needs and no longer: until the graph has not changed for QUIET_MS (peers answer our first
 * SPDP announcement at once, and their endpoints and nodes follow within milliseconds), at most
 * MAX_WAIT_MS. `--spin-time <s>` replaces this with a fixed wait, as ros2cli's option does.
 */
import { Context, type Node } from '../index.js';
import { CliError } from './errors.js';

export const QUIET_MS = 300;
export const MAX_WAIT_MS = 2_000;
/**
 * The quiet time while no other participant has answered at all: on a loaded machine the first
 * answers to our announcements can take longer than QUIET_MS, and an empty graph printed then is
 * wrong, while on an empty network this costs one second.
 */
export const LONELY_QUIET_MS = 1_000;
/**
 * How long to wait at most for a peer whose endpoints are known but whose nodes are not yet (its
 * `ros_discovery_info` sample has not come): a Fast DDS writer sends its history to a new reader
 * at its next HEARTBEAT, up to its 3 s period later.
 */
export const MAX_SNAPSHOT_WAIT_MS = 3_500;

export interface DiscoveryWaitOptions {
  /** Seconds; a fixed wait instead of the adaptive one (ros2cli's `--spin-time`). */
  readonly spinTime?: number | undefined;
  /** Stop as soon as this holds (checked on every graph change), even before the graph settles. */
  readonly until?: () => boolean;
  readonly quietMs?: number;
  readonly maxMs?: number;
}

export class Session {
  private constructor(
    readonly context: Context,
    readonly node: Node,
  ) {}

  static async open(nodeName = `_ros2cli_${process.pid}`): Promise<Session> {
    let context: Context;
    try {
      // As ros2cli's daemon is advised to be with a Discovery Server: it needs the whole graph.
      context = await Context.create({ superClientByDefault: true });
    } catch (error) {
      throw new CliError(`cannot join the ROS graph: ${(error as Error).message}`);
    }
    try {
      // Like ros2cli's DirectNode: no parameter services; nor /rosout or /parameter_events, which
      // would only add endpoints of ours to the graph the command looks at. Warnings (a message
      // that does not decode, a publisher with incompatible QoS) go to stderr.
      const node = context.createNode(nodeName, {
        enableRosout: false,
        logLevel: 'WARN',
        startParameterServices: false,
        startParameterEventPublisher: false,
      });
      return new Session(context, node);
    } catch (error) {
      await context.shutdown();
      throw error;
    }
  }

  /**
   * Waits for discovery (see the module comment); resolves with the milliseconds waited.
   * Nothing here fails: an empty graph is an answer too.
   */
  waitForDiscovery(options: DiscoveryWaitOptions = {}): Promise<number> {
    const started = Date.now();
    if (options.spinTime !== undefined) {
      const ms = Math.max(0, options.spinTime * 1000);
      return new Promise((resolve) => setTimeout(() => resolve(Date.now() - started), ms));
    }
    const quiet = options.quietMs ?? QUIET_MS;
    const max = options.maxMs ?? MAX_WAIT_MS;
    const graph = this.context.graph;
    return new Promise((resolve) => {
      let lastChange = started;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const trace = process.env['ROS2TS_CLI_TIMING'] === '1';
      const finish = () => {
        off();
        if (timer) clearTimeout(timer);
        const waited = Date.now() - started;
        if (trace)
          process.stderr.write(`discovery: waited ${waited} ms, last change at ${lastChange - started} ms\n`);
        resolve(waited);
      };
      const check = () => {
        if (options.until?.()) return finish();
        const now = Date.now();
        const pending = now - started < MAX_SNAPSHOT_WAIT_MS && this.snapshotsPending();
        // Through a Discovery Server, the endpoints of the participants it relays come on its next
        // round (450 ms after their DATA(p) from Fast DDS 2.9.1's server): wait as when lonely.
        const known = this.context.participant.participants;
        const slow = known.length === 0 || known.some((p) => p.discoveryServer !== undefined);
        const q = slow ? Math.max(quiet, LONELY_QUIET_MS) : quiet;
        if ((now - lastChange >= q && !pending) || (now - started >= max && !pending)) return finish();
        if (timer) clearTimeout(timer);
        const next = pending || q !== quiet ? now + 50 : Math.min(lastChange + quiet, started + max);
        timer = setTimeout(check, Math.max(1, next - now));
      };
      const off = graph.onChange(() => {
        lastChange = Date.now();
        if (trace) process.stderr.write(`discovery: change at ${lastChange - started} ms\n`);
        if (options.until?.()) finish();
      });
      check();
    });
  }

  /**
   * Whether a peer participant has ROS endpoints and a `ros_discovery_info` writer, but none of
   * its endpoints belongs to a node yet: its node snapshot is still to come.
   */
  snapshotsPending(): boolean {
    const p = this.context.participant;
    const graph = this.context.graph;
    const byParticipant = new Map<
      string,
      { info: boolean; ros: { prefix: Uint8Array; entityId: number }[] }
    >();
    for (const e of [...p.remoteWriters, ...p.remoteReaders]) {
      const key = Buffer.from(e.participant.data.guid.prefix).toString('hex');
      const entry = byParticipant.get(key) ?? { info: false, ros: [] };
      if (e.data.topicName === 'ros_discovery_info' && e.data.kind === 'writer') entry.info = true;
      if (/^r[tqr]\//.test(e.data.topicName)) entry.ros.push(e.data.guid);
      byParticipant.set(key, entry);
    }
    for (const { info, ros } of byParticipant.values()) {
      if (info && ros.length > 0 && ros.every((g) => graph.nodeOfEndpoint(g) === undefined)) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.context.shutdown();
  }
}

/** Opens a session, runs `body`, and always shuts the context down. */
export async function withSession<T>(
  nodeName: string | undefined,
  body: (s: Session) => Promise<T>,
): Promise<T> {
  const session = await Session.open(nodeName);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** Resolves when SIGINT or SIGTERM arrives (or `signal` aborts); the handlers are removed after. */
export function interrupted(signal?: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<void>((resolve) => {
    const on = () => {
      dispose();
      resolve();
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    signal?.addEventListener('abort', on, { once: true });
    dispose = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      signal?.removeEventListener('abort', on);
    };
  });
  return { promise, dispose };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
