// The headers of an upstream call, both ways. Out: the relay's own (the key in the header the
// plan names), then a key's default headers, never over the relay's; the call plan the model
// list shows. Back: only an allowlist of the provider's headers, redacted, a content type
// reduced to type/subtype and a short charset, the relay's marks on every forwarded answer,
// and Server-Timing.
import { SOURCE_HEADER, UPSTREAM_SOURCE } from '../web/contract.js';

/** @typedef {import('../web/core.js').ChatPlan} ChatPlan */

// Headers the relay sets itself and a key's default_headers never replace (the core already
// leaves out the credential, transport and gateway-owned ones; this is the relay's own guard).
const RELAY_OWNED_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade',
  'expect', 'accept-encoding', 'content-encoding', 'proxy-connection', 'authorization', 'proxy-authorization', 'api-key',
  'x-api-key', 'x-goog-api-key', 'cookie', 'x-aisix-request-id',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,8192}$/;

/** The key's default headers (from the core) added to the relay's own, never over them. */
export function addKeyHeaders(headers, extra, plan, stream) {
  for (const h of extra ?? []) {
    const name = String(h?.name ?? '').toLowerCase();
    const value = String(h?.value ?? '');
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || RELAY_OWNED_HEADERS.has(name) || name === plan.authHeader) continue;
    // The gateway sets accept only on a stream; without one a key's own accept is sent.
    if (name === 'accept' && stream) continue;
    headers[name] = value;
  }
}

const USER_AGENT = 'model-playground-relay/0.1';
// What the model list's call plan shows in place of the key.
export const KEY_PLACEHOLDER = '***';

/**
 * The headers every call of `plan` sends, whatever its body: `credential` is the key, or
 * KEY_PLACEHOLDER in the call plan the model list shows (publicCall). forwardChat adds the
 * body's own (content-length, accept), the request id and the key's default headers.
 */
export function planHeaders(plan, credential) {
  return {
    'content-type': 'application/json',
    // Redaction needs the plain bytes: ask for no compression (and decode it if sent anyway).
    'accept-encoding': 'identity',
    'user-agent': USER_AGENT,
    [plan.authHeader]: `${plan.authScheme}${credential}`,
  };
}

/**
 * The call plan of a model as the model list shows it (docs/contracts.md, PublicModel.call):
 * the method, URL and headers forwardChat sends for `plan`, the key as KEY_PLACEHOLDER, which
 * header carries the key and after what scheme (for core.curlCommand's $PROVIDER_KEY), the
 * headers set per call named and the plan's notes. Never the key: the caller redacts the
 * whole with the key's secrets.
 * @param {ChatPlan} plan  core.planChatCall's result (the relay's own, cached per snapshot)
 */
export function publicCall(plan) {
  if (plan?.ok !== true) return { ok: false, error: String(plan?.error ?? 'the call cannot be planned') };
  return {
    ok: true,
    method: 'POST',
    url: plan.url,
    headers: Object.entries(planHeaders(plan, KEY_PLACEHOLDER)).map(([name, value]) => ({ name, value })),
    auth: { header: plan.authHeader, scheme: plan.authScheme },
    perCallHeaders: ['content-length', 'accept', ...(plan.gateway ? ['x-aisix-request-id'] : [])],
    notes: (plan.notes ?? []).map(String),
    // What the key's settings change in how the call goes (deadlines, TLS, answer reading).
    gatewayNotes: (plan.gateway?.shaping ?? []).map((n) => ({ code: String(n?.code ?? ''), text: String(n?.text ?? '') })),
  };
}

// Upstream response headers worth showing the user (rate limits, request ids); the rest
// (cookies, server details, anything that could pose as the relay's own) are dropped.
// Values go through redaction, and a header carrying part of a key is dropped whole (a key
// split across two headers survives redaction of each).
const FORWARDED_HEADERS = /^(retry-after|x-ratelimit-[a-z0-9-]+|x-request-id|request-id|apim-request-id|x-ms-region|openai-processing-ms|openai-model|x-generation-id|anthropic-ratelimit-[a-z0-9-]+)$/;

// A forwarded answer is the provider's bytes under the relay's origin: never run, framed or
// sniffed as anything but what its type says.
export const PROXIED_ANSWER_HEADERS = {
  [SOURCE_HEADER]: UPSTREAM_SOURCE,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
};

/**
 * The provider's Content-Type as the page may see it: a lower-case type/subtype of token
 * characters, and a charset only if it is a short token; nothing else of the header (its
 * parameters are the provider's free text). A value that carries part of a key is dropped.
 */
export function normalContentType(core, header, secrets) {
  const value = String(header ?? '');
  // A pure function of the value and the secrets, and a provider sends the same few values:
  // the verdict is kept per secrets list (one per configuration snapshot), for short values.
  if (value.length > 256) return contentTypeOf(core, value, secrets);
  let byValue = contentTypes.get(secrets);
  if (!byValue) { byValue = new Map(); contentTypes.set(secrets, byValue); }
  let normal = byValue.get(value);
  if (normal === undefined) {
    normal = contentTypeOf(core, value, secrets);
    if (byValue.size >= 64) byValue.clear();
    byValue.set(value, normal);
  }
  return normal;
}
const contentTypes = new WeakMap(); // secrets (array) -> Map(header value -> content type)

function contentTypeOf(core, value, secrets) {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type)) return 'application/octet-stream';
  const charset = /;\s*charset="?([A-Za-z0-9_-]{1,24})"?\s*(?:;|$)/.exec(value)?.[1]?.toLowerCase();
  const normal = charset ? `${type}; charset=${charset}` : type;
  if (core.redactHeaderValues([normal], secrets)[0] !== normal) return 'application/octet-stream';
  return normal === 'text/event-stream; charset=utf-8' ? 'text/event-stream' : normal;
}

/**
 * The upstream headers worth showing, redacted, and the key's headroom read from them: one core
 * call for all of them (a provider sends up to a dozen rate-limit and request-id headers). A
 * header that still carries a fragment of a key after redaction is left out (the core says
 * which: null). → { headers, headroom: HEADROOM_HEADER's value, or null when the headers say
 * nothing about the key's limits }. `list`: the secrets list compiled once (core.secretsRedactor,
 * kept per list, the one the answer's body is redacted with); `now`: this relay's clock when the
 * headers arrived.
 */
export function forwardedHeaders(list, headers, now) {
  const pairs = [];
  for (const name in headers) {
    if (FORWARDED_HEADERS.test(name)) pairs.push([name, String(headers[name])]);
  }
  const out = {};
  if (!pairs.length) return { headers: out, headroom: null };
  const { values, headroom } = list.forwardAnswerHeaders(pairs, now);
  pairs.forEach(([name], i) => { if (typeof values[i] === 'string') out[name] = values[i]; });
  return { headers: out, headroom: typeof headroom === 'string' ? asciiJson(headroom) : null };
}

// A header value is sent as Latin-1: JSON text with any other character is written with \u
// escapes (it stays the same JSON), so the browser reads back exactly what the core wrote.
function asciiJson(text) {
  return /[^\x20-\x7e]/.test(text) ? text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

/** Timings travel back in Server-Timing (milliseconds). */
export function serverTiming(timings) {
  let out = '';
  for (const k in timings) {
    const v = timings[k];
    if (typeof v === 'number' && Number.isFinite(v)) out += `${out ? ', ' : ''}${k};dur=${v.toFixed(2)}`;
  }
  return out;
}
