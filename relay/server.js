// The relay's HTTP front: the server and its client timeouts, and the routes in the order
// that matters — the Host check, then authentication before anything else under /api/, then
// each route (routes-*.js), static files last (static-files.js).
import http from 'node:http';
import { RelayError } from './errors.js';
import { RequestChecker } from './request-checker.js';
import { UploadBudget } from './request-body.js';
import { sendError, sendJson } from './responses.js';
import { checkSameOrigin, hostChecker } from './client-checks.js';
import { serveStatic } from './static-files.js';
import { callPlans } from './call-plans.js';
import { accountRoutes } from './routes-account.js';
import { modelRoutes } from './routes-models.js';
import { chatRoute } from './routes-chat.js';
import { previewRoute } from './routes-preview.js';

/**
 * @param {{ core, source, sessions, settings, log: Function }} deps
 */
export function createRelay({ core, source, sessions, settings, log }) {
  const active = new Map(); // subject -> calls in flight (per replica)
  const uploads = new UploadBudget({ maxUploads: settings.limits.uploadsInFlight, maxBytes: settings.limits.uploadBytesInFlight });
  // Large requests are read and checked on a worker thread (request-checker.js).
  const checker = new RequestChecker({ core, inlineBytes: settings.limits.inlineCheckBytes, log });

  // Hostile clients (per connection, per replica). Node checks the two request timers every
  // connectionsCheckingInterval, so a timer fires up to that much late.
  //  - headersTimeout: the whole header block must arrive within 10 s (slowloris sends it a
  //    byte at a time); the socket is closed with 408.
  //  - requestTimeout: the whole *request* (headers + body, up to MAX_REQUEST_BYTES of
  //    images) within 60 s. It does not cover the response, so a chat stream may run for
  //    minutes (its own connect/first-byte/idle/total limits apply to the upstream call).
  //  - keepAliveTimeout: an idle kept-alive connection closes after 5 s.
  //  - maxHeaderSize: 16 KiB of request headers (cookie + auth fit many times over); more is 431.
  const timeouts = {
    headersMs: settings.limits.headersMs ?? 10_000,
    requestMs: settings.limits.requestMs ?? 60_000,
    keepAliveMs: settings.limits.keepAliveMs ?? 5_000,
  };
  const server = http.createServer({
    maxHeaderSize: 16 * 1024,
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
  }, (req, res) => {
    route(req, res).catch((err) => {
      if (!(err instanceof RelayError)) logInternal(err);
      sendError(req, res, err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly'));
    });
  });

  /** One short line for an unexpected failure: its class and code, no stack, no secret. */
  function logInternal(err) {
    const what = `${err?.name ?? 'Error'}${err?.code ? ` ${String(err.code).slice(0, 40)}` : ''}: ${String(err?.message ?? err).slice(0, 200)}`;
    log({ msg: 'internal error', error: core.redact(what, source.snapshot()?.secrets ?? []) });
  }
  server.on('close', () => { checker.close(); });
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;

  const hostOk = hostChecker(settings.allowedHosts);
  const plans = callPlans({ core });
  const { login, logout } = accountRoutes({ sessions });
  const { configStatus, listModels, upstreamModels } = modelRoutes({ core, source, settings, log, active, plans });
  const chat = chatRoute({ core, source, settings, log, logInternal, active, uploads, checker, plans });
  const preview = previewRoute({ source, settings, log, logInternal, uploads, checker, plans });

  async function route(req, res) {
    // DNS rebinding: a page on an attacker's name that resolves to this relay is refused
    // before anything is read or served. IP literals and localhost always pass (probes and
    // direct access use them, and a rebinding attack needs a name of its own).
    if (!hostOk(req.headers.host)) throw new RelayError('misdirected', 'this relay does not serve that host name');
    // Nearly every target is a plain path (the API routes), which the URL parser would return
    // as it is: it is taken as it is. Anything else (a query, a dot, an escape, '//') is parsed.
    let url = null;
    let path = req.url;
    if (!PLAIN_PATH.test(path)) {
      try {
        url = new URL(req.url ?? '/', 'http://relay.invalid');
      } catch {
        throw new RelayError('invalid_request', 'the request target is not a valid path', { reason: 'bad_path' });
      }
      path = url.pathname;
    }

    if (path === '/healthz' && req.method === 'GET') {
      // Unauthenticated: a state and a count, nothing a stranger could read a secret or
      // the configuration from. The details are on /api/playground/status.
      const status = source.status();
      return sendJson(res, status.state === 'ok' ? 200 : 503, { status: status.state, problems: problemCount(status) });
    }

    if (path === '/logout' && req.method === 'POST') return logout(req, res);

    if (path.startsWith('/api/')) {
      // Authentication comes before anything else: an unknown model and a model the
      // caller may not use look the same to an unauthenticated caller.
      const user = sessions.authenticate(req);
      if (!user) throw new RelayError('unauthorized', 'sign in first: open the playground with its login link, or send Authorization: Bearer <PLAYGROUND_TOKEN>');
      if (path === '/api/playground/models' && req.method === 'GET') return listModels(res);
      if (path === '/api/playground/status' && req.method === 'GET') return configStatus(res);
      const listed = /^\/api\/playground\/models\/([^/]+)\/upstream-models$/.exec(path);
      if (listed && req.method === 'GET') {
        checkSameOrigin(req, user, { body: false });
        return upstreamModels(res, user, listed[1]);
      }
      if (path === '/api/playground/chat' && req.method === 'POST') {
        checkSameOrigin(req, user);
        return chat(req, res, user);
      }
      if (path === '/api/playground/preview' && req.method === 'POST') {
        checkSameOrigin(req, user);
        return preview(req, res, user);
      }
      throw new RelayError('not_found', 'no such API route');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RelayError('not_found', 'no such route');
    if (path === '/' && url?.searchParams.has('token')) return login(req, res, url.searchParams.get('token'));
    return serveStatic(res, path, req.method === 'HEAD');
  }

  return server;
}

// A path the URL parser returns unchanged: '/' then letters, digits, '_', '-' and '/', not '//'.
const PLAIN_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9_\-/]*)?$/;

function problemCount(status) {
  return (status.lastReloadError?.errors?.length ?? 0) + (status.skippedRows ?? 0) + (status.lastError ? 1 : 0);
}
