// What a chat request is, shared by the two places that read one: inline on the relay's
// event loop (small requests) and in the request-check worker (large ones), so both give
// the same answers and the same errors.
//
// Bytes in, bytes out: the request's bytes go into the core once (core.openChatRequest),
// which reads them, keeps the body and hands out the model id; the check then runs on the
// kept body and returns it serialised, as the bytes the relay forwards. The body never
// becomes a JavaScript value (src/core/request/chat_request.h).
import { RelayError } from './errors.js';
import { redactValue } from './call-plans.js';

/**
 * The request's bytes → the opened request: { model, check(target), free() }. Only the
 * envelope is judged here ({"model": "<id>", "body": {...}}); the body is the check's.
 * Throws RelayError('invalid_request').
 */
export function openRequest(core, bytes) {
  const opened = core.openChatRequest(bytes);
  if (!opened.ok) throw new RelayError('invalid_request', opened.error.message);
  return opened;
}

/**
 * Never trust the browser: the body is checked again by the same core rules as the page's,
 * with the upstream model name from the configuration. With the model's `shaping` (and the
 * call's `requestId`), the core then shapes it as the gateway does: the key's renames, clamps
 * and default fields, and the headers its default_headers add. Once per request. → { ok:
 * true, payload: Buffer (the serialised body, a copy out of the core; see copyOut in
 * web/core-input.js), stream, headers, changes } | { ok: false, errors }
 */
export function checkRequest(request, { model_name, provider, shaping = null, requestId = '' }) {
  const checked = request.check({ model_name, provider, shaping, requestId });
  // The core could not read the body itself (nested past its limit): the caller's mistake,
  // answered like every other invalid body. A trap stays an error (CoreError).
  if (checked.badInput) throw new RelayError('invalid_request', 'the request body is not valid', { errors: [{ field: 'body', message: checked.errors[0]?.message ?? '' }], reason: 'bad_input' });
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const { payload } = checked;
  return {
    ok: true,
    payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
    stream: checked.stream,
    headers: checked.headers,
    changes: checked.changes,
  };
}

/**
 * The call a body would make, without making it, for the page's inspect view
 * (routes-preview.js): the body checked and shaped as checkRequest does, then the key's shaped
 * headers, the shaping's changes and "Copy as curl" for `call` (PublicModel.call) with those
 * headers, the whole redacted with `secrets`. Runs where the check runs, inline or on the
 * request-check worker: a 19 MB body's command costs as much as its check. → { ok: true,
 * headers, changes, curl } | { ok: false, errors }
 */
export function previewRequest(core, request, target, call, secrets) {
  const checked = checkRequest(request, target);
  if (!checked.ok) return checked;
  const headers = checked.headers ?? [];
  const body = JSON.parse(checked.payload.toString('utf8'));
  const curl = core.curlCommand({ url: call.url, auth: call.auth, headers: [...call.headers, ...headers] }, body);
  const reply = { ok: true, headers, changes: checked.changes ?? [], curl };
  return redactValue(core, reply, secrets);
}
