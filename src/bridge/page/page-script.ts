/**
 * The script of the bridge page, as text (it runs in the browser, inline in the page). Plain
 * JavaScript over two WebSockets to the same bridge, in the rosbridge v2 protocol:
 *
 * - the graph connection (JSON) calls rosapi/nodes, rosapi/topics and rosapi/services once a
 *   second, and subscribes, throttled, to the topic the user clicked to show its latest message;
 * - the rate connection subscribes to every topic with `cbor-raw` (the bridge passes the CDR
 *   without decoding it) and counts arrivals per topic. It is a connection of its own because
 *   rosbridge merges one client's subscriptions to a topic into one (subscribe.py), so a JSON view
 *   and a raw count of the same topic could not share one.
 *
 * Every name from the graph reaches the page through textContent, never as markup. The state is
 * exposed as `window.bridgePage` for the browser test.
 */
export const PAGE_SCRIPT = `'use strict';
const RATE_WINDOW_MS = 2000;
const REFRESH_MS = 1000;
const token = new URLSearchParams(location.search).get('token');
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/' +
  (token ? '?token=' + encodeURIComponent(token) : '');
const state = { connected: false, nodes: [], topics: [], services: [], selected: null, latest: null };
window.bridgePage = state;
const arrivals = new Map();
const $ = (id) => document.getElementById(id);

function setStatus(text) { $('status').textContent = text; }

// A CBOR reader for what the bridge sends on cbor-raw subscriptions (maps, strings, bytes, numbers).
function readCbor(buffer) {
  const view = new DataView(buffer);
  let p = 0;
  const length = (info) => {
    if (info < 24) return info;
    if (info === 24) return view.getUint8(p++);
    if (info === 25) { p += 2; return view.getUint16(p - 2); }
    if (info === 26) { p += 4; return view.getUint32(p - 4); }
    if (info === 27) { p += 8; return Number(view.getBigUint64(p - 8)); }
    throw new Error('unsupported CBOR length');
  };
  const item = () => {
    const head = view.getUint8(p++);
    const major = head >> 5;
    const info = head & 31;
    if (major === 0) return length(info);
    if (major === 1) return -1 - length(info);
    if (major === 2 || major === 3) {
      const n = length(info);
      const bytes = new Uint8Array(buffer, p, n);
      p += n;
      return major === 2 ? bytes : new TextDecoder().decode(bytes);
    }
    if (major === 4) { const n = length(info); const a = []; for (let i = 0; i < n; i++) a.push(item()); return a; }
    if (major === 5) { const n = length(info); const o = {}; for (let i = 0; i < n; i++) { const k = item(); o[k] = item(); } return o; }
    if (major === 6) { length(info); return item(); }
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22 || info === 23) return null;
    if (info === 26) { p += 4; return view.getFloat32(p - 4); }
    if (info === 27) { p += 8; return view.getFloat64(p - 8); }
    throw new Error('unsupported CBOR item');
  };
  return item();
}

function open(onMessage) {
  const ws = new WebSocket(wsUrl);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (event) => onMessage(event.data);
  return ws;
}

const pending = new Map();
let nextId = 0;
const graph = open((data) => {
  if (typeof data !== 'string') return;
  const m = JSON.parse(data);
  if (m.op === 'service_response') {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (p) m.result ? p.resolve(m.values) : p.reject(new Error(String(m.values)));
  } else if (m.op === 'publish' && m.topic === state.selected) {
    state.latest = m.msg;
    $('message').textContent = JSON.stringify(m.msg, shorten, 2);
  } else if (m.op === 'status' && m.level === 'error') {
    setStatus('bridge: ' + m.msg);
  }
});
const rates = open((data) => {
  if (typeof data === 'string') return;
  const m = readCbor(data);
  if (!m || m.op !== 'publish') return;
  const list = arrivals.get(m.topic);
  if (list) list.push(performance.now());
});

function call(service, args) {
  const id = 'page:' + nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    graph.send(JSON.stringify({ op: 'call_service', id, service, args: args || {} }));
  });
}

// Long strings (base64 images) and arrays are cut so a large message stays readable.
function shorten(_key, value) {
  if (typeof value === 'string' && value.length > 200) return value.slice(0, 200) + '… (' + value.length + ' characters)';
  if (Array.isArray(value) && value.length > 64) return value.slice(0, 64).concat(['… (' + value.length + ' items)']);
  return value;
}

function rateOf(topic) {
  const list = arrivals.get(topic) || [];
  const now = performance.now();
  while (list.length > 0 && list[0] < now - RATE_WINDOW_MS) list.shift();
  if (list.length < 2) return 0;
  return (list.length - 1) / ((list[list.length - 1] - list[0]) / 1000);
}

function fill(list, items, make) {
  const rows = items.map(make);
  list.replaceChildren(...rows);
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
}

function select(topic) {
  if (state.selected) graph.send(JSON.stringify({ op: 'unsubscribe', id: 'page:view', topic: state.selected }));
  state.selected = topic;
  state.latest = null;
  $('selected').textContent = topic;
  $('message').textContent = 'waiting for a message…';
  graph.send(JSON.stringify({ op: 'subscribe', id: 'page:view', topic, throttle_rate: 100, queue_length: 1 }));
}

function render() {
  fill($('nodes'), state.nodes, (name) => { const li = document.createElement('li'); li.textContent = name; return li; });
  fill($('services'), state.services, (name) => { const li = document.createElement('li'); li.textContent = name; return li; });
  fill($('topics'), state.topics, (t) => {
    const row = document.createElement('tr');
    row.dataset.topic = t.name;
    if (t.name === state.selected) row.className = 'selected';
    const hz = rateOf(t.name);
    t.rate = hz;
    cell(row, t.name);
    cell(row, hz > 0 ? hz.toFixed(hz < 10 ? 2 : 1) : '–');
    cell(row, t.type);
    row.onclick = () => { select(t.name); render(); };
    return row;
  });
}

function follow(topics) {
  const names = new Set(topics.map((t) => t.name));
  for (const name of arrivals.keys()) {
    if (names.has(name)) continue;
    arrivals.delete(name);
    rates.send(JSON.stringify({ op: 'unsubscribe', id: 'page:rate', topic: name }));
  }
  for (const t of topics) {
    if (arrivals.has(t.name)) continue;
    arrivals.set(t.name, []);
    rates.send(JSON.stringify({ op: 'subscribe', id: 'page:rate', topic: t.name, type: t.type, compression: 'cbor-raw', queue_length: 1 }));
  }
}

async function refresh() {
  try {
    const [nodes, topics, services] = await Promise.all([
      call('/rosapi/nodes'), call('/rosapi/topics'), call('/rosapi/services'),
    ]);
    state.nodes = nodes.nodes.slice().sort();
    state.topics = topics.topics.map((name, i) => ({ name, type: topics.types[i], rate: 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
    state.services = services.services.slice().sort();
    if (rates.readyState === WebSocket.OPEN) follow(state.topics);
    render();
    setStatus('connected to ' + location.host);
  } catch (error) {
    setStatus('rosapi: ' + error.message);
  }
}

graph.onopen = () => { state.connected = true; refresh(); setInterval(refresh, REFRESH_MS); };
graph.onclose = () => { state.connected = false; setStatus('disconnected from the bridge; reload to retry'); };
`;
