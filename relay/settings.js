// The relay's settings, from the environment (docs/contracts.md, "Settings").
// Every limit has a sane default and is per replica (replicas do not coordinate).

import { checkLayout } from './sources/etcd-layout.js';

const MiB = 1024 * 1024;

function int(env, name, fallback, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function list(env, name) {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Where models and provider keys come from: the resources file, or etcd in the gateway's layout. */
function readEtcd(env) {
  const endpoints = list(env, 'ETCD_ENDPOINTS');
  if (!endpoints.length) return null;
  // Like the gateway's config: a resources file and etcd together is an error, not a guess.
  if (env.RESOURCES) throw new Error('RESOURCES and ETCD_ENDPOINTS are both set: choose the file or etcd');
  for (const e of endpoints) {
    if (!/^https?:\/\/[^/]+$/.test(e)) throw new Error(`ETCD_ENDPOINTS entries must look like http://host:2379 or https://host:2379, got "${e}"`);
  }
  const prefix = env.ETCD_PREFIX || '/aisix';
  const envId = env.ETCD_ENV_ID || '';
  checkLayout(prefix, envId);
  const tls = { caFile: env.ETCD_CA_FILE || '', certFile: env.ETCD_CERT_FILE || '', keyFile: env.ETCD_KEY_FILE || '' };
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new Error('ETCD_CERT_FILE and ETCD_KEY_FILE go together (a client certificate and its key)');
  const username = env.ETCD_USERNAME || '';
  const password = env.ETCD_PASSWORD || '';
  if (Boolean(username) !== Boolean(password)) throw new Error('ETCD_USERNAME and ETCD_PASSWORD go together');
  return { endpoints, prefix, envId, tls, auth: username ? { username, password } : null };
}

// PLAYGROUND_TOKEN is all that stands between the network and the providers' keys. `make run`
// makes a random one at each start; one set in the environment (to keep a login link across
// restarts) must be as hard to guess: at least MIN_TOKEN_LENGTH printable characters without
// spaces, and at least MIN_TOKEN_BITS by a crude measure (length × log2 of the number of
// distinct characters), which refuses "aaaa…" and a word repeated.
export const MIN_TOKEN_LENGTH = 24;
export const MIN_TOKEN_BITS = 72;
const MAKE_ONE = 'make one with: openssl rand -base64 24';

/** Why `token` cannot be PLAYGROUND_TOKEN, or null. The message never quotes the token. */
export function tokenProblem(token) {
  if (!token) return 'PLAYGROUND_TOKEN is not set: the relay needs it to let anyone in';
  if (!/^[\x21-\x7e]+$/.test(token)) return `PLAYGROUND_TOKEN must be printable ASCII characters without spaces (it goes in a link and a header); ${MAKE_ONE}`;
  if (token.length < MIN_TOKEN_LENGTH) return `PLAYGROUND_TOKEN is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH}): ${MAKE_ONE}`;
  const bits = token.length * Math.log2(new Set(token).size);
  if (bits < MIN_TOKEN_BITS) return `PLAYGROUND_TOKEN is too easy to guess (it repeats a few characters; at least ${MIN_TOKEN_BITS} bits are needed): ${MAKE_ONE}`;
  return null;
}

/** The demo provider's port (`make run`): DEMO_PROVIDER_PORT, or 0 for any free port. */
export function demoProviderPort(env = process.env) {
  return int(env, 'DEMO_PROVIDER_PORT', 0, { max: 65535 });
}

/** Reads and checks the settings; throws one Error naming the bad variable. */
export function readSettings(env = process.env) {
  const settings = {
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8080, { max: 65535 }),
    resources: env.RESOURCES || 'examples/resources.yaml',
    etcd: readEtcd(env), // null: the resources file is the source
    // Let `${VAR}` that are unset mark their provider key "not configured" instead of
    // failing the load (the gateway fails it). Only `make run`'s demo sets this.
    allowUnsetKeyVars: env.RESOURCES_ALLOW_UNSET_VARS === '1',
    token: env.PLAYGROUND_TOKEN || '',
    sessionSecret: env.SESSION_SECRET || '',
    sessionSecretPrevious: env.SESSION_SECRET_PREVIOUS || '',
    sessionTtlSeconds: int(env, 'SESSION_TTL_SECONDS', 12 * 3600, { min: 60 }),
    // Behind a TLS-terminating load balancer the cookie must be Secure.
    secureCookies: env.SECURE_COOKIES === '1',
    allowPrivateUpstreams: env.ALLOW_PRIVATE_UPSTREAMS === '1',
    // host or host:port entries that may resolve to private addresses (a local vLLM, the demo).
    // Metadata and link-local addresses need the exact address listed (relay/upstream.js).
    privateUpstreamAllowlist: list(env, 'ALLOWED_PRIVATE_UPSTREAMS').map((e) => e.toLowerCase()),
    // Host names the relay answers to besides IP literals and localhost (DNS rebinding).
    allowedHosts: list(env, 'ALLOWED_HOSTS').map((h) => h.toLowerCase().replace(/:\d+$/, '')),
    limits: {
      requestBytes: int(env, 'MAX_REQUEST_BYTES', 25 * MiB, { min: 1024 }),
      responseBytes: int(env, 'MAX_RESPONSE_BYTES', 32 * MiB, { min: 1024 }),
      connectMs: int(env, 'CONNECT_TIMEOUT_MS', 10_000, { min: 1 }),
      firstByteMs: int(env, 'FIRST_BYTE_TIMEOUT_MS', 120_000, { min: 1 }),
      idleMs: int(env, 'IDLE_TIMEOUT_MS', 60_000, { min: 1 }),
      totalMs: int(env, 'TOTAL_TIMEOUT_MS', 600_000, { min: 1 }),
      concurrentPerUser: int(env, 'MAX_CONCURRENT_PER_USER', 8, { min: 1 }),
      // Per replica, over every user: request bodies being received at once, and their bytes.
      uploadsInFlight: int(env, 'MAX_UPLOADS_IN_FLIGHT', 64, { min: 1 }),
      uploadBytesInFlight: int(env, 'MAX_UPLOAD_BYTES_IN_FLIGHT', 256 * MiB, { min: 1024 }),
      // Client-side connection limits (slowloris and idle sockets), see relay/server.js.
      headersMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, { min: 100 }),
      requestMs: int(env, 'REQUEST_TIMEOUT_MS', 60_000, { min: 100 }),
      keepAliveMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, { min: 100 }),
    },
  };
  if (settings.limits.uploadBytesInFlight < settings.limits.requestBytes) {
    throw new Error(`MAX_UPLOAD_BYTES_IN_FLIGHT (${settings.limits.uploadBytesInFlight}) must be at least MAX_REQUEST_BYTES (${settings.limits.requestBytes}), or no request of the largest size could ever be read`);
  }
  return settings;
}
