/**
 * Exact comparison of values in ros2ts' representation, reporting the first difference by path.
 * Stricter than a generic deep equality where it matters for a codec: typed arrays must be of
 * the same class, numbers are compared with Object.is (so -0 is not 0), and keys must match.
 */

/** The first difference between `actual` and `expected`, or undefined when they are the same. */
export function firstDifference(actual: unknown, expected: unknown, path = 'value'): string | undefined {
  if (ArrayBuffer.isView(expected)) {
    if (!ArrayBuffer.isView(actual) || actual.constructor !== expected.constructor) {
      return `${path}: expected a ${expected.constructor.name}, got ${describe(actual)}`;
    }
    const a = actual as unknown as ArrayLike<unknown>;
    const e = expected as unknown as ArrayLike<unknown>;
    if (a.length !== e.length) return `${path}: expected ${e.length} elements, got ${a.length}`;
    for (let i = 0; i < e.length; i++) {
      if (!Object.is(a[i], e[i])) return `${path}[${i}]: expected ${describe(e[i])}, got ${describe(a[i])}`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${describe(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} elements, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (
      typeof actual !== 'object' ||
      actual === null ||
      Array.isArray(actual) ||
      ArrayBuffer.isView(actual)
    ) {
      return `${path}: expected an object, got ${describe(actual)}`;
    }
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(k in a)) return `${path}.${k}: missing`;
      const d = firstDifference(a[k], e[k], `${path}.${k}`);
      if (d) return d;
    }
    const extra = Object.keys(a).filter((k) => !(k in e));
    return extra.length > 0 ? `${path}: unexpected keys ${extra.join(', ')}` : undefined;
  }
  return Object.is(actual, expected)
    ? undefined
    : `${path}: expected ${describe(expected)}, got ${describe(actual)}`;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Bytes as lines of 16 with offsets, so a test diff points at the line that differs. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = Buffer.from(bytes.subarray(i, Math.min(i + 16, bytes.length))).toString('hex');
    lines.push(`${i.toString(16).padStart(4, '0')}: ${row.replace(/(.{8})(?=.)/g, '$1 ')}`);
  }
  return `${bytes.length} bytes\n${lines.join('\n')}`;
}
