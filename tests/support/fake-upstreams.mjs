// Local upstream servers that behave like real providers, for the relay's tests.
// One HTTP server answers many scenarios: a provider key's api_base is
// http://127.0.0.1:<port>/<scenario>/v1, so each test picks a behaviour by its base URL.
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.mjs';

const sse = (res, events, { status = 200, gap = 0, end = true } = {}) => {
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i >= events.length) { if (end) res.end(); return; }
    res.write(events[i++]);
    if (gap) setTimeout(next, gap); else next();
  };
  next();
};

export const chunk = (delta, extra = {}) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1732500000, model: 'gpt-4.1-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
export const finalChunk = (reason = 'stop') => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1732500000, model: 'gpt-4.1-mini', choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
export const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1732500000, model: 'gpt-4.1-mini', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}\n\n`;

export function completion(model, content = 'Hello there.') {
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1732500000, model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
  };
}

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/**
 * Scenarios by name. Each gets (req, res, body, ctx) where ctx.key is the key the relay sent.
 * Secrets are echoed back by the hostile ones on purpose: the relay must redact them.
 */
export const scenarios = {
  // OpenAI: JSON or SSE depending on `stream`.
  openai(req, res, body) {
    if (!body.stream) return json(res, 200, completion(body.model, 'Hello there.'));
    sse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' }), chunk({ content: ' there.' }), finalChunk(), usageChunk, 'data: [DONE]\n\n']);
  },
  // Anthropic's OpenAI-compatible endpoint (Bearer key, Claude model names).
  anthropic(req, res, body) {
    if (req.headers.authorization !== 'Bearer sk-ant-api03-TESTSECRETanthropic0000000000-AAAA') {
      return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }
    json(res, 200, completion(body.model, 'Hi from the Claude-compatible endpoint.'));
  },
  // Azure OpenAI: api-key header, deployment in the path, api-version query.
  azure(req, res, body, ctx) {
    if (!ctx.url.searchParams.get('api-version')) return json(res, 404, { error: { code: '404', message: 'Resource not found' } });
    if (req.headers['api-key'] !== ctx.expectedKey) {
      return json(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } });
    }
    json(res, 200, completion(ctx.url.pathname.split('/')[3], 'Hi from Azure.'));
  },
  // A 401 that echoes the key: whole in one field, masked in the message.
  echo401(req, res, body, ctx) {
    const k = ctx.key;
    json(res, 401, { error: { message: `Incorrect API key provided: ${k.slice(0, 8)}${'*'.repeat(28)}${k.slice(-4)}. You sent "${k}".`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  },
  // The key echoed inside a stream, split across two writes.
  echoStream(req, res, body, ctx) {
    const event = chunk({ content: `your key is ${ctx.key} ok` });
    const at = event.indexOf(ctx.key) + Math.floor(ctx.key.length / 2);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(event.slice(0, at));
    setTimeout(() => { res.write(event.slice(at)); res.end('data: [DONE]\n\n'); }, 20);
  },
  html404(req, res) {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
  },
  redirect(req, res) {
    res.writeHead(302, { location: 'https://login.example.com/sso?next=/v1' });
    res.end();
  },
  // One byte every 600 ms: trips an idle limit shorter than that.
  drip(req, res) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const text = chunk({ content: 'slow' });
    res.write(text[0]); // headers and a first byte now, then the drip
    let i = 1;
    const t = setInterval(() => { if (res.destroyed || i >= text.length) { clearInterval(t); return; } res.write(text[i++]); }, 600);
    res.on('close', () => clearInterval(t));
  },
  // Headers, some bytes, then the connection is reset.
  reset(req, res) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ content: 'partial' }));
    setTimeout(() => res.socket.destroy(), 30);
  },
  // Accepts the request and never answers.
  silent() {},
  // Streams slowly forever (until the client goes away): for abort-on-disconnect.
  endless(req, res, body, ctx) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const t = setInterval(() => res.write(chunk({ content: 'x' })), 10);
    res.on('close', () => { clearInterval(t); ctx.server.closedAt.push(Date.now()); });
  },
  // A response larger than the relay's cap.
  huge(req, res) {
    res.writeHead(200, { 'content-type': 'application/json' });
    const block = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 8 * 1024 * 1024) {
        sent += block.length;
        if (!res.write(block)) { res.once('drain', pump); return; }
      }
      res.end();
    };
    pump();
  },
  // Rate limit with Retry-After and rate-limit headers (forwarded) and a cookie (dropped).
  ratelimit(req, res) {
    json(res, 429, { error: { message: 'Rate limit reached for gpt-4.1-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      { 'retry-after': '2', 'x-ratelimit-remaining-requests': '0', 'set-cookie': 'tracking=1' });
  },
  // gzip-encoded body despite accept-encoding: identity.
  gzip(req, res, body, ctx) {
    const zlib = ctx.zlib;
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(zlib.gzipSync(JSON.stringify(completion(body.model, `compressed ${ctx.key}`))));
  },
  // "Did you mean …?": the model name is wrong (404 model_not_found on chat) and GET /models
  // lists what the key can use, one id echoing the key (the relay must redact it). Records the
  // list calls in server.seen.
  modelMissing(req, res, body, ctx) {
    if (req.method === 'GET' && ctx.url.pathname.endsWith('/models')) {
      ctx.server.seen.push({ method: req.method, headers: req.headers, url: req.url });
      return json(res, 200, { object: 'list', data: ['upstream-model-x', 'gpt-4o-2024-08-06', 'text-embedding-3-small', `ft:${ctx.key}`].map((id) => ({ id, object: 'model', owned_by: 'test' })) });
    }
    json(res, 404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
  },
  // The same wrong model name, and a list that cannot be had: GET /models is a 403.
  modelMissingNoList(req, res, body) {
    if (req.method === 'GET') return json(res, 403, { error: { message: 'You are not allowed to list models.', type: 'permission_error' } });
    json(res, 404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
  },
  // Records what the relay sent (headers and body) for assertions.
  inspect(req, res, body, ctx) {
    ctx.server.seen.push({ method: req.method, headers: req.headers, body, url: req.url });
    json(res, 200, completion(body.model));
  },
};

/** Starts the scenario server. `keys` maps scenario → the key the relay should send. */
export async function startFakeUpstream({ tls = false } = {}) {
  const zlib = await import('node:zlib');
  const handler = (req, res) => {
    const url = new URL(req.url, 'http://x');
    const name = url.pathname.split('/')[1];
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let body = {};
      try { body = JSON.parse(raw || '{}'); } catch { /* keep {} */ }
      const auth = String(req.headers.authorization ?? req.headers['api-key'] ?? '');
      const ctx = { url, key: auth.replace(/^Bearer /, ''), server, zlib, expectedKey: server.expectedKeys[name] };
      const fn = scenarios[name];
      if (!fn) return json(res, 404, { detail: 'no such scenario' });
      fn(req, res, body, ctx);
    });
  };
  let server;
  if (tls) {
    const { key, cert } = selfSignedCert();
    server = https.createServer({ key, cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  server.connections = 0;
  server.closedAt = [];
  server.seen = [];
  server.expectedKeys = {};
  server.on('connection', () => { server.connections++; });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.port = server.address().port;
  server.base = (scenario) => `${tls ? 'https' : 'http'}://127.0.0.1:${server.port}/${scenario}/v1`;
  server.stop = () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  return server;
}

function selfSignedCert() {
  const dir = tempDir('cert');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=wrong.example'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
}
