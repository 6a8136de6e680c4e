/**
 * Property tests over every bundled interface type and every ROS 2 test interface (Debian's
 * ros2-test-interface-files): random values round-trip, every proper prefix of an encoding is
 * rejected, and random bytes or valid encodings with bytes overwritten only ever produce a
 * CdrDecodeError.
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecCache } from '../../../src/cdr/codec.js';
import { CdrDecodeError } from '../../../src/cdr/errors.js';
import { InterfaceRegistry } from '../../../src/cdr/registry.js';
import { arbitraryOf } from '../../support/arbitrary.js';

const TEST_INTERFACES_ROOT = '/usr/share';
const TEST_PKG = 'test_interface_files';
if (!existsSync(`${TEST_INTERFACES_ROOT}/${TEST_PKG}`)) {
  throw new Error(
    'Debian package ros2-test-interface-files is not installed (apt-get install ros2-test-interface-files)',
  );
}

const registry = new InterfaceRegistry({ paths: [TEST_INTERFACES_ROOT], amentPrefixPath: false });
const codecs = new CodecCache(registry);
const allTypes = registry
  .list()
  .filter((n) => !n.startsWith('test_interface_files/') || n.startsWith(`${TEST_PKG}/`))
  .flatMap((n) => registry.partsOf(n));

/** A decode failure that is our own check, not a bug caught by the last-resort handler. */
function expectTypedRejection(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CdrDecodeError);
    expect((err as CdrDecodeError).reason).not.toMatch(/^malformed data \(/);
    return;
  }
  throw new Error('expected a CdrDecodeError');
}

/** `bytes` placed inside a larger buffer full of 0xff, so an over-read would find data. */
function embedded(bytes: Uint8Array, shift: number): Uint8Array {
  const big = new Uint8Array(bytes.length + shift + 64).fill(0xff);
  big.set(bytes, shift);
  return big.subarray(shift, shift + bytes.length);
}

describe('round trips and rejections over every interface type', () => {
  it('covers the bundled set and the ROS 2 test interfaces', () => {
    expect(allTypes).toContain('geometry_msgs/msg/Twist');
    expect(allTypes).toContain('test_interface_files/msg/BasicTypes');
    expect(allTypes).toContain('test_interface_files/action/Fibonacci_SendGoal_Request');
    expect(allTypes.length).toBeGreaterThan(350);
  });

  it.each(allTypes)('%s', (typeName) => {
    const codec = codecs.get(typeName);
    fc.assert(
      fc.property(arbitraryOf(registry, typeName), fc.integer({ min: 0, max: 7 }), (value, shift) => {
        const bytes = codec.encode(value);
        expect(bytes.length).toBe(codec.size(value));
        expect(codec.decode(bytes)).toEqual(value);
        // The same bytes at every alignment of the underlying buffer (views vs copies).
        expect(codec.decode(embedded(bytes, shift))).toEqual(value);
        // Every proper prefix needs a byte it does not have.
        for (let cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length >> 4)) {
          expectTypedRejection(() => codec.decode(embedded(bytes.subarray(0, cut), shift)));
        }
      }),
      { numRuns: 15 },
    );
    fc.assert(
      // Valid encodings with bytes overwritten: lengths that lie, bad booleans, bad characters.
      fc.property(
        arbitraryOf(registry, typeName),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (value, edits) => {
          const bytes = Uint8Array.from(codec.encode(value));
          for (const [at, b] of edits) bytes[4 + (at % Math.max(1, bytes.length - 4))] = b;
          try {
            codec.decode(embedded(bytes, 3));
          } catch (err) {
            expect(err).toBeInstanceOf(CdrDecodeError);
            expect((err as CdrDecodeError).reason).not.toMatch(/^malformed data \(/);
          }
        },
      ),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (noise, le) => {
        const bytes = new Uint8Array(noise.length + 4);
        bytes[1] = le ? 1 : 0;
        bytes.set(noise, 4);
        try {
          codec.decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CdrDecodeError);
          expect((err as CdrDecodeError).reason).not.toMatch(/^malformed data \(/);
        }
      }),
      { numRuns: 15 },
    );
  });
});
