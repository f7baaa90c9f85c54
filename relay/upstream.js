// One upstream call: resolve, check every address with the core, connect to the checked
// address (so a second DNS answer cannot change the target), send, and stream the answer
// back through the core's redactor. Every decision comes from the core; this is I/O.
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns/promises';
import net from 'node:net';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { randomFillSync, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { RelayError, fromNetworkError } from './errors.js';
import { NONCE_HEADER, SOURCE_HEADER, UPSTREAM_SOURCE } from '../web/contract.js';

/** @typedef {import('../web/core.js').ChatPlan} ChatPlan */

// Keep-alive pools: a playground user runs many calls against the same provider, and the
// TLS handshake is most of a call's fixed cost. Sockets are keyed by host:port and were
// opened to an address that passed the check. No cap on sockets per host: a cap would
// queue a call behind others' minutes-long streams (and its timers would run while it
// waits); the calls in flight are already bounded by MAX_CONCURRENT_PER_USER per user.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
};

// A key's `tls` block (plan.gateway.tls), as the gateway applies it: its ca_cert trusted
// besides the usual roots, `verify: false` accepting any certificate, for this key's calls
// only. Each distinct setting gets its own keep-alive pool (the gateway keys its per-key
// clients the same way); the address check and the pin apply to these calls as to any.
const TLS_AGENTS_MAX = 64;
const tlsAgents = new Map(); // "<verify>|<pem>" -> https.Agent
export function agentFor(target, keyTls) {
  if (target.protocol !== 'https:' || !keyTls) return agents[target.protocol];
  const pem = typeof keyTls.caCert === 'string' ? keyTls.caCert : '';
  const verify = keyTls.verify !== false;
  if (!pem.trim() && verify) return agents['https:'];
  const name = `${verify ? 1 : 0}|${pem}`;
  let agent = tlsAgents.get(name);
  if (agent) return agent;
  const options = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16, rejectUnauthorized: verify };
  if (pem.trim()) {
    // Every block must be a certificate, and there must be one: otherwise the gateway drops
    // the key's whole TLS override (verify included) and uses its usual client.
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    try {
      if (!blocks.length) throw new Error('no certificate');
      for (const b of blocks) new X509Certificate(b);
    } catch {
      return agents['https:'];
    }
    options.ca = [...tls.rootCertificates, ...blocks];
  }
  agent = new https.Agent(options);
  if (tlsAgents.size >= TLS_AGENTS_MAX) {
    const [oldest, old] = tlsAgents.entries().next().value;
    tlsAgents.delete(oldest);
    old.destroy();
  }
  tlsAgents.set(name, agent);
  return agent;
}

// Headers the relay sets itself and a key's default_headers never replace (the core already
// leaves out the credential, transport and gateway-owned ones; this is the relay's own guard).
const RELAY_OWNED_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade',
  'expect', 'accept-encoding', 'content-encoding', 'proxy-connection', 'authorization', 'proxy-authorization', 'api-key',
  'x-api-key', 'x-goog-api-key', 'cookie', 'x-aisix-request-id',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,8192}$/;

/** The key's default headers (from the core) added to the relay's own, never over them. */
function addKeyHeaders(headers, extra, plan, stream) {
  for (const h of extra ?? []) {
    const name = String(h?.name ?? '').toLowerCase();
    const value = String(h?.value ?? '');
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || RELAY_OWNED_HEADERS.has(name) || name === plan.authHeader) continue;
    // The gateway sets accept only on a stream; without one a key's own accept is sent.
    if (name === 'accept' && stream) continue;
    headers[name] = value;
  }
}

const USER_AGENT = 'model-playground-relay/0.1';
// What the model list's call plan shows in place of the key.
export const KEY_PLACEHOLDER = '***';

/**
 * The headers every call of `plan` sends, whatever its body: `credential` is the key, or
 * KEY_PLACEHOLDER in the call plan the model list shows (publicCall). forwardChat adds the
 * body's own (content-length, accept), the request id and the key's default headers.
 */
export function planHeaders(plan, credential) {
  return {
    'content-type': 'application/json',
    // Redaction needs the plain bytes: ask for no compression (and decode it if sent anyway).
    'accept-encoding': 'identity',
    'user-agent': USER_AGENT,
    [plan.authHeader]: `${plan.authScheme}${credential}`,
  };
}

/**
 * The call plan of a model as the model list shows it (docs/contracts.md, PublicModel.call):
 * the method, URL and headers forwardChat sends for `plan`, the key as KEY_PLACEHOLDER, the
 * headers set per call named, the plan's notes, and `target`, what the core planned from
 * (for core.curlCommand). Never the key: the caller redacts the whole with the key's secrets.
 * @param {ChatPlan} plan  core.planChatCall's result (the relay's own, cached per snapshot)
 * @param {{ provider: string, adapter: string, api_base: string, model_name: string }} target  what it was planned from
 */
export function publicCall(plan, target) {
  if (plan?.ok !== true) return { ok: false, error: String(plan?.error ?? 'the call cannot be planned') };
  return {
    ok: true,
    method: 'POST',
    url: plan.url,
    headers: Object.entries(planHeaders(plan, KEY_PLACEHOLDER)).map(([name, value]) => ({ name, value })),
    perCallHeaders: ['content-length', 'accept', ...(plan.gateway ? ['x-aisix-request-id'] : [])],
    notes: (plan.notes ?? []).map(String),
    // What the key's settings change in how the call goes (deadlines, TLS, answer reading).
    gatewayNotes: (plan.gateway?.shaping ?? []).map((n) => ({ code: String(n?.code ?? ''), text: String(n?.text ?? '') })),
    target,
  };
}

/** The model's deadline for this call (plan.gateway.deadlines), when it is shorter than none. */
function modelDeadline(plan, stream) {
  const d = plan.gateway?.deadlines?.[stream ? 'stream' : 'request'];
  return Number.isFinite(d?.ms) && d.ms > 0 ? { ms: d.ms, from: String(d.from ?? '') } : null;
}

const inSeconds = (ms) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

// Upstream response headers worth showing the user (rate limits, request ids); the rest
// (cookies, server details, anything that could pose as the relay's own) are dropped.
// Values go through redaction, and a header carrying part of a key is dropped whole (a key
// split across two headers survives redaction of each).
const FORWARDED_HEADERS = /^(retry-after|x-ratelimit-[a-z0-9-]+|x-request-id|request-id|apim-request-id|x-ms-region|openai-processing-ms|openai-model|x-generation-id|anthropic-ratelimit-[a-z0-9-]+)$/;

// DNS answers are cached for a short while (getaddrinfo runs on the libuv thread pool and
// costs a round trip per call otherwise); concurrent calls share one lookup. Only the
// lookup is cached: every call still checks every address it may connect to, and connects
// to exactly the checked one. A failed lookup is not cached.
const DNS_TTL_MS = 30_000;
const DNS_CACHE_MAX = 1_000;
const dnsCache = new Map(); // host -> { expires, promise }
function lookupCached(host) {
  const now = Date.now();
  const hit = dnsCache.get(host);
  if (hit && hit.expires > now) return hit.promise;
  if (dnsCache.size >= DNS_CACHE_MAX) dnsCache.delete(dnsCache.keys().next().value);
  const promise = dns.lookup(host, { all: true, verbatim: true });
  dnsCache.set(host, { expires: now + DNS_TTL_MS, promise });
  promise.catch(() => { if (dnsCache.get(host)?.promise === promise) dnsCache.delete(host); });
  return promise;
}

// The core's verdict on an address is a pure function of the address: memoised per core.
const verdictCache = new WeakMap(); // core -> Map(address -> verdict)
function classify(core, address) {
  let byAddress = verdictCache.get(core);
  if (!byAddress) { byAddress = new Map(); verdictCache.set(core, byAddress); }
  let verdict = byAddress.get(address);
  if (!verdict) {
    verdict = core.classifyAddress(address);
    if (byAddress.size >= 4_096) byAddress.clear();
    byAddress.set(address, verdict);
  }
  return verdict;
}

// The per-call nonce: 16 bytes from the CSPRNG, drawn from a pooled buffer (as
// crypto.randomUUID pools its entropy) instead of one randomBytes call per call, which cost
// about as much as the rest of the call's setup. Each byte is handed out once.
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceAt = noncePool.length;
function nextNonce() {
  if (nonceAt === noncePool.length) { randomFillSync(noncePool); nonceAt = 0; }
  const nonce = noncePool.toString('base64url', nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return nonce;
}

/** Resolves a host and checks every address; returns the address to pin. */
export async function resolveChecked(core, hostname, port, settings, timings) {
  const t0 = performance.now();
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses;
  if (net.isIP(bare)) {
    addresses = [{ address: bare, family: net.isIP(bare) }];
  } else {
    try {
      // settings.lookup: another resolver (tests give host names fixed answers).
      addresses = await (settings.lookup ?? lookupCached)(bare);
    } catch (err) {
      throw fromNetworkError(err, hostname);
    } finally {
      timings.dns = performance.now() - t0;
    }
  }
  if (!addresses.length) throw new RelayError('dns', `the host ${hostname} resolved to no address`, { reason: 'no_address' });
  const allowlist = settings.privateUpstreamAllowlist;
  const allowlisted = settings.allowPrivateUpstreams || allowlist.includes(bare) || allowlist.includes(`${bare}:${port}`);
  for (const { address } of addresses) {
    const verdict = classify(core, address);
    if (verdict.allowedByDefault) continue;
    // Metadata services and link-local hand out the machine's cloud credentials: no blanket
    // setting and no allowlisted host name reaches them, only that exact address listed.
    const exactlyListed = allowlist.includes(verdict.normalized) || allowlist.includes(`${verdict.normalized}:${port}`) ||
      allowlist.includes(address) || allowlist.includes(`${address}:${port}`) || allowlist.includes(`[${verdict.normalized}]:${port}`);
    const guarded = verdict.category === 'metadata' || verdict.category === 'link_local';
    if (guarded ? !exactlyListed : !allowlisted) {
      throw new RelayError('blocked_address',
        `${hostname} resolves to ${address}, a ${verdict.category.replace('_', '-')} address${verdict.detail ? ` (${verdict.detail})` : ''}; ` +
        (guarded
          ? `the relay never calls ${verdict.category === 'metadata' ? 'a cloud metadata service' : 'a link-local address'} unless an operator lists that exact address in ALLOWED_PRIVATE_UPSTREAMS.`
          : 'the relay only calls public addresses. An operator can allow private upstreams (a local vLLM or Ollama) with ' +
            `ALLOWED_PRIVATE_UPSTREAMS=${bare}:${port} or ALLOW_PRIVATE_UPSTREAMS=1.`),
        { category: verdict.category, reason: verdict.category });
    }
  }
  return addresses[0];
}

// A plan's URL, parsed once (plans are cached per configuration snapshot).
const parsedUrls = new WeakMap();
function targetOf(plan) {
  let target = parsedUrls.get(plan);
  if (!target) { target = new URL(plan.url); parsedUrls.set(plan, target); }
  return target;
}

/**
 * `payload` is the serialised chat body (a Buffer); it is released once sent. `secret` is the
 * called key's; `secrets` every secret this answer is redacted against (the called one
 * included: see Snapshot.secretsFor).
 */
export function forwardChat({ core, settings, plan, secret, secrets = [secret], payload: body, stream, res, timings, clientGone, extraHeaders = [], requestId = '' }) {
  const target = targetOf(plan);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  // The model's deadline replaces the relay's limit where it is shorter (the relay's own limits
  // still bound everything): a whole answer's total time, or a stream's wait for the headers
  // and for each chunk, as the gateway bounds them.
  const model = modelDeadline(plan, stream);
  const limits = { ...settings.limits };
  const modelTotal = !stream && model && model.ms < limits.totalMs;
  if (modelTotal) limits.totalMs = model.ms;
  const modelIdle = stream && model && model.ms < limits.idleMs;
  if (modelIdle) limits.idleMs = model.ms;
  const modelHeaders = stream && model && model.ms < limits.connectMs + limits.firstByteMs;
  const modelField = model?.from === 'model.stream_timeout' ? '`stream_timeout`' : '`timeout`';

  return resolveChecked(core, target.hostname, port, settings, timings).then((pinned) => new Promise((resolve, reject) => {
    const started = performance.now();
    const payload = body;
    body = null;
    const headers = {
      ...planHeaders(plan, secret),
      'content-length': payload.length,
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    // As the gateway: its request id, then the key's default headers (rendered by the core).
    if (requestId) headers['x-aisix-request-id'] = requestId;
    addKeyHeaders(headers, extraHeaders, plan, stream);
    const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    const options = {
      method: 'POST',
      host: hostname,
      port,
      path: `${target.pathname}${target.search}`,
      headers,
      agent: agentFor(target, plan.gateway?.tls),
      // The pin: whatever the resolver says now, connect to the address that was checked.
      lookup: (_host, opts, cb) => (opts && opts.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family)),
      servername: net.isIP(hostname) ? undefined : hostname,
    };

    let settled = false;
    let headersSent = false;
    let bytesIn = 0;
    let bytesOut = 0;
    let redactor = null;
    // The relay's own mid-stream event carries this; the page trusts a relay_error event
    // only with the nonce of its response's header, which the upstream never sees.
    const nonce = nextNonce();
    // Two timers per call, however long it streams: the total limit, and one for the
    // current phase (connect → first byte → idle between chunks), re-armed in place.
    let phase = 'connect';
    const phaseError = () => {
      if (phase === 'connect') return new RelayError('timeout', `could not connect to ${target.host} within ${limits.connectMs / 1000} s`, { phase, reason: 'connect_timeout' });
      if (phase === 'first_byte') return new RelayError('timeout', `${target.host} accepted the connection but sent no response within ${limits.firstByteMs / 1000} s`, { phase, reason: 'first_byte_timeout' });
      if (modelIdle) return modelStreamError(phase);
      return new RelayError('timeout', `the provider sent nothing for ${limits.idleMs / 1000} s (idle limit between chunks)`, { phase, reason: 'idle_timeout' });
    };
    // The model's stream budget, which the gateway applies to the response headers and to
    // every chunk: the error names the model's setting, not the relay's limit.
    const modelStreamError = (where) => new RelayError('timeout',
      `${where === 'idle' ? 'the provider sent nothing' : `${target.host} sent no response`} for ${inSeconds(model.ms)}, the model's ${modelField} (the gateway gives up on a stream after that long without headers or a chunk)`,
      { phase: where, reason: 'model_stream_timeout', limit: `model.${modelField.slice(1, -1)}`, limitMs: model.ms });

    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimers();
      redactor?.free();
      resolve({ bytesIn, bytesOut, ...result });
    };

    // A failure before any byte went to the browser becomes a JSON relay error; after
    // that, an SSE stream gets a final relay_error event and a JSON body is cut short.
    const fail = (error) => {
      if (settled) return;
      upstreamReq.destroy();
      if (!headersSent) {
        settled = true;
        clearTimers();
        redactor?.free();
        reject(error);
        return;
      }
      if (isEventStream && !res.writableEnded && !res.destroyed) {
        const tail = redactor ? redactor.finish() : new Uint8Array();
        if (tail.length) res.write(tail);
        const event = error.toJSON();
        event.error.nonce = nonce;
        res.write(`\n\nevent: relay_error\ndata: ${JSON.stringify(event)}\n\n`);
        res.end();
      } else {
        res.destroy();
      }
      finish({ status: res.statusCode, kind: error.kind });
    };

    // Every callback of this call runs through here: an exception in one call's handling
    // (a bug, a core that trapped) ends that call with a relay error, never the process
    // and with it every other user's stream.
    const guard = (fn) => (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed while handling this answer', { reason: 'internal' });
        try {
          fail(error);
        } catch {
          // fail() itself could not write: drop both ends and settle.
          upstreamReq.destroy();
          res.destroy();
          if (!settled) { settled = true; clearTimers(); reject(error); }
        }
        return undefined;
      }
    };

    const onPhaseTimeout = guard(() => {
      if (phase === 'client') {
        // The browser stopped reading: nobody is waiting for this answer. Stop the provider.
        upstreamReq.destroy();
        res.destroy();
        finish({ status: res.statusCode, kind: 'client_stalled' });
        return;
      }
      fail(phaseError());
    });
    let phaseTimer = setTimeout(onPhaseTimeout, limits.connectMs);
    const enterPhase = (name, ms) => { phase = name; clearTimeout(phaseTimer); phaseTimer = setTimeout(onPhaseTimeout, ms); };
    const totalError = () => (modelTotal
      ? new RelayError('timeout', `the provider did not finish within ${inSeconds(model.ms)}, the model's \`timeout\` (the gateway gives up on a whole answer after that long)`, { phase: 'total', reason: 'model_timeout', limit: 'model.timeout', limitMs: model.ms })
      : new RelayError('timeout', `the provider did not finish within ${limits.totalMs / 1000} s (total time limit)`, { phase: 'total', reason: 'total_timeout' }));
    const totalTimer = setTimeout(guard(() => fail(totalError())), limits.totalMs);
    // A stream's budget also bounds the wait for the response headers, connect included.
    const headersTimer = modelHeaders ? setTimeout(guard(() => fail(modelStreamError('first_byte'))), model.ms) : null;
    function clearTimers() { clearTimeout(phaseTimer); clearTimeout(totalTimer); clearTimeout(headersTimer); }

    let isEventStream = false;
    const upstreamReq = (target.protocol === 'https:' ? https : http).request(options);

    upstreamReq.on('socket', guard((socket) => {
      const markConnected = () => { if (!settled) enterPhase('first_byte', limits.firstByteMs); };
      if (!socket.connecting) { // a kept-alive socket: already connected
        timings.connect = 0;
        markConnected();
        return;
      }
      socket.once('connect', guard(() => {
        timings.connect = performance.now() - started;
        if (target.protocol === 'http:') markConnected();
      }));
      socket.once('secureConnect', guard(() => {
        timings.tls = performance.now() - started - (timings.connect ?? 0);
        markConnected();
      }));
    }));

    upstreamReq.on('error', guard((err) => fail(err instanceof RelayError ? err : fromNetworkError(err, target.host, phase))));
    // A 101 to a request that asked for no upgrade: the connection is no longer HTTP.
    upstreamReq.on('upgrade', guard((up, socket) => {
      socket.destroy();
      fail(new RelayError('upstream_reset', `${target.host} answered 101 Switching Protocols to a chat call; the relay reads only HTTP answers`, { reason: 'invalid_status', status: 101 }));
    }));
    clientGone.then(guard(() => {
      // The browser went away: stop the provider now (it stops generating and billing).
      if (!settled) { upstreamReq.destroy(); finish({ status: 499, kind: 'client_closed' }); }
    }));

    upstreamReq.on('response', guard((up) => {
      if (settled) { up.resume(); return; }
      clearTimeout(headersTimer);
      timings.ttfb = performance.now() - started;
      const status = up.statusCode;
      // Only a final status a browser can be sent goes on: Node refuses to write any other
      // (an exception), and 000 or 099 would mean nothing to the page anyway.
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        up.resume();
        fail(new RelayError('upstream_reset', `${target.host} answered with HTTP status ${String(status).slice(0, 8)}, which is not a valid final status`, { reason: 'invalid_status', status: Number.isInteger(status) ? status : 0 }));
        return;
      }
      if (status >= 300 && status < 400) {
        const location = core.redact(String(up.headers.location ?? ''), secrets);
        let where = 'another location';
        try { where = new URL(location, plan.url).host || where; } catch { /* keep the generic word */ }
        up.resume();
        fail(new RelayError('redirect', `the provider answered ${status} redirecting to ${where}; the relay does not follow redirects (a redirect usually means the base URL is wrong, e.g. http instead of https or a login page)`,
          { status, location: location.slice(0, 300), reason: 'redirect' }));
        return;
      }
      // A declared length past the cap fails now, before a byte is read or sent on.
      const declared = Number(up.headers['content-length']);
      if (declared > limits.responseBytes) {
        fail(new RelayError('too_large', `the provider announced a ${declared}-byte response, more than the relay's response size limit (${limits.responseBytes} bytes)`, { reason: 'response_too_large' }, 502));
        return;
      }
      // Every coding the provider applied, outermost last: Content-Encoding, then any
      // transfer coding besides chunked (Node removes chunked itself). Redaction needs the
      // plain bytes, so each is decoded, or the call is refused.
      const codings = [...codingsOf(up.headers['content-encoding']), ...codingsOf(up.headers['transfer-encoding']).filter((c) => c !== 'chunked')];
      const unknown = codings.find((c) => !DECODERS[c]);
      if (unknown !== undefined || codings.length > 2) {
        up.resume();
        fail(new RelayError('upstream_reset', `the provider sent a body coding the relay cannot decode (${(unknown ?? codings.join(', ')).slice(0, 40)})`, { reason: 'unsupported_encoding' }));
        return;
      }
      const contentType = normalContentType(core, up.headers['content-type'], secrets);
      isEventStream = contentType.startsWith('text/event-stream');
      const out = {
        'content-type': contentType,
        'cache-control': 'no-store',
        'server-timing': serverTiming(timings),
        ...PROXIED_ANSWER_HEADERS,
        [NONCE_HEADER]: nonce,
      };
      Object.assign(out, forwardedHeaders(core, up.headers, secrets));
      res.writeHead(status, out);
      headersSent = true;

      let source = up;
      for (const coding of codings.reverse()) {
        const decoded = source.pipe(DECODERS[coding]());
        decoded.on('error', guard(() => fail(new RelayError('upstream_reset', `the provider's ${coding} body could not be decoded`, { reason: 'bad_encoding' }))));
        source = decoded;
      }
      enterPhase('idle', limits.idleMs);

      // What one read of the provider's answer brings goes out in one write to the browser,
      // the end of the answer included when the provider's last bytes and its end arrive
      // together (res.end() flushes, before this microtask runs): a system call less per
      // call. Nothing waits longer than the callbacks of that read.
      let corked = false;
      const uncork = () => { corked = false; res.uncork(); };

      source.on('data', guard((chunk) => {
        if (settled) return;
        phaseTimer.refresh();
        bytesIn += chunk.length;
        if (bytesIn > limits.responseBytes) {
          fail(new RelayError('too_large', `the provider's response passed ${limits.responseBytes} bytes (the relay's response size limit)`, { reason: 'response_too_large' }));
          return;
        }
        const safe = redactor.push(chunk);
        if (safe.length) {
          bytesOut += safe.length;
          if (!corked) { corked = true; res.cork(); queueMicrotask(uncork); }
          // Back-pressure: a browser that reads slowly slows the provider down instead of
          // filling the relay's memory. While it does not read, the idle limit applies to it.
          if (!res.write(safe)) {
            source.pause();
            enterPhase('client', settings.limits.idleMs);
            res.once('drain', guard(() => { if (settled) return; enterPhase('idle', limits.idleMs); source.resume(); }));
          }
        }
      }));
      source.on('end', guard(() => {
        if (settled) return;
        const tail = redactor.finish();
        bytesOut += tail.length;
        res.end(tail.length ? tail : undefined);
        finish({ status });
      }));
      up.on('close', guard(() => {
        if (!up.complete) fail(new RelayError('upstream_reset', `${target.host} closed the connection in the middle of the response`, { reason: 'closed_mid_response' }));
      }));
      up.on('error', guard((err) => fail(fromNetworkError(err, target.host, phase))));
    }));

    // Only this frame holds the request body (no closure does): it is let go on return,
    // though the stream may run for minutes.
    upstreamReq.end(payload);
    // Made while the provider thinks, not after its first byte arrives.
    redactor = core.streamRedactor(secrets);
  }));
}

const DECODERS = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress };
function codingsOf(header) {
  return String(header ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
}

// A forwarded answer is the provider's bytes under the relay's origin: never run, framed or
// sniffed as anything but what its type says.
const PROXIED_ANSWER_HEADERS = {
  [SOURCE_HEADER]: UPSTREAM_SOURCE,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
};

/**
 * The provider's Content-Type as the page may see it: a lower-case type/subtype of token
 * characters, and a charset only if it is a short token; nothing else of the header (its
 * parameters are the provider's free text). A value that carries part of a key is dropped.
 */
function normalContentType(core, header, secrets) {
  const value = String(header ?? '');
  // A pure function of the value and the secrets, and a provider sends the same few values:
  // the verdict is kept per secrets list (one per configuration snapshot), for short values.
  if (value.length > 256) return contentTypeOf(core, value, secrets);
  let byValue = contentTypes.get(secrets);
  if (!byValue) { byValue = new Map(); contentTypes.set(secrets, byValue); }
  let normal = byValue.get(value);
  if (normal === undefined) {
    normal = contentTypeOf(core, value, secrets);
    if (byValue.size >= 64) byValue.clear();
    byValue.set(value, normal);
  }
  return normal;
}
const contentTypes = new WeakMap(); // secrets (array) -> Map(header value -> content type)

function contentTypeOf(core, value, secrets) {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type)) return 'application/octet-stream';
  const charset = /;\s*charset="?([A-Za-z0-9_-]{1,24})"?\s*(?:;|$)/.exec(value)?.[1]?.toLowerCase();
  const normal = charset ? `${type}; charset=${charset}` : type;
  if (core.redact(normal, secrets) !== normal || core.containsSecretFragment(normal, secrets)) return 'application/octet-stream';
  return normal === 'text/event-stream; charset=utf-8' ? 'text/event-stream' : normal;
}

/**
 * The upstream headers worth showing, redacted. One core call for all of them (a provider
 * sends up to a dozen rate-limit and request-id headers): values cannot hold a line break
 * (the HTTP parser refuses one), so they travel joined by newlines and are split back. A
 * header that still carries a fragment of a key after redaction is left out.
 */
function forwardedHeaders(core, headers, secrets) {
  const names = [];
  const values = [];
  for (const [name, value] of Object.entries(headers)) {
    if (FORWARDED_HEADERS.test(name)) { names.push(name); values.push(String(value)); }
  }
  const out = {};
  if (!names.length) return out;
  let clean = core.redact(values.join('\n'), secrets).split('\n');
  if (clean.length !== names.length) clean = values.map((v) => core.redact(v, secrets)); // never expected; stay correct
  names.forEach((name, i) => {
    if (!core.containsSecretFragment(clean[i], secrets)) out[name] = clean[i];
  });
  return out;
}

/** Timings travel back in Server-Timing (milliseconds). */
export function serverTiming(timings) {
  let out = '';
  for (const k in timings) {
    const v = timings[k];
    if (typeof v === 'number' && Number.isFinite(v)) out += `${out ? ', ' : ''}${k};dur=${v.toFixed(2)}`;
  }
  return out;
}
