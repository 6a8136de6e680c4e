/**
 * `npm run soak [-- --short] [-- --json]`: ros2ts nodes under attack on real UDP, in the
 * loopback-only namespace: garbage, forged control submessages, fragment bombs, SPDP, locator and
 * SEDP floods, one after another while a reliable topic at 1 kHz and a service loop run. Prints
 * a markdown table (or JSON) of what was sent, what the victims delivered, their event-loop
 * stalls, memory and drop counters; exits 1 if any scenario did not hold. scripts/soak/ has the
 * parts; docs/RELIABILITY.md the last full run.
 */

import type { ScenarioName } from './soak/protocol.js';
import { markdownReport } from './soak/report.js';
import { runSoak } from './soak/run.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (process.env['ROS2TS_NETNS'] !== '1') {
  console.error('soak: refusing to open sockets outside the private namespace: run it as `npm run soak`');
  process.exit(2);
}
const only = value('--only')?.split(',') as ScenarioName[] | undefined;
const domain = value('--domain');
const seed = value('--seed');
const result = await runSoak({
  short: flag('--short'),
  ...(only ? { only } : {}),
  ...(domain ? { domainId: Number(domain) } : {}),
  ...(seed ? { seed: Number(seed) } : {}),
  log: (line) => console.error(line),
});
console.log(flag('--json') ? JSON.stringify(result, null, 2) : markdownReport(result));
process.exitCode = result.held ? 0 : 1;
