/**
 * The node layer on the in-memory bus with a FakeClock: discovery, service calls, their timeouts,
 * the waits for a server and timers all run on the context's clock, so no real time passes and a
 * timeout fires at its instant, not 10 ms of polling later.
 *
 * Both contexts are processes of one host (loopback discovery, as two processes on a robot).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Context } from '../../../src/nodes/context.js';
import { ServiceCallTimeoutError, ServiceNotAvailableError } from '../../../src/nodes/errors.js';
import { simulatedContexts } from '../../support/simulated-contexts.js';

const quiet = { logSink: () => {} };
const open: Context[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.shutdown()));
});

const simulated = () => simulatedContexts(open);

describe('nodes on the in-memory bus with a FakeClock', () => {
  it('find a server and call it, in simulated time only', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    a.createNode('adder', quiet).createService('example_interfaces/srv/AddTwoInts', 'add', (req) => ({
      sum: req.a + req.b,
    }));
    const client = b.createNode('caller', quiet).createClient('example_interfaces/srv/AddTwoInts', 'add');
    const started = Date.now();
    const tookMs = await sim.runUntil(client.waitForService({ timeout: 5000 }), 5000);
    expect(tookMs).toBeLessThan(5000);
    const sums = Promise.all([1n, 2n, 3n].map((x) => client.call({ a: x, b: 10n }, { timeout: 1000 })));
    await sim.runUntil(sums, 1000);
    expect((await sums).map((r) => r.sum)).toEqual([11n, 12n, 13n]);
    // Simulated seconds, not real ones (the real time is the test's own work).
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('time a call out at its deadline on the context clock, not before', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    a.createNode('silent', quiet).createService(
      'std_srvs/srv/Trigger',
      'silent',
      () => new Promise(() => {}),
    );
    const client = b.createNode('caller', quiet).createClient('std_srvs/srv/Trigger', 'silent');
    await sim.runUntil(client.waitForService({ timeout: 5000 }), 5000);
    let error: unknown;
    const call = client.call({}, { timeout: 250 }).catch((e: unknown) => {
      error = e;
    });
    const sentAt = sim.clock.now();
    await sim.run(249);
    expect(error).toBeUndefined();
    await sim.runUntil(call, 5);
    expect(error).toBeInstanceOf(ServiceCallTimeoutError);
    expect(sim.clock.now() - sentAt).toBe(250);
  });

  it('give up waiting for a server that never comes at the timeout', async () => {
    const sim = simulated();
    const a = await sim.context();
    const client = a.createNode('lonely', quiet).createClient('std_srvs/srv/Trigger', 'nobody_home');
    let error: unknown;
    const wait = client.waitForService({ timeout: 300 }).catch((e: unknown) => {
      error = e;
    });
    const from = sim.clock.now();
    await sim.runUntil(wait, 400);
    expect(error).toBeInstanceOf(ServiceNotAvailableError);
    expect(sim.clock.now() - from).toBe(300);
    // A call with no server waits for one, then times out with the call's own error.
    const call = client.call({}, { timeout: 100 });
    await expect(Promise.all([call, sim.run(100)])).rejects.toBeInstanceOf(ServiceCallTimeoutError);
  });

  it('run a node timer on the context clock', async () => {
    const sim = simulated();
    const node = (await sim.context()).createNode('ticker', quiet);
    const ticks: number[] = [];
    const start = sim.clock.now();
    const timer = node.createTimer(100, () => {
      ticks.push(sim.clock.now() - start);
      if (ticks.length === 3) timer.reset();
    });
    sim.clock.advance(550);
    expect(ticks).toEqual([100, 200, 300, 400, 500]);
    timer.cancel();
    sim.clock.advance(1000);
    expect(ticks).toHaveLength(5);
    expect(timer.callCount).toBe(5);
  });

  it('resolve waitForGraphChange when a node appears, and time it out on the clock', async () => {
    const sim = simulated();
    const [a, b] = [await sim.context(), await sim.context()];
    await sim.run(200);
    const timeout = a.waitForGraphChange({ timeout: 50 });
    await expect(Promise.all([timeout, sim.run(50)])).rejects.toThrow('no graph change within 50 ms');
    const change = a.waitForGraphChange({ timeout: 5000 });
    b.createNode('newcomer', quiet);
    await sim.runUntil(change, 5000);
    await sim.run(500);
    expect(a.graph.nodeNames().some((n) => n.name === 'newcomer')).toBe(true);
  });
});
