/**
 * USER_DATA strings of ROS 2 participants and endpoints (WIRE.md 2b and 5): `k=v;` lists such as
 * `enclave=/;` (participants) and `[clientid=<id>;|serviceid=<id>;]typehash=RIHS01_<hex>;`
 * (endpoints, Iron and later; the id only from Cyclone, on service and client endpoints).
 *
 * We build them in Cyclone's exact form (no trailing NUL unless asked: Fast DDS adds one to
 * `enclave=/;`). Parsing is more lenient than rmw's `parse_key_value`, which empties the whole map
 * on any syntax error: here an entry with a bad key or no `=` is skipped and the others kept, the
 * last entry may lack its `;`, trailing NULs are dropped, bytes that are not UTF-8 become U+FFFD,
 * and for a repeated key the first value wins (as rmw's map insertion does).
 */

export const SERVICE_ENDPOINT_ID_SIZE = 16;

const TYPE_HASH_PATTERN = /^RIHS01_[0-9a-f]{64}$/;
const KEY_PATTERN = /^[A-Za-z0-9]+$/;

export interface EndpointUserData {
  /** `RIHS01_<64 lowercase hex>`; absent when missing or malformed (the graph then uses a zero hash). */
  readonly typeHash?: string;
  /** Cyclone's id of a client's endpoints, as printed (compare as text, as Cyclone does). */
  readonly clientId?: string;
  /** Cyclone's id of a service's endpoints, as printed. */
  readonly serviceId?: string;
}

/** `enclave=<enclave>;`, with a NUL after it when `trailingNul` (Fast DDS's form). */
export function encodeParticipantUserData(
  enclave = '/',
  options: { trailingNul?: boolean } = {},
): Uint8Array {
  return utf8(`enclave=${enclave};${options.trailingNul ? '\0' : ''}`);
}

/** The enclave a participant's USER_DATA names, if it has the key. */
export function parseParticipantEnclave(userData: Uint8Array): string | undefined {
  return parseKeyValues(userData).get('enclave');
}

/**
 * `clientid=<id>;typehash=…;`, `serviceid=<id>;typehash=…;` or `typehash=…;`, in Cyclone's order.
 * Ids are the 16 bytes of `makeServiceEndpointId`.
 */
export function encodeEndpointUserData(fields: {
  readonly typeHash?: string;
  readonly clientId?: Uint8Array;
  readonly serviceId?: Uint8Array;
}): Uint8Array {
  if (fields.clientId && fields.serviceId)
    throw new RangeError('an endpoint has a clientid or a serviceid, not both');
  if (fields.typeHash !== undefined && !TYPE_HASH_PATTERN.test(fields.typeHash)) {
    throw new RangeError(`not a RIHS01 type hash: ${fields.typeHash}`);
  }
  let text = '';
  if (fields.clientId) text += `clientid=${formatServiceEndpointId(fields.clientId)};`;
  if (fields.serviceId) text += `serviceid=${formatServiceEndpointId(fields.serviceId)};`;
  if (fields.typeHash !== undefined) text += `typehash=${fields.typeHash};`;
  return utf8(text);
}

export function parseEndpointUserData(userData: Uint8Array): EndpointUserData {
  const kv = parseKeyValues(userData);
  const typeHash = kv.get('typehash');
  const clientId = kv.get('clientid');
  const serviceId = kv.get('serviceid');
  return {
    ...(typeHash !== undefined && TYPE_HASH_PATTERN.test(typeHash) ? { typeHash } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(serviceId !== undefined ? { serviceId } : {}),
  };
}

/** One decoder for every call (each endpoint's USER_DATA is parsed once per participant). */
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** Every `k=v;` entry (see the module comment for what is tolerated). */
export function parseKeyValues(userData: Uint8Array): Map<string, string> {
  let end = userData.length;
  while (end > 0 && userData[end - 1] === 0) end--;
  // ';' and '=' never occur inside a multi-byte UTF-8 sequence, so splitting after decoding is safe.
  const text = utf8Decoder.decode(userData.subarray(0, end));
  const out = new Map<string, string>();
  for (const entry of text.split(';')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (KEY_PATTERN.test(key) && !out.has(key)) out.set(key, entry.slice(eq + 1));
  }
  return out;
}

/** Cyclone's service endpoint id: the participant's GUID prefix, then a big-endian counter. */
export function makeServiceEndpointId(prefix: Uint8Array, counter: number): Uint8Array {
  if (prefix.length !== 12) throw new RangeError(`GUID prefix of ${prefix.length} bytes, expected 12`);
  const id = new Uint8Array(SERVICE_ENDPOINT_ID_SIZE);
  id.set(prefix);
  new DataView(id.buffer).setUint32(12, counter >>> 0, false);
  return id;
}

/**
 * Hex bytes joined with `.`, unpadded except the first, which Cyclone prints with `setw(2)` and so
 * pads with a space: `" 1.10.86.e8.….0.a"`.
 */
export function formatServiceEndpointId(id: Uint8Array): string {
  if (id.length !== SERVICE_ENDPOINT_ID_SIZE) {
    throw new RangeError(`service endpoint id of ${id.length} bytes, expected ${SERVICE_ENDPOINT_ID_SIZE}`);
  }
  const parts = Array.from(id, (b) => b.toString(16));
  parts[0] = parts[0]!.padStart(2, ' ');
  return parts.join('.');
}

/** The 16 bytes of a printed id, or undefined when it is not one. */
export function parseServiceEndpointId(text: string): Uint8Array | undefined {
  const parts = text.trimStart().split('.');
  if (parts.length !== SERVICE_ENDPOINT_ID_SIZE || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    return undefined;
  }
  return Uint8Array.from(parts, (p) => Number.parseInt(p, 16));
}

const utf8 = (s: string) => new TextEncoder().encode(s);
