/**
 * The short soak (`npm run soak -- --short`) in CI: ros2ts victims in this process (from the TS
 * sources), the attacker a child process (compiled, as `npm install` builds it), real UDP in the
 * loopback-only namespace. Every scenario must hold: no loss on the reliable topic, every
 * service call answered, no stall over the bound, memory under its bound, the drop counters
 * naming the reason, and the fakes gone in time (scripts/soak/checks.ts has the criteria).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownTable } from '../../scripts/soak/report.js';
import { runSoak } from '../../scripts/soak/run.js';
import { SCENARIOS } from '../../scripts/soak/scenarios.js';
import { assertSandboxed } from '../support/sandbox.js';

const root = join(import.meta.dirname, '..', '..');

beforeAll(() => {
  assertSandboxed('test/soak/soak.test.ts');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}, 300_000);

describe('soak --short', () => {
  it('every scenario holds while the victims publish at 1 kHz and call a service in a loop', async () => {
    const result = await runSoak({
      short: true,
      domainId: 59,
      attackerPath: join(root, 'dist/scripts/soak/attacker.js'),
    });
    expect(result.rows.map((r) => r.scenario)).toEqual(SCENARIOS.map((s) => s.name));
    // Each row's own sanity: the attack was sent in full and the victims' traffic ran.
    for (const r of result.rows) {
      expect(r.attack.sent, r.scenario).toBeGreaterThanOrEqual(
        SCENARIOS.find((s) => s.name === r.scenario)!.count.short,
      );
      expect(r.traffic.published, r.scenario).toBeGreaterThan(0);
    }
    const failed = result.rows
      .filter((r) => !r.held)
      .map(
        (r) =>
          `${r.scenario}: ${r.checks
            .filter((c) => !c.ok)
            .map((c) => `${c.name} (${c.detail})`)
            .join('; ')}`,
      );
    expect(failed, markdownTable(result)).toEqual([]);
  }, 180_000);
});
