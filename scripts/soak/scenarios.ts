/**
 * The soak's scenarios, in the order they run: how much each sends (full and `--short`), how
 * fast, and what a victim that holds must show for it (the drop reasons that must be counted, the
 * fakes it must forget, the memory it may take).
 */
import type { ScenarioName } from './protocol.js';

export interface Scenario {
  readonly name: ScenarioName;
  /** What is sent, for the table. */
  readonly what: string;
  readonly count: { readonly full: number; readonly short: number };
  /** Datagrams a second. */
  readonly rate: number;
  /** Each of these drop reasons must have been counted (at least once) during the scenario. */
  readonly mustCount: readonly string[];
  /** At least one of these must have been counted (when not empty). */
  readonly mustCountOneOf: readonly string[];
  /**
   * Fake participants are announced: they must all be gone again within their lease (capped at
   * the soak's maxLeaseMs when infinite) after the attack ends.
   */
  readonly fakes?: 'finite' | 'capped';
  /** Extra resident memory allowed at the peak, bytes (beyond what the scenario's bound holds). */
  readonly rssBound: number;
}

const MiB = 1024 * 1024;
export const FRAME_RSS_BOUND = 128 * MiB;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'garbage',
    what: 'random bytes after an RTPS header, and mutated datagrams of real Jazzy captures (half in a victim\u2019s GUID prefix), to every victim port and the SPDP group',
    count: { full: 200_000, short: 20_000 },
    rate: 20_000,
    mustCount: ['malformed-submessage', 'truncated-submessage'],
    mustCountOneOf: [],
    rssBound: FRAME_RSS_BOUND,
  },
  {
    name: 'forged-control',
    what: 'in the names of the 3 matched writer\u2192reader pairs (topic, request, reply): invalid HEARTBEAT (firstSN 2^40 > lastSN+1), HEARTBEAT 2^40 with count 2^31-1, GAP of everything below 2^40, invalid GAP, HEARTBEAT_FRAG; ACKNACKs for SN 1-256 from a spoofed reader and from the real one, ACKNACK claiming 2^40 with count 2^31-1, invalid ACKNACK (base 0), NACK_FRAG of 256 fragments',
    count: { full: 20_000, short: 2_000 },
    rate: 2_000,
    mustCount: ['invalid-sequence-numbers'],
    mustCountOneOf: [],
    rssBound: FRAME_RSS_BOUND,
  },
  {
    name: 'fragment-bomb',
    what: 'DATA_FRAGs announcing 64 MiB samples: fragmentSize 1 (in matched writers\u2019 names); 56 KiB of real 1 KiB fragments a datagram, 512 datagrams a sample SN, into two readers of one participant; 1 KiB fragments from 4,096 unannounced writers of a known participant',
    count: { full: 20_000, short: 2_000 },
    rate: 2_000,
    mustCount: ['fragment-rejected'],
    mustCountOneOf: ['early-arrival-over-budget', 'early-arrival-expired', 'unmatched-writer'],
    // The shared fragment budget (256 MiB) is what may fill, plus the frame.
    rssBound: 256 * MiB + FRAME_RSS_BOUND,
  },
  {
    name: 'spdp-flood',
    what: 'SPDP announcements with random GUID prefixes, every other one with an infinite lease, the rest with the fake lease; all SEDP endpoints announced, locator at the attacker\u2019s sink',
    count: { full: 30_000, short: 3_000 },
    rate: 2_000,
    mustCount: [],
    mustCountOneOf: ['new-participant-rate', 'participant-limit'],
    fakes: 'capped',
    rssBound: FRAME_RSS_BOUND,
  },
  {
    name: 'locator-flood',
    what: '1/21 of the announcements with 500 loopback locators each (127.0.x.y at the sink), the rest with 4 unreachable locators (10.x.y.z) each',
    count: { full: 2_100, short: 210 },
    rate: 500,
    mustCount: ['locator-limit', 'unreachable-locator'],
    mustCountOneOf: [],
    fakes: 'finite',
    rssBound: FRAME_RSS_BOUND,
  },
  {
    name: 'sedp-flood',
    what: 'one fake participant (re-announced twice a second) announcing DATA(w) and DATA(r) in turn, each on a topic of its own, to both victims\u2019 metatraffic ports',
    count: { full: 20_000, short: 2_000 },
    rate: 2_000,
    mustCount: [],
    mustCountOneOf: [],
    fakes: 'finite',
    rssBound: FRAME_RSS_BOUND,
  },
];
