/**
 * ros2ts contexts for socket tests: made on one domain, loopback discovery, and shut down after
 * each test (registered with vitest's afterEach by `contexts()`).
 */
import { afterEach } from 'vitest';
import { Context } from '../../src/nodes/context.js';

/** Node options that keep a test's console quiet. */
export const quiet = { logSink: () => {} };

export function contexts(domainId: number): { context(): Promise<Context> } {
  const open: Context[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.shutdown()));
  });
  return {
    async context() {
      const c = await Context.create({ discovery: { domainId, range: 'localhost', staticPeers: [] } });
      open.push(c);
      return c;
    },
  };
}
