// POST /api/playground/chat, the relay's pipeline for one chat call: the per-user limit and
// the upload budget, the body read and checked by the core (inline or on the worker), the
// model looked up in the current snapshot, the call planned, then forwarded
// (relay/upstream.js); one log line per call, whatever happened.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { RelayError } from './errors.js';
import { forwardChat } from './upstream.js';
import { serverTiming } from './upstream-headers.js';
import { readBody } from './request-body.js';
import { sendError } from './responses.js';

// A model id longer than this is shown shortened in errors and logs (ids are UUIDs).
const MAX_SHOWN_ID = 80;

/**
 * @param {{ core, source, settings, log: Function, logInternal: Function, active: Map<string, number>, uploads: import('./request-body.js').UploadBudget, checker: import('./request-checker.js').RequestChecker, plans: ReturnType<typeof import('./call-plans.js').callPlans> }} deps
 * → chat(req, res, user)
 */
export function chatRoute({ core, source, settings, log, logInternal, active, uploads, checker, plans }) {
  const { planFor, secretsFor, redactError } = plans;

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

      const opened = await openForModel({ req, settings, uploads, checker, source }, entry);
      request = opened.request;
      const { snap, model, key, shaping } = opened;

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

  return chat;
}

/**
 * What the chat and preview routes start with: the request's body read (within its size cap
 * and the replica's upload budget) and opened by the core, inline or on the worker, and its
 * model looked up in the current snapshot; `entry` (the log line) gets the model's id and
 * name. → { request, snap, model, key, shaping }; the caller discards `request` when done.
 * Throws RelayError: the body's, unknown_model, not_testable (the request then let go).
 */
export async function openForModel({ req, settings, uploads, checker, source }, entry) {
  const request = await checker.open(await readBody(req, settings.limits.requestBytes, uploads));
  try {
    entry.model = shortId(request.model);
    const snap = source.snapshot();
    const found = snap.lookup(request.model);
    if (!found) throw new RelayError('unknown_model', `no model with id "${shortId(request.model)}" (the list may have changed: reload the model list)`);
    const { model, key, shaping } = found;
    entry.modelName = model.model_name;
    if (!model.testable || !key) throw new RelayError('not_testable', model.reason || 'this model cannot be tested here');
    return { request, snap, model, key, shaping };
  } catch (err) {
    request.discard();
    throw err;
  }
}

export function shortId(id) {
  return id.length > MAX_SHOWN_ID ? `${id.slice(0, MAX_SHOWN_ID)}…` : id;
}

function roundTimings(t) {
  const out = {};
  for (const k in t) out[k] = Math.round(t[k] * 100) / 100;
  return out;
}
