/**
 * `ros2ts doctor`: what this machine's ros2ts sees, in ros2doctor's report layout
 * (`api/format.py`: a blank line, three spaces and the section name, then `name : value` lines
 * padded to the longest name + 4): the discovery configuration as rcl reads it from the
 * environment, where interface definitions come from, and the participants discovered (with their
 * DDS vendor) after discovery settles.
 */
import type { Command } from 'commander';
import { discoveryOptionsFromEnv } from '../../rtps/index.js';
import { addGraphOptions } from '../common.js';
import { CliError, print } from '../errors.js';
import { registry } from '../interfaces.js';
import { withSession } from '../session.js';

const VENDORS: Readonly<Record<number, string>> = {
  257: 'RTI Connext',
  271: 'eProsima Fast DDS',
  272: 'Eclipse Cyclone DDS',
  503: 'ros2ts',
};

export function vendorName(id: number): string {
  const hex = `${(id >> 8).toString(16).padStart(2, '0')}.${(id & 0xff).toString(16).padStart(2, '0')}`;
  return `${VENDORS[id] ?? 'unknown vendor'} (${hex})`;
}

/** ros2doctor's format_print. */
export function formatReport(name: string, items: readonly (readonly [string, string])[]): string[] {
  const longest = Math.max(0, ...items.map(([k]) => k.length));
  const padding = longest >= 8 ? longest + 4 : 8;
  return ['', `   ${name}`, ...items.map(([k, v]) => `${k.padEnd(padding)}: ${v}`)];
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('.');
}

export function registerDoctor(program: Command): void {
  addGraphOptions(program.command('doctor').description('Check ROS setup and other potential issues')).action(
    async (o: { spinTime?: number }) => {
      let options: ReturnType<typeof discoveryOptionsFromEnv>;
      try {
        options = discoveryOptionsFromEnv();
      } catch (error) {
        throw new CliError(`ROS environment: ${(error as Error).message}`);
      }
      const lines: string[] = [];
      const env = (k: string) => process.env[k] ?? '(unset)';
      lines.push(
        ...formatReport('DISCOVERY', [
          ['domain id', String(options.domainId)],
          ['discovery range', options.range.toUpperCase()],
          ['static peers', options.staticPeers.length === 0 ? '(none)' : options.staticPeers.join(';')],
          ['ROS_DOMAIN_ID', env('ROS_DOMAIN_ID')],
          ['ROS_AUTOMATIC_DISCOVERY_RANGE', env('ROS_AUTOMATIC_DISCOVERY_RANGE')],
          ['ROS_STATIC_PEERS', env('ROS_STATIC_PEERS')],
          ['ROS_LOCALHOST_ONLY', env('ROS_LOCALHOST_ONLY')],
          ...options.warnings.map((w) => ['warning', w] as const),
        ]),
      );
      lines.push(
        ...formatReport(
          'INTERFACE SEARCH PATHS',
          registry().sources.map((s, i) => [`${i + 1}. ${s.origin}`, s.root] as const),
        ),
      );
      await withSession(undefined, async (s) => {
        const waited = await s.waitForDiscovery({ spinTime: o.spinTime });
        const p = s.context.participant;
        const participants = p.participants.map((rp) => {
          const prefix = rp.data.guid.prefix;
          const same = (q: Uint8Array) => hex(q) === hex(prefix);
          const writers = p.remoteWriters.filter((w) => same(w.participant.data.guid.prefix)).length;
          const readers = p.remoteReaders.filter((r) => same(r.participant.data.guid.prefix)).length;
          const where =
            rp.metatraffic.map((l) => `${l.address}:${l.port}`).join(', ') || 'no unicast locator';
          return [
            hex(prefix),
            `${vendorName(rp.vendorId)}, ${writers} writers, ${readers} readers, at ${where}`,
          ] as const;
        });
        lines.push(
          ...formatReport(
            `PARTICIPANTS (${participants.length} after ${(waited / 1000).toFixed(2)} s of discovery)`,
            [
              [hex(p.guidPrefix), `${vendorName(0x01f7)}, this command (participant id ${p.participantId})`],
              ...participants,
            ],
          ),
        );
        const nodes = s.node
          .getNodeNames({ includeHidden: true })
          .filter((n) => n.name !== s.node.name)
          .map((n) => `${n.namespace}${n.namespace.endsWith('/') ? '' : '/'}${n.name}`)
          .sort();
        lines.push(
          ...formatReport('NODES', [
            ['count', String(nodes.length)],
            ['names', nodes.length === 0 ? '(none)' : nodes.join(', ')],
          ]),
        );
        // What this command's participant refused while it listened, by reason: a network that
        // sends malformed, forged or excessive discovery shows up here.
        const drops = [...p.drops.counts].sort(([a], [b]) => a.localeCompare(b));
        const early = p.earlyArrivals;
        lines.push(
          ...formatReport('DROPPED', [
            ...(drops.length === 0
              ? [['(nothing)', '0'] as const]
              : drops.map(([r, n]) => [r, `${n}${fromWhom(p.drops.sources(r))}`] as const)),
            ['held for unannounced writers', `${early.held} now, ${early.released} handed on`],
          ]),
        );
      });
      print(...lines);
    },
  );
}

/** ", from 10.0.0.7:7410 ×120, …": the senders most of a reason's drops came from. */
function fromWhom(sources: ReadonlyArray<readonly [string, number]>): string {
  if (sources.length === 0) return '';
  const top = sources.slice(0, 3).map(([s, n]) => `${s} ×${n}`);
  return `, from ${top.join(', ')}${sources.length > 3 ? ', …' : ''}`;
}
