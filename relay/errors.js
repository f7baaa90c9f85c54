// The relay's own failures: one JSON shape that says it came from the relay, so the page
// can tell them from the provider's (docs/contracts.md, "Relay errors"). The shape, its
// reader and the header names are the relay's and the page's shared contract
// (web/contract.js).
//
// The body alone cannot prove where an answer came from: an upstream can send
// {"error":{"source":"relay",…}} too. So every answer the relay writes itself carries the
// header SOURCE_HEADER: relay, and every forwarded one carries it with "upstream";
// upstream headers pass only through an allowlist, so a provider can never set it.
import { relayErrorEnvelope } from '../web/contract.js';

const STATUS = {
  unauthorized: 401,
  forbidden: 403,
  cross_site: 403,
  not_found: 404,
  unknown_model: 404,
  not_testable: 409,
  invalid_request: 400,
  misdirected: 421,
  unsupported_media_type: 415,
  too_large: 413,
  busy: 429,
  overloaded: 503,
  blocked_address: 403,
  dns: 502,
  refused: 502,
  tls: 502,
  upstream_reset: 502,
  redirect: 502,
  timeout: 504,
  config: 503,
  internal: 500,
};

export class RelayError extends Error {
  /**
   * `extra`: the structured fields beside the message (`reason`, and per kind `phase`,
   * `category`, `status`, `location`, `detail`, `field`, `errors`). Without a `reason` the
   * kind's default is used; a reason outside RELAY_REASONS becomes `unknown`, so the page only
   * ever sees the documented codes. `status` overrides the kind's usual HTTP status (a
   * response past the size cap is 502, not 413).
   */
  constructor(kind, message, extra = {}, status = undefined) {
    super(message);
    this.kind = kind;
    this.status = status ?? STATUS[kind] ?? 500;
    const reason = extra.reason ?? DEFAULT_REASON[kind] ?? 'unknown';
    /** @type {Record<string, unknown>} */
    this.extra = { ...extra, reason: isRelayReason(reason) ? reason : 'unknown' };
  }
  /**
   * {error:{source:"relay", kind, message, reason, …extra}}: `message` is for people and may
   * be reworded any time; `reason` and the other fields are what a program decides from.
   * `detail` (a config error's explanation) is the relay's own text, redacted like the
   * message (server.js redactError).
   */
  toJSON() {
    return relayErrorEnvelope(this.kind, this.message, this.extra);
  }
}

// The reason of an error created without one: kinds whose cause the kind already names.
// Kinds that come from the network (dns, refused, tls, timeout, upstream_reset, …) and
// too_large (request or response?) always pass their own; missing, they are `unknown`.
const DEFAULT_REASON = {
  unauthorized: 'no_session',
  forbidden: 'forbidden',
  cross_site: 'cross_origin',
  misdirected: 'host_not_served',
  not_found: 'no_route',
  unsupported_media_type: 'not_json',
  invalid_request: 'invalid_body',
  unknown_model: 'unknown_model',
  not_testable: 'not_testable',
  busy: 'per_user_limit',
  overloaded: 'upload_budget',
  config: 'bad_base_url',
  redirect: 'redirect',
  internal: 'internal',
};

// OpenSSL's certificate verification codes as Node reports them in err.code.
const TLS_CERT_CODES = [
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE',
];
const TLS_CODES = new Set(TLS_CERT_CODES);

// Node's and OpenSSL's codes that reach the page as they are (docs/contracts.md, "Relay
// errors"). Three families pass whole as well: HPE_* (llhttp, Node's HTTP parser),
// ERR_SSL_* (an OpenSSL reason as Node names it) and ERR_TLS_* (Node's TLS layer).
const NETWORK_REASONS = [
  // dns
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA',
  // refused
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN',
  // a connection dropped, or a connect/read that timed out (phase says which)
  'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ETIMEDOUT',
  // tls: a handshake that is not TLS (a plain-HTTP port), then certificate verification
  'EPROTO', ...TLS_CERT_CODES,
];
const CODE_FAMILIES = /^(HPE_|ERR_SSL_|ERR_TLS_)[A-Z0-9_]{1,60}$/;
// The relay's own causes.
const RELAY_OWN_REASONS = [
  ...new Set(Object.values(DEFAULT_REASON)),
  'bad_path', 'bad_input', 'bad_login_token', 'missing_playground_header', 'no_file',
  'no_address',                                                            // dns: resolved to nothing
  'connect_timeout', 'first_byte_timeout', 'idle_timeout', 'total_timeout', // timeout, by phase
  'model_timeout', 'model_stream_timeout',                                 // timeout: the model's own deadline
  'request_too_large', 'response_too_large',                               // too_large: which one
  'invalid_status', 'unsupported_encoding', 'bad_encoding', 'closed_mid_response', // upstream_reset
  'unknown',                                                               // a cause nobody named
];
// blocked_address: the address category (the core's classify_address), as its reason.
const ADDRESS_CATEGORIES = [
  'loopback', 'private', 'link_local', 'metadata', 'cgnat', 'unique_local', 'site_local', 'unspecified',
  'multicast', 'broadcast', 'reserved', 'documentation', 'benchmarking',
];

/** Every reason named one by one (the families HPE_*, ERR_SSL_*, ERR_TLS_* aside). */
export const RELAY_REASONS = Object.freeze([...NETWORK_REASONS, ...RELAY_OWN_REASONS, ...ADDRESS_CATEGORIES]);
const REASON_SET = new Set(RELAY_REASONS);

/** Whether `reason` is one of the documented ones: listed, or of a listed family. */
export function isRelayReason(reason) {
  return typeof reason === 'string' && (REASON_SET.has(reason) || CODE_FAMILIES.test(reason));
}

/**
 * Turns a Node network error from the upstream call into the relay's vocabulary, from its
 * `code` and the phase the call was in (never from its message, which Node and OpenSSL word
 * as they like). `reason` carries the code on to the page; a code outside the documented
 * list is `unknown` (the message still names it, for people). `category` is the class of the
 * address the call went to (upstream-address.js), given to every failure after the lookup.
 */
export function fromNetworkError(err, host, phase = '', category = '') {
  const error = networkError(err, host, phase);
  if (category && error.kind !== 'dns') error.extra.category = category;
  return error;
}

function networkError(err, host, phase) {
  const code = typeof err?.code === 'string' ? err.code : '';
  if (code === 'ETIMEDOUT') {
    return phase === 'connect'
      ? new RelayError('timeout', `could not connect to ${host} (${code})`, { phase, reason: code })
      : new RelayError('upstream_reset', `the connection to ${host} timed out (${code})`, { phase, reason: code });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA' || code === 'EAI_FAIL') {
    return new RelayError('dns', `the host ${host} could not be resolved (${code})`, { reason: code });
  }
  if (code === 'ECONNREFUSED') return new RelayError('refused', `${host} refused the connection`, { reason: code });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' || code === 'ENETDOWN') {
    return new RelayError('refused', `${host} is unreachable (${code})`, { reason: code });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new RelayError('upstream_reset', `${host} closed the connection (${code})`, { reason: code });
  }
  // Node 20 reports a TLS handshake with something that is not TLS (a plain-HTTP port) as
  // EPROTO (OpenSSL's "wrong version number" only in the message), or ERR_SSL_*.
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return new RelayError('tls', `TLS with ${host} failed: ${err.reason ?? err.message} (${code})`, { reason: code });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new RelayError('upstream_reset', `${host} sent response headers larger than the relay reads (${code})`, { reason: code });
  }
  if (code.startsWith('HPE_')) {
    return new RelayError('upstream_reset', `${host} sent a malformed HTTP response (${code})`, { reason: code });
  }
  return new RelayError('upstream_reset', `the call to ${host} failed${code ? ` (${code.slice(0, 60)})` : ''}`, { reason: 'unknown' });
}
