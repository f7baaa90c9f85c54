// GET /api/playground/models/:id/upstream-models: the provider's model list for one model's
// key ("did you mean …?" and "Models this key can use"). The core says where the list is
// (core.modelListCall: the chat call's host and key, at /models), reads the answer bounded and
// ranks the names closest to the model's (core.readModelList); this file is the I/O, through
// the chat call's guard (relay/upstream-address.js, upstream-agents.js): every address checked by the core and the
// connection pinned to it, the key's TLS settings, no redirect followed, time limits, a size
// cap, and the whole reply redacted with the key's secrets. The key itself is never returned.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { RelayError, fromNetworkError } from './errors.js';
import { agentFor } from './upstream-agents.js';
import { resolveChecked } from './upstream-address.js';
import { planHeaders } from './upstream-headers.js';

// The core reads at most 4 MiB of a list (kMaxModelListBytes); a list call never takes long.
export const LIST_MAX_BYTES = 4 * 1024 * 1024;
const LIST_TOTAL_MS = 30_000;
const DECODERS = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress };

/**
 * The reply for one model (docs/contracts.md, the upstream-models route), redacted by the
 * caller: { model, ok: true, models, leftOut, suggestions } | { model, ok: false, unavailable,
 * status?, kind?, message }. Throws RelayError for the caller's own problems (unknown_model,
 * not_testable).
 */
export async function listUpstreamModels({ core, settings, snap, id, planFor }) {
  const found = snap.lookup(id);
  if (!found) throw new RelayError('unknown_model', `no model with id "${String(id).slice(0, 80)}" (the list may have changed: reload the model list)`);
  const { model, key, shaping } = found;
  if (!model.testable || !key) throw new RelayError('not_testable', model.reason || 'this model cannot be tested here');
  const reply = (fields) => ({ model: model.id, ...fields });

  const call = core.modelListCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model.model_name });
  if (!call.ok) return reply({ ok: false, unavailable: call.problem, message: call.error });
  // The chat plan's key settings (its TLS block) apply to this call too.
  const chatPlan = planFor(snap, model, key, shaping);
  let answer;
  try {
    answer = await getList({ core, settings, call, secret: key.api_key, keyTls: chatPlan?.gateway?.tls });
  } catch (err) {
    const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed while asking for the model list', { reason: 'internal' });
    return reply({ ok: false, unavailable: 'unreachable', kind: error.kind, reason: error.extra.reason, message: error.message });
  }
  if (answer.tooLarge) return reply({ ok: false, unavailable: 'too_large', message: `the model list passed ${LIST_MAX_BYTES} bytes` });
  if (answer.status < 200 || answer.status > 299) {
    return reply({ ok: false, unavailable: 'http_error', status: answer.status, message: `the provider answered GET /models with HTTP ${answer.status}` });
  }
  const list = core.readModelList(answer.body, model.model_name);
  if (!list.ok) return reply({ ok: false, unavailable: list.problem, message: list.error });
  return reply({ ok: true, models: list.ids, leftOut: list.leftOut, suggestions: list.closest ?? [] });
}

/** The list's answer: { status, body } (text, at most LIST_MAX_BYTES) or { tooLarge }. Rejects with a RelayError. */
async function getList({ core, settings, call, secret, keyTls }) {
  const target = new URL(call.url);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const timings = {};
  const pinned = await resolveChecked(core, target.hostname, port, settings, timings);
  const limits = settings.limits;
  const maxBytes = Math.min(limits.responseBytes ?? LIST_MAX_BYTES, LIST_MAX_BYTES);
  const headers = planHeaders(call, secret);
  delete headers['content-type'];
  headers.accept = 'application/json';
  for (const h of call.headers ?? []) headers[String(h.name).toLowerCase()] = String(h.value);
  const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;

  return new Promise((resolve, reject) => {
    let settled = false;
    const started = performance.now();
    const done = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      fn(value);
    };
    const fail = (error) => { req.destroy(); done(reject, error); };
    const req = (target.protocol === 'https:' ? https : http).request({
      method: 'GET',
      host: hostname,
      port,
      path: `${target.pathname}${target.search}`,
      headers,
      agent: agentFor(target, keyTls),
      // The pin, as for a chat call: connect to the checked address whatever DNS says now.
      lookup: (_host, opts, cb) => (opts && opts.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family)),
      servername: net.isIP(hostname) ? undefined : hostname,
    });
    const connectTimer = setTimeout(() => fail(new RelayError('timeout', `could not connect to ${target.host} within ${limits.connectMs / 1000} s`, { phase: 'connect', reason: 'connect_timeout' })), limits.connectMs);
    const totalMs = Math.min(limits.totalMs, LIST_TOTAL_MS);
    const totalTimer = setTimeout(() => fail(new RelayError('timeout', `the provider did not send its model list within ${totalMs / 1000} s`, { phase: 'total', reason: 'total_timeout' })), totalMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) { clearTimeout(connectTimer); return; }
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err) => fail(err instanceof RelayError ? err : fromNetworkError(err, target.host, 'connect')));
    req.on('upgrade', (_up, socket) => { socket.destroy(); fail(new RelayError('upstream_reset', `${target.host} answered 101 to a model list request`, { reason: 'invalid_status', status: 101 })); });
    req.on('response', (up) => {
      clearTimeout(connectTimer);
      const status = up.statusCode;
      // Redirects are never followed, and an error status needs no body: its status says it.
      if (!Number.isInteger(status) || status < 200 || status > 299) {
        up.resume();
        done(resolve, { status: Number.isInteger(status) ? status : 0, body: '', ms: performance.now() - started });
        return;
      }
      if (Number(up.headers['content-length']) > maxBytes) { up.resume(); req.destroy(); done(resolve, { tooLarge: true }); return; }
      const codings = String(up.headers['content-encoding'] ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
      if (codings.length > 1 || codings.some((c) => !DECODERS[c])) {
        up.resume();
        fail(new RelayError('upstream_reset', 'the provider sent its model list in a coding the relay cannot decode', { reason: 'unsupported_encoding' }));
        return;
      }
      let source = up;
      if (codings.length) {
        source = up.pipe(DECODERS[codings[0]]());
        source.on('error', () => fail(new RelayError('upstream_reset', 'the provider\'s model list could not be decoded', { reason: 'bad_encoding' })));
      }
      const chunks = [];
      let bytes = 0;
      source.on('data', (chunk) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > maxBytes) { req.destroy(); up.destroy(); done(resolve, { tooLarge: true }); return; }
        chunks.push(chunk);
      });
      source.on('end', () => done(resolve, { status, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      up.on('error', (err) => fail(fromNetworkError(err, target.host, 'idle')));
      up.on('close', () => { if (!up.complete) fail(new RelayError('upstream_reset', `${target.host} closed the connection in the middle of the model list`, { reason: 'closed_mid_response' })); });
    });
    req.end();
  });
}
