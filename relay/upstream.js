// One upstream call: resolve, check every address with the core, connect to the checked
// address (so a second DNS answer cannot change the target), send, and stream the answer
// back through the core's redactor. Every decision comes from the core; this is I/O.
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns/promises';
import net from 'node:net';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { RelayError, fromNetworkError } from './errors.js';

// Keep-alive pools: a playground user runs many calls against the same provider, and the
// TLS handshake is most of a call's fixed cost. Sockets are keyed by host:port and were
// opened to an address that passed the check. No cap on sockets per host: a cap would
// queue a call behind others' minutes-long streams (and its timers would run while it
// waits); the calls in flight are already bounded by MAX_CONCURRENT_PER_USER per user.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
};

// Upstream response headers worth showing the user (rate limits, request ids); the rest
// (cookies, server details) are dropped. Values go through redaction too.
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

/** Resolves a host and checks every address; returns the address to pin. */
export async function resolveChecked(core, hostname, port, settings, timings) {
  const t0 = performance.now();
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses;
  if (net.isIP(bare)) {
    addresses = [{ address: bare, family: net.isIP(bare) }];
  } else {
    try {
      addresses = await lookupCached(bare);
    } catch (err) {
      throw fromNetworkError(err, hostname);
    } finally {
      timings.dns = performance.now() - t0;
    }
  }
  if (!addresses.length) throw new RelayError('dns', `the host ${hostname} resolved to no address`);
  const allowlisted = settings.allowPrivateUpstreams ||
    settings.privateUpstreamAllowlist.includes(bare) || settings.privateUpstreamAllowlist.includes(`${bare}:${port}`);
  for (const { address } of addresses) {
    const verdict = classify(core, address);
    if (!verdict.allowedByDefault && !allowlisted) {
      throw new RelayError('blocked_address',
        `${hostname} resolves to ${address}, a ${verdict.category.replace('_', '-')} address${verdict.detail ? ` (${verdict.detail})` : ''}; ` +
        'the relay only calls public addresses. An operator can allow private upstreams (a local vLLM or Ollama) with ' +
        `ALLOWED_PRIVATE_UPSTREAMS=${bare}:${port} or ALLOW_PRIVATE_UPSTREAMS=1.`,
        { category: verdict.category });
    }
  }
  return addresses[0];
}

/**
 * Calls the upstream and streams its answer to `res`.
 * @returns {Promise<{status:number, bytesIn:number, bytesOut:number, kind?:string}>}
 */
// A plan's URL, parsed once (plans are cached per configuration snapshot).
const parsedUrls = new WeakMap();
function targetOf(plan) {
  let target = parsedUrls.get(plan);
  if (!target) { target = new URL(plan.url); parsedUrls.set(plan, target); }
  return target;
}

/** `payload` is the serialised chat body (a Buffer); it is released once sent. */
export function forwardChat({ core, settings, plan, secret, payload: body, stream, res, timings, clientGone }) {
  const target = targetOf(plan);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const limits = settings.limits;

  return resolveChecked(core, target.hostname, port, settings, timings).then((pinned) => new Promise((resolve, reject) => {
    const started = performance.now();
    let payload = body;
    body = null;
    const headers = {
      'content-type': 'application/json',
      'content-length': payload.length,
      accept: stream ? 'text/event-stream' : 'application/json',
      // Redaction needs the plain bytes: ask for no compression (and decode it if sent anyway).
      'accept-encoding': 'identity',
      'user-agent': 'model-playground-relay/0.1',
      [plan.authHeader]: `${plan.authScheme}${secret}`,
    };
    const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    const options = {
      method: 'POST',
      host: hostname,
      port,
      path: `${target.pathname}${target.search}`,
      headers,
      agent: agents[target.protocol],
      // The pin: whatever the resolver says now, connect to the address that was checked.
      lookup: (_host, opts, cb) => (opts && opts.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family)),
      servername: net.isIP(hostname) ? undefined : hostname,
    };

    let settled = false;
    let headersSent = false;
    let bytesIn = 0;
    let bytesOut = 0;
    let redactor = null;
    // Two timers per call, however long it streams: the total limit, and one for the
    // current phase (connect → first byte → idle between chunks), re-armed in place.
    let phase = 'connect';
    const phaseError = () => {
      if (phase === 'connect') return new RelayError('timeout', `could not connect to ${target.host} within ${limits.connectMs / 1000} s`, { phase });
      if (phase === 'first_byte') return new RelayError('timeout', `${target.host} accepted the connection but sent no response within ${limits.firstByteMs / 1000} s`, { phase });
      return new RelayError('timeout', `the provider sent nothing for ${limits.idleMs / 1000} s (idle limit between chunks)`, { phase });
    };
    const onPhaseTimeout = () => {
      if (phase === 'client') {
        // The browser stopped reading: nobody is waiting for this answer. Stop the provider.
        upstreamReq.destroy();
        res.destroy();
        finish({ status: res.statusCode, kind: 'client_stalled' });
        return;
      }
      fail(phaseError());
    };
    let phaseTimer = setTimeout(onPhaseTimeout, limits.connectMs);
    const enterPhase = (name, ms) => { phase = name; clearTimeout(phaseTimer); phaseTimer = setTimeout(onPhaseTimeout, ms); };
    const totalTimer = setTimeout(() => fail(new RelayError('timeout', `the provider did not finish within ${limits.totalMs / 1000} s (total time limit)`, { phase: 'total' })), limits.totalMs);
    const clearTimers = () => { clearTimeout(phaseTimer); clearTimeout(totalTimer); };

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
      if (isEventStream && !res.writableEnded) {
        const tail = redactor ? redactor.finish() : new Uint8Array();
        if (tail.length) res.write(tail);
        res.write(`\n\nevent: relay_error\ndata: ${JSON.stringify(error.toJSON())}\n\n`);
        res.end();
      } else {
        res.destroy();
      }
      finish({ status: res.statusCode, kind: error.kind });
    };

    let isEventStream = false;
    const upstreamReq = (target.protocol === 'https:' ? https : http).request(options);

    upstreamReq.on('socket', (socket) => {
      const markConnected = () => { if (!settled) enterPhase('first_byte', limits.firstByteMs); };
      if (!socket.connecting) { // a kept-alive socket: already connected
        timings.connect = 0;
        markConnected();
        return;
      }
      socket.once('connect', () => {
        timings.connect = performance.now() - started;
        if (target.protocol === 'http:') markConnected();
      });
      socket.once('secureConnect', () => {
        timings.tls = performance.now() - started - (timings.connect ?? 0);
        markConnected();
      });
    });

    upstreamReq.on('error', (err) => fail(err instanceof RelayError ? err : fromNetworkError(err, target.host)));
    clientGone.then(() => {
      // The browser went away: stop the provider now (it stops generating and billing).
      if (!settled) { upstreamReq.destroy(); finish({ status: 499, kind: 'client_closed' }); }
    });

    upstreamReq.on('response', (up) => {
      if (settled) { up.resume(); return; }
      timings.ttfb = performance.now() - started;
      const status = up.statusCode ?? 502;
      if (status >= 300 && status < 400) {
        const location = core.redact(String(up.headers.location ?? ''), [secret]);
        let where = 'another location';
        try { where = new URL(location, plan.url).host || where; } catch { /* keep the generic word */ }
        up.resume();
        fail(new RelayError('redirect', `the provider answered ${status} redirecting to ${where}; the relay does not follow redirects (a redirect usually means the base URL is wrong, e.g. http instead of https or a login page)`,
          { status, location: location.slice(0, 300) }));
        return;
      }
      // A declared length past the cap fails now, before a byte is read or sent on.
      const declared = Number(up.headers['content-length']);
      if (declared > limits.responseBytes) {
        fail(new RelayError('too_large', `the provider announced a ${declared}-byte response, more than the relay's response size limit (${limits.responseBytes} bytes)`, {}, 502));
        return;
      }
      const contentType = String(up.headers['content-type'] ?? '');
      isEventStream = contentType.toLowerCase().startsWith('text/event-stream');
      const out = {
        'content-type': contentType || 'application/octet-stream',
        'cache-control': 'no-store',
        'server-timing': serverTiming(timings),
      };
      Object.assign(out, forwardedHeaders(core, up.headers, secret));
      res.writeHead(status, out);
      headersSent = true;

      let source = up;
      const encoding = String(up.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity') {
        const decoders = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress };
        if (!decoders[encoding]) { fail(new RelayError('upstream_reset', `the provider sent an unsupported content-encoding "${encoding}"`)); return; }
        source = up.pipe(decoders[encoding]());
        source.on('error', (err) => fail(new RelayError('upstream_reset', `the provider's ${encoding} body could not be decoded: ${err.message}`)));
      }
      enterPhase('idle', limits.idleMs);

      source.on('data', (chunk) => {
        if (settled) return;
        phaseTimer.refresh();
        bytesIn += chunk.length;
        if (bytesIn > limits.responseBytes) {
          fail(new RelayError('too_large', `the provider's response passed ${limits.responseBytes} bytes (the relay's response size limit)`));
          return;
        }
        const safe = redactor.push(chunk);
        if (safe.length) {
          bytesOut += safe.length;
          // Back-pressure: a browser that reads slowly slows the provider down instead of
          // filling the relay's memory. While it does not read, the idle limit applies to it.
          if (!res.write(safe)) {
            source.pause();
            enterPhase('client', limits.idleMs);
            res.once('drain', () => { if (settled) return; enterPhase('idle', limits.idleMs); source.resume(); });
          }
        }
      });
      source.on('end', () => {
        if (settled) return;
        const tail = redactor.finish();
        if (tail.length) { bytesOut += tail.length; res.write(tail); }
        res.end();
        finish({ status });
      });
      up.on('close', () => {
        if (!up.complete) fail(new RelayError('upstream_reset', `${target.host} closed the connection in the middle of the response`));
      });
      up.on('error', (err) => fail(fromNetworkError(err, target.host)));
    });

    upstreamReq.end(payload);
    payload = null; // the stream may run for minutes; the request body is not needed again
    // Made while the provider thinks, not after its first byte arrives.
    redactor = core.streamRedactor([secret]);
  }));
}

/**
 * The upstream headers worth showing, redacted. One core call for all of them (a provider
 * sends up to a dozen rate-limit and request-id headers): values cannot hold a line break
 * (the HTTP parser refuses one), so they travel joined by newlines and are split back.
 */
function forwardedHeaders(core, headers, secret) {
  const names = [];
  const values = [];
  for (const [name, value] of Object.entries(headers)) {
    if (FORWARDED_HEADERS.test(name)) { names.push(name); values.push(String(value)); }
  }
  const out = {};
  if (!names.length) return out;
  let clean = core.redact(values.join('\n'), [secret]).split('\n');
  if (clean.length !== names.length) clean = values.map((v) => core.redact(v, [secret])); // never expected; stay correct
  names.forEach((name, i) => { out[name] = clean[i]; });
  return out;
}

/** design.md: timings travel back in Server-Timing (milliseconds). */
export function serverTiming(timings) {
  return Object.entries(timings)
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .map(([k, v]) => `${k};dur=${v.toFixed(2)}`)
    .join(', ');
}
