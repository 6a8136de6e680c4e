/**
 * A small network of "hosts" for multi-host tests: each host is a network namespace of its own
 * (loopback plus one `eth0` with its own address), all plugged by veth pairs into one Linux
 * bridge that lives in a namespace of its own too (the "switch"). Everything is made from inside
 * the loopback-only namespace of scripts/netns-run, which stays as it was: no interface is added
 * to it for longer than the moment a veth end is created and moved away, so the test process
 * itself never sees anything but `lo` (assertSandboxed keeps holding).
 *
 * Namespaces are held by processes (`unshare -n` running `sh -c 'read _'` on a pipe from this
 * process) instead of `ip netns add`: no name is written in the host's /run/netns, and the
 * namespaces die with their holders: on teardown, or when this process dies and the pipe closes.
 * Commands run on a host through `nsenter -t <holder> -n`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TopologyOptions {
  /** How many hosts (1..200); default 3. */
  readonly hosts?: number;
  /** The first three octets of the hosts' /24; host i (from 1) gets `${subnet}.${i}`. Default 10.77.0. */
  readonly subnet?: string;
}

export interface Host {
  /** 1-based. */
  readonly index: number;
  readonly address: string;
  /** The holder's pid: the namespace is the one of /proc/<pid>/ns/net. */
  readonly pid: number;
}

/** Why a topology could not be made (no unshare/nsenter/ip, no CAP_NET_ADMIN, no veth or bridge support). */
export class TopologyUnavailableError extends Error {
  override readonly name = 'TopologyUnavailableError';
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/** Starts a process that holds a fresh network namespace until `release` (or our own death). */
function holdNamespace(): ChildProcess {
  const holder = spawn('unshare', ['-n', '--', 'sh', '-c', 'read _'], { stdio: ['pipe', 'ignore', 'pipe'] });
  // Without a listener a failed spawn (no unshare) would crash the test process; `started` says why.
  holder.on('error', () => {});
  return holder;
}

async function started(holder: ChildProcess): Promise<number> {
  const pid = holder.pid;
  if (pid === undefined) throw new TopologyUnavailableError('could not start unshare');
  // The namespace exists once unshare has exec'd sh: until then /proc/<pid>/ns/net is ours.
  const ours = (await run('readlink', ['/proc/self/ns/net'])).stdout;
  for (let i = 0; i < 200; i++) {
    if (holder.exitCode !== null)
      throw new TopologyUnavailableError(`unshare -n exited with ${holder.exitCode}`);
    const theirs = await run('readlink', [`/proc/${pid}/ns/net`]).then(
      (r) => r.stdout,
      () => ours,
    );
    if (theirs !== ours) return pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new TopologyUnavailableError('unshare -n did not enter a new network namespace within 2 s');
}

/** Topologies made by this process: part of the interface names, so that two at once do not clash. */
let built = 0;

export class Topology {
  private readonly children = new Set<ChildProcess>();
  private torn = false;

  private constructor(
    readonly hosts: readonly Host[],
    private readonly switchPid: number,
    /** Switch-side veth name of each host, by index - 1. */
    private readonly ports: readonly string[],
    private readonly holders: readonly ChildProcess[],
  ) {
    // A crash between create and teardown must not leave holders behind: their pipes close with
    // us anyway, and this ends the host programs too.
    process.once('exit', this.killAllSync);
  }

  /**
   * Builds the network. Throws TopologyUnavailableError when the namespaces or links cannot be
   * made here (so a test can skip, saying why); anything made so far is removed first.
   */
  static async create(options: TopologyOptions = {}): Promise<Topology> {
    const count = options.hosts ?? 3;
    const subnet = options.subnet ?? '10.77.0';
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new RangeError(`hosts: ${count}`);
    const holders: ChildProcess[] = [];
    const made: string[] = [];
    let topology: Topology;
    const release = () => {
      for (const h of holders) h.kill('SIGKILL');
    };
    try {
      for (let i = 0; i <= count; i++) holders.push(holdNamespace());
      const pids = await Promise.all(holders.map(started));
      const [switchPid, ...hostPids] = pids as [number, ...number[]];
      const inSwitch = (...args: string[]) => run('nsenter', ['-t', String(switchPid), '-n', 'ip', ...args]);
      await inSwitch('link', 'add', 'br0', 'type', 'bridge');
      // No snooping: with it the bridge forwards a group only after it has seen an IGMP report,
      // which the first announcement may beat.
      await inSwitch('link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      await inSwitch('link', 'set', 'br0', 'up');
      // Names unique among topologies built at once in one netns-run namespace (test files run in
      // parallel workers there); the host end is renamed eth0 in its namespace.
      const tag = `t${process.pid.toString(36)}${(built++).toString(36)}`;
      const ports: string[] = [];
      const hosts: Host[] = [];
      for (const [k, pid] of hostPids.entries()) {
        const index = k + 1;
        const hostEnd = `${tag}h${index}`;
        const port = `${tag}p${index}`;
        await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', port);
        made.push(hostEnd);
        await ip('link', 'set', port, 'netns', String(switchPid));
        await ip('link', 'set', hostEnd, 'netns', String(pid));
        await inSwitch('link', 'set', port, 'master', 'br0', 'up');
        const address = `${subnet}.${index}`;
        const script = [
          'ip link set lo up',
          // As in scripts/netns-run: LOCALHOST discovery multicasts on lo.
          'ip link set lo multicast on',
          `ip link set ${hostEnd} name eth0`,
          `ip addr add ${address}/24 dev eth0`,
          'ip link set eth0 up',
          // Where group datagrams go without IP_MULTICAST_IF (ros2ts sets it; other programs may not).
          'ip route add 224.0.0.0/4 dev eth0',
        ].join(' && ');
        await run('nsenter', ['-t', String(pid), '-n', 'sh', '-ec', script]);
        ports.push(port);
        hosts.push({ index, address, pid });
      }
      topology = new Topology(hosts, switchPid, ports, holders);
    } catch (error) {
      release();
      // A veth pair dies with either end's namespace; one still here (its move failed) is removed.
      await Promise.all(made.map((name) => ip('link', 'del', name).catch(() => {})));
      if (error instanceof TopologyUnavailableError) throw error;
      const e = error as Error & { stderr?: string };
      throw new TopologyUnavailableError(
        `cannot build the namespaces: ${e.stderr?.trim() || e.message}`.replace(/\s+/g, ' '),
        { cause: error },
      );
    }
    // Made, but not working: that is a failure, not a reason to skip.
    try {
      await topology.waitForLinks();
    } catch (error) {
      await topology.teardown();
      throw error;
    }
    return topology;
  }

  host(index: number): Host {
    const h = this.hosts[index - 1];
    if (h === undefined) throw new RangeError(`no host ${index} (there are ${this.hosts.length})`);
    return h;
  }

  /**
   * Starts a program on a host (its stdio piped to us); teardown kills it if it is still running.
   * nsenter execs the program, so the child's pid is the program's (kill -9 reaches it).
   */
  spawn(
    index: number,
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): ChildProcess {
    const child = spawn('nsenter', ['-t', String(this.host(index).pid), '-n', '--', command, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...options,
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    // A failed spawn is an 'error' event (crashing the process unheard); the caller sees no output.
    child.on('error', (error) => child.stderr?.emit('data', Buffer.from(`spawn failed: ${error.message}`)));
    return child;
  }

  /** Runs a command on a host to its end; rejects (with its stderr) if it fails. */
  async exec(
    index: number,
    command: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {},
  ): Promise<string> {
    const r = await run(
      'nsenter',
      ['-t', String(this.host(index).pid), '-n', '--', command, ...args],
      options,
    );
    return r.stdout;
  }

  /** Cuts a host off the switch (its switch port goes down: the host sees its carrier go). */
  async partition(index: number): Promise<void> {
    await this.setPort(index, 'down');
  }

  async heal(index: number): Promise<void> {
    await this.setPort(index, 'up');
    await this.waitForLinks();
  }

  /**
   * Whether the switch carries multicast (each port's mcast_flood flag; with snooping off that is
   * all that forwards a group datagram): off is a network that drops multicast, as many Wi-Fi and
   * cloud networks do. Unicast and broadcast (ARP) go on. Each host still has multicast on lo.
   */
  async setMulticastForwarding(on: boolean): Promise<void> {
    for (const port of this.ports) {
      await run('nsenter', [
        '-t',
        String(this.switchPid),
        '-n',
        'bridge',
        'link',
        'set',
        'dev',
        port,
        'mcast_flood',
        on ? 'on' : 'off',
      ]);
    }
  }

  /** Kills what runs on the hosts, then the namespaces (their links go with them). Idempotent. */
  async teardown(): Promise<void> {
    if (this.torn) return;
    const exits = [...this.children].map(
      (c) =>
        new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve()))),
    );
    this.killAllSync();
    await Promise.all(exits);
    process.off('exit', this.killAllSync);
  }

  private readonly killAllSync = (): void => {
    this.torn = true;
    for (const c of this.children) c.kill('SIGKILL');
    for (const h of this.holders) h.kill('SIGKILL');
  };

  private async setPort(index: number, state: 'up' | 'down'): Promise<void> {
    const port = this.ports[index - 1];
    if (port === undefined) throw new RangeError(`no host ${index}`);
    await run('nsenter', ['-t', String(this.switchPid), '-n', 'ip', 'link', 'set', port, state]);
  }

  /** Until every host's eth0 has carrier and every port forwards (a veth comes up asynchronously). */
  private async waitForLinks(): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const states = await Promise.all(
        this.hosts.map((h) =>
          // `ip`, not /sys/class/net: sysfs shows the namespace that mounted it, not this one.
          run('nsenter', ['-t', String(h.pid), '-n', 'ip', '-o', 'link', 'show', 'dev', 'eth0']).then(
            (r) => /\bstate (\S+)/.exec(r.stdout)?.[1] ?? 'unknown',
            () => 'unknown',
          ),
        ),
      );
      if (states.every((s) => s === 'UP')) return;
      if (Date.now() > deadline) throw new Error(`links not up after 5 s: ${states.join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
