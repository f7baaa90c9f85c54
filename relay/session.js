// Authentication: a bearer token for API callers, a signed self-contained session cookie
// for browsers. No session table: any replica that shares SESSION_SECRET and
// PLAYGROUND_TOKEN accepts the cookie, so replicas sit behind any load balancer
// (docs/scale-out.md).
//
// A cookie is bound to the token that let its holder in: the signing key is derived from
// the session secret *and* the token, so rotating PLAYGROUND_TOKEN (with the same
// SESSION_SECRET, which scale-out needs) ends every session made with the old one.
import * as crypto from 'node:crypto';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// SHA-256 of a string in one call (crypto.hash, Node 20.12+: no Hash object per request), or
// through a Hash object on an older Node 20. The same digest either way.
const sha256 = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'buffer')
  : (text) => createHash('sha256').update(text).digest();

export const COOKIE_NAME = 'pg_session';

function sign(key, payload) {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** The cookie-signing key for one session secret and one playground token. */
function sessionKey(secret, token) {
  return createHmac('sha256', secret).update('model-playground session v2\0').update(createHash('sha256').update(token).digest()).digest();
}

// Both sides are hashed first, so the comparison takes the same time whatever the length
// of what was presented (timingSafeEqual needs equal lengths, and an early length check
// would tell an attacker the token's length).
function safeEqual(a, b) {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class Sessions {
  /**
   * @param {{ token: string, secret: string, previousSecret?: string, ttlSeconds: number, secure?: boolean, log?: Function }} o
   */
  constructor({ token, secret, previousSecret = '', ttlSeconds, secure = false, log = () => {} }) {
    this.token = token;
    // The token's side of checkToken's comparison, hashed once rather than on every request.
    this.tokenDigest = createHash('sha256').update(token ?? '').digest();
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      log({ msg: 'SESSION_SECRET is not set: generated one for this process; sessions will not survive a restart and other replicas will not accept them' });
    }
    this.keys = [secret, previousSecret].filter(Boolean).map((s) => sessionKey(s, token));
    this.ttlSeconds = ttlSeconds;
    this.secure = secure;
  }

  /** True when `presented` is the playground token (constant time). */
  checkToken(presented) {
    return Boolean(this.token) && typeof presented === 'string' && timingSafeEqual(sha256(presented), this.tokenDigest);
  }

  /**
   * A signed cookie value: base64url(payload).signature, expiry inside. Each login is a
   * subject of its own (per-user limits count per login), unless one is given.
   */
  issue(subject = `session:${randomBytes(12).toString('base64url')}`, now = Date.now()) {
    const payload = Buffer.from(JSON.stringify({ sub: subject, exp: Math.floor(now / 1000) + this.ttlSeconds })).toString('base64url');
    return `${payload}.${sign(this.keys[0], payload)}`;
  }

  /** The subject of a valid, unexpired cookie value, or null. Accepts the previous secret during rotation. */
  verify(value, now = Date.now()) {
    if (typeof value !== 'string' || value.length > 1024) return null;
    const dot = value.indexOf('.');
    if (dot <= 0 || dot !== value.lastIndexOf('.')) return null;
    const payload = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    if (!this.keys.some((k) => safeEqual(signature, sign(k, payload)))) return null;
    let claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof claims?.exp !== 'number' || claims.exp * 1000 <= now || typeof claims.sub !== 'string') return null;
    return claims.sub;
  }

  setCookieHeader(value) {
    const attrs = [`${COOKIE_NAME}=${value}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${this.ttlSeconds}`];
    if (this.secure) attrs.push('Secure');
    return attrs.join('; ');
  }

  /** Tells the browser to forget its cookie (POST /logout). */
  clearCookieHeader() {
    const attrs = [`${COOKIE_NAME}=`, 'HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=0'];
    if (this.secure) attrs.push('Secure');
    return attrs.join('; ');
  }

  /**
   * Who is calling: a bearer token (API callers, one subject: the token's holder) or the
   * session cookie (browsers, a subject per login). Returns { subject, via } or null.
   */
  authenticate(req) {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
      return this.checkToken(auth.slice(7).trim()) ? { subject: 'bearer', via: 'bearer' } : null;
    }
    const cookie = readCookie(req.headers.cookie, COOKIE_NAME);
    const subject = cookie ? this.verify(cookie) : null;
    return subject ? { subject, via: 'cookie' } : null;
  }
}

export function readCookie(header, name) {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
