// What the relay and the page agree on (docs/contracts.md, "The relay's HTTP API"): header
// names, who wrote a response, the relay's error envelope and its one reader, and the page's
// own failure kind. A plain ES module without DOM or Node APIs: the relay (relay/) and the
// page (web/playground/) both import it, so neither keeps a copy.

/** Sent by the page on every call; the relay requires it on cookie-authenticated POSTs. */
export const PLAYGROUND_HEADER = 'x-playground';
/**
 * On every answer the relay gives: RELAY_SOURCE for its own, UPSTREAM_SOURCE for a forwarded
 * one. The relay lets no upstream header of that name through.
 */
export const SOURCE_HEADER = 'x-playground-source';
export const RELAY_SOURCE = 'relay';
export const UPSTREAM_SOURCE = 'upstream';
/** On forwarded answers: the per-call value the relay's own mid-stream relay_error event carries. */
export const NONCE_HEADER = 'x-playground-relay-nonce';
/**
 * On forwarded answers whose headers say something about the key's limits: the headroom the
 * relay read from them (core.forwardAnswerHeaders), as RateLimits' JSON in ASCII. The relay
 * lets no upstream header of that name through.
 */
export const HEADROOM_HEADER = 'x-playground-headroom';
/**
 * What the inspect view shows for a value set per call (the relay's preview renders a key's
 * `${request.id}` header template with it; the page writes it for x-aisix-request-id).
 */
export const PER_CALL = '(set per call)';
/** The page's own failure kind, when fetch itself fails; the relay never sends it. */
export const RELAY_UNREACHABLE = 'relay_unreachable';

/**
 * @typedef {{ source: 'relay', kind: string, message: string, reason?: string } & Record<string, unknown>} RelayErrorBody
 * @typedef {{ kind: string, message: string } & Record<string, unknown>} PageRelayError
 */

/**
 * The relay's error envelope, as the relay writes it: {error: {source: "relay", kind, message, …extra}}.
 * @param {string} kind
 * @param {string} message
 * @param {Record<string, unknown>} [extra]  reason and the kind's structured fields
 * @returns {{ error: RelayErrorBody }}
 */
export function relayErrorEnvelope(kind, message, extra = {}) {
  return { error: { source: RELAY_SOURCE, kind, message, ...extra } };
}

/**
 * The one reader of that envelope: the error inside a parsed body, or null. The body alone
 * proves nothing (an upstream can send the same shape): callers that read a response use
 * relayErrorFromText, which also checks SOURCE_HEADER.
 * @param {unknown} parsed  a parsed JSON body
 * @returns {RelayErrorBody | null}
 */
export function relayErrorOf(parsed) {
  const error = parsed && typeof parsed === 'object' ? /** @type {{ error?: unknown }} */ (parsed).error : null;
  if (error && typeof error === 'object' && /** @type {any} */ (error).source === RELAY_SOURCE && typeof /** @type {any} */ (error).kind === 'string') {
    return /** @type {RelayErrorBody} */ (error);
  }
  return null;
}

/**
 * The relay's own failure in a response, or null: only when the response says
 * SOURCE_HEADER: relay and its body is the envelope. A relay-shaped body without the header
 * is the provider's, left for the core to read.
 * @param {string} text  the response body
 * @param {{ get(name: string): string | null } | Record<string, unknown> | null | undefined} headers
 *   a fetch Headers, or a plain object such as Object.fromEntries(headers)
 * @returns {RelayErrorBody | null}
 */
export function relayErrorFromText(text, headers) {
  if (headerValue(headers, SOURCE_HEADER) !== RELAY_SOURCE) return null;
  let parsed;
  try { parsed = JSON.parse(text); } catch { return null; }
  return relayErrorOf(parsed);
}

/**
 * The page's own error when the relay could not be reached at all (fetch rejected).
 * @param {string} message  for people
 * @returns {PageRelayError}
 */
export function relayUnreachable(message) {
  return { kind: RELAY_UNREACHABLE, message };
}

/**
 * The headroom a forwarded answer carries (HEADROOM_HEADER), or null when it carries none or
 * the relay wrote it (a relay's own answer says nothing about the key's limits).
 * @param {unknown} headers  a fetch Headers, or a plain object
 * @returns {import('./core.js').RateLimits | null}
 */
export function headroomOf(headers) {
  if (headerValue(headers, SOURCE_HEADER) === RELAY_SOURCE) return null;
  const text = headerValue(headers, HEADROOM_HEADER);
  if (!text) return null;
  let parsed;
  try { parsed = JSON.parse(text); } catch { return null; }
  return parsed && Array.isArray(parsed.limits) && Array.isArray(parsed.problems) ? parsed : null;
}

/**
 * A header's value, or null; names compared without case, the value trimmed as fetch does.
 * @param {unknown} headers
 * @param {string} name  lower-case
 * @returns {string | null}
 */
function headerValue(headers, name) {
  if (!headers || typeof headers !== 'object') return null;
  const get = /** @type {any} */ (headers).get;
  if (typeof get === 'function') return get.call(headers, name)?.trim() ?? null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value.trim();
  }
  return null;
}
