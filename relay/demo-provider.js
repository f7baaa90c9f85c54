// A local OpenAI-compatible provider for the offline demo (`make run`). It is labeled as a
// demo everywhere it shows, answers deterministically, streams or not, and checks its key
// like a real provider would, so the playground's checklist has something true to say.
import http from 'node:http';

const REPLY = 'This answer comes from the local demo provider, not a real model. The playground reached it through the relay, the key was accepted, the model name exists, and this is a valid chat completion.';

export function createDemoProvider({ apiKey, models = ['demo-chat', 'demo-reasoner'] }) {
  return http.createServer((req, res) => {
    const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.method !== 'POST' || !req.url.endsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><head><title>404 Not Found</title></head><body>demo provider: try /v1/chat/completions</body></html>');
      return;
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      return send(401, { error: { message: `Incorrect API key provided: ${sent.slice(0, 3)}****${sent.slice(-4)}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let body;
      try { body = JSON.parse(raw); } catch { return send(400, { error: { message: 'invalid JSON', type: 'invalid_request_error', param: null, code: null } }); }
      if (!models.includes(body.model)) {
        return send(404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      }
      const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
      const asked = typeof last?.content === 'string' ? last.content : (last?.content ?? []).filter((p) => p.type === 'text').map((p) => p.text).join(' ');
      const limit = body.max_tokens ?? body.max_completion_tokens ?? 1000;
      const words = `${REPLY} You asked: "${asked.slice(0, 200)}"`.split(' ');
      const reasoning = body.model === 'demo-reasoner' ? 'The user wants a demo answer; I will give one.'.split(' ') : [];
      const out = words.slice(0, Math.max(0, limit - reasoning.length));
      const finish = out.length < words.length ? 'length' : 'stop';
      const usage = { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: out.length + reasoning.length, total_tokens: Math.ceil(raw.length / 4) + out.length + reasoning.length };
      const base = { id: `demo-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: body.model };
      if (!body.stream) {
        const message = { role: 'assistant', content: out.join(' ') };
        if (reasoning.length) message.reasoning_content = reasoning.join(' ');
        return send(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunks = [{ role: 'assistant', content: '' }, ...reasoning.map((w, i) => ({ reasoning_content: (i ? ' ' : '') + w })), ...out.map((w, i) => ({ content: (i ? ' ' : '') + w }))];
      let i = 0;
      const tick = setInterval(() => {
        if (res.destroyed) { clearInterval(tick); return; }
        if (i < chunks.length) {
          res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: chunks[i], finish_reason: null }] })}\n\n`);
          i++;
          return;
        }
        clearInterval(tick);
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`);
        if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
      }, 15);
    });
  });
}
