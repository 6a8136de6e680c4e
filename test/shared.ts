/**
 * Where the read-only reference material lives (../shared beside the checkout, as in CI).
 * Tests that need it fail loudly when it is missing instead of passing vacuously.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: the nearest folder up with a package.json (this file also runs from dist/). */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
export const SHARED_DIR = process.env['ROS2TS_SHARED_DIR'] ?? resolve(REPO_ROOT, '..', 'shared');

export function sharedFile(name: string): string {
  const path = join(SHARED_DIR, name);
  if (!existsSync(path)) {
    throw new Error(
      `reference file ${path} is missing: check out the project beside ../shared or set ROS2TS_SHARED_DIR`,
    );
  }
  return path;
}
