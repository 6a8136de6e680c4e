/**
 * Builds a small native test program (golden-bytes encoders, interop peers) once per set of
 * sources: the result is cached under a directory named by a hash of everything that shapes
 * the build, and a build lands in it atomically, so a half-built directory is never taken for a
 * finished one (also when two processes build at once).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NativeBuild {
  /** Where cached builds live (e.g. os.tmpdir()/ros2ts-golden). */
  readonly cacheRoot: string;
  /** The cache entry's name: a label and a hash of the sources and build steps. */
  readonly key: string;
  /** Prefix of the temporary build directory. */
  readonly label: string;
  /** Source files to write into the build directory. */
  readonly files: Readonly<Record<string, string>>;
  /** The program the build makes, relative to the build directory. */
  readonly exeName: string;
  compile(dir: string): Promise<void>;
}

/** The program's path, building it first unless the cache has it. */
export async function buildCached(b: NativeBuild): Promise<string> {
  const dir = join(b.cacheRoot, b.key);
  const exe = join(dir, b.exeName);
  if (existsSync(exe)) return exe;
  await mkdir(b.cacheRoot, { recursive: true });
  const work = await mkdtemp(join(b.cacheRoot, `${b.label}-build-`));
  try {
    for (const [name, text] of Object.entries(b.files)) await writeFile(join(work, name), text);
    await b.compile(work);
    try {
      await rename(work, dir);
    } catch (e) {
      // Another process finished the same build first: theirs is as good as ours.
      if (!existsSync(exe)) throw e;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return exe;
}
