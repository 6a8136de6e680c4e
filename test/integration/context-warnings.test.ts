/**
 * Context.create says what it makes of a doubtful ROS environment, as rcl logs it, instead of
 * falling back in silence (issue 13).
 *
 *   scripts/netns-run npx vitest run test/integration/context-warnings.test.ts
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '../../src/nodes/context.js';
import type { LogRecord } from '../../src/nodes/logger.js';
import { assertSandboxed } from '../support/sandbox.js';

beforeAll(() => assertSandboxed('test/integration/context-warnings.test.ts'));

const saved = process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'];
afterEach(() => {
  if (saved === undefined) delete process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'];
  else process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = saved;
});

describe('Context.create and the ROS environment', () => {
  it('warns about an unknown ROS_AUTOMATIC_DISCOVERY_RANGE and falls back to LOCALHOST', async () => {
    process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'localhst';
    const records: LogRecord[] = [];
    const c = await Context.create({ discovery: { domainId: 42 }, logSink: (r) => records.push(r) });
    try {
      expect(records.map((r) => `${r.name}: ${r.message}`)).toEqual([
        expect.stringMatching(/^rcl: invalid ROS_AUTOMATIC_DISCOVERY_RANGE="localhst".*assuming LOCALHOST/),
      ]);
    } finally {
      await c.shutdown();
    }
  });

  it('says nothing when the environment is sound', async () => {
    process.env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST';
    const records: LogRecord[] = [];
    const c = await Context.create({ discovery: { domainId: 42 }, logSink: (r) => records.push(r) });
    await c.shutdown();
    expect(records).toEqual([]);
  });
});
