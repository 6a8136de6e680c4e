/**
 * The bridge page: `GET /` on the bridge's port serves one self-contained HTML page (its script
 * and style inline, nothing fetched from anywhere) that shows the graph live through the bridge's
 * own rosbridge protocol. A strict Content-Security-Policy allows exactly that inline script and
 * style (by hash) and WebSockets to this server, nothing else.
 *
 * Requests whose Host header is a DNS name other than `localhost` are refused (421), as
 * turtlesim's web view does: a page on another site that rebinds its name to this machine must
 * not be served as same-origin content. IP literals cannot be rebound, so `http://<address>:<port>/`
 * works when the bridge binds another address. WebSocket upgrades are not subject to this check
 * (rosbridge clients connect by host name; allowed origins and the token guard those).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { PAGE_SCRIPT } from './page-script.js';

const PAGE_STYLE = `
body { font: 14px system-ui, sans-serif; margin: 16px; background: #f6f6f6; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 12px 0 4px; }
#status { color: #555; margin-bottom: 8px; }
main { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
section { flex: 1 1 auto; min-width: 0; overflow-x: auto; }
section + section { flex-basis: 320px; }
table { border-collapse: collapse; background: #fff; }
td, th { text-align: left; padding: 2px 8px; border-bottom: 1px solid #ddd; font-family: ui-monospace, monospace; font-size: 13px; }
th { font-family: system-ui, sans-serif; }
tr[data-topic] { cursor: pointer; }
tr[data-topic]:hover { background: #eef; }
tr.selected { background: #dde; }
td:nth-child(2) { text-align: right; }
ul { margin: 0; padding-left: 18px; font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: #fff; padding: 8px; margin: 0; max-height: 70vh; overflow: auto; font-size: 12px; }
`;

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ros2ts bridge</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>ros2ts bridge</h1>
<div id="status">connecting…</div>
<main>
<section>
<h2>Topics</h2>
<table><thead><tr><th>topic</th><th>Hz</th><th>type</th></tr></thead><tbody id="topics"></tbody></table>
<h2>Services</h2>
<ul id="services"></ul>
<h2>Nodes</h2>
<ul id="nodes"></ul>
</section>
<section>
<h2>Latest message: <span id="selected">click a topic</span></h2>
<pre id="message"></pre>
</section>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const SCRIPT_HASH = sha256(PAGE_SCRIPT);
const STYLE_HASH = sha256(PAGE_STYLE);

/** Whether a Host header names this server in a way DNS rebinding cannot forge. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(host);
  if (!m || Number(m[2]) !== port) return false;
  const name = (m[1] as string).replace(/^\[|\]$/g, '');
  return name.toLowerCase() === 'localhost' || isIP(name) !== 0;
}

/** Answers a plain HTTP request to the bridge's port (WebSocket upgrades never come here). */
export function servePage(req: IncomingMessage, res: ServerResponse, port: number): void {
  const host = req.headers.host;
  if (!hostAllowed(host, port)) {
    res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  const path = new URL(req.url ?? '/', 'http://bridge').pathname;
  const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (path !== '/') {
    res
      .writeHead(404, { ...common, 'content-type': 'text/plain' })
      .end('not found; the bridge page is at /, WebSocket clients connect to /\n');
    return;
  }
  res
    .writeHead(200, {
      ...common,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': [
        "default-src 'none'",
        `script-src ${SCRIPT_HASH}`,
        `style-src ${STYLE_HASH}`,
        `connect-src ws://${host} wss://${host}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'referrer-policy': 'no-referrer',
    })
    .end(req.method === 'HEAD' ? undefined : html);
}
