// One upstream call: resolve, check every address with the core, connect to the checked
// address (so a second DNS answer cannot change the target), send, and stream the answer
// back through the core's redactor. Every decision comes from the core; this is I/O. The
// address check is upstream-address.js, the pools upstream-agents.js, the headers both ways
// upstream-headers.js.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { randomFillSync } from 'node:crypto';
import { RelayError, fromNetworkError } from './errors.js';
import { HEADROOM_HEADER, NONCE_HEADER } from '../web/contract.js';
import { agentFor } from './upstream-agents.js';
import { resolveChecked } from './upstream-address.js';
import { PROXIED_ANSWER_HEADERS, addKeyHeaders, forwardedHeaders, normalContentType, planHeaders, serverTiming } from './upstream-headers.js';

/** The model's deadline for this call (plan.gateway.deadlines), when it is shorter than none. */
function modelDeadline(plan, stream) {
  const d = plan.gateway?.deadlines?.[stream ? 'stream' : 'request'];
  return Number.isFinite(d?.ms) && d.ms > 0 ? { ms: d.ms, from: String(d.from ?? '') } : null;
}

const inSeconds = (ms) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

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
  // The limits this call reads, in an object of its own (the model's deadline may replace two).
  const { connectMs, firstByteMs, idleMs, totalMs, responseBytes } = settings.limits;
  const limits = { connectMs, firstByteMs, idleMs, totalMs, responseBytes };
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
    const headers = planHeaders(plan, secret);
    headers['content-length'] = payload.length;
    headers.accept = stream ? 'text/event-stream' : 'application/json';
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
    // The current phase (connect → first byte → idle between chunks, or 'client' while the
    // browser does not read), whose limit the call's one timer enforces (below).
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
    // (Three parameters, not a rest parameter: no callback here takes more, and this wraps
    // every event of every call.)
    const guard = (fn) => (a, b, c) => {
      try {
        return fn(a, b, c);
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

    const phaseTimeout = () => {
      if (phase === 'client') {
        // The browser stopped reading: nobody is waiting for this answer. Stop the provider.
        upstreamReq.destroy();
        res.destroy();
        finish({ status: res.statusCode, kind: 'client_stalled' });
        return;
      }
      fail(phaseError());
    };
    const totalError = () => (modelTotal
      ? new RelayError('timeout', `the provider did not finish within ${inSeconds(model.ms)}, the model's \`timeout\` (the gateway gives up on a whole answer after that long)`, { phase: 'total', reason: 'model_timeout', limit: 'model.timeout', limitMs: model.ms })
      : new RelayError('timeout', `the provider did not finish within ${limits.totalMs / 1000} s (total time limit)`, { phase: 'total', reason: 'total_timeout' }));

    // Three deadlines (performance.now() ms), one timer. The current phase's (connect → first
    // byte → idle between chunks, or the browser's reading), the total limit's, and the model's
    // stream budget for the response headers, connect included (when it is the shorter). The
    // timer is armed for the earliest deadline; a deadline that moves later (each chunk moves
    // the idle one; a phase usually ends well before its limit) costs a number, not a timer:
    // the timer fires at the time it was armed for, finds nothing passed and is armed again for
    // the earliest deadline left. Only a deadline that moves earlier re-arms it at once. A call
    // that answers in time sets one timer and clears it, where a timer per phase and limit cost
    // four of each (docs/performance.md, session 14).
    let phaseAt = started + limits.connectMs;
    const totalAt = started + limits.totalMs;
    let headersAt = modelHeaders ? started + model.ms : Infinity;
    let timer = null;
    let timerAt = Infinity;
    const onTimer = guard(() => {
      timer = null;
      timerAt = Infinity;
      if (settled) return;
      const now = performance.now();
      // What has passed, earliest first (on a tie: the phase, the total, the headers' budget).
      const passed = [[phaseAt, phaseTimeout], [totalAt, () => fail(totalError())], [headersAt, () => fail(modelStreamError('first_byte'))]]
        .filter(([at]) => at <= now).sort((a, b) => a[0] - b[0]);
      if (passed.length) passed[0][1]();
      else armFor(Math.min(phaseAt, totalAt, headersAt));
    });
    /** The timer fires no later than `at`. */
    function armFor(at) {
      if (settled || at >= timerAt) return;
      clearTimeout(timer);
      timerAt = at;
      timer = setTimeout(onTimer, Math.max(1, Math.ceil(at - performance.now())));
    }
    const enterPhase = (name, ms) => { phase = name; phaseAt = performance.now() + ms; armFor(phaseAt); };
    function clearTimers() { clearTimeout(timer); timer = null; timerAt = -Infinity; }
    armFor(Math.min(phaseAt, totalAt, headersAt));

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

    upstreamReq.on('error', guard((err) => fail(err instanceof RelayError ? err : fromNetworkError(err, target.host, phase, pinned.category))));
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
      headersAt = Infinity;
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
      const codings = codingsOf(up.headers['content-encoding'], up.headers['transfer-encoding']);
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
      // The provider's headers worth showing, and the key's headroom the core read from them now.
      const forwarded = forwardedHeaders(core.secretsRedactor(secrets), up.headers, Date.now());
      Object.assign(out, forwarded.headers);
      if (forwarded.headroom) out[HEADROOM_HEADER] = forwarded.headroom;
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
        phaseAt = performance.now() + limits.idleMs;
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
      up.on('error', guard((err) => fail(fromNetworkError(err, target.host, phase, pinned.category))));
    }));

    // Only this frame holds the request body (no closure does): it is let go on return,
    // though the stream may run for minutes.
    upstreamReq.end(payload);
    // Made while the provider thinks, not after its first byte arrives, from the secrets list
    // compiled once (kept per list, i.e. per configuration snapshot, by the core's wrapper).
    redactor = core.secretsRedactor(secrets).stream();
  }));
}


const DECODERS = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress };
/** Content-Encoding's codings, then Transfer-Encoding's besides chunked (Node removes that itself), outermost last. */
function codingsOf(contentEncoding, transferEncoding) {
  // Nearly every answer: no Content-Encoding, and a stream's Transfer-Encoding is chunked alone.
  if (contentEncoding === undefined && (transferEncoding === undefined || transferEncoding === 'chunked')) return [];
  return [...listOf(contentEncoding), ...listOf(transferEncoding).filter((c) => c !== 'chunked')];
}
function listOf(header) {
  if (header === undefined) return [];
  return String(header ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
}
