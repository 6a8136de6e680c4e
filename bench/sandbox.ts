/**
 * The guard of every benchmark that opens sockets: it exits (status 2) with how to run it unless
 * this process is in the loopback-only namespace of scripts/netns-run.
 */
import { networkInterfaces } from 'node:os';

/** `script` is the npm script's name, e.g. `bench:rtps`. */
export function exitUnlessSandboxed(script: string): void {
  const foreign = Object.values(networkInterfaces()).some((infos) => (infos ?? []).some((i) => !i.internal));
  if (process.env['ROS2TS_NETNS'] !== '1' || foreign) {
    console.error(`${script} opens sockets: run it as \`npm run ${script}\` (inside scripts/netns-run)`);
    process.exit(2);
  }
}
