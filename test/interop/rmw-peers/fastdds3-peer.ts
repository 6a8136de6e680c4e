/**
 * The Fast DDS 3.x rmw peer (fastdds3-rmw-peer.cpp): a ROS 2 Kilted / Lyrical node as
 * rmw_fastrtps_cpp on Fast DDS 3 puts it on the wire (XTypes type information in SEDP, XCDR1 data
 * representation), with the command line and JSON lines of the 2.9.1 peer (rmw-peers.ts; build its
 * arguments with `rmwPeerArgs`, without `humble`), every line with `"vendor":"fastdds3"`.
 *
 * Fast DDS 3 is not in Debian 12. Build Fast-CDR 2.x and Fast DDS 3.x from their public sources
 * outside this repository, install them under one prefix, and name it in FASTDDS3_PREFIX (e.g.
 * /work/ext/fastdds3, holding include/fastdds/ and lib/libfastdds.so). Without it the tests that
 * use this peer skip and say why (`fastdds3Unavailable`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCached } from '../../support/native-build.js';
import { assertSandboxed } from '../../support/sandbox.js';
import { runBuildStep, type SpawnedPeer, spawnPeerProcess } from '../peer-process.js';

export const FASTDDS3_PREFIX_VAR = 'FASTDDS3_PREFIX';
/** The reply message the peer's trigger-server sends (unless --message). */
export const FASTDDS3_TRIGGER_MESSAGE = 'from fastdds3';

const SOURCE = 'fastdds3-rmw-peer.cpp';
const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_ROOT = join(tmpdir(), 'ros2ts-rmw-peers');

interface Install {
  readonly prefix: string;
  readonly include: string;
  readonly lib: string;
}

function findInstall(): Install | string {
  const prefix = process.env[FASTDDS3_PREFIX_VAR];
  if (prefix === undefined || prefix === '') return `${FASTDDS3_PREFIX_VAR} is not set`;
  const include = join(prefix, 'include');
  if (!existsSync(join(include, 'fastdds', 'dds', 'xtypes', 'dynamic_types', 'DynamicPubSubType.hpp')))
    return `${FASTDDS3_PREFIX_VAR}=${prefix} holds no Fast DDS 3 headers (include/fastdds/dds/xtypes)`;
  const lib = ['lib', 'lib64'].map((d) => join(prefix, d)).find((d) => existsSync(join(d, 'libfastdds.so')));
  if (lib === undefined) return `${FASTDDS3_PREFIX_VAR}=${prefix} holds no lib/libfastdds.so`;
  if (!existsSync(join(lib, 'libfastcdr.so')))
    return `${FASTDDS3_PREFIX_VAR}=${prefix} holds no libfastcdr.so`;
  return { prefix, include, lib };
}

const install = findInstall();

/** Why the Fast DDS 3 peer cannot be built here, or undefined when it can. */
export const fastdds3Unavailable: string | undefined = typeof install === 'string' ? install : undefined;

/** The installed Fast DDS version (from include/fastdds/config.hpp), for test names and reports. */
export function fastdds3Version(): string | undefined {
  if (typeof install === 'string') return undefined;
  const config = readFileSync(join(install.include, 'fastdds', 'config.hpp'), 'utf8');
  const part = (name: string) => /(\d+)/.exec(config.split(`FASTDDS_VERSION_${name}`)[1] ?? '')?.[1];
  return [part('MAJOR'), part('MINOR'), part('MICRO')].join('.');
}

let building: Promise<string> | undefined;
let built: string | undefined;

/**
 * Builds the peer against FASTDDS3_PREFIX (or finds it in the cache under os.tmpdir(), keyed by
 * its source, the build steps and the installed library), returning the executable's path.
 */
export function buildFastdds3Peer(): Promise<string> {
  if (typeof install === 'string') return Promise.reject(new Error(`no Fast DDS 3: ${install}`));
  const inst = install;
  building ??= (async () => {
    const text = await readFile(join(SOURCE_DIR, SOURCE), 'utf8');
    const compile = async (dir: string) => {
      await runBuildStep(
        'g++',
        [
          ...['-std=c++17', '-O2', '-Wall', '-I', inst.include, '-o', 'peer', SOURCE],
          // DT_RPATH, not RUNPATH: it also serves libfastdds's own need of libfastcdr.
          ...['-L', inst.lib, `-Wl,--disable-new-dtags,-rpath,${inst.lib}`],
          ...['-lfastdds', '-lfastcdr', '-lpthread'],
        ],
        dir,
      );
    };
    // A rebuilt library (another version at the same prefix) makes another cache entry.
    const libStat = statSync(join(inst.lib, 'libfastdds.so'));
    const hash = createHash('sha256')
      .update(`${compile.toString()}\0${inst.prefix}\0${libStat.size}\0${libStat.mtimeMs}\0${text}`)
      .digest('hex')
      .slice(0, 20);
    const exe = await buildCached({
      cacheRoot: CACHE_ROOT,
      key: `fastdds3-${hash}`,
      label: 'fastdds3',
      files: { [SOURCE]: text },
      exeName: 'peer',
      compile,
    });
    built = exe;
    return exe;
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

/**
 * Starts the built peer (`await buildFastdds3Peer()` first) with these arguments, in the current
 * network namespace; throws outside the loopback-only one. `env` is added to the inherited one.
 */
export function startFastdds3Peer(args: readonly string[], env?: Record<string, string>): SpawnedPeer {
  assertSandboxed('test/interop/rmw-peers');
  if (built === undefined)
    throw new Error('the Fast DDS 3 peer is not built: await buildFastdds3Peer() first');
  return spawnPeerProcess('fastdds3', built, args, env);
}
