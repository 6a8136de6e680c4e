/**
 * ros2topic's delay.py (Jazzy) arithmetic and printout, without sockets: ROSTopicDelay's
 * callback_delay / get_delay / print_delay. The expected lines were printed by CPython 3.11 running
 * delay.py's formulas (`'average delay: %.3f\n\tmin: %.3fs max: %.3fs std dev: %.5fs window: %s'`)
 * on the same delays.
 */
import { describe, expect, it } from 'vitest';
import { headerStampNs, TopicDelay } from '../../src/cli/verbs/topic-delay.js';

const S = 1_000_000_000n;

describe('ros2 topic delay', () => {
  it('counts from the second message, then prints once per new message and "no new messages"', () => {
    const delay = new TopicDelay(10_000);
    // The first message only starts the count (delay.py sets msg_t0 and keeps no delay).
    expect(delay.onMessage(100n * S, 0n)).toBeUndefined();
    expect(delay.report()).toBeUndefined();
    delay.onMessage(101n * S, 100n * S);
    delay.onMessage(102n * S, 100n * S);
    delay.onMessage(103n * S, 100n * S);
    expect(delay.report()).toBe(
      'average delay: 2.000\n\tmin: 1.000s max: 3.000s std dev: 0.81650s window: 3',
    );
    expect(delay.report()).toBe('no new messages');
    delay.onMessage(104n * S, 104n * S - 12_345_678n);
    expect(delay.report()).toMatch(/^average delay: \d\.\d{3}\n\tmin: 0\.012s max: 3\.000s std dev: /);
  });

  it('keeps the last N delays of --window N', () => {
    const delay = new TopicDelay(2);
    for (const [now, stamp] of [
      [10n, 0n],
      [11n, 10n],
      [12n, 10n],
      [13n, 10n],
    ] as const)
      delay.onMessage(now * S, stamp * S);
    expect(delay.report()).toBe(
      'average delay: 2.500\n\tmin: 2.000s max: 3.000s std dev: 0.50000s window: 2',
    );
  });

  it('prints negative delays (stamps from the future) and sub-second ones as Python rounds them', () => {
    const delay = new TopicDelay(10);
    delay.onMessage(5n * S, 0n);
    delay.onMessage(6n * S, 6n * S + 500_000_000n);
    delay.onMessage(7n * S, 7n * S + 400_000n);
    expect(delay.report()).toBe(
      'average delay: -0.250\n\tmin: -0.500s max: -0.000s std dev: 0.24980s window: 2',
    );
    const mixed = new TopicDelay(10);
    mixed.onMessage(1n, 0n);
    for (const d of [12_345_678n, 23_456_789n, 250_000_001n, 7n]) mixed.onMessage(2n * S, 2n * S - d);
    expect(mixed.report()).toBe(
      'average delay: 0.071\n\tmin: 0.000s max: 0.250s std dev: 0.10342s window: 4',
    );
  });

  it('an unset stamp (0) gives the time since the epoch, exactly as Python ints keep it', () => {
    const delay = new TopicDelay(10);
    delay.onMessage(1n, 0n);
    delay.onMessage(1_764_770_000_123_456_789n, 0n);
    delay.onMessage(1_764_770_000_223_456_789n, 0n);
    expect(delay.report()).toBe(
      'average delay: 1764770000.173\n\tmin: 1764770000.123s max: 1764770000.223s std dev: 0.05000s window: 2',
    );
  });

  it('starts over when the clock goes back, and says so when ROS time resets to 0', () => {
    const delay = new TopicDelay(10);
    delay.onMessage(10n * S, 0n);
    delay.onMessage(11n * S, 10n * S);
    // Earlier than the first message: delay.py's `msg_t0 > curr` branch drops what it had.
    delay.onMessage(5n * S, 4n * S);
    expect(delay.report()).toBeUndefined();
    delay.onMessage(6n * S, 4n * S);
    expect(delay.onMessage(0n, 0n)).toBe('time has reset, resetting counters');
    expect(delay.report()).toBeUndefined();
    expect(delay.onMessage(0n, 0n)).toBeUndefined();
  });

  it('reads header.stamp, and says what delay.py says for a message without a header', () => {
    expect(headerStampNs({ header: { stamp: { sec: 3, nanosec: 5 }, frame_id: 'map' } })).toBe(3n * S + 5n);
    expect(headerStampNs({ header: { stamp: { sec: -1, nanosec: 0 }, frame_id: '' } })).toBe(-S);
    expect(headerStampNs({ data: 'hello' })).toEqual({ error: 'msg does not have header' });
    expect(headerStampNs({ header: 'text' })).toEqual({
      error: "msg header has no 'stamp' of type builtin_interfaces/Time",
    });
  });
});
