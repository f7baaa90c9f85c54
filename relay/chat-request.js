// What a chat request is, shared by the two places that read one: inline on the relay's
// event loop (small requests) and in the request-check worker (large ones), so both give
// the same answers and the same errors.
import { RelayError } from './errors.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The request's bytes → { model, body }. Only the envelope is checked here; the body is the
 * core's to judge (checkBody).
 */
export function parseRequest(bytes) {
  let input;
  try {
    input = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new RelayError('invalid_request', 'the request body is not valid JSON');
  }
  if (!input || typeof input !== 'object' || typeof input.model !== 'string' || !input.model) {
    throw new RelayError('invalid_request', 'send {"model": "<model id>", "body": {...}}');
  }
  return { model: input.model, body: input.body };
}

/**
 * Never trust the browser: the body is checked again by the same core rules as the page's,
 * with the upstream model name from the configuration. With the model's `shaping` (and the
 * call's `requestId`), the core then shapes it as the gateway does: the key's renames, clamps
 * and default fields, and the headers its default_headers add. → { ok: true, payload:
 * Uint8Array (the serialised body, in a buffer of its own), stream, headers, changes } |
 * { ok: false, errors }
 */
export function checkBody(core, body, { model_name, provider, shaping = null, requestId = '' }) {
  let checked;
  try {
    checked = core.checkChatBody(body, { model_name, provider, shaping, requestId });
  } catch (err) {
    // The core refused the input itself (nested past its limit, too large to read): the
    // caller's mistake, answered like every other invalid body. A trap stays an error.
    if (err?.code === 'bad_input') throw new RelayError('invalid_request', 'the request body is not valid', { errors: [{ field: 'body', message: err.message }], reason: 'bad_input' });
    throw err;
  }
  if (!checked.ok) return { ok: false, errors: checked.errors };
  // The gateway decides streaming from the request, before the key's settings touch the body.
  const gateway = checked.gateway;
  return {
    ok: true,
    payload: encoder.encode(JSON.stringify(checked.body)),
    stream: gateway ? gateway.stream === true : checked.body.stream === true,
    headers: gateway?.headers ?? [],
    changes: gateway?.changes ?? [],
  };
}
