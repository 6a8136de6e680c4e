/**
 * The discovery decoders against mutated captured payloads and inline QoS: every outcome is a
 * decoded value or a DiscoveryDataError, never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEndpointSample } from '../../../../src/rtps/discovery-data/endpoint-data.js';
import { DiscoveryDataError } from '../../../../src/rtps/discovery-data/errors.js';
import { decodeParticipantSample } from '../../../../src/rtps/discovery-data/participant-data.js';
import { VENDOR } from '../../../../src/rtps/discovery-data/pids.js';
import type { DiscoverySample } from '../../../../src/rtps/discovery-data/sample.js';
import { mulberry32, mutate } from '../../../support/rtps-mutate.js';
import { CYCLONE_CAPTURE, captureSamples, FASTDDS_CAPTURE } from './capture-samples.js';

const corpus = [...captureSamples(CYCLONE_CAPTURE), ...captureSamples(FASTDDS_CAPTURE)];
const VENDORS = [VENDOR.CYCLONE_DDS, VENDOR.FAST_DDS, VENDOR.ROS2TS, VENDOR.RTI_CONNEXT];

/** Decodes as every topic; returns how many attempts failed (each failure must be typed). */
function exercise(sample: DiscoverySample, vendor: number): number {
  let failures = 0;
  for (const decode of [
    () => decodeParticipantSample(sample, vendor),
    () => decodeEndpointSample('writer', sample, vendor),
    () => decodeEndpointSample('reader', sample, vendor),
  ]) {
    try {
      decode();
    } catch (err) {
      if (!(err instanceof DiscoveryDataError)) throw err;
      failures++;
    }
  }
  return failures;
}

describe('discovery decoder fuzzing', () => {
  it('survives the support mutator over every captured sample', () => {
    const rand = mulberry32(7);
    let failures = 0;
    let inputs = 0;
    for (let round = 0; round < 4; round++) {
      for (const c of corpus) {
        const s = c.sample;
        const mutated: DiscoverySample = {
          ...s,
          ...(s.serializedPayload ? { serializedPayload: mutate(s.serializedPayload, rand) } : {}),
          ...(s.inlineQos && rand() < 0.5 ? { inlineQos: mutate(s.inlineQos, rand) } : {}),
        };
        failures += exercise(mutated, VENDORS[round]!);
        inputs++;
      }
    }
    expect(inputs).toBe(corpus.length * 4);
    expect(failures).toBeGreaterThan(inputs / 10);
  });

  it('survives random byte edits, truncations and lying lengths (fast-check)', () => {
    const payloads = corpus.filter((c) => c.sample.serializedPayload);
    fc.assert(
      fc.property(
        fc.nat(payloads.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.constantFrom(...VENDORS),
        fc.boolean(),
        (which, edits, cut, vendor, keyOnly) => {
          const src = payloads[which]!.sample.serializedPayload!;
          const bytes = Uint8Array.from(src);
          for (const [at, b] of edits) if (bytes.length > 0) bytes[at % bytes.length] = b;
          const payload = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          exercise({ serializedPayload: payload, keyOnly }, vendor);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives random parameter lists behind a valid encapsulation (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pid: fc.oneof(
              fc.constantFrom(
                0x02,
                0x05,
                0x07,
                0x1a,
                0x1d,
                0x29,
                0x2c,
                0x31,
                0x40,
                0x50,
                0x59,
                0x5a,
                0x70,
                0x71,
                0x73,
              ),
              fc.constantFrom(0x4014, 0x8007, 0x8002, 0x8019, 0x800f, 0xc006),
              fc.integer({ min: 0, max: 0xffff }),
            ),
            value: fc.uint8Array({ maxLength: 40 }),
            lie: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
          }),
          { maxLength: 12 },
        ),
        fc.constantFrom(...VENDORS),
        fc.boolean(),
        (params, vendor, littleEndian) => {
          const out: number[] = [0, littleEndian ? 3 : 2, 0, 0];
          const u16 = (v: number) => (littleEndian ? out.push(v & 0xff, v >> 8) : out.push(v >> 8, v & 0xff));
          for (const p of params) {
            const padded = (p.value.length + 3) & ~3;
            u16(p.pid);
            u16(p.lie ?? padded);
            out.push(...p.value, ...new Array(padded - p.value.length).fill(0));
          }
          u16(1);
          u16(0);
          exercise({ serializedPayload: Uint8Array.from(out) }, vendor);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
