/**
 * Mutations of real datagrams for fuzzing the RTPS parser: random bytes overwritten, lengths
 * and counts made to lie, truncation, submessages spliced in twice. Deterministic for a seed.
 */
export { mulberry32 } from '../../src/rtps/transport/prng.js';
export function mutate(input: Uint8Array, rand: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  let out = Uint8Array.from(input);
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    switch (int(6)) {
      case 0: // a random byte
        if (out.length > 0) out[int(out.length)] = int(256);
        break;
      case 1: // a 16-bit length-sized field set to an extreme
        if (out.length > 2) {
          const at = 20 + int(Math.max(1, out.length - 22));
          out[at] = rand() < 0.5 ? 0xff : 0;
          out[at + 1] = rand() < 0.5 ? 0xff : 0;
        }
        break;
      case 2: // a 32-bit count set to an extreme
        if (out.length > 4) {
          const at = int(out.length - 4);
          const v = [0xffffffff, 0x80000000, 0x7fffffff, 257, 0][int(5)]!;
          out[at] = v;
          out[at + 1] = v >>> 8;
          out[at + 2] = v >>> 16;
          out[at + 3] = v >>> 24;
        }
        break;
      case 3: // truncation
        out = out.subarray(0, int(out.length + 1));
        break;
      case 4: // a bit flip
        if (out.length > 0) out[int(out.length)]! ^= 1 << int(8);
        break;
      default: {
        // a slice of the datagram appended again (submessages spliced twice)
        const from = int(out.length);
        const tail = out.subarray(from, from + int(64));
        const grown = new Uint8Array(out.length + tail.length);
        grown.set(out);
        grown.set(tail, out.length);
        out = grown;
      }
    }
  }
  return out;
}
