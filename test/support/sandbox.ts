/**
 * The guard every socket-opening test starts with: it throws (failing the file, never skipping
 * it) unless this process runs in the loopback-only namespace of scripts/netns-run.
 */
import { networkInterfaces } from 'node:os';

export function assertSandboxed(file: string): void {
  const foreign = Object.entries(networkInterfaces())
    .filter(([, infos]) => (infos ?? []).some((info) => !info.internal))
    .map(([name]) => name);
  if (process.env['ROS2TS_NETNS'] !== '1' || foreign.length > 0) {
    throw new Error(
      'refusing to open sockets outside the private network namespace ' +
        `(ROS2TS_NETNS=${process.env['ROS2TS_NETNS'] ?? 'unset'}, non-loopback interfaces: ` +
        `${foreign.join(', ') || 'none'}). Run: scripts/netns-run npx vitest run ${file}`,
    );
  }
}
