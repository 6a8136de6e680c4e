/**
 * Who may open a WebSocket to the bridge: with allowed origins set, a browser's Origin must be
 * one of them (clients outside a browser send none, and pass); with a token set, the client must
 * give it as `?token=` in the URL (what a browser can do) or as `Authorization: Bearer`.
 */
import { timingSafeEqual } from 'node:crypto';

export interface AdmissionOptions {
  readonly token?: string;
  readonly allowedOrigins?: readonly string[];
}

/** The parts of an upgrade request the check reads (node:http's IncomingMessage has them). */
export interface UpgradeRequest {
  readonly url?: string | undefined;
  readonly headers: { readonly origin?: string | undefined; readonly authorization?: string | undefined };
}

/** Why a connection is refused (HTTP status and text), or undefined to accept it. */
export function refuse(req: UpgradeRequest, options: AdmissionOptions): [number, string] | undefined {
  const origin = req.headers.origin;
  if (options.allowedOrigins && origin !== undefined && !options.allowedOrigins.includes(origin))
    return [403, 'origin not allowed'];
  if (options.token !== undefined) {
    const url = new URL(req.url ?? '/', 'http://bridge');
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (!same(url.searchParams.get('token'), options.token) && !same(bearer, options.token))
      return [401, 'token required'];
  }
  return undefined;
}

/** Compares in time that does not depend on where the texts first differ. */
function same(given: string | null | undefined, token: string): boolean {
  if (given === null || given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
