// The relay's HTTP API, as the page calls it: same-origin credentials (the HttpOnly session
// cookie) and the custom header the relay requires of browsers on state-changing calls. The
// names and the error envelope's reader are the relay's and the page's shared contract
// (../contract.js).
import { PLAYGROUND_HEADER, relayErrorFromText, relayUnreachable } from '../contract.js';

/**
 * The relay's preview of a call (POST <base>/preview): the key's shaped headers, the changes
 * its settings make to the body, and the curl command, the key as *** and $PROVIDER_KEY.
 * `ok` false: `message` says why (the relay's error, or that it could not be reached).
 * @typedef {{ ok: boolean, headers?: Array<{ name: string, value: string }>, changes?: Array<{ code: string, text: string }>, curl?: string, message?: string }} PreviewReply
 */

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
      return { ok: false, status: 0, error: relayUnreachable(`the relay could not be reached (${err?.message ?? err})`) };
    }
    const text = await res.text();
    if (!res.ok) {
      return { ok: false, status: res.status, error: relayErrorFromText(text, res.headers) ?? { kind: `http_${res.status}`, message: text.slice(0, 300) } };
    }
    const parsed = parseJson(text);
    if (!parsed || !Array.isArray(parsed.models)) {
      return { ok: false, status: res.status, error: { kind: 'bad_reply', message: 'the relay answered the model list with something that is not a list' } };
    }
    return { ok: true, models: parsed.models, source: parsed.source ?? null };
  }

  /**
   * GET <base>/status → { ok: true, state, source, core, limits } (the configuration source's
   * details, redacted by the relay, and its upstream time limits) or { ok: false, status }.
   * Never throws.
   * @returns {Promise<{ ok: true, state: string, source: Record<string, any>, core: string, limits: Record<string, number> | null } | { ok: false, status: number }>}
   */
  async status() {
    try {
      const res = await fetch(`${this.base}/status`, {
        credentials: 'same-origin', headers: { accept: 'application/json', [PLAYGROUND_HEADER]: '1' }, cache: 'no-store',
      });
      const parsed = res.ok ? parseJson(await res.text()) : null;
      if (!parsed || typeof parsed.source !== 'object' || !parsed.source) return { ok: false, status: res.status };
      return { ok: true, state: String(parsed.status ?? ''), source: parsed.source, core: String(parsed.core ?? ''), limits: parsed.limits ?? null };
    } catch {
      return { ok: false, status: 0 };
    }
  }

  /**
   * GET <base>/models/<id>/upstream-models: the provider's model list for that model's key
   * ({ ok: true, models, suggestions, leftOut } | { ok: false, unavailable, status?, message }).
   * Never throws: a relay error or a network failure is { ok: false, unavailable: 'unreachable' }.
   */
  async upstreamModels(modelId, signal) {
    try {
      const res = await fetch(`${this.base}/models/${encodeURIComponent(String(modelId))}/upstream-models`, {
        credentials: 'same-origin', headers: { accept: 'application/json', [PLAYGROUND_HEADER]: '1' }, signal, cache: 'no-store',
      });
      const parsed = parseJson(await res.text());
      if (res.ok && parsed && typeof parsed.ok === 'boolean') return parsed;
      return { ok: false, unavailable: 'unreachable', message: String(parsed?.error?.message ?? `the relay answered HTTP ${res.status}`) };
    } catch (err) {
      return { ok: false, unavailable: 'unreachable', message: `the relay could not be reached (${err?.message ?? err})` };
    }
  }

  /**
   * POST <base>/preview with {model, body}: the call the relay would make for this body, for
   * the inspect view ({ ok: true, headers, changes, curl }: the key's shaped headers, what
   * its settings change, "Copy as curl"). Never throws: a relay error or a network failure
   * is { ok: false, message }.
   * @returns {Promise<PreviewReply>}
   */
  async preview(modelId, body, signal) {
    try {
      const res = await fetch(`${this.base}/preview`, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'content-type': 'application/json', accept: 'application/json', [PLAYGROUND_HEADER]: '1' },
        body: JSON.stringify({ model: modelId, body }),
        signal,
      });
      const text = await res.text();
      const parsed = parseJson(text);
      if (res.ok && parsed?.ok === true && typeof parsed.curl === 'string') {
        return { ok: true, headers: pairs(parsed.headers, 'name', 'value'), changes: pairs(parsed.changes, 'code', 'text'), curl: parsed.curl };
      }
      const error = res.ok ? null : relayErrorFromText(text, res.headers);
      return { ok: false, message: String(error?.message ?? `the relay answered HTTP ${res.status}`) };
    } catch (err) {
      return { ok: false, message: `the relay could not be reached (${err?.message ?? err})` };
    }
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

/**
 * A reply's list of two-string records, as strings (anything else in it is left out).
 * @template {string} A
 * @template {string} B
 * @param {unknown} list
 * @param {A} a
 * @param {B} b
 * @returns {Array<Record<A | B, string>>}
 */
function pairs(list, a, b) {
  if (!Array.isArray(list)) return [];
  return list.filter((x) => x && typeof x === 'object').map((x) => /** @type {Record<A | B, string>} */ ({ [a]: String(x[a] ?? ''), [b]: String(x[b] ?? '') }));
}

function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
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
