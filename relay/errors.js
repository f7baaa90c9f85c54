// The relay's own failures: one JSON shape that says it came from the relay, so the page
// can tell them from the provider's (docs: README "The relay").
//
// The body alone cannot prove where an answer came from: an upstream can send
// {"error":{"source":"relay",…}} too. So every answer the relay writes itself carries the
// header RELAY_SOURCE_HEADER: relay, and every forwarded one carries it with "upstream";
// upstream headers pass only through an allowlist, so a provider can never set it.

export const RELAY_SOURCE_HEADER = 'x-playground-source';

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
  /** `status` overrides the kind's usual one (a response past the size cap is 502, not 413). */
  constructor(kind, message, extra = {}, status = undefined) {
    super(message);
    this.kind = kind;
    this.status = status ?? STATUS[kind] ?? 500;
    this.extra = extra;
  }
  toJSON() {
    return { error: { source: 'relay', kind: this.kind, message: this.message, ...this.extra } };
  }
}

/**
 * Turns a Node network error from the upstream call into the relay's vocabulary, from its
 * `code` and the phase the call was in (never from its message, which Node and OpenSSL word
 * as they like). `reason` carries the code on to the page.
 */
export function fromNetworkError(err, host, phase = '') {
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
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new RelayError('refused', `${host} is unreachable (${code})`, { reason: code });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new RelayError('upstream_reset', `${host} closed the connection (${code})`, { reason: code });
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return new RelayError('tls', `TLS with ${host} failed: ${err.reason ?? err.message} (${code})`, { reason: code });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new RelayError('upstream_reset', `${host} sent response headers larger than the relay reads (${code})`, { reason: code });
  }
  if (code.startsWith('HPE_')) {
    return new RelayError('upstream_reset', `${host} sent a malformed HTTP response (${code})`, { reason: code });
  }
  return new RelayError('upstream_reset', `the call to ${host} failed${code ? ` (${code})` : ''}`, { reason: code || 'unknown' });
}

// OpenSSL's certificate verification codes as Node reports them in err.code.
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE',
]);
