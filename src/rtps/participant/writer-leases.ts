/**
 * The liveliness leases of matched MANUAL_BY_TOPIC writers, as our readers with a liveliness
 * listener see them. Such a writer asserts its liveliness by writing, or by a HEARTBEAT with the
 * LIVELINESS flag (RTPS 2.5 8.3.7.5; Fast DDS's StatefulReader asserts on each DATA of a
 * MANUAL_BY_TOPIC writer): when its lease passes without either, it turns not alive; its next
 * assertion makes it alive again. The lease is the writer's offered one, as Cyclone times a proxy
 * writer (ddsi_proxy_endpoint.c); a compatible reader requests one at least as long.
 *
 * AUTOMATIC and MANUAL_BY_PARTICIPANT writers are judged by their participant's lease (SPDP), not
 * here: endpoint-status.ts.
 */
import type { DeadlineMonitor, DeadlineWatch } from './deadline-monitor.js';
import type { EndpointStatus } from './endpoint-status.js';

interface Lease {
  readonly reader: string;
  readonly writer: string;
  readonly watch: DeadlineWatch;
  readonly status: EndpointStatus;
}

export class WriterLeases {
  /** By the writer's participant prefix key, then entity id (what a received submessage names). */
  private readonly byWriter = new Map<string, Map<number, Lease[]>>();
  private count = 0;

  constructor(private readonly monitor: DeadlineMonitor) {}

  /** Leases watched (0: nothing to renew, the receive path skips the lookup). */
  get size(): number {
    return this.count;
  }

  /** Watches a writer matched by `reader` from now: it is alive at its match. */
  add(
    reader: string,
    writer: string,
    prefix: string,
    entityId: number,
    leaseMs: number,
    status: EndpointStatus,
  ): void {
    const byId = this.byWriter.get(prefix) ?? new Map<number, Lease[]>();
    this.byWriter.set(prefix, byId);
    const leases = byId.get(entityId) ?? [];
    if (leases.some((l) => l.reader === reader)) return;
    const watch = this.monitor.watch(leaseMs, false, () => status.writerNotAlive(writer));
    leases.push({ reader, writer, watch, status });
    byId.set(entityId, leases);
    this.count++;
    watch.activity();
  }

  /** The writer asserted its liveliness (wrote, or sent a HEARTBEAT with the LIVELINESS flag). */
  renew(prefix: string, entityId: number): void {
    const leases = this.byWriter.get(prefix)?.get(entityId);
    if (!leases) return;
    for (const l of leases) {
      l.watch.activity();
      l.status.writerAlive(l.writer);
    }
  }

  /** The writer is gone (unmatched everywhere). */
  removeWriter(prefix: string, entityId: number): void {
    const byId = this.byWriter.get(prefix);
    const leases = byId?.get(entityId);
    if (!byId || !leases) return;
    for (const l of leases) l.watch.cancel();
    this.count -= leases.length;
    byId.delete(entityId);
    if (byId.size === 0) this.byWriter.delete(prefix);
  }

  /** Our reader `reader` is gone. */
  removeReader(reader: string): void {
    for (const [prefix, byId] of this.byWriter) {
      for (const [entityId, leases] of byId) {
        const kept = leases.filter((l) => l.reader !== reader);
        if (kept.length === leases.length) continue;
        for (const l of leases) if (l.reader === reader) l.watch.cancel();
        this.count -= leases.length - kept.length;
        if (kept.length > 0) byId.set(entityId, kept);
        else byId.delete(entityId);
      }
      if (byId.size === 0) this.byWriter.delete(prefix);
    }
  }
}
