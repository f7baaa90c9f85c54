// The relay's own failures: one JSON shape that says it came from the relay, so the page
// can tell them from the provider's (design.md, "Contracts").

const STATUS = {
  unauthorized: 401,
  forbidden: 403,
  cross_site: 403,
  not_found: 404,
  unknown_model: 404,
  not_testable: 409,
  invalid_request: 400,
  unsupported_media_type: 415,
  too_large: 413,
  busy: 429,
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

/** Turns a Node network error from the upstream call into the relay's vocabulary. */
export function fromNetworkError(err, host) {
  const code = err?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA' || code === 'EAI_FAIL') {
    return new RelayError('dns', `the host ${host} could not be resolved (${code})`);
  }
  if (code === 'ECONNREFUSED') return new RelayError('refused', `${host} refused the connection`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new RelayError('refused', `${host} is unreachable (${code})`);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new RelayError('upstream_reset', `${host} closed the connection (${code})`);
  }
  if (/CERT|SSL|TLS|ERR_TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|HOSTNAME_MISMATCH|EPROTO/i.test(code) || /certificate|SSL routines|TLS/i.test(err?.message ?? '')) {
    return new RelayError('tls', `TLS with ${host} failed: ${err.reason ?? err.message} (${code || 'tls'})`);
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new RelayError('upstream_reset', `${host} sent response headers larger than the relay reads (${code})`);
  }
  if (code === 'HPE_INVALID_CHUNK_SIZE' || code.startsWith('HPE_')) {
    return new RelayError('upstream_reset', `${host} sent a malformed HTTP response (${code})`);
  }
  return new RelayError('upstream_reset', `the call to ${host} failed: ${err?.message ?? err}`);
}
