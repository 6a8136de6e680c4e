/**
 * What the soak's victim process and its attacker child tell each other over the IPC channel:
 * where the victims are (ports, GUID prefixes, entity ids), which attack to run, and what was sent.
 * Plain JSON values only (hex strings for prefixes), so the attacker holds no ros2ts state.
 */

/** One victim participant as the network sees it. */
export interface VictimParticipant {
  /** GUID prefix, 24 hex digits. */
  readonly prefix: string;
  readonly participantId: number;
}

/** A writer→reader pair of the victims: the writer's name is the one forged control uses. */
export interface MatchedPair {
  readonly writer: { readonly prefix: string; readonly entityId: number };
  readonly reader: { readonly prefix: string; readonly entityId: number };
  /** The port the reader's participant receives user traffic on. */
  readonly readerPort: number;
  /** The port the writer's participant receives user traffic on (ACKNACKs go there). */
  readonly writerPort: number;
}

export interface VictimMap {
  readonly domainId: number;
  readonly participants: readonly VictimParticipant[];
  /** Every participant's metatraffic and user unicast ports. */
  readonly ports: readonly { readonly metatraffic: number; readonly user: number }[];
  /** The SPDP multicast group and port of the domain. */
  readonly multicast: { readonly address: string; readonly port: number };
  /** The reliable topic first (talker → listener), then the service's two directions. */
  readonly pairs: readonly MatchedPair[];
}

export type ScenarioName =
  | 'garbage'
  | 'forged-control'
  | 'fragment-bomb'
  | 'spdp-flood'
  | 'locator-flood'
  | 'sedp-flood';

export interface AttackCommand {
  readonly type: 'attack';
  readonly scenario: ScenarioName;
  /** Where this scenario's victims are. */
  readonly map: VictimMap;
  /** Datagrams to send. */
  readonly count: number;
  /** Datagrams a second (the attacker paces itself to this). */
  readonly rate: number;
  readonly seed: number;
  /** Lease of the fake participants that have a finite one, ms. */
  readonly fakeLeaseMs: number;
}

export interface AttackReport {
  readonly type: 'done';
  readonly scenario: ScenarioName;
  readonly sent: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Send calls that failed (the kernel refused them). */
  readonly sendErrors: number;
  /** Datagrams the victims sent to the fakes' announced addresses (the attacker's sink) meanwhile. */
  readonly toFakes: number;
  /** The attacker's own address, as the victims' drop counters name it. */
  readonly source: string;
}

export interface ReadyMessage {
  readonly type: 'ready';
  readonly sinkPort: number;
  /** The address attacks are sent from. */
  readonly source: string;
}

/** The sink's running total: what the victims sent to fake participants so far. */
export interface SinkMessage {
  readonly type: 'sink';
  readonly toFakes: number;
}

export type AttackerMessage = AttackReport | ReadyMessage | SinkMessage;

export type VictimCommand = AttackCommand | { readonly type: 'count-sink' } | { readonly type: 'exit' };
