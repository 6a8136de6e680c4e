/**
 * The kernel's UDP counters for this network namespace (/proc/net/snmp follows the reading
 * process's namespace): datagrams discarded because a socket's receive buffer was full never
 * reach ros2ts, so they explain a flood that was sent but not all seen.
 */
import { readFileSync } from 'node:fs';

export interface UdpCounters {
  readonly inDatagrams: number;
  readonly rcvbufErrors: number;
}

export function udpCounters(): UdpCounters {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const names = lines[0]!.split(/\s+/).slice(1);
    const values = lines[1]!.split(/\s+/).slice(1).map(Number);
    const get = (name: string) => values[names.indexOf(name)] ?? 0;
    return { inDatagrams: get('InDatagrams'), rcvbufErrors: get('RcvbufErrors') };
  } catch {
    return { inDatagrams: 0, rcvbufErrors: 0 };
  }
}
