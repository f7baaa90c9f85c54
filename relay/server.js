// The relay's HTTP front: routes, authentication before anything else, cross-site refusal,
// size caps, static files with a strict CSP, and one structured log line per chat call.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { RelayError } from './errors.js';
import { forwardChat, serverTiming } from './upstream.js';
import { RequestChecker } from './request-checker.js';

const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.ts': 'text/plain; charset=utf-8',
};
const SECURITY_HEADERS = {
  // WebAssembly compilation needs 'wasm-unsafe-eval'; nothing else runs but our own files.
  'content-security-policy': "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
// The header the page sends on every state-changing call. A cross-site page cannot send a
// custom header without a CORS preflight, which this relay never approves.
export const PLAYGROUND_HEADER = 'x-playground';

/**
 * @param {{ core, source, sessions, settings, log: Function }} deps
 */
export function createRelay({ core, source, sessions, settings, log }) {
  const active = new Map(); // subject -> calls in flight (per replica)
  // Large requests are read and checked on a worker thread (request-checker.js).
  const checker = new RequestChecker({ core, inlineBytes: settings.limits.inlineCheckBytes, log });

  // Hostile clients (per connection, per replica). Node checks the two request timers every
  // connectionsCheckingInterval, so a timer fires up to that much late.
  //  - headersTimeout: the whole header block must arrive within 10 s (slowloris sends it a
  //    byte at a time); the socket is closed with 408.
  //  - requestTimeout: the whole *request* (headers + body, up to MAX_REQUEST_BYTES of
  //    images) within 60 s. It does not cover the response, so a chat stream may run for
  //    minutes (its own connect/first-byte/idle/total limits apply to the upstream call).
  //  - keepAliveTimeout: an idle kept-alive connection closes after 5 s.
  //  - maxHeaderSize: 16 KiB of request headers (cookie + auth fit many times over); more is 431.
  const timeouts = {
    headersMs: settings.limits.headersMs ?? 10_000,
    requestMs: settings.limits.requestMs ?? 60_000,
    keepAliveMs: settings.limits.keepAliveMs ?? 5_000,
  };
  const server = http.createServer({
    maxHeaderSize: 16 * 1024,
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
  }, (req, res) => {
    route(req, res).catch((err) => {
      const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly');
      if (!(err instanceof RelayError)) log({ msg: 'internal error', error: String(err?.stack ?? err) });
      sendError(res, error);
    });
  });
  server.on('close', () => { checker.close(); });
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;

  async function route(req, res) {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const path = url.pathname;

    if (path === '/healthz' && req.method === 'GET') {
      const status = source.status();
      return sendJson(res, status.state === 'ok' ? 200 : 503, { status: status.state, source: status, core: core.version });
    }

    if (path.startsWith('/api/')) {
      // Authentication comes before anything else: an unknown model and a model the
      // caller may not use look the same to an unauthenticated caller.
      const user = sessions.authenticate(req);
      if (!user) throw new RelayError('unauthorized', 'sign in first: open the playground with its login link, or send Authorization: Bearer <PLAYGROUND_TOKEN>');
      if (path === '/api/playground/models' && req.method === 'GET') return listModels(res);
      if (path === '/api/playground/chat' && req.method === 'POST') {
        checkSameOrigin(req, user);
        return chat(req, res, user);
      }
      throw new RelayError('not_found', `no API route ${req.method} ${path}`);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RelayError('not_found', `no route ${req.method} ${path}`);
    if (path === '/' && url.searchParams.has('token')) return login(res, url.searchParams.get('token'));
    return serveStatic(res, path, req.method === 'HEAD');
  }

  function login(res, token) {
    if (!sessions.checkToken(token)) throw new RelayError('unauthorized', 'this login link is not valid (wrong or old PLAYGROUND_TOKEN)');
    // The token leaves the address bar at once: redirect to the bare page.
    res.writeHead(303, { location: '/', 'set-cookie': sessions.setCookieHeader(sessions.issue('playground')), 'cache-control': 'no-store', ...SECURITY_HEADERS });
    res.end();
  }

  function listModels(res) {
    const snap = source.snapshot();
    const status = source.status();
    sendJson(res, 200, { models: snap.models, source: { state: status.state, loadedAt: snap.loadedAt } });
  }

  function checkSameOrigin(req, user) {
    const origin = req.headers.origin;
    if (origin && origin !== 'null') {
      let host = '';
      try { host = new URL(origin).host; } catch { /* refused below */ }
      if (host !== req.headers.host) throw new RelayError('cross_site', 'cross-site requests are refused');
    } else if (origin === 'null') {
      throw new RelayError('cross_site', 'cross-site requests are refused');
    }
    // A cookie rides along on any request a browser makes; the custom header cannot.
    if (user.via === 'cookie' && req.headers[PLAYGROUND_HEADER] !== '1') {
      throw new RelayError('cross_site', `browser calls must send the ${PLAYGROUND_HEADER}: 1 header`);
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new RelayError('unsupported_media_type', 'send the request as Content-Type: application/json');
  }

  async function chat(req, res, user) {
    const t0 = performance.now();
    const timings = {};
    const entry = { msg: 'chat', user: user.subject, model: null, status: 0, kind: null };
    let counted = false;
    const clientGone = new Promise((resolve) => res.on('close', () => { if (!res.writableFinished) resolve(); }));
    let request = null;
    try {
      request = await checker.open(await readBody(req, settings.limits.requestBytes));
      entry.model = request.model;
      const snap = source.snapshot();
      const found = snap.lookup(request.model);
      if (!found) throw new RelayError('unknown_model', `no model with id "${request.model}" (the list may have changed: reload the model list)`);
      const { model, key } = found;
      entry.modelName = model.model_name;
      if (!model.testable || !key) throw new RelayError('not_testable', model.reason || 'this model cannot be tested here');

      const n = active.get(user.subject) ?? 0;
      if (n >= settings.limits.concurrentPerUser) throw new RelayError('busy', `you already have ${n} calls running (the limit per user on this relay); wait for one to finish or stop it`);
      active.set(user.subject, n + 1);
      counted = true;

      // Never trust the browser: the body is checked again by the same core rules, and the
      // upstream model name comes from the configuration, not from the caller.
      let checked = await request.check({ model_name: model.model_name, provider: model.provider });
      if (!checked.ok) throw new RelayError('invalid_request', 'the request body is not valid', { errors: checked.errors });
      const plan = planFor(snap, model, key);
      if (!plan.ok) throw new RelayError('config', `the model's base URL cannot be used: ${plan.error}`, { field: 'api_base' });

      // Only the serialised body goes on, and this frame lets go of it too: it waits here
      // for the minutes the answer may stream, and a request may carry 25 MB of images.
      let { payload } = checked;
      const { stream } = checked;
      checked = null;
      timings.relay = performance.now() - t0;
      const call = forwardChat({ core, settings, plan, secret: key.api_key, payload, stream, res, timings, clientGone });
      payload = null;
      const result = await call;
      Object.assign(entry, result);
    } catch (err) {
      const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly');
      if (!(err instanceof RelayError)) log({ msg: 'internal error', error: String(err?.stack ?? err) });
      entry.status = error.status;
      entry.kind = error.kind;
      if (!res.headersSent) {
        timings.total = performance.now() - t0;
        res.setHeader('server-timing', serverTiming(timings));
      }
      sendError(res, redactError(error, source.snapshot()));
    } finally {
      request?.discard();
      request = null;
      if (counted) {
        const left = (active.get(user.subject) ?? 1) - 1;
        if (left > 0) active.set(user.subject, left); else active.delete(user.subject);
      }
      timings.total = performance.now() - t0;
      log({ ...entry, ms: roundTimings(timings) });
    }
  }

  // The upstream call's plan (URL, auth header) depends only on the model and its key, which
  // a snapshot never changes: computed once per snapshot and model, not per call.
  const plans = new WeakMap(); // snapshot -> Map(model id -> plan)
  function planFor(snap, model, key) {
    let byModel = plans.get(snap);
    if (!byModel) { byModel = new Map(); plans.set(snap, byModel); }
    let plan = byModel.get(model.id);
    if (!plan) {
      plan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model.model_name });
      byModel.set(model.id, plan);
    }
    return plan;
  }

  /** An error message can quote what a provider or resolver said: scrub every secret. */
  function redactError(error, snap) {
    const secrets = snap?.secrets ?? [];
    if (!secrets.length) return error;
    const clean = new RelayError(error.kind, core.redact(error.message, secrets), JSON.parse(core.redact(JSON.stringify(error.extra), secrets)), error.status);
    return clean;
  }

  async function serveStatic(res, path, headOnly) {
    const rel = path === '/' ? 'index.html' : decodeURIComponent(path).replace(/^\/+/, '');
    const file = normalize(join(WEB_ROOT, rel));
    if (!file.startsWith(WEB_ROOT) || rel.split(/[\\/]/).some((p) => p.startsWith('.'))) throw new RelayError('not_found', 'no such file');
    let data;
    try {
      data = await readFile(file);
    } catch {
      throw new RelayError('not_found', `no such file: ${path}`);
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-length': data.length,
      'cache-control': file.includes(`${sep}dist${sep}`) ? 'public, max-age=300' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(headOnly ? undefined : data);
  }

  return server;
}

// Defined out here: a closure made inside readBody would keep its whole scope alive.
const ignore = () => {};

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new RelayError('too_large', `the request is ${declared} bytes; the relay accepts at most ${limit} (images included)`));
      req.resume();
      return;
    }
    // The request object lives as long as its answer streams (minutes), and so would these
    // listeners and what they reach: the bytes, and through `resolve` the parsed request
    // (a settled promise keeps its value). So they are taken off once the body is read.
    let chunks = [];
    let size = 0;
    const done = () => {
      chunks = null;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.on('error', ignore); // a late socket error must not become an uncaught one
    };
    const onData = (c) => {
      size += c.length;
      if (size > limit) {
        // Stop keeping the bytes; the 413 goes out with Connection: close and the socket
        // closes after it. The rest is discarded, not left unread: closing a socket with
        // unread input sends a TCP reset, which can destroy the 413 before the client reads it.
        done();
        req.resume();
        reject(new RelayError('too_large', `the request passed ${limit} bytes; the relay accepts at most that (images included)`));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      const bytes = Buffer.concat(chunks);
      done();
      resolve(bytes);
    };
    const onError = (err) => {
      done();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function sendError(res, error) {
  if (res.headersSent) { res.destroy(); return; }
  if (error.kind === 'too_large' && error.status === 413) closeAfterLinger(res); // the request was too large
  sendJson(res, error.status, error.toJSON());
}

// A client may still be uploading when its 413 goes out. Closing the socket at once, with
// its input unread, sends a TCP reset that can destroy the 413 before the client reads it
// (the "lingering close" problem). So after the 413 the relay half-closes (FIN: the client
// knows no other answer comes on this connection), keeps discarding what arrives
// (readBody resumed the request; nothing is kept) for a short while, then closes.
const LINGER_MS = 1_000;
function closeAfterLinger(res) {
  const socket = res.socket;
  res.setHeader('connection', 'close');
  if (!socket) return;
  // Node ends a `Connection: close` response with socket.destroySoon(), which destroys the
  // socket as soon as the answer is flushed; this socket lingers instead.
  socket.destroySoon = function lingeringClose() {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}

function roundTimings(t) {
  const out = {};
  for (const [k, v] of Object.entries(t)) out[k] = Math.round(v * 100) / 100;
  return out;
}
