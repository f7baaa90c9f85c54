// The relay's HTTP front: routes, authentication before anything else, cross-site refusal,
// size caps, static files with a strict CSP, and one structured log line per chat call.
import http from 'node:http';
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { RelayError } from './errors.js';
import { PLAYGROUND_HEADER, RELAY_SOURCE, SOURCE_HEADER } from '../web/contract.js';
import { forwardChat, publicCall, serverTiming } from './upstream.js';
import { RequestChecker } from './request-checker.js';
import { sendLoginPage, wantsHtml } from './login-page.js';
import { listUpstreamModels } from './upstream-models.js';

const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));
// The web root as the file system names it (symbolic links resolved), for the prefix check
// of every file served: a link inside web/ must not lead out of it.
const REAL_WEB_ROOT = realpath(WEB_ROOT).then((p) => (p.endsWith(sep) ? p : p + sep));
// A model id longer than this is shown shortened in errors and logs (ids are UUIDs).
const MAX_SHOWN_ID = 80;
// Redaction cost grows with the number of secrets, and redaction runs on every byte of
// every answer. Up to this many, an answer is redacted against all of them; past it,
// against those of the keys sent to the same host (the only ones that host has seen).
const ALL_SECRETS_MAX = 64;
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

/**
 * @param {{ core, source, sessions, settings, log: Function }} deps
 */
export function createRelay({ core, source, sessions, settings, log }) {
  const active = new Map(); // subject -> calls in flight (per replica)
  const uploads = new UploadBudget({ maxUploads: settings.limits.uploadsInFlight, maxBytes: settings.limits.uploadBytesInFlight });
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
      if (!(err instanceof RelayError)) logInternal(err);
      sendError(req, res, err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly'));
    });
  });

  /** One short line for an unexpected failure: its class and code, no stack, no secret. */
  function logInternal(err) {
    const what = `${err?.name ?? 'Error'}${err?.code ? ` ${String(err.code).slice(0, 40)}` : ''}: ${String(err?.message ?? err).slice(0, 200)}`;
    log({ msg: 'internal error', error: core.redact(what, source.snapshot()?.secrets ?? []) });
  }
  server.on('close', () => { checker.close(); });
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;

  // The Host check is a pure function of the header and the settings, and a relay is
  // reached by a few names: each verdict is kept (a bounded set; it parses a URL).
  const hostVerdicts = new Map(); // Host header -> allowed
  function hostOk(host) {
    let ok = hostVerdicts.get(host);
    if (ok === undefined) {
      ok = hostAllowed(host, settings.allowedHosts);
      if (typeof host !== 'string' || host.length > 300) return ok;
      if (hostVerdicts.size >= 256) hostVerdicts.clear();
      hostVerdicts.set(host, ok);
    }
    return ok;
  }

  async function route(req, res) {
    // DNS rebinding: a page on an attacker's name that resolves to this relay is refused
    // before anything is read or served. IP literals and localhost always pass (probes and
    // direct access use them, and a rebinding attack needs a name of its own).
    if (!hostOk(req.headers.host)) throw new RelayError('misdirected', 'this relay does not serve that host name');
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      throw new RelayError('invalid_request', 'the request target is not a valid path', { reason: 'bad_path' });
    }
    const path = url.pathname;

    if (path === '/healthz' && req.method === 'GET') {
      // Unauthenticated: a state and a count, nothing a stranger could read a secret or
      // the configuration from. The details are on /api/playground/status.
      const status = source.status();
      return sendJson(res, status.state === 'ok' ? 200 : 503, { status: status.state, problems: problemCount(status) });
    }

    if (path === '/logout' && req.method === 'POST') return logout(req, res);

    if (path.startsWith('/api/')) {
      // Authentication comes before anything else: an unknown model and a model the
      // caller may not use look the same to an unauthenticated caller.
      const user = sessions.authenticate(req);
      if (!user) throw new RelayError('unauthorized', 'sign in first: open the playground with its login link, or send Authorization: Bearer <PLAYGROUND_TOKEN>');
      if (path === '/api/playground/models' && req.method === 'GET') return listModels(res);
      if (path === '/api/playground/status' && req.method === 'GET') return configStatus(res);
      const listed = /^\/api\/playground\/models\/([^/]+)\/upstream-models$/.exec(path);
      if (listed && req.method === 'GET') {
        checkSameOrigin(req, user, { body: false });
        return upstreamModels(res, user, listed[1]);
      }
      if (path === '/api/playground/chat' && req.method === 'POST') {
        checkSameOrigin(req, user);
        return chat(req, res, user);
      }
      throw new RelayError('not_found', 'no such API route');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RelayError('not_found', 'no such route');
    if (path === '/' && url.searchParams.has('token')) return login(req, res, url.searchParams.get('token'));
    return serveStatic(res, path, req.method === 'HEAD');
  }

  /**
   * The configuration source's state, for a signed-in operator; every secret redacted. Also
   * the relay's upstream time limits, so the page can say which one a run is waiting on, and
   * its per-user limit on calls at once, which the page's "Check all" stays under.
   */
  function configStatus(res) {
    const status = source.status();
    const secrets = source.snapshot()?.secrets ?? [];
    const { connectMs, firstByteMs, idleMs, totalMs, concurrentPerUser } = settings.limits;
    sendJson(res, 200, {
      status: status.state, source: JSON.parse(core.redact(JSON.stringify(status), secrets)), core: core.version,
      limits: { connectMs, firstByteMs, idleMs, totalMs, concurrentPerUser },
    });
  }

  function logout(req, res) {
    checkSameOrigin(req, { via: 'cookie' }, { body: false });
    // Stateless sessions: the browser forgets its cookie. (A copied cookie stays valid
    // until it expires or PLAYGROUND_TOKEN / SESSION_SECRET change.)
    res.writeHead(204, { 'set-cookie': sessions.clearCookieHeader(), 'cache-control': 'no-store', [SOURCE_HEADER]: RELAY_SOURCE, ...SECURITY_HEADERS });
    res.end();
  }

  function login(req, res, token) {
    if (!sessions.checkToken(token)) {
      // A browser opening a bad link gets a page saying what to do; an API caller, the JSON error.
      if (wantsHtml(req)) return sendLoginPage(req, res);
      throw new RelayError('unauthorized', 'this login link is not valid (wrong or old PLAYGROUND_TOKEN)', { reason: 'bad_login_token' });
    }
    // The token leaves the address bar at once: redirect to the bare page.
    res.writeHead(303, { location: '/', 'set-cookie': sessions.setCookieHeader(sessions.issue()), 'cache-control': 'no-store', ...SECURITY_HEADERS });
    res.end();
  }

  function listModels(res) {
    const snap = source.snapshot();
    const status = source.status();
    sendJson(res, 200, { models: publicModels(snap), source: { state: status.state, loadedAt: snap.loadedAt } });
  }

  /**
   * The snapshot's public models, each direct model with a key carrying `call`: the plan the
   * chat route calls it with (planFor, the same cached plan), the key as a placeholder and
   * everything redacted with the key's secrets. So the page shows and copies the URL the relay
   * calls, never one planned again from other fields. Computed once per snapshot.
   */
  const listed = new WeakMap(); // snapshot -> models
  function publicModels(snap) {
    let models = listed.get(snap);
    if (models) return models;
    models = snap.models.map((model) => {
      const found = model.kind === 'direct' ? snap.lookup(model.id) : null;
      if (!found?.key) return model;
      const { key, shaping } = found;
      const plan = planFor(snap, found.model, key, shaping);
      const call = publicCall(plan, { provider: key.provider, adapter: key.adapter, api_base: model.api_base, model_name: model.model_name });
      const secrets = [key.api_key, ...(key.header_secrets ?? [])].filter(Boolean);
      return { ...model, call: secrets.length ? JSON.parse(core.redact(JSON.stringify(call), secrets)) : call };
    });
    listed.set(snap, models);
    return models;
  }

  /**
   * The provider's model list for one model's key ("did you mean …?", "Models this key can
   * use"; relay/upstream-models.js): counted against the per-user limit like a chat call, the
   * whole reply redacted with the key's secrets.
   */
  async function upstreamModels(res, user, rawId) {
    let id;
    try { id = decodeURIComponent(rawId); } catch { throw new RelayError('invalid_request', 'the model id in the path is not valid', { reason: 'bad_path' }); }
    const n = active.get(user.subject) ?? 0;
    if (n >= settings.limits.concurrentPerUser) throw new RelayError('busy', `you already have ${n} calls running (the limit per user on this relay); wait for one to finish or stop it`, { reason: 'per_user_limit' });
    active.set(user.subject, n + 1);
    const t0 = performance.now();
    const snap = source.snapshot();
    const entry = { msg: 'upstream-models', user: user.subject, model: shortId(id), ok: false, unavailable: null };
    try {
      const reply = await listUpstreamModels({ core, settings, snap, id, planFor });
      Object.assign(entry, { ok: reply.ok, unavailable: reply.unavailable ?? null, count: reply.models?.length ?? 0 });
      // Redacted with every configured secret: a one-off reply, not a stream's hot path.
      const secrets = snap.secrets ?? [];
      sendJson(res, 200, secrets.length ? JSON.parse(core.redact(JSON.stringify(reply), secrets)) : reply);
    } catch (err) {
      throw err instanceof RelayError ? redactError(err, snap) : err;
    } finally {
      const left = (active.get(user.subject) ?? 1) - 1;
      if (left > 0) active.set(user.subject, left); else active.delete(user.subject);
      log({ ...entry, ms: Math.round(performance.now() - t0) });
    }
  }

  function checkSameOrigin(req, user, { body = true } = {}) {
    const origin = req.headers.origin;
    if (origin && origin !== 'null') {
      let host = '';
      try { host = new URL(origin).host; } catch { /* refused below */ }
      if (host !== req.headers.host) throw new RelayError('cross_site', 'cross-site requests are refused');
    } else if (origin === 'null') {
      throw new RelayError('cross_site', 'cross-site requests are refused');
    }
    // A cookie rides along on any request a browser makes; the custom header cannot (a
    // cross-site page cannot send it without a CORS preflight, which this relay never approves).
    if (user.via === 'cookie' && req.headers[PLAYGROUND_HEADER] !== '1') {
      throw new RelayError('cross_site', `browser calls must send the ${PLAYGROUND_HEADER}: 1 header`, { reason: 'missing_playground_header' });
    }
    if (!body) return;
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new RelayError('unsupported_media_type', 'send the request as Content-Type: application/json');
  }

  async function chat(req, res, user) {
    const t0 = performance.now();
    const timings = {};
    const entry = { msg: 'chat', user: user.subject, model: null, status: 0, kind: null };
    let counted = false;
    const clientGone = /** @type {Promise<void>} */ (new Promise((resolve) => res.on('close', () => { if (!res.writableFinished) resolve(); })));
    let request = null;
    try {
      // A call counts from the moment its upload starts: a user at the limit cannot make
      // the relay hold more bodies, and the replica bounds what all uploads hold at once.
      const n = active.get(user.subject) ?? 0;
      if (n >= settings.limits.concurrentPerUser) throw new RelayError('busy', `you already have ${n} calls running (the limit per user on this relay); wait for one to finish or stop it`, { reason: 'per_user_limit' });
      active.set(user.subject, n + 1);
      counted = true;

      request = await checker.open(await readBody(req, settings.limits.requestBytes, uploads));
      entry.model = shortId(request.model);
      const snap = source.snapshot();
      const found = snap.lookup(request.model);
      if (!found) throw new RelayError('unknown_model', `no model with id "${shortId(request.model)}" (the list may have changed: reload the model list)`);
      const { model, key, shaping } = found;
      entry.modelName = model.model_name;
      if (!model.testable || !key) throw new RelayError('not_testable', model.reason || 'this model cannot be tested here');

      // Never trust the browser: the body is checked again by the same core rules, and the
      // upstream model name comes from the configuration, not from the caller. Then the core
      // shapes it as the gateway does with this key and model (renames, clamps, default
      // fields and headers); `requestId` is this call's, as the gateway's x-aisix-request-id.
      const requestId = randomUUID();
      let checked = await request.check({ model_name: model.model_name, provider: model.provider, shaping, requestId });
      if (!checked.ok) throw new RelayError('invalid_request', 'the request body is not valid', { errors: checked.errors });
      const plan = planFor(snap, model, key, shaping);
      // The plan's explanation travels in `detail` too: nobody has to parse it out of the message.
      if (!plan.ok) throw new RelayError('config', `the model's base URL cannot be used: ${plan.error}`, { field: 'api_base', reason: 'bad_base_url', detail: String(plan.error ?? '') });

      // Only the serialised body goes on, and this frame lets go of it too: it waits here
      // for the minutes the answer may stream, and a request may carry 25 MB of images.
      let { payload } = checked;
      const { stream, headers: extraHeaders } = checked;
      checked = null;
      timings.relay = performance.now() - t0;
      const secrets = secretsFor(snap, plan, key.api_key);
      const call = forwardChat({ core, settings, plan, secret: key.api_key, secrets, payload, stream, res, timings, clientGone, extraHeaders, requestId });
      payload = null;
      const result = await call;
      Object.assign(entry, result);
    } catch (err) {
      const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly');
      if (!(err instanceof RelayError)) logInternal(err);
      entry.status = error.status;
      entry.kind = error.kind;
      if (!res.headersSent) {
        timings.total = performance.now() - t0;
        res.setHeader('server-timing', serverTiming(timings));
      }
      sendError(req, res, redactError(error, source.snapshot()));
    } finally {
      request?.discard();
      if (counted) {
        const left = (active.get(user.subject) ?? 1) - 1;
        if (left > 0) active.set(user.subject, left); else active.delete(user.subject);
      }
      timings.total = performance.now() - t0;
      entry.ms = roundTimings(timings);
      log(entry);
    }
  }

  // The upstream call's plan (URL, auth header) depends only on the model and its key, which
  // a snapshot never changes: computed once per snapshot and model, not per call.
  const plans = new WeakMap(); // snapshot -> Map(model id -> plan)
  function planFor(snap, model, key, shaping) {
    let byModel = plans.get(snap);
    if (!byModel) { byModel = new Map(); plans.set(snap, byModel); }
    let plan = byModel.get(model.id);
    if (!plan) {
      // With the model's shaping, the plan carries `gateway`: its deadlines and TLS settings.
      plan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model.model_name, ...(shaping ? { shaping } : {}) });
      byModel.set(model.id, plan);
    }
    return plan;
  }

  /**
   * The secrets an answer from `plan`'s host is redacted against: every configured one, or
   * in a large fleet those of every key sent to that host (the called key's included).
   */
  const hostSecrets = new WeakMap(); // snapshot -> Map(host -> secrets)
  function secretsFor(snap, plan, secret) {
    if (snap.secrets.length <= ALL_SECRETS_MAX) return snap.secrets.includes(secret) ? snap.secrets : [secret, ...snap.secrets];
    let byHost = hostSecrets.get(snap);
    if (!byHost) {
      byHost = new Map();
      for (const key of snap.keysById.values()) {
        if (!key.api_key) continue;
        const keyPlan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: 'm' });
        if (!keyPlan.ok) continue;
        const host = new URL(keyPlan.url).hostname;
        if (!byHost.has(host)) byHost.set(host, new Set());
        for (const secret of [key.api_key, ...(key.header_secrets ?? [])]) byHost.get(host).add(secret);
      }
      hostSecrets.set(snap, byHost);
    }
    const set = new Set([secret, ...(byHost.get(new URL(plan.url).hostname) ?? [])]);
    return [...set];
  }

  /**
   * An error message can quote what a provider or resolver said: scrub every secret. `detail`
   * (the base URL's problem, which may quote the URL) is redacted as the message is.
   */
  function redactError(error, snap) {
    const secrets = snap?.secrets ?? [];
    if (!secrets.length) return error;
    const { detail, ...rest } = error.extra;
    const extra = JSON.parse(core.redact(JSON.stringify(rest), secrets));
    if (typeof detail === 'string') extra.detail = core.redact(detail, secrets);
    return new RelayError(error.kind, core.redact(error.message, secrets), extra, error.status);
  }

  async function serveStatic(res, path, headOnly) {
    let rel;
    try {
      rel = path === '/' ? 'index.html' : decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      throw new RelayError('invalid_request', 'the path is not validly %-encoded', { reason: 'bad_path' });
    }
    const file = normalize(join(WEB_ROOT, rel));
    if (!file.startsWith(WEB_ROOT) || rel.includes('\0') || rel.split(/[\\/]/).some((p) => p.startsWith('.'))) throw new RelayError('not_found', 'no such file', { reason: 'no_file' });
    let data;
    try {
      // The prefix check again on the real path: a symbolic link must not lead outside web/.
      const real = await realpath(file);
      if (!real.startsWith(await REAL_WEB_ROOT)) throw new Error('outside the web root');
      data = await readFile(real);
    } catch {
      throw new RelayError('not_found', 'no such file', { reason: 'no_file' });
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

/**
 * What all uploads on this replica hold at once: connections and bytes. A body reserves its
 * declared length before a byte is read (or its bytes as they come, when it declares none)
 * and gives it back once read.
 */
export class UploadBudget {
  constructor({ maxUploads, maxBytes }) {
    this.maxUploads = maxUploads;
    this.maxBytes = maxBytes;
    this.uploads = 0;
    this.bytes = 0;
  }

  /** A reservation, or a RelayError('overloaded') when the replica holds too much already. */
  open(declared) {
    if (this.uploads >= this.maxUploads) return overloaded(`${this.uploads} uploads are being received`);
    if (this.bytes + declared > this.maxBytes) return overloaded('the uploads being received are too large together');
    this.uploads += 1;
    this.bytes += declared;
    let held = declared;
    let open = true;
    return {
      /** Grows the reservation to `total` bytes; false when that is past the replica's budget. */
      grow: (total) => {
        if (total <= held) return true;
        if (this.bytes + (total - held) > this.maxBytes) return false;
        this.bytes += total - held;
        held = total;
        return true;
      },
      close: () => {
        if (!open) return;
        open = false;
        this.uploads -= 1;
        this.bytes -= held;
      },
    };
  }
}

function overloaded(why) {
  return new RelayError('overloaded', `the relay is receiving too much at once (${why}); try again in a moment`, { reason: 'upload_budget' });
}

function readBody(req, limit, budget) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new RelayError('too_large', `the request is ${declared} bytes; the relay accepts at most ${limit} (images included)`, { reason: 'request_too_large' }));
      req.resume();
      return;
    }
    const reservation = budget.open(Number.isInteger(declared) && declared > 0 ? declared : 0);
    if (reservation instanceof RelayError) {
      reject(reservation);
      req.resume();
      return;
    }
    // The request object lives as long as its answer streams (minutes), and so would these
    // listeners and what they reach: the bytes, and through `resolve` the parsed request
    // (a settled promise keeps its value). So they are taken off once the body is read.
    let chunks = [];
    let size = 0;
    const done = () => {
      reservation.close();
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
        reject(new RelayError('too_large', `the request passed ${limit} bytes; the relay accepts at most that (images included)`, { reason: 'request_too_large' }));
        return;
      }
      if (!reservation.grow(size)) {
        done();
        req.resume();
        reject(overloaded('the uploads being received are too large together'));
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

// Everything the relay answers itself says so (SOURCE_HEADER): a forwarded answer
// says "upstream", and no upstream header passes that could say otherwise.
function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', [SOURCE_HEADER]: RELAY_SOURCE, ...SECURITY_HEADERS });
  res.end(body);
}

function sendError(req, res, error) {
  if (res.headersSent) { res.destroy(); return; }
  // Refused before its body was read (too large, busy, overloaded): the rest is discarded
  // and the connection closed after the answer, without a reset that could eat it.
  if (!req.complete) {
    req.resume();
    closeAfterLinger(res);
  }
  sendJson(res, error.status, error.toJSON());
}

/** True when `host` (a Host header) names this relay: an IP literal, localhost, or a configured name. */
export function hostAllowed(host, allowedHosts) {
  if (typeof host !== 'string' || !/^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)) return false;
  let name;
  try {
    name = new URL(`http://${host}/`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (name.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return true; // URL has normalised every IPv4 form
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowedHosts.includes(name) || allowedHosts.includes(name.replace(/\.$/, ''));
}

function problemCount(status) {
  return (status.lastReloadError?.errors?.length ?? 0) + (status.skippedRows ?? 0) + (status.lastError ? 1 : 0);
}

function shortId(id) {
  return id.length > MAX_SHOWN_ID ? `${id.slice(0, MAX_SHOWN_ID)}…` : id;
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
  for (const k in t) out[k] = Math.round(t[k] * 100) / 100;
  return out;
}
