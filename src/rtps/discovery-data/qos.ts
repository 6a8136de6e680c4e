/**
 * QoS policies as SEDP carries them (DDS 1.4 2.2.3, RTPS 2.5 9.6.3.2 for the wire forms), the DDS
 * defaults that apply when a policy is not sent, and their parameter codecs.
 *
 * `QosPolicies` holds what a peer actually sent (absent = not on the wire); `effectiveQos` fills
 * the gaps with the defaults. What each vendor sends (WIRE.md section 3, checked against the Jazzy
 * captures):
 * - Cyclone sends only the policies that differ from its defaults, which are the DDS defaults below
 *   (reliability per endpoint kind). A ROS endpoint from Cyclone carries RELIABILITY (RELIABLE,
 *   max_blocking_time INFINITE) and HISTORY when the depth is not 1; DURABILITY only when not
 *   VOLATILE. A BEST_EFFORT reader sends no RELIABILITY at all.
 * - Fast DDS always sends DURABILITY, DURABILITY_SERVICE, DEADLINE, LATENCY_BUDGET, LIVELINESS,
 *   RELIABILITY (100 ms blocking), LIFESPAN, OWNERSHIP, DESTINATION_ORDER, PRESENTATION, PARTITION,
 *   TOPIC_DATA / GROUP_DATA / USER_DATA, DATA_REPRESENTATION (2.14), TIME_BASED_FILTER (writers),
 *   TYPE_CONSISTENCY (readers), and **never HISTORY**: a Fast DDS endpoint's depth is unknown to us.
 *
 * The defaults we apply are those of the DDS specification, which is what Cyclone assumes too:
 * - reliability: RELIABLE (100 ms) for a writer, BEST_EFFORT for a reader;
 * - durability: VOLATILE, for writers as well. Fast DDS's C++ `DataWriterQos()` constructor says
 *   TRANSIENT_LOCAL, and a 2020 report (ros2cli #525) says Fast DDS assumed that for a remote writer
 *   without the PID, but its SEDP read path resets to the DDS defaults first (2.9.1 and 2.14:
 *   WIRE.md 9d), and the only vendor that omits DURABILITY in practice, Cyclone, omits exactly
 *   VOLATILE. Our own announcements always carry RELIABILITY and DURABILITY, so no peer has to guess.
 * - history KEEP_LAST 1; deadline, lifespan and liveliness lease INFINITE; liveliness AUTOMATIC;
 *   latency budget and time-based filter 0; ownership SHARED (strength 0); destination order
 *   BY_RECEPTION_TIMESTAMP; presentation INSTANCE without coherent or ordered access; the default
 *   (empty) partition; unlimited resource limits; transport priority 0; data representation XCDR1
 *   (XTypes 7.6.3.1.1: no DATA_REPRESENTATION means XCDR1 only).
 */
import type { ByteReader } from '../wire/byte-reader.js';
import type { ByteWriter } from '../wire/byte-writer.js';
import {
  DURATION_INFINITE,
  DURATION_ZERO,
  type Duration,
  durationFromMillis,
  readDuration,
  writeDuration,
} from './duration.js';
import { PID } from './pids.js';
import { type Schema, scalar } from './schema.js';
import { align, alignWriter, invalid, readBoolean, readCount, readString, writeString } from './values.js';

export type EndpointKind = 'writer' | 'reader';

export type ReliabilityKind = 'BEST_EFFORT' | 'RELIABLE';
export type DurabilityKind = 'VOLATILE' | 'TRANSIENT_LOCAL' | 'TRANSIENT' | 'PERSISTENT';
export type HistoryKind = 'KEEP_LAST' | 'KEEP_ALL';
export type LivelinessKind = 'AUTOMATIC' | 'MANUAL_BY_PARTICIPANT' | 'MANUAL_BY_TOPIC';
export type OwnershipKind = 'SHARED' | 'EXCLUSIVE';
export type DestinationOrderKind = 'BY_RECEPTION_TIMESTAMP' | 'BY_SOURCE_TIMESTAMP';
export type PresentationAccessScope = 'INSTANCE' | 'TOPIC' | 'GROUP';

export interface ReliabilityQos {
  readonly kind: ReliabilityKind;
  readonly maxBlockingTime: Duration;
}

export interface HistoryQos {
  readonly kind: HistoryKind;
  /** Meaningful for KEEP_LAST only (carried as sent for KEEP_ALL). */
  readonly depth: number;
}

export interface LivelinessQos {
  readonly kind: LivelinessKind;
  readonly leaseDuration: Duration;
}

export interface PresentationQos {
  readonly accessScope: PresentationAccessScope;
  readonly coherentAccess: boolean;
  readonly orderedAccess: boolean;
}

/** -1 is LENGTH_UNLIMITED. */
export interface ResourceLimitsQos {
  readonly maxSamples: number;
  readonly maxInstances: number;
  readonly maxSamplesPerInstance: number;
}

export interface DurabilityServiceQos {
  readonly serviceCleanupDelay: Duration;
  readonly historyKind: HistoryKind;
  readonly historyDepth: number;
  readonly maxSamples: number;
  readonly maxInstances: number;
  readonly maxSamplesPerInstance: number;
}

/** DataRepresentationId_t (XTypes 7.6.3.1.1). */
export const DATA_REPRESENTATION = { XCDR: 0, XML: 1, XCDR2: 2 } as const;

/** TypeConsistencyEnforcementQosPolicy (XTypes 7.6.3.4); the five flags when the sender wrote them. */
export interface TypeConsistencyQos {
  /** 0 DISALLOW_TYPE_COERCION, 1 ALLOW_TYPE_COERCION. */
  readonly kind: number;
  readonly flags?: {
    readonly ignoreSequenceBounds: boolean;
    readonly ignoreStringBounds: boolean;
    readonly ignoreMemberNames: boolean;
    readonly preventTypeWidening: boolean;
    readonly forceTypeValidation: boolean;
  };
}

/** The QoS policies of an endpoint as sent: a field is absent when its parameter was. */
export interface QosPolicies {
  readonly durability?: DurabilityKind;
  readonly durabilityService?: DurabilityServiceQos;
  readonly deadline?: Duration;
  readonly latencyBudget?: Duration;
  readonly liveliness?: LivelinessQos;
  readonly reliability?: ReliabilityQos;
  readonly lifespan?: Duration;
  readonly history?: HistoryQos;
  readonly resourceLimits?: ResourceLimitsQos;
  readonly ownership?: OwnershipKind;
  readonly ownershipStrength?: number;
  readonly destinationOrder?: DestinationOrderKind;
  readonly presentation?: PresentationQos;
  /** Partition names; absent or empty is the default partition. */
  readonly partition?: readonly string[];
  readonly timeBasedFilter?: Duration;
  readonly transportPriority?: number;
  /** DataRepresentationId_t values, in the sender's order of preference (writers send one). */
  readonly dataRepresentation?: readonly number[];
  /** Readers only; no default is assumed. */
  readonly typeConsistency?: TypeConsistencyQos;
}

/** Every policy, with the defaults filled in. */
export type EffectiveQos = Required<Omit<QosPolicies, 'typeConsistency'>> &
  Pick<QosPolicies, 'typeConsistency'>;

const DEFAULT_MAX_BLOCKING_TIME = durationFromMillis(100);

const COMMON_DEFAULTS: Omit<EffectiveQos, 'reliability'> = {
  durability: 'VOLATILE',
  durabilityService: {
    serviceCleanupDelay: DURATION_ZERO,
    historyKind: 'KEEP_LAST',
    historyDepth: 1,
    maxSamples: -1,
    maxInstances: -1,
    maxSamplesPerInstance: -1,
  },
  deadline: DURATION_INFINITE,
  latencyBudget: DURATION_ZERO,
  liveliness: { kind: 'AUTOMATIC', leaseDuration: DURATION_INFINITE },
  lifespan: DURATION_INFINITE,
  history: { kind: 'KEEP_LAST', depth: 1 },
  resourceLimits: { maxSamples: -1, maxInstances: -1, maxSamplesPerInstance: -1 },
  ownership: 'SHARED',
  ownershipStrength: 0,
  destinationOrder: 'BY_RECEPTION_TIMESTAMP',
  presentation: { accessScope: 'INSTANCE', coherentAccess: false, orderedAccess: false },
  partition: [],
  timeBasedFilter: DURATION_ZERO,
  transportPriority: 0,
  dataRepresentation: [DATA_REPRESENTATION.XCDR],
};

/** The DDS defaults of a writer (DataWriterQos): RELIABLE with 100 ms max_blocking_time. */
export const DEFAULT_WRITER_QOS: EffectiveQos = {
  ...COMMON_DEFAULTS,
  reliability: { kind: 'RELIABLE', maxBlockingTime: DEFAULT_MAX_BLOCKING_TIME },
};

/** The DDS defaults of a reader (DataReaderQos): BEST_EFFORT. */
export const DEFAULT_READER_QOS: EffectiveQos = {
  ...COMMON_DEFAULTS,
  reliability: { kind: 'BEST_EFFORT', maxBlockingTime: DEFAULT_MAX_BLOCKING_TIME },
};

/** What a remote endpoint's QoS is, given what it sent: its policies over the DDS defaults. */
export function effectiveQos(kind: EndpointKind, sent: QosPolicies): EffectiveQos {
  const defaults = kind === 'writer' ? DEFAULT_WRITER_QOS : DEFAULT_READER_QOS;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(sent)) if (value !== undefined) out[key] = value;
  return out as EffectiveQos;
}

// --- wire forms ---

/** An enum travelling as u32 (u16 for TYPE_CONSISTENCY), checked against the values it can take. */
function enumCodec<T extends string>(what: string, values: readonly (readonly [number, T])[]) {
  const byWire = new Map(values);
  const byName = new Map(values.map(([n, v]) => [v, n]));
  return {
    read(r: ByteReader): T {
      const n = r.u32(what);
      const v = byWire.get(n);
      if (v === undefined) throw invalid(`${what} ${n} is not a known kind`);
      return v;
    },
    wire(v: T): number {
      const n = byName.get(v);
      if (n === undefined) throw new RangeError(`${what} ${v} has no wire value`);
      return n;
    },
  };
}

const RELIABILITY_KIND = enumCodec<ReliabilityKind>('reliability kind', [
  [1, 'BEST_EFFORT'],
  [2, 'RELIABLE'],
]);
const DURABILITY_KIND = enumCodec<DurabilityKind>('durability kind', [
  [0, 'VOLATILE'],
  [1, 'TRANSIENT_LOCAL'],
  [2, 'TRANSIENT'],
  [3, 'PERSISTENT'],
]);
const HISTORY_KIND = enumCodec<HistoryKind>('history kind', [
  [0, 'KEEP_LAST'],
  [1, 'KEEP_ALL'],
]);
const LIVELINESS_KIND = enumCodec<LivelinessKind>('liveliness kind', [
  [0, 'AUTOMATIC'],
  [1, 'MANUAL_BY_PARTICIPANT'],
  [2, 'MANUAL_BY_TOPIC'],
]);
const OWNERSHIP_KIND = enumCodec<OwnershipKind>('ownership kind', [
  [0, 'SHARED'],
  [1, 'EXCLUSIVE'],
]);
const DESTINATION_ORDER_KIND = enumCodec<DestinationOrderKind>('destination order kind', [
  [0, 'BY_RECEPTION_TIMESTAMP'],
  [1, 'BY_SOURCE_TIMESTAMP'],
]);
const ACCESS_SCOPE = enumCodec<PresentationAccessScope>('presentation access scope', [
  [0, 'INSTANCE'],
  [1, 'TOPIC'],
  [2, 'GROUP'],
]);

const duration = (pid: number, what: string) =>
  scalar<Duration>(pid, (r) => readDuration(r, what), writeDuration);

function readResourceLimits(r: ByteReader): ResourceLimitsQos {
  return {
    maxSamples: r.i32('max_samples'),
    maxInstances: r.i32('max_instances'),
    maxSamplesPerInstance: r.i32('max_samples_per_instance'),
  };
}

function writeResourceLimits(w: ByteWriter, v: ResourceLimitsQos): void {
  w.i32(v.maxSamples).i32(v.maxInstances).i32(v.maxSamplesPerInstance);
}

/** The codecs of every policy, in the order we write them. */
export const QOS_SCHEMA: Schema<QosPolicies> = {
  durability: scalar(PID.DURABILITY, DURABILITY_KIND.read, (w, v) => w.u32(DURABILITY_KIND.wire(v))),
  durabilityService: scalar(
    PID.DURABILITY_SERVICE,
    (r): DurabilityServiceQos => ({
      serviceCleanupDelay: readDuration(r, 'service_cleanup_delay'),
      historyKind: HISTORY_KIND.read(r),
      historyDepth: r.i32('history depth'),
      ...readResourceLimits(r),
    }),
    (w, v) => {
      writeDuration(w, v.serviceCleanupDelay);
      w.u32(HISTORY_KIND.wire(v.historyKind)).i32(v.historyDepth);
      writeResourceLimits(w, v);
    },
  ),
  deadline: duration(PID.DEADLINE, 'deadline period'),
  latencyBudget: duration(PID.LATENCY_BUDGET, 'latency budget'),
  liveliness: scalar(
    PID.LIVELINESS,
    (r): LivelinessQos => ({
      kind: LIVELINESS_KIND.read(r),
      leaseDuration: readDuration(r, 'lease duration'),
    }),
    (w, v) => {
      w.u32(LIVELINESS_KIND.wire(v.kind));
      writeDuration(w, v.leaseDuration);
    },
  ),
  reliability: scalar(
    PID.RELIABILITY,
    (r): ReliabilityQos => ({
      kind: RELIABILITY_KIND.read(r),
      maxBlockingTime: readDuration(r, 'max_blocking_time'),
    }),
    (w, v) => {
      w.u32(RELIABILITY_KIND.wire(v.kind));
      writeDuration(w, v.maxBlockingTime);
    },
  ),
  lifespan: duration(PID.LIFESPAN, 'lifespan'),
  history: scalar(
    PID.HISTORY,
    (r): HistoryQos => ({ kind: HISTORY_KIND.read(r), depth: r.i32('history depth') }),
    (w, v) => w.u32(HISTORY_KIND.wire(v.kind)).i32(v.depth),
  ),
  resourceLimits: scalar(PID.RESOURCE_LIMITS, readResourceLimits, writeResourceLimits),
  ownership: scalar(PID.OWNERSHIP, OWNERSHIP_KIND.read, (w, v) => w.u32(OWNERSHIP_KIND.wire(v))),
  ownershipStrength: scalar(
    PID.OWNERSHIP_STRENGTH,
    (r) => r.i32('ownership strength'),
    (w, v) => w.i32(v),
  ),
  destinationOrder: scalar(PID.DESTINATION_ORDER, DESTINATION_ORDER_KIND.read, (w, v) =>
    w.u32(DESTINATION_ORDER_KIND.wire(v)),
  ),
  presentation: scalar(
    PID.PRESENTATION,
    (r): PresentationQos => ({
      accessScope: ACCESS_SCOPE.read(r),
      coherentAccess: readBoolean(r, 'coherent_access'),
      orderedAccess: readBoolean(r, 'ordered_access'),
    }),
    (w, v) =>
      w
        .u32(ACCESS_SCOPE.wire(v.accessScope))
        .u8(v.coherentAccess ? 1 : 0)
        .u8(v.orderedAccess ? 1 : 0),
  ),
  partition: scalar(
    PID.PARTITION,
    (r): readonly string[] => {
      const n = readCount(r, 4, 'partition name');
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        align(r, 4);
        names.push(readString(r, 'partition name'));
      }
      return names;
    },
    (w, v) => {
      const start = w.pos;
      w.u32(v.length);
      for (const name of v) {
        alignWriter(w, start, 4);
        writeString(w, name);
      }
    },
  ),
  timeBasedFilter: duration(PID.TIME_BASED_FILTER, 'minimum_separation'),
  transportPriority: scalar(
    PID.TRANSPORT_PRIORITY,
    (r) => r.i32('transport priority'),
    (w, v) => w.i32(v),
  ),
  dataRepresentation: scalar(
    PID.DATA_REPRESENTATION,
    (r): readonly number[] => {
      const n = readCount(r, 2, 'data representation');
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push((r.u16('data representation id') << 16) >> 16);
      return ids;
    },
    (w, v) => {
      w.u32(v.length);
      for (const id of v) w.u16(id & 0xffff);
    },
  ),
  typeConsistency: scalar(
    PID.TYPE_CONSISTENCY,
    (r): TypeConsistencyQos => {
      const kind = r.u16('type consistency kind');
      if (r.remaining < 5) return { kind };
      return {
        kind,
        flags: {
          ignoreSequenceBounds: readBoolean(r, 'ignore_sequence_bounds'),
          ignoreStringBounds: readBoolean(r, 'ignore_string_bounds'),
          ignoreMemberNames: readBoolean(r, 'ignore_member_names'),
          preventTypeWidening: readBoolean(r, 'prevent_type_widening'),
          forceTypeValidation: readBoolean(r, 'force_type_validation'),
        },
      };
    },
    (w, v) => {
      w.u16(v.kind);
      const f = v.flags;
      if (!f) return;
      for (const b of [
        f.ignoreSequenceBounds,
        f.ignoreStringBounds,
        f.ignoreMemberNames,
        f.preventTypeWidening,
        f.forceTypeValidation,
      ])
        w.u8(b ? 1 : 0);
    },
  ),
};
