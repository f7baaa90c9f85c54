// Who may ask, before anything is read: the Host header (DNS rebinding), and for a call
// that changes something, the same origin and the playground's header (cross-site calls).
import { RelayError } from './errors.js';
import { PLAYGROUND_HEADER } from '../web/contract.js';

/** The Host check for `allowedHosts`: hostOk(host) → boolean. */
export function hostChecker(allowedHosts) {
  // The Host check is a pure function of the header and the settings, and a relay is
  // reached by a few names: each verdict is kept (a bounded set; it parses a URL).
  const hostVerdicts = new Map(); // Host header -> allowed
  function hostOk(host) {
    let ok = hostVerdicts.get(host);
    if (ok === undefined) {
      ok = hostAllowed(host, allowedHosts);
      if (typeof host !== 'string' || host.length > 300) return ok;
      if (hostVerdicts.size >= 256) hostVerdicts.clear();
      hostVerdicts.set(host, ok);
    }
    return ok;
  }
  return hostOk;
}

/** True when `host` (a Host header) names this relay: an IP literal, localhost, or a configured name. */
export function hostAllowed(host, allowedHosts) {
  if (typeof host !== 'string' || !/^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)) return false;
  let name;
  try {
    name = new URL(`http://${host}/`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (name.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return true; // URL has normalised every IPv4 form
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowedHosts.includes(name) || allowedHosts.includes(name.replace(/\.$/, ''));
}

export function checkSameOrigin(req, user, { body = true } = {}) {
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host = '';
    try { host = new URL(origin).host; } catch { /* refused below */ }
    if (host !== req.headers.host) throw new RelayError('cross_site', 'cross-site requests are refused');
  } else if (origin === 'null') {
    throw new RelayError('cross_site', 'cross-site requests are refused');
  }
  // A cookie rides along on any request a browser makes; the custom header cannot (a
  // cross-site page cannot send it without a CORS preflight, which this relay never approves).
  if (user.via === 'cookie' && req.headers[PLAYGROUND_HEADER] !== '1') {
    throw new RelayError('cross_site', `browser calls must send the ${PLAYGROUND_HEADER}: 1 header`, { reason: 'missing_playground_header' });
  }
  if (!body) return;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new RelayError('unsupported_media_type', 'send the request as Content-Type: application/json');
}
