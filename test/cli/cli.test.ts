/**
 * The `ros2ts` command as a user runs it (`node dist/src/cli/main.js`, built first as `npm
 * install` builds it), against ros2ts nodes made here, inside the loopback-only namespace:
 *
 *   scripts/netns-run npx vitest run test/cli
 *
 * Expected outputs are ros2cli's (Jazzy) for the same graph, line for line: ros2service
 * `verb/call.py`, ros2topic `verb/*.py`, ros2node `verb/info.py`, ros2param `verb/*.py`.
 * Domain 14: test/browser uses 12.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context, type Node } from '../../src/index.js';
import { assertSandboxed } from '../support/sandbox.js';

const root = join(import.meta.dirname, '..', '..');
const DOMAIN = 14;
const discovery = { domainId: DOMAIN, range: 'localhost' as const, staticPeers: [] };
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ROS_DOMAIN_ID: String(DOMAIN),
  ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST',
  AMENT_PREFIX_PATH: '',
};
const quiet = { logSink: () => {} };

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly done: Promise<Result>;
}

const children: ChildProcess[] = [];

function start(args: readonly string[]): Running {
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], { env, cwd: root });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
  return { child, stdout: () => stdout, done };
}

const ros2ts = (...args: string[]): Promise<Result> => start(args).done;

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// --- the graph the commands look at ---

let context: Context;
let server: Node;
let talker: Node;
const spawnRequests: unknown[] = [];
const twists: unknown[] = [];

beforeAll(async () => {
  assertSandboxed('test/cli/cli.test.ts');
  const build = new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    tsc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`))));
  });
  context = await Context.create({ discovery });
  server = context.createNode('demo_server', quiet);
  server.createService('turtlesim/srv/Spawn', '/spawn', (req) => {
    spawnRequests.push(req);
    return { name: req.name };
  });
  server.createService('example_interfaces/srv/AddTwoInts', 'add_two_ints', (req) => ({
    sum: req.a + req.b,
  }));
  server.declareParameter('speed', 1.5);
  server.declareParameter('count', 3n);
  server.declareParameter('label', 'demo');
  server.declareParameter('gains', [1.0, 2.5]);
  talker = context.createNode('talker', { ...quiet, namespace: '/demo' });
  const chatter = talker.createPublisher('std_msgs/msg/String', '/chatter');
  talker.createTimer(100, () => chatter.publish({ data: 'hello world' }));
  talker.createSubscription('geometry_msgs/msg/Twist', '/cmd_vel', (t) => twists.push(t));
  await build;
}, 180_000);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

afterAll(async () => {
  await context?.shutdown();
});

const SERVICES = [
  '/add_two_ints [example_interfaces/srv/AddTwoInts]',
  '/demo/talker/describe_parameters [rcl_interfaces/srv/DescribeParameters]',
  '/demo/talker/get_parameter_types [rcl_interfaces/srv/GetParameterTypes]',
  '/demo/talker/get_parameters [rcl_interfaces/srv/GetParameters]',
  '/demo/talker/list_parameters [rcl_interfaces/srv/ListParameters]',
  '/demo/talker/set_parameters [rcl_interfaces/srv/SetParameters]',
  '/demo/talker/set_parameters_atomically [rcl_interfaces/srv/SetParametersAtomically]',
  '/demo_server/describe_parameters [rcl_interfaces/srv/DescribeParameters]',
  '/demo_server/get_parameter_types [rcl_interfaces/srv/GetParameterTypes]',
  '/demo_server/get_parameters [rcl_interfaces/srv/GetParameters]',
  '/demo_server/list_parameters [rcl_interfaces/srv/ListParameters]',
  '/demo_server/set_parameters [rcl_interfaces/srv/SetParameters]',
  '/demo_server/set_parameters_atomically [rcl_interfaces/srv/SetParametersAtomically]',
  '/spawn [turtlesim/srv/Spawn]',
];
const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

describe('ros2ts: reading the graph', () => {
  it('service list / type / find, node list, topic list, in one discovery each', async () => {
    const [list, listT, type, missing, find, nodes, topics, count] = await Promise.all([
      ros2ts('service', 'list'),
      ros2ts('service', 'list', '-t'),
      ros2ts('service', 'type', '/spawn'),
      ros2ts('service', 'type', '/nope'),
      ros2ts('service', 'find', 'rcl_interfaces/srv/ListParameters'),
      ros2ts('node', 'list'),
      ros2ts('topic', 'list', '-t'),
      ros2ts('topic', 'list', '-c'),
    ]);
    expect(listT).toMatchObject({ code: 0, stderr: '', stdout: lines(...SERVICES) });
    expect(list.stdout).toBe(lines(...SERVICES.map((s) => s.split(' ')[0]!)));
    expect(type).toMatchObject({ code: 0, stdout: 'turtlesim/srv/Spawn\n' });
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(find.stdout).toBe(lines('/demo/talker/list_parameters', '/demo_server/list_parameters'));
    expect(nodes.stdout).toBe(lines('/demo/talker', '/demo_server'));
    expect(topics.stdout).toBe(
      lines(
        '/chatter [std_msgs/msg/String]',
        '/cmd_vel [geometry_msgs/msg/Twist]',
        '/parameter_events [rcl_interfaces/msg/ParameterEvent]',
        '/rosout [rcl_interfaces/msg/Log]',
      ),
    );
    expect(count.stdout).toBe('4\n');
    // No daemon: each command discovers the graph itself, and stops once it has settled.
    expect(list.ms).toBeLessThan(15_000); // not a speed test: it must not wait for ever
  });

  it('node info, topic info (-v)', async () => {
    const [info, topicInfo, verbose, unknown, hidden] = await Promise.all([
      ros2ts('node', 'info', '/demo/talker'),
      ros2ts('topic', 'info', '/chatter'),
      ros2ts('topic', 'info', '-v', '/cmd_vel'),
      ros2ts('topic', 'info', '/nope'),
      ros2ts('node', 'info', '/nobody'),
    ]);
    expect(info.stdout).toBe(
      lines(
        '/demo/talker',
        '  Subscribers:',
        '    /cmd_vel: geometry_msgs/msg/Twist',
        '  Publishers:',
        '    /chatter: std_msgs/msg/String',
        '    /parameter_events: rcl_interfaces/msg/ParameterEvent',
        '    /rosout: rcl_interfaces/msg/Log',
        '  Service Servers:',
        '    /demo/talker/describe_parameters: rcl_interfaces/srv/DescribeParameters',
        '    /demo/talker/get_parameter_types: rcl_interfaces/srv/GetParameterTypes',
        '    /demo/talker/get_parameters: rcl_interfaces/srv/GetParameters',
        '    /demo/talker/list_parameters: rcl_interfaces/srv/ListParameters',
        '    /demo/talker/set_parameters: rcl_interfaces/srv/SetParameters',
        '    /demo/talker/set_parameters_atomically: rcl_interfaces/srv/SetParametersAtomically',
        '  Service Clients:',
        '',
        '  Action Servers:',
        '',
        '  Action Clients:',
        '',
      ),
    );
    expect(topicInfo.stdout).toBe(
      lines('Type: std_msgs/msg/String', 'Publisher count: 1', 'Subscription count: 0'),
    );
    expect(verbose.stdout).toMatch(
      new RegExp(
        [
          '^Type: geometry_msgs/msg/Twist\\n\\n',
          'Publisher count: 0\\n\\n',
          'Subscription count: 1\\n\\n',
          'Node name: talker\\n',
          'Node namespace: /demo\\n',
          'Topic type: geometry_msgs/msg/Twist\\n',
          'Topic type hash: RIHS01_9c45bf16fe0983d80e3cfe750d6835843d265a9a6c46bd2e609fcddde6fb8d2a\\n',
          'Endpoint type: SUBSCRIPTION\\n',
          'GID: 01\\.f7(\\.[0-9a-f]{2}){14}\\n',
          'QoS profile:\\n',
          '  Reliability: RELIABLE\\n',
          '  History \\(Depth\\): UNKNOWN\\n',
          '  Durability: VOLATILE\\n',
          '  Lifespan: Infinite\\n',
          '  Deadline: Infinite\\n',
          '  Liveliness: AUTOMATIC\\n',
          '  Liveliness lease duration: Infinite\\n\\n$',
        ].join(''),
      ),
    );
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: "Unknown topic '/nope'\n" });
    expect(hidden).toMatchObject({ code: 1, stderr: "Unable to find node '/nobody'\n" });
  });
});

describe('ros2ts service call', () => {
  it('prints what ros2 service call prints, and the server gets the request', async () => {
    const r = await ros2ts(
      'service',
      'call',
      '/spawn',
      'turtlesim/srv/Spawn',
      "{x: 2, y: 2, theta: 0, name: 'foxy_turtle'}",
    );
    expect(r).toMatchObject({
      code: 0,
      stderr: '',
      stdout: lines(
        'waiting for service to become available...',
        "requester: making request: turtlesim.srv.Spawn_Request(x=2.0, y=2.0, theta=0.0, name='foxy_turtle')",
        '',
        'response:',
        "turtlesim.srv.Spawn_Response(name='foxy_turtle')",
        '',
      ),
    });
    expect(spawnRequests).toContainEqual({ x: 2, y: 2, theta: 0, name: 'foxy_turtle' });
    const sum = await ros2ts(
      'service',
      'call',
      'add_two_ints',
      'example_interfaces/AddTwoInts',
      '{a: 2, b: 40}',
    );
    expect(sum.stdout).toContain(
      'requester: making request: example_interfaces.srv.AddTwoInts_Request(a=2, b=40)\n\nresponse:\nexample_interfaces.srv.AddTwoInts_Response(sum=42)\n\n',
    );
  });

  it('refuses bad values and types on stderr with exit code 1, before calling', async () => {
    const [field, type, badType, notService, absent, yaml] = await Promise.all([
      ros2ts('service', 'call', '/spawn', 'turtlesim/srv/Spawn', '{x: 2, nmae: foo}'),
      ros2ts('service', 'call', '/spawn', 'turtlesim/srv/Spawn', '{x: two}'),
      ros2ts('service', 'call', '/spawn', 'turtlesim/srv/Nope'),
      ros2ts('service', 'call', '/spawn', 'turtlesim/msg/Pose'),
      ros2ts('service', 'call', '/absent', 'std_srvs/srv/Trigger', '--timeout', '0.5'),
      ros2ts('service', 'call', '/spawn', 'turtlesim/srv/Spawn', '{x: 2'),
    ]);
    expect(field).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "Failed to populate field: turtlesim/srv/Spawn_Request has no field 'nmae'; its fields are: x, y, theta, name\n",
    });
    expect(type).toMatchObject({
      code: 1,
      stderr: "Failed to populate field: field 'x' expects a number (float32), got 'two' (a string)\n",
    });
    expect(badType.code).toBe(1);
    expect(badType.stderr).toMatch(
      /^The passed service type is invalid: no definition of 'turtlesim\/srv\/Nope_Request'/,
    );
    expect(notService).toMatchObject({ code: 1, stderr: 'The passed type is not a service\n' });
    expect(absent).toMatchObject({ code: 1, stdout: 'waiting for service to become available...\n' });
    expect(absent.stderr).toMatch(/^service \/absent did not become available within 0.5 s/);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toMatch(/^Failed to populate field: the values are not valid YAML: /);
  });
});

describe('ros2ts topic echo / pub / hz / bw', () => {
  it('echo prints YAML documents with --- as ros2 topic echo', async () => {
    const [once, field, csv] = await Promise.all([
      ros2ts('topic', 'echo', '/chatter', '--once'),
      ros2ts('topic', 'echo', '/chatter', 'std_msgs/msg/String', '--once', '--field', 'data'),
      ros2ts('topic', 'echo', '/chatter', '--once', '--csv'),
    ]);
    expect(once).toMatchObject({ code: 0, stdout: 'data: hello world\n---\n' });
    expect(field.stdout).toBe('hello world\n---\n');
    expect(csv.stdout).toBe('hello world\n');
  });

  it('pub --once publishes one message a subscription gets, printing what ros2 topic pub prints', async () => {
    const r = await ros2ts(
      'topic',
      'pub',
      '--once',
      '/cmd_vel',
      'geometry_msgs/msg/Twist',
      '{linear: {x: 2.0}, angular: {z: 1.8}}',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.replace('Waiting for at least 1 matching subscription(s)...\n', '')).toBe(
      lines(
        'publisher: beginning loop',
        'publishing #1: geometry_msgs.msg.Twist(linear=geometry_msgs.msg.Vector3(x=2.0, y=0.0, z=0.0), angular=geometry_msgs.msg.Vector3(x=0.0, y=0.0, z=1.8))',
        '',
      ),
    );
    await until(() => twists.length > 0, 3000, 'the Twist');
    expect(twists[0]).toEqual({ linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 1.8 } });
    const bad = await ros2ts(
      'topic',
      'pub',
      '/cmd_vel',
      'geometry_msgs/msg/Twist',
      '{linear: {x: fast}}',
      '--once',
    );
    expect(bad).toMatchObject({
      code: 1,
      stderr:
        "Failed to populate field: field 'linear.x' expects a number (float64), got 'fast' (a string)\n",
    });
  });

  it('hz and bw report the rate of /chatter (10 Hz) until interrupted', async () => {
    const hz = start(['topic', 'hz', '/chatter']);
    const bw = start(['topic', 'bw', '/chatter']);
    await until(
      () => /average rate/.test(hz.stdout()) && /B\/s from/.test(bw.stdout()),
      10_000,
      'hz and bw lines',
    );
    hz.child.kill('SIGINT');
    bw.child.kill('SIGINT');
    const [h, b] = await Promise.all([hz.done, bw.done]);
    expect(h.code).toBe(0);
    const rate =
      /^average rate: (\d+\.\d{3})\n\tmin: \d+\.\d{3}s max: \d+\.\d{3}s std dev: \d+\.\d{5}s window: \d+\n/m.exec(
        h.stdout,
      );
    expect(Number(rate?.[1])).toBeGreaterThan(7);
    expect(Number(rate?.[1])).toBeLessThan(13);
    // std_msgs/String 'hello world': 4 (header) + 4 (length) + 12 = 20 bytes.
    expect(b.stdout).toMatch(
      /^Subscribed to \[\/chatter\]\n\d+ B\/s from \d+ messages\n\tMessage size mean: 20 B min: 20 B max: 20 B\n/,
    );
  });
});

describe('ros2ts param', () => {
  it('list, get, set, dump through the parameter services of a ros2ts node', async () => {
    const [list, types, get, getMissing, absentNode] = await Promise.all([
      ros2ts('param', 'list', '/demo_server'),
      ros2ts('param', 'list', '/demo_server', '--param-type'),
      ros2ts('param', 'get', '/demo_server', 'speed'),
      ros2ts('param', 'get', 'demo_server', 'nope'),
      ros2ts('param', 'get', '/nobody', 'speed'),
    ]);
    expect(list.stdout).toBe(lines('  count', '  gains', '  label', '  speed', '  use_sim_time'));
    expect(types.stdout).toBe(
      lines(
        '  count (type: integer)',
        '  gains (type: double array)',
        '  label (type: string)',
        '  speed (type: double)',
        '  use_sim_time (type: boolean)',
      ),
    );
    expect(get.stdout).toBe('Double value is: 1.5\n');
    expect(getMissing).toMatchObject({ code: 1, stderr: 'Parameter not set\n' });
    expect(absentNode).toMatchObject({ code: 1, stderr: 'Node not found\n' });

    const set = await ros2ts('param', 'set', '/demo_server', 'count', '7');
    expect(set).toMatchObject({ code: 0, stdout: 'Set parameter successful\n' });
    expect(server.parameters.get('count')).toEqual({ type: 'integer', value: 7n });
    const wrong = await ros2ts('param', 'set', '/demo_server', 'count', 'seven');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Setting parameter failed: /);

    const dump = await ros2ts('param', 'dump', '/demo_server');
    expect(dump.stdout).toBe(
      lines(
        '/demo_server:',
        '  ros__parameters:',
        '    count: 7',
        '    gains:',
        '    - 1.0',
        '    - 2.5',
        '    label: demo',
        '    speed: 1.5',
        '    use_sim_time: false',
        '',
      ),
    );
  });
});

describe('ros2ts interface, run, doctor', () => {
  it('interface show / package / proto from the bundled definitions', async () => {
    const [show, pkg, proto, unknown] = await Promise.all([
      ros2ts('interface', 'show', 'turtlesim/srv/Spawn'),
      ros2ts('interface', 'package', 'turtlesim'),
      ros2ts('interface', 'proto', 'geometry_msgs/msg/Vector3'),
      ros2ts('interface', 'show', 'nope_msgs/msg/X'),
    ]);
    expect(show.stdout).toBe(
      lines('float32 x', 'float32 y', 'float32 theta', 'string name', '---', 'string name'),
    );
    expect(pkg.stdout).toBe(
      lines(
        'turtlesim/msg/Color',
        'turtlesim/msg/Pose',
        'turtlesim/srv/Kill',
        'turtlesim/srv/SetPen',
        'turtlesim/srv/Spawn',
        'turtlesim/srv/TeleportAbsolute',
        'turtlesim/srv/TeleportRelative',
        'turtlesim/action/RotateAbsolute',
      ),
    );
    expect(proto.stdout).toBe('"x: 0.0\ny: 0.0\nz: 0.0\n"\n');
    expect(unknown).toMatchObject({ code: 1, stderr: "Unknown package 'nope_msgs'\n" });
  });

  it('run turtlesim turtlesim_node, then the tutorial: ros2ts service call /spawn; run ros2ts_examples spawn_turtle', async () => {
    const sim = start(['run', 'turtlesim', 'turtlesim_node', '--no-web']);
    const call = await ros2ts(
      'service',
      'call',
      '/turtle1/teleport_absolute',
      'turtlesim/srv/TeleportAbsolute',
      '{x: 1, y: 1}',
      '--timeout',
      '10',
    );
    expect(call.stdout).toContain('response:\nturtlesim.srv.TeleportAbsolute_Response()\n');
    sim.child.kill('SIGINT');
    expect((await sim.done).code).toBe(0);
    const example = await ros2ts('run', 'ros2ts_examples', 'spawn_turtle', '--timeout', '10000');
    expect(example).toMatchObject({ code: 0, stdout: 'spawned foxy_turtle\n' });
    const unknown = await ros2ts('run', 'nope', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Package 'nope' not found/);
  });

  it('doctor reports the discovery configuration and the participants by vendor', async () => {
    const r = await ros2ts('doctor');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\n {3}DISCOVERY\ndomain id +: 14\ndiscovery range +: LOCALHOST\nstatic peers +: \(none\)\n/,
    );
    expect(r.stdout).toMatch(/\n {3}INTERFACE SEARCH PATHS\n1\. bundled +: .*interfaces\n/);
    expect(r.stdout).toMatch(/PARTICIPANTS \(1 after [\d.]+ s of discovery\)/);
    expect(r.stdout).toMatch(/ros2ts \(01\.f7\), \d+ writers, \d+ readers, at 127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/names +: \/demo\/talker, \/demo_server\n/);
    expect(r.stdout).toMatch(
      /\n {3}DROPPED\n[\s\S]*held for unannounced writers +: \d+ now, \d+ handed on\n/,
    );
  });
});
