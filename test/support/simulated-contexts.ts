/**
 * Contexts (whole node layers) on the in-memory bus with one FakeClock, as processes of one host
 * (loopback discovery): no real time passes, and waits and timeouts fire at their simulated
 * instant. Each test file passes the list it shuts down after each test.
 */
import { Context } from '../../src/nodes/context.js';
import { FakeClock } from '../../src/rtps/clock.js';
import { MemoryBus } from '../../src/rtps/transport/memory-transport.js';
import type { Transport } from '../../src/rtps/transport/transport.js';

export interface SimulatedContexts {
  readonly clock: FakeClock;
  /**
   * A new context on the bus (added to the file's list to shut down); `transport` may wrap its
   * transport (e.g. to lose what it sends).
   */
  context(transport?: (onBus: Transport) => Transport): Promise<Context>;
  /** Advances the clock `ms` in steps of `step` ms, letting promises settle between steps. */
  run(ms: number, step?: number): Promise<void>;
  /** Advances 1 ms at a time until `p` settles; how many ms that took. */
  runUntil(p: Promise<unknown>, limitMs: number): Promise<number>;
}

export function simulatedContexts(open: Context[]): SimulatedContexts {
  const clock = new FakeClock();
  const bus = new MemoryBus({ clock, latencyMs: 1 });
  return {
    clock,
    async context(wrap) {
      const onBus = bus.transport('10.1.0.1');
      const c = await Context.create({
        transport: wrap ? wrap(onBus) : onBus,
        clock,
        discovery: { domainId: 0, range: 'localhost', staticPeers: [] },
        useGlobalArguments: false,
        logSink: () => {},
      });
      open.push(c);
      return c;
    },
    async run(ms, step = 1) {
      for (let t = 0; t < ms; t += step) {
        clock.advance(Math.min(step, ms - t));
        await settle();
      }
    },
    async runUntil(p, limitMs) {
      let done = false;
      p.then(
        () => (done = true),
        () => (done = true),
      );
      for (let t = 0; t < limitMs; t++) {
        await settle();
        if (done) return t;
        clock.advance(1);
      }
      throw new Error(`still pending after ${limitMs} simulated ms`);
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
