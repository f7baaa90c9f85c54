// A small OpenAI-compatible provider on 127.0.0.1 for the headroom and package tests: it
// answers a chat call with a short streamed (or whole) answer and, by model name, the
// rate-limit headers a provider sends —
//   headroom-*      OpenAI's x-ratelimit-* (10,000 requests, 9,998 left, resets in 6s; tokens 1m30s)
//   anthropic-*     Anthropic's anthropic-ratelimit-* with RFC 3339 resets 6 s ahead, and retry-after
//   bad-headroom-*  malformed ones (a reset without a unit, a count with a comma)
//   plain-*         none
// A call without the expected key gets OpenAI's 401.
import http from 'node:http';

export function rateLimitHeaders(model, now = Date.now()) {
  if (model.startsWith('headroom')) {
    return {
      'x-ratelimit-limit-requests': '10000', 'x-ratelimit-remaining-requests': '9998', 'x-ratelimit-reset-requests': '6s',
      'x-ratelimit-limit-tokens': '200000', 'x-ratelimit-remaining-tokens': '199000', 'x-ratelimit-reset-tokens': '1m30s',
    };
  }
  if (model.startsWith('anthropic')) {
    const at = new Date(Math.ceil((now + 6000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return {
      'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49', 'anthropic-ratelimit-requests-reset': at,
      'retry-after': '20',
    };
  }
  if (model.startsWith('bad-headroom')) {
    return { 'x-ratelimit-remaining-requests': '9,998', 'x-ratelimit-reset-requests': '6', 'x-ratelimit-limit-tokens': '1000' };
  }
  return {};
}

export async function startFakeProvider({ key }) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = {};
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* an empty body */ }
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      const model = String(body.model ?? '');
      const headers = rateLimitHeaders(model);
      const text = 'Hello from the fake provider.';
      const base = { id: 'chatcmpl-fake', created: 1_700_000_000, model };
      const usage = { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
      res.write(chunk([{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }]));
      res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
      if (body.stream_options?.include_usage) res.write(chunk([], { usage }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port, base: `http://127.0.0.1:${port}/v1`,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
