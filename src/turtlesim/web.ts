/**
 * turtlesim's window in a browser: an HTTP server on 127.0.0.1 only, serving a page that draws the
 * world on a <canvas> from Server-Sent Events (the turtles, the background and the new trail
 * segments, ~20 times a second), and the current picture as `GET /snapshot.png`.
 *
 *   GET /              the page            GET /app.js       its script (no external scripts)
 *   GET /events        SSE: `state` events  GET /state.json   the whole state once
 *   GET /snapshot.png  renderWorld as a PNG
 *
 * Requests whose Host is not this server's loopback address are refused (DNS rebinding).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodePng } from './png.js';
import { paintOf, renderWorld, TURTLE_SHAPE } from './render.js';
import type { TurtlesimHandle } from './turtlesim-node.js';
import { METER_PX, type Rgb, type TrailSegment, WINDOW_PX, WORLD_SIZE } from './world.js';

export interface TurtlesimWebOptions {
  /** TCP port on 127.0.0.1; default 0, an ephemeral one. */
  readonly port?: number;
  /** State events per second; default 20. */
  readonly rateHz?: number;
}

export interface TurtlesimWeb {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What the page gets in each `state` event. */
export interface WebState {
  readonly background: Rgb;
  readonly turtles: readonly {
    readonly name: string;
    readonly x: number;
    readonly y: number;
    readonly theta: number;
    readonly linearVelocity: number;
    readonly angularVelocity: number;
    readonly image: number;
  }[];
  /** Changes when the trails were cleared: the page wipes its trail layer first. */
  readonly clearCount: number;
  /** Index of `segments[0]` among the segments since the last clear. */
  readonly from: number;
  readonly segments: readonly TrailSegment[];
}

const HOST = '127.0.0.1';

export async function startTurtlesimWeb(
  sim: TurtlesimHandle,
  options: TurtlesimWebOptions = {},
): Promise<TurtlesimWeb> {
  const clients = new Set<{ res: ServerResponse; clearCount: number; sent: number }>();
  let port = 0;

  const state = (clearCount: number, from: number): WebState => {
    const w = sim.world;
    const all = w.segments;
    const start = clearCount === w.clearCount ? Math.min(from, all.length) : 0;
    return {
      background: sim.getBackground(),
      turtles: w.list().map((t) => ({ name: t.name, ...t.pose, image: t.image })),
      clearCount: w.clearCount,
      from: start,
      segments: all.slice(start),
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    switch (path) {
      case '/':
        res
          .writeHead(200, {
            ...common,
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy':
              "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'",
          })
          .end(PAGE);
        return;
      case '/app.js':
        res.writeHead(200, { ...common, 'content-type': 'text/javascript; charset=utf-8' }).end(appScript());
        return;
      case '/state.json':
        res
          .writeHead(200, { ...common, 'content-type': 'application/json' })
          .end(JSON.stringify(state(-1, 0)));
        return;
      case '/snapshot.png':
        res
          .writeHead(200, { ...common, 'content-type': 'image/png' })
          .end(encodePng(renderWorld(sim.world, sim.getBackground())));
        return;
      case '/events': {
        res.writeHead(200, {
          ...common,
          'content-type': 'text/event-stream',
          connection: 'keep-alive',
        });
        const client = { res, clearCount: -1, sent: 0 };
        clients.add(client);
        req.on('close', () => clients.delete(client));
        push(client);
        return;
      }
      default:
        res.writeHead(404, { ...common, 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  const push = (client: { res: ServerResponse; clearCount: number; sent: number }) => {
    const s = state(client.clearCount, client.sent);
    client.clearCount = s.clearCount;
    client.sent = s.from + s.segments.length;
    client.res.write(`event: state\ndata: ${JSON.stringify(s)}\n\n`);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const rate = options.rateHz ?? 20;
  const ticker = setInterval(
    () => {
      for (const c of clients) push(c);
    },
    Math.max(1, Math.round(1000 / rate)),
  );

  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const c of clients) c.res.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TurtleSim</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px; background: #f4f4f4; color: #222; }
  canvas { display: block; border: 1px solid #888; image-rendering: pixelated; }
  pre { margin: 8px 0; }
</style>
</head>
<body>
<h1 style="font-size:16px">TurtleSim</h1>
<canvas id="world" width="${WINDOW_PX}" height="${WINDOW_PX}"></canvas>
<pre id="poses">connecting…</pre>
<script src="/app.js"></script>
</body>
</html>
`;

/** The page's script: the shapes and scale come from the same constants the PNG renderer uses. */
function appScript(): string {
  const shapes = Array.from({ length: 10 }, (_, image) =>
    TURTLE_SHAPE.map((p) => ({ ...p, color: paintOf(p, image) })),
  );
  return `'use strict';
const METER = ${METER_PX};
const SIZE = ${WORLD_SIZE};
const PX = ${WINDOW_PX};
const SHAPES = ${JSON.stringify(shapes)};
const canvas = document.getElementById('world');
const ctx = canvas.getContext('2d');
const trails = document.createElement('canvas');
trails.width = PX;
trails.height = PX;
const tctx = trails.getContext('2d');
const poses = document.getElementById('poses');
const rgb = (c) => 'rgb(' + c.r + ',' + c.g + ',' + c.b + ')';
const view = { state: null, frames: 0, segments: 0, clearCount: -1 };
window.turtlesim = view;

function addSegments(s) {
  if (s.clearCount !== view.clearCount) {
    tctx.clearRect(0, 0, PX, PX);
    view.clearCount = s.clearCount;
    view.segments = 0;
  }
  tctx.lineCap = 'square';
  for (const g of s.segments) {
    tctx.strokeStyle = rgb(g);
    tctx.lineWidth = g.width;
    tctx.beginPath();
    tctx.moveTo(g.x1 * METER, (SIZE - g.y1) * METER);
    tctx.lineTo(g.x2 * METER, (SIZE - g.y2) * METER);
    tctx.stroke();
  }
  view.segments = s.from + s.segments.length;
}

function draw(s) {
  ctx.fillStyle = rgb(s.background);
  ctx.fillRect(0, 0, PX, PX);
  ctx.drawImage(trails, 0, 0);
  for (const t of s.turtles) {
    ctx.save();
    ctx.translate(t.x * METER, (SIZE - t.y) * METER);
    ctx.rotate(-t.theta);
    for (const p of SHAPES[t.image % SHAPES.length]) {
      ctx.fillStyle = rgb(p.color);
      ctx.beginPath();
      ctx.ellipse(p.ahead, -p.left, p.rx, p.ry, 0, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
  }
  poses.textContent = s.turtles
    .map((t) => t.name + ': x=' + t.x.toFixed(3) + ' y=' + t.y.toFixed(3) + ' theta=' + t.theta.toFixed(3))
    .join('\\n') || '(no turtles)';
  view.frames++;
}

const events = new EventSource('/events');
events.addEventListener('state', (e) => {
  const s = JSON.parse(e.data);
  addSegments(s);
  view.state = s;
  draw(s);
});
events.onerror = () => { poses.textContent = 'disconnected, retrying…'; };
`;
}
