// The relay's HTTP API, as the page calls it: same-origin credentials (the HttpOnly session
// cookie) and the custom header the relay requires of browsers on state-changing calls.

export const PLAYGROUND_HEADER = 'x-playground';
// Every response of the relay says who wrote it: "relay" for its own, "upstream" for a
// forwarded answer. The relay lets no upstream header of that name through.
export const SOURCE_HEADER = 'x-playground-source';

export class RelayApi {
  /** @param {string} base  the path prefix, e.g. "/api/playground" */
  constructor(base) {
    this.base = String(base || '/api/playground').replace(/\/+$/, '');
  }

  /**
   * GET <base>/models → { ok: true, models, source } or { ok: false, status, error }.
   * Never throws (a network failure is { ok: false, status: 0 }).
   */
  async models(signal) {
    let res;
    try {
      res = await fetch(`${this.base}/models`, {
        credentials: 'same-origin', headers: { accept: 'application/json', [PLAYGROUND_HEADER]: '1' }, signal, cache: 'no-store',
      });
    } catch (err) {
      return { ok: false, status: 0, error: { kind: 'relay_unreachable', message: `the relay could not be reached (${err?.message ?? err})` } };
    }
    const text = await res.text();
    const parsed = parseJson(text);
    if (!res.ok) {
      return { ok: false, status: res.status, error: relayErrorOf(parsed) ?? { kind: `http_${res.status}`, message: text.slice(0, 300) } };
    }
    if (!parsed || !Array.isArray(parsed.models)) {
      return { ok: false, status: res.status, error: { kind: 'bad_reply', message: 'the relay answered the model list with something that is not a list' } };
    }
    return { ok: true, models: parsed.models, source: parsed.source ?? null };
  }

  /** POST <base>/chat with {model, body}: the fetch Response (rejects on network failure or abort). */
  chat(modelId, body, signal) {
    return fetch(`${this.base}/chat`, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', [PLAYGROUND_HEADER]: '1' },
      body: JSON.stringify({ model: modelId, body }),
      signal,
    });
  }
}

function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/**
 * The relay marks its own failures {error: {source: "relay", kind, message, ...}}
 * (docs/contracts.md, "Relay errors"); anything else with an error is the provider's, left
 * for the core to read.
 */
export function relayErrorOf(parsed) {
  const error = parsed && typeof parsed === 'object' ? parsed.error : null;
  if (error && typeof error === 'object' && error.source === 'relay' && typeof error.kind === 'string') return error;
  return null;
}

/**
 * The relay's own failure in a response, or null. The body alone proves nothing: an upstream
 * can send {"error": {"source": "relay", ...}} too. So it is the relay's only when the
 * response says SOURCE_HEADER: relay; a relay-shaped body without it is the provider's,
 * left for the core to read.
 * @param {string} text  the response body
 * @param {Headers | Record<string, string> | null | undefined} headers  the response's
 *   headers (a fetch Headers, or a plain object such as Object.fromEntries(headers))
 */
export function relayErrorFromText(text, headers) {
  if (headerValue(headers, SOURCE_HEADER) !== 'relay') return null;
  return relayErrorOf(parseJson(text));
}

// A header's value, or null; names compared without case, the value trimmed as fetch does.
function headerValue(headers, name) {
  if (!headers || typeof headers !== 'object') return null;
  if (typeof headers.get === 'function') return headers.get(name)?.trim() ?? null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value.trim();
  }
  return null;
}

/**
 * Server-Timing ("dns;dur=1.20, connect;dur=3.00") → { dns: 1.2, connect: 3 } in ms.
 * Only the duration parameter is read; a metric without one is skipped.
 */
export function parseServerTiming(header) {
  const out = {};
  for (const metric of String(header ?? '').split(',')) {
    const [name, ...params] = metric.split(';').map((s) => s.trim());
    if (!name) continue;
    for (const p of params) {
      const m = /^dur=("?)([0-9.]+)\1$/i.exec(p);
      if (m) out[name] = Number(m[2]);
    }
  }
  return out;
}
