/**
 * The resident memory of a process, run by bench/rtps.bench.ts with --expose-gc:
 *   rtps-rss bare   a Node.js process that loads nothing (the floor)
 *   rtps-rss <n>    a Context with one node and n endpoints (half publishers, half subscriptions,
 *                   each on a topic of its own), once their announcements are out
 * Prints {"rss"} in bytes, read after the garbage collector has nothing more to take.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('rtps-rss needs node --expose-gc');

/** Memory left to the collector is not what the process needs to keep: collect until the heap stops shrinking. */
async function settle(collect: () => void): Promise<void> {
  let before = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    collect();
    await sleep(100);
    const heap = process.memoryUsage().heapUsed;
    if (heap >= before * 0.99) return;
    before = heap;
  }
}

const what = process.argv[2];
if (what === 'bare') {
  await settle(gc);
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
} else {
  const endpoints = Number(what);
  // Loaded here, not at the top: the bare process must not pay for them.
  const { Context } = await import('../src/nodes/context.js');
  const { DISCOVERY } = await import('./rtps-common.js');
  const context = await Context.create({ discovery: DISCOVERY });
  const node = context.createNode('bench_rss', { logSink: () => {} });
  for (let i = 0; i < endpoints / 2; i++) {
    node.createPublisher('std_msgs/msg/String', `/bench_rss/out_${i}`);
    node.createSubscription('std_msgs/msg/String', `/bench_rss/in_${i}`, () => {});
  }
  await sleep(1000); // the endpoints' announcements go out, the periodic work settles into its period
  await settle(gc);
  const { rss } = process.memoryUsage();
  await context.shutdown();
  process.stdout.write(`${JSON.stringify({ rss })}\n`);
  process.exit(0);
}
