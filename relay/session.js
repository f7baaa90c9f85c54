// Authentication: a bearer token for API callers, a signed self-contained session cookie
// for browsers. No session table: any replica that shares SESSION_SECRET accepts the
// cookie, so replicas sit behind any load balancer (design.md, "Scale").
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE_NAME = 'pg_session';

function sign(secret, payload) {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  /**
   * @param {{ token: string, secret: string, previousSecret?: string, ttlSeconds: number, secure?: boolean, log?: Function }} o
   */
  constructor({ token, secret, previousSecret = '', ttlSeconds, secure = false, log = () => {} }) {
    this.token = token;
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      log({ msg: 'SESSION_SECRET is not set: generated one for this process; sessions will not survive a restart and other replicas will not accept them' });
    }
    this.secrets = [secret, previousSecret].filter(Boolean);
    this.ttlSeconds = ttlSeconds;
    this.secure = secure;
  }

  /** True when `presented` is the playground token (constant time). */
  checkToken(presented) {
    return Boolean(this.token) && typeof presented === 'string' && safeEqual(presented, this.token);
  }

  /** A signed cookie value: base64url(payload).signature, expiry inside. */
  issue(subject = 'playground', now = Date.now()) {
    const payload = Buffer.from(JSON.stringify({ sub: subject, exp: Math.floor(now / 1000) + this.ttlSeconds })).toString('base64url');
    return `${payload}.${sign(this.secrets[0], payload)}`;
  }

  /** The subject of a valid, unexpired cookie value, or null. Accepts the previous secret during rotation. */
  verify(value, now = Date.now()) {
    if (typeof value !== 'string') return null;
    const dot = value.indexOf('.');
    if (dot <= 0 || dot !== value.lastIndexOf('.')) return null;
    const payload = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    if (!this.secrets.some((s) => safeEqual(signature, sign(s, payload)))) return null;
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

  /**
   * Who is calling: a bearer token (API callers) or the session cookie (browsers).
   * Returns { subject, via: 'bearer'|'cookie' } or null.
   */
  authenticate(req) {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
      return this.checkToken(auth.slice(7).trim()) ? { subject: 'token', via: 'bearer' } : null;
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
